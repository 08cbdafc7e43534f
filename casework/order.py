"""The vocabulary of a work order (工单): its states and the codes its fields take."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Lifecycle states (product.md, "Lifecycle")."""

    RECEIVED = "received"  # 已受理
    DISPATCHED = "dispatched"  # 待签收
    RETURN_REQUESTED = "return_requested"  # 退单待审
    IN_PROGRESS = "in_progress"  # 办理中
    IN_REVIEW = "in_review"  # 审核中
    REPLIED = "replied"  # 已答复/待回访
    CLOSED = "closed"  # 已办结
    INVALID = "invalid"  # 无效
    MERGED = "merged"  # 已合并


TERMINAL_STATES = frozenset({State.CLOSED, State.INVALID, State.MERGED})
OPEN_STATES = frozenset(State) - TERMINAL_STATES


class Channel(StrEnum):
    PHONE = "phone"
    MAILBOX = "mailbox"
    WEBSITE = "website"
    WEIBO = "weibo"
    WECHAT = "wechat"
    APP = "app"


class RequestKind(StrEnum):
    CONSULTATION = "consultation"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议


class Importance(StrEnum):
    ORDINARY = "ordinary"
    MAJOR = "major"  # 重件


class ResultCode(StrEnum):
    RESOLVED = "resolved"
    PARTLY_RESOLVED = "partly_resolved"
    EXPLAINED = "explained"
    NOT_FEASIBLE = "not_feasible"


class CallbackOutcome(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"
    UNREACHABLE = "unreachable"


class ReturnReason(StrEnum):
    """Reason codes a department gives when asking to hand an order back (退单)."""

    NOT_OUR_DUTY = "not_our_duty"
    WRONG_AREA = "wrong_area"
    DUPLICATE = "duplicate"
    INSUFFICIENT_INFO = "insufficient_info"
    OTHER = "other"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class PhotoTag(StrEnum):
    BEFORE = "before"
    AFTER = "after"
    OTHER = "other"
