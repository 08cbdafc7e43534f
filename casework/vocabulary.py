"""The names people read for the domain's codes, in Chinese and in English: the one vocabulary.

Every enum of ``casework`` that a person reads (an order's state, its channel, kind, urgency,
importance and complexity, a reply's result, a callback's outcome, a return's reason, an extension's
status, a photo's tag, a role, a review level and decision, a command, the desk's work lists) is named here once.
The official documents (the desk's ledger and reply sheet, the server's ledger and bulletin), the
demo data and the desktop UI (``ui.labels``, which picks Chinese or English by the UI language) all
read these tables; no other module writes these words. The states' Chinese follows the product's
lifecycle table (README).

Pure Python: no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import NamedTuple

from casework.cohandling import CoStatus
from casework.knowledge import EntryStatus
from casework.lifecycle import Command
from casework.notifications import DeadlineKind, NotificationKind
from casework.order import (
    CallbackOutcome,
    Channel,
    ExtensionStatus,
    Importance,
    PhotoTag,
    RequestKind,
    ResultCode,
    ReturnReason,
    State,
)
from casework.review import ReviewDecision, ReviewLevel
from casework.roles import Role
from casework.sla import Complexity, Urgency
from casework.worklists import WorkList

__all__ = ["NAMES", "RATE_NAMES", "Name", "en", "name", "rate_name", "zh", "zh_names"]


class Name(NamedTuple):
    """A code's name in Simplified Chinese (the official language) and in English."""

    zh: str
    en: str


_STATES: dict[str, Name] = {
    State.RECEIVED: Name("已受理", "Received"),
    State.DISPATCHED: Name("待签收", "To sign"),
    State.RETURN_REQUESTED: Name("退单待审", "Return pending"),
    State.IN_PROGRESS: Name("办理中", "In progress"),
    State.IN_REVIEW: Name("审核中", "In review"),
    State.REPLIED: Name("已答复/待回访", "Replied"),
    State.CLOSED: Name("已办结", "Closed"),
    State.INVALID: Name("无效", "Invalid"),
    State.MERGED: Name("已合并", "Merged"),
}
_CHANNELS: dict[str, Name] = {
    Channel.PHONE: Name("12345热线电话", "12345 hotline"),
    Channel.MAILBOX: Name("书记市长信箱", "Secretary & Mayor mailbox"),
    Channel.WEBSITE: Name("政府网站", "Government website"),
    Channel.WEIBO: Name("微博", "Weibo"),
    Channel.WECHAT: Name("微信", "WeChat"),
    Channel.APP: Name("移动客户端", "Mobile app"),
}
_KINDS: dict[str, Name] = {
    RequestKind.CONSULTATION: Name("咨询", "Consultation"),
    RequestKind.HELP: Name("求助", "Request for help"),
    RequestKind.COMPLAINT: Name("投诉", "Complaint"),
    RequestKind.REPORT: Name("举报", "Report"),
    RequestKind.SUGGESTION: Name("建议", "Suggestion"),
}
_URGENCIES: dict[str, Name] = {
    Urgency.NORMAL: Name("一般", "Normal"),
    Urgency.URGENT: Name("紧急", "Urgent"),
    Urgency.VERY_URGENT: Name("特急", "Very urgent"),
}
_IMPORTANCES: dict[str, Name] = {
    Importance.ORDINARY: Name("一般件", "Ordinary"),
    Importance.MAJOR: Name("重件", "Major"),
}
_COMPLEXITIES: dict[str, Name] = {
    Complexity.SIMPLE: Name("简单", "Simple"),
    Complexity.COMPLEX: Name("复杂", "Complex"),
}
_RESULTS: dict[str, Name] = {
    ResultCode.RESOLVED: Name("已解决", "Resolved"),
    ResultCode.PARTLY_RESOLVED: Name("部分解决", "Partly resolved"),
    ResultCode.EXPLAINED: Name("已解释说明", "Explained"),
    ResultCode.NOT_FEASIBLE: Name("暂不具备条件", "Not feasible yet"),
}
_OUTCOMES: dict[str, Name] = {
    CallbackOutcome.SATISFIED: Name("满意", "Satisfied"),
    CallbackOutcome.BASICALLY_SATISFIED: Name("基本满意", "Basically satisfied"),
    CallbackOutcome.UNSATISFIED: Name("不满意", "Unsatisfied"),
    # Not "未接通": a callback may be a text message or a visit, not only a call.
    CallbackOutcome.UNREACHABLE: Name("未联系上", "Not reached"),
}
_RETURN_REASONS: dict[str, Name] = {
    ReturnReason.NOT_OUR_DUTY: Name("不属于本单位职责", "Not this department's responsibility"),
    ReturnReason.WRONG_AREA: Name("不属于本辖区", "Not in our jurisdiction"),
    ReturnReason.DUPLICATE: Name("重复工单", "Duplicate order"),
    ReturnReason.INSUFFICIENT_INFO: Name("诉求信息不全，无法办理", "Request incomplete, cannot be handled"),
    ReturnReason.OTHER: Name("其他", "Other"),
}
_EXTENSIONS: dict[str, Name] = {
    ExtensionStatus.PENDING: Name("待审批", "Pending"),
    ExtensionStatus.APPROVED: Name("已批准", "Approved"),
    ExtensionStatus.DENIED: Name("未批准", "Denied"),
}
_PHOTO_TAGS: dict[str, Name] = {
    PhotoTag.BEFORE: Name("整改前", "Before"),
    PhotoTag.AFTER: Name("整改后", "After"),
    PhotoTag.OTHER: Name("其他", "Other"),
}
_ROLES: dict[str, Name] = {
    Role.HANDLER: Name("经办人", "Handler"),
    Role.SECTION_CHIEF: Name("科长", "Section chief"),
    Role.DEPARTMENT_HEAD: Name("单位负责人", "Department head"),
    Role.LEADER_IN_CHARGE: Name("分管领导", "Leader in charge"),
    Role.TOP_LEADER: Name("主要领导", "Top leader"),
    Role.CENTRE_AGENT: Name("热线坐席", "Hotline agent"),
    Role.CENTRE_SUPERVISOR: Name("值班长", "Centre supervisor"),
    Role.ADMIN: Name("管理员", "Administrator"),
}
_REVIEW_LEVELS: dict[str, Name] = {
    ReviewLevel.SECTION_CHIEF: Name("科室负责人审核", "Section chief"),
    ReviewLevel.DEPARTMENT_HEAD: Name("单位主要负责人审核", "Dept. head"),
    ReviewLevel.LEADER_IN_CHARGE: Name("市分管领导审核", "City leader"),
    ReviewLevel.TOP_LEADER: Name("市主要领导审核", "Top leader"),
}
_REVIEW_DECISIONS: dict[str, Name] = {
    ReviewDecision.APPROVED: Name("通过", "Approved"),
    ReviewDecision.RETURNED: Name("退回", "Returned"),
}
_COMMANDS: dict[str, Name] = {
    Command.SIGN: Name("签收", "Sign for"),
    Command.ASSIGN_HANDLER: Name("分派经办人", "Assign handler"),
    Command.REQUEST_RETURN: Name("申请退单", "Return to centre"),
    Command.RECORD_ONSITE_CHECK: Name("现场核查", "On-site check"),
    Command.ADD_NOTE: Name("内部备注", "Internal note"),
    Command.SAVE_DRAFT: Name("保存草稿", "Save draft"),
    Command.SUBMIT_REPLY: Name("提交答复", "Submit reply"),
    Command.APPROVE: Name("审核通过", "Approve"),
    Command.RETURN_FOR_REWORK: Name("退回修改", "Return for rework"),
    Command.REQUEST_EXTENSION: Name("申请延期", "Request extension"),
    Command.DISPATCH: Name("派单", "Dispatch"),
    Command.RULE_RETURN: Name("审核退单", "Rule on return"),
    Command.RULE_EXTENSION: Name("审批延期", "Rule on extension"),
    Command.RECORD_CALLBACK: Name("回访", "Callback"),
    Command.CLOSE: Name("办结", "Close"),
    Command.REOPEN: Name("重办", "Re-handle"),
    Command.SUPERVISE: Name("督办", "Supervise"),
    Command.REMIND: Name("催办", "Remind"),
    Command.CLOSE_AT_ONCE: Name("直接办结", "Close at once"),
    Command.INVALIDATE: Name("作废", "Invalidate"),
    Command.MERGE: Name("合并", "Merge"),
    Command.MARK_AUDITED: Name("审核无误", "Audited"),
    Command.CO_SIGN: Name("协办签收", "Sign for co-handling"),
    Command.SUBMIT_CO_OPINION: Name("提交协办意见", "Give co-handling opinion"),
    Command.WAIVE_CO_HANDLING: Name("免除协办", "Waive co-handling"),
    Command.ADD_CO_DEPARTMENT: Name("增加协办单位", "Add co-handling department"),
    Command.SUPERVISION_FEEDBACK: Name("督办反馈", "Supervision feedback"),
}
#: The sync's intake mutation (``casework.sync.INTAKE``): named beside the commands, not a lifecycle command.
INTAKE_NAME = Name("受理", "Intake")

_CO_STATUSES: dict[str, Name] = {
    CoStatus.PENDING: Name("待协办签收", "Not signed yet"),
    CoStatus.SIGNED: Name("协办中", "Co-handling"),
    CoStatus.ANSWERED: Name("已反馈意见", "Opinion given"),
    CoStatus.WAIVED: Name("已免除", "Waived"),
}
_ENTRY_STATUSES: dict[str, Name] = {
    EntryStatus.DRAFT: Name("草稿", "Draft"),
    EntryStatus.PUBLISHED: Name("已发布", "Published"),
    EntryStatus.EXPIRED: Name("已失效", "Expired"),
}
#: Three lists are named after the state their orders are in, with the state's words.
_WORK_LISTS: dict[str, Name] = {
    WorkList.TO_SIGN: _STATES[State.DISPATCHED],
    WorkList.MINE: _STATES[State.IN_PROGRESS],
    WorkList.RETURNED: Name("退回待办", "Returned to me"),
    WorkList.TO_REVIEW: Name("待我审核", "Awaiting my review"),
    WorkList.SUBMITTED: Name("已提交", "Submitted"),
    WorkList.DUE_SOON: Name("即将到期", "Due soon"),
    WorkList.OVERDUE: Name("已超期", "Overdue"),
    WorkList.CLOSED: _STATES[State.CLOSED],
    WorkList.TO_DISPATCH: Name("待派单", "To dispatch"),
    WorkList.TO_RULE: Name("待裁定", "Rulings"),
    WorkList.TO_CALL_BACK: Name("待回访", "To call back"),
    WorkList.CO_HANDLING: Name("协办", "Co-handling"),
    WorkList.ALL: Name("全部工单", "All orders"),
    WorkList.WARNINGS: Name("预警", "Warnings"),
    WorkList.SUPERVISED: Name("督办", "Supervised"),
}

_NOTIFICATION_KINDS: dict[str, Name] = {
    NotificationKind.DEADLINE_WARNING: Name("临期预警", "Deadline warning"),
    NotificationKind.OVERDUE: Name("超期预警", "Overdue"),
    NotificationKind.SUPERVISE: Name("督办", "Supervision"),
    NotificationKind.REMIND: Name("催办", "Reminder"),
    NotificationKind.SUPERVISION_FEEDBACK: Name("督办反馈", "Supervision feedback"),
}
_DEADLINE_KINDS: dict[str, Name] = {
    DeadlineKind.SIGN: Name("签收时限", "Sign-by"),
    DeadlineKind.ONSITE: Name("现场核查时限", "On-site by"),
    DeadlineKind.REPLY: Name("答复时限", "Reply by"),
    DeadlineKind.EXTENSION: Name("延期后答复时限", "Extended reply by"),
    DeadlineKind.CO_SIGN: Name("协办签收时限", "Co-handling sign-by"),
    DeadlineKind.CO_ANSWER: Name("协办意见时限", "Co-handling opinion by"),
}

#: The measures' names, by their field in ``casework.measures.Rates`` (the formulas are there): the
#: bulletin, the ledger, the desk's 统计 and 分管单位 say these, so one label is one recipe everywhere.
RATE_NAMES: Mapping[str, Name] = {
    "on_time_signing_rate": Name("及时签收率", "Signed on time"),
    "on_time_closure_rate": Name("按时办结率", "Closed on time"),
    "satisfaction_rate": Name("回访满意率", "Satisfaction"),
    "resolution_rate": Name("解决率", "Resolution rate"),
    "return_rate": Name("退单率", "Return rate"),
    "rehandling_rate": Name("重办率", "Re-handling rate"),
}

#: Each named enum's table, member → name. Tables are per enum: ``Role.SECTION_CHIEF`` and
#: ``ReviewLevel.SECTION_CHIEF`` are equal strings, so one shared dict would mix them up.
NAMES: Mapping[type[StrEnum], Mapping[str, Name]] = {
    State: _STATES,
    Channel: _CHANNELS,
    RequestKind: _KINDS,
    Urgency: _URGENCIES,
    Importance: _IMPORTANCES,
    Complexity: _COMPLEXITIES,
    ResultCode: _RESULTS,
    CallbackOutcome: _OUTCOMES,
    ReturnReason: _RETURN_REASONS,
    ExtensionStatus: _EXTENSIONS,
    PhotoTag: _PHOTO_TAGS,
    Role: _ROLES,
    ReviewLevel: _REVIEW_LEVELS,
    ReviewDecision: _REVIEW_DECISIONS,
    Command: _COMMANDS,
    WorkList: _WORK_LISTS,
    CoStatus: _CO_STATUSES,
    EntryStatus: _ENTRY_STATUSES,
    NotificationKind: _NOTIFICATION_KINDS,
    DeadlineKind: _DEADLINE_KINDS,
}


def name(enum: type[StrEnum], code: str | None, english: bool = False) -> str:
    """The name of ``code`` (a member or its value) of ``enum``; an unknown code as it is, None as ""."""
    found = NAMES[enum].get(code or "")
    if found is None:
        return code or ""
    return found.en if english else found.zh


def zh(enum: type[StrEnum], code: str | None) -> str:
    """The Chinese name of ``code`` of ``enum`` (the official documents' word)."""
    return name(enum, code)


def en(enum: type[StrEnum], code: str | None) -> str:
    """The English name of ``code`` of ``enum``."""
    return name(enum, code, english=True)


def rate_name(rate: str, english: bool = False) -> str:
    """The name of the measure ``rate`` (a field of ``casework.measures.Rates``)."""
    found = RATE_NAMES[rate]
    return found.en if english else found.zh


def zh_names(enum: type[StrEnum]) -> dict[str, str]:
    """``{value: Chinese name}`` for every member of ``enum`` (plain strings, for data and tables)."""
    return {member.value: entry.zh for member, entry in _members(enum)}


def _members(enum: type[StrEnum]) -> list[tuple[StrEnum, Name]]:
    table = NAMES[enum]
    return [(member, table[member]) for member in enum]
