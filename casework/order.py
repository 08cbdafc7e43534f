"""The codes of a work order (工单): its states and the values its fields take (named in ``casework.vocabulary``)."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Lifecycle states (README, "How the domain works"); their names are in :mod:`casework.vocabulary`."""

    RECEIVED = "received"
    DISPATCHED = "dispatched"
    RETURN_REQUESTED = "return_requested"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    REPLIED = "replied"
    CLOSED = "closed"
    INVALID = "invalid"
    MERGED = "merged"


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
    CONSULTATION = "consultation"
    HELP = "help"
    COMPLAINT = "complaint"
    REPORT = "report"
    SUGGESTION = "suggestion"


class Importance(StrEnum):
    ORDINARY = "ordinary"
    MAJOR = "major"


class ResultCode(StrEnum):
    RESOLVED = "resolved"
    PARTLY_RESOLVED = "partly_resolved"
    EXPLAINED = "explained"
    NOT_FEASIBLE = "not_feasible"


class CallbackOutcome(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"
    UNREACHABLE = "unreachable"  # not reached: every other outcome is the verdict of a citizen reached


#: Outcomes after which the order may close (回访满意率 counts both as satisfied).
SATISFIED_OUTCOMES = frozenset({CallbackOutcome.SATISFIED, CallbackOutcome.BASICALLY_SATISFIED})

#: Callbacks that never reached the citizen allow closing after this many attempts in a row.
UNREACHABLE_ATTEMPTS_TO_CLOSE = 3


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
