"""Names the user reads for the domain's codes, and the deadline countdown — in the UI's language.

The domain's codes (states, results, roles …) are named in ``casework.vocabulary``, Chinese and
English side by side; the ``*_label`` functions here pick the UI's language (:func:`english`) from it,
so those words are not in ``resources/i18n/casedesk_en.ts``. The rest (the countdown, the desk's own
sync states, callback methods) are Qt translations: Simplified Chinese source strings, English in the
.ts. Looked up when called, so a language switch applies to the next build of a view.
"""

from __future__ import annotations

import copy
import html
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from casework import vocabulary
from casework.cohandling import CoStatus
from casework.deadlines import SHANGHAI as CITY_ZONE
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
from casework.sla import Complexity
from casework.sla import Urgency as UrgencyCode
from casework.sync import INTAKE
from casework.times import parse_time
from casework.worklists import WorkList


def _named(enum: type[StrEnum], code: str | None) -> str:
    """``code``'s name from the one vocabulary, in the UI's language (an unknown code as it is)."""
    return vocabulary.name(enum, code, english=english())


def state_label(state: str) -> str:
    return _named(State, state)


def urgency_label(urgency: str) -> str:
    return _named(UrgencyCode, urgency)


def command_label(command: str) -> str:
    if command == INTAKE:  # an order taken in on the desk (the sync's intake mutation)
        return vocabulary.INTAKE_NAME.en if english() else vocabulary.INTAKE_NAME.zh
    return _named(Command, command)


def notification_kind_label(kind: str) -> str:
    if kind not in tuple(NotificationKind):  # a kind a newer server added: its code says nothing
        return QCoreApplication.translate("Labels", "其他通知")
    return _named(NotificationKind, kind)


def deadline_kind_label(deadline: str | None) -> str:
    return _named(DeadlineKind, deadline)


def result_label(code: str | None) -> str:
    return _named(ResultCode, code)


def review_level_label(level: str) -> str:
    return _named(ReviewLevel, level)


def rate_label(rate: str) -> str:
    """A measure's name (及时签收率 …: a field of ``casework.measures.Rates``), as the bulletin says it."""
    return vocabulary.rate_name(rate, english=english())


def review_decision_label(decision: str) -> str:
    return _named(ReviewDecision, decision)


def role_label(role: str) -> str:
    return _named(Role, role)


def photo_tag_label(tag: str) -> str:
    return _named(PhotoTag, tag)


def callback_outcome_label(outcome: str) -> str:
    """The citizen's satisfaction as the centre recorded it on the callback (回访)."""
    return _named(CallbackOutcome, outcome)


def channel_label(channel: str) -> str:
    return _named(Channel, channel)


def kind_label(kind: str) -> str:
    return _named(RequestKind, kind)


def complexity_label(complexity: str) -> str:
    return _named(Complexity, complexity)


def importance_label(importance: str) -> str:
    return _named(Importance, importance)


def return_reason_label(reason: str) -> str:
    return _named(ReturnReason, reason)


def extension_status_label(status: str) -> str:
    return _named(ExtensionStatus, status)


def co_status_label(status: str) -> str:
    """A co-department's part (协办): 待协办签收, 协办中, 已反馈意见, 已免除."""
    return _named(CoStatus, status)


def entry_status_label(status: str) -> str:
    """A knowledge entry's status: 草稿 / 已发布 / 已失效."""
    return _named(EntryStatus, status)


def work_list_label(work_list: str) -> str:
    """A work list's name in the sidebar, the list's title and a search hit's tag."""
    return _named(WorkList, work_list)


#: Colours of the satisfaction badge: green to red, grey when the citizen was not reached.
OUTCOME_COLOURS = {
    "satisfied": "#2e7d32",
    "basically_satisfied": "#558b2f",
    "unsatisfied": "#c62828",
    "unreachable": "#78909c",
}


def callback_method_label(method: str) -> str:
    return {
        "phone": QCoreApplication.translate("Labels", "电话"),
        "sms": QCoreApplication.translate("Labels", "短信"),
        "visit": QCoreApplication.translate("Labels", "上门"),
    }.get(method, method)


def item_state_label(state: str) -> str:
    return {
        "pending": QCoreApplication.translate("Labels", "待同步"),
        "held": QCoreApplication.translate("Labels", "暂缓"),
        "uploading": QCoreApplication.translate("Labels", "上传中"),
        "sent": QCoreApplication.translate("Labels", "已发送"),
        "applied": QCoreApplication.translate("Labels", "已生效"),
        "conflict": QCoreApplication.translate("Labels", "冲突"),
        "rejected": QCoreApplication.translate("Labels", "被拒绝"),
    }.get(state, state)


class Urgency(IntEnum):
    """How pressing a deadline is, for colour."""

    CALM = 0
    SOON = 1  # within a working day
    TODAY = 2  # within four hours
    OVERDUE = 3


COLOURS = {
    Urgency.CALM: QColor("#2e7d32"),
    Urgency.SOON: QColor("#b26a00"),
    Urgency.TODAY: QColor("#d84315"),
    Urgency.OVERDUE: QColor("#c62828"),
}


def countdown(due: Any, now: datetime) -> tuple[str, Urgency]:
    """ "2天3小时" / "超期5小时" and how urgent it is; empty text without a deadline."""
    moment = parse_time(due)
    if moment is None:
        return "", Urgency.CALM
    seconds = int((moment - now).total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        span = QCoreApplication.translate("Labels", "%1天%2小时").replace("%1", str(days)).replace("%2", str(hours))
    elif hours:
        span = QCoreApplication.translate("Labels", "%1小时%2分").replace("%1", str(hours)).replace("%2", str(minutes))
    else:
        span = QCoreApplication.translate("Labels", "%1分钟").replace("%1", str(minutes))
    if overdue:
        return QCoreApplication.translate("Labels", "超期%1").replace("%1", span), Urgency.OVERDUE
    if seconds <= 4 * 3600:
        return span, Urgency.TODAY
    if seconds <= 24 * 3600:
        return span, Urgency.SOON
    return span, Urgency.CALM


def local_time(value: Any) -> str:
    """A time as the user reads it: Beijing time (the city's zone, whatever the PC's zone), minutes."""
    moment = parse_time(value)
    return moment.astimezone(CITY_ZONE).strftime("%Y-%m-%d %H:%M") if moment else ""


def time_zone_note() -> str:
    """The label that goes with every time shown (a tooltip or a header note)."""
    return QCoreApplication.translate("Labels", "北京时间（UTC+8）")


def english() -> bool:
    """Whether the UI speaks English now (desktop.i18n.Languages sets the application's property)."""
    app = QCoreApplication.instance()
    return app is not None and app.property("casedesk_language") == "en"


def order_count(count: int) -> str:
    """ "共 3 件" / "1 order", "3 orders": counts of orders with the right plural in English."""
    if count == 1:
        return QCoreApplication.translate("Labels", "共 1 件")
    return QCoreApplication.translate("Labels", "共 %1 件").replace("%1", str(count))


class Names:
    """Users', departments' and categories' names from the store's directory (works offline)."""

    def __init__(self, store: Any, english: bool | None = None) -> None:
        self.users = {u["id"]: u for u in store.directory("users")}
        self.departments = {d["id"]: d for d in store.directory("departments")}
        self.categories = {c["code"]: c for c in store.directory("categories")}
        self.english = english  # None: follow the UI's language when a name is asked for

    def chinese(self) -> Names:
        """The same directory naming everything in Chinese (official documents: the ledger, the reply sheet)."""
        fixed = copy.copy(self)
        fixed.english = False
        return fixed

    def user(self, user_id: int | None) -> str:
        return self.users.get(user_id, {}).get("name", "") if user_id else ""

    def department(self, department_id: int | None, english: bool | None = None) -> str:
        """The department's name; in English its ``name_en`` where it has one (``english`` None: the UI's language)."""
        found = self.departments.get(department_id, {}) if department_id else {}
        return _name(found, self.english if english is None else english) or ""

    def category(self, code: str | None, english: bool | None = None) -> str:
        entry = self.categories.get(code or "", {})
        return _name(entry, self.english if english is None else english) or (code or "")


def _name(entry: dict[str, Any], in_english: bool | None) -> str:
    if in_english is None:
        in_english = english()
    return (entry.get("name_en") if in_english else None) or entry.get("name", "")


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` as typed.

    Qt shows a tooltip that looks like markup (``<img src=…>``, ``<b>``) as rich text, reading
    images from the disk it names; a citizen's or a reviewer's text goes through here.
    """
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""
