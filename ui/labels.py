"""Names the user reads for the domain's codes, and the deadline countdown — all translatable.

Source strings are Simplified Chinese (the default language); ``resources/i18n/casedesk_en.ts``
holds the English. Looked up when called, so a language switch applies to the next build of a view.
"""

from __future__ import annotations

import copy
import html
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from casework.deadlines import SHANGHAI as CITY_ZONE


def state_label(state: str) -> str:
    return {
        "received": QCoreApplication.translate("Labels", "已受理"),
        "dispatched": QCoreApplication.translate("Labels", "待签收"),
        "return_requested": QCoreApplication.translate("Labels", "退单待审"),
        "in_progress": QCoreApplication.translate("Labels", "办理中"),
        "in_review": QCoreApplication.translate("Labels", "审核中"),
        "replied": QCoreApplication.translate("Labels", "已答复待回访"),
        "closed": QCoreApplication.translate("Labels", "已办结"),
        "invalid": QCoreApplication.translate("Labels", "无效"),
        "merged": QCoreApplication.translate("Labels", "已合并"),
    }.get(state, state)


def urgency_label(urgency: str) -> str:
    return {
        "normal": QCoreApplication.translate("Labels", "一般"),
        "urgent": QCoreApplication.translate("Labels", "紧急"),
        "very_urgent": QCoreApplication.translate("Labels", "特急"),
    }.get(urgency, urgency)


def command_label(command: str) -> str:
    return {
        "sign": QCoreApplication.translate("Labels", "签收"),
        "assign_handler": QCoreApplication.translate("Labels", "分派经办人"),
        "request_return": QCoreApplication.translate("Labels", "申请退单"),
        "record_onsite_check": QCoreApplication.translate("Labels", "现场核查"),
        "add_note": QCoreApplication.translate("Labels", "内部备注"),
        "save_draft": QCoreApplication.translate("Labels", "保存草稿"),
        "submit_reply": QCoreApplication.translate("Labels", "提交答复"),
        "approve": QCoreApplication.translate("Labels", "审核通过"),
        "return_for_rework": QCoreApplication.translate("Labels", "退回修改"),
        "request_extension": QCoreApplication.translate("Labels", "申请延期"),
        "dispatch": QCoreApplication.translate("Labels", "派单"),
        "rule_return": QCoreApplication.translate("Labels", "审核退单"),
        "rule_extension": QCoreApplication.translate("Labels", "审批延期"),
        "record_callback": QCoreApplication.translate("Labels", "回访"),
        "close": QCoreApplication.translate("Labels", "办结"),
        "reopen": QCoreApplication.translate("Labels", "重办"),
        "supervise": QCoreApplication.translate("Labels", "督办"),
        "remind": QCoreApplication.translate("Labels", "催办"),
        "close_at_once": QCoreApplication.translate("Labels", "直接办结"),
        "invalidate": QCoreApplication.translate("Labels", "作废"),
        "merge": QCoreApplication.translate("Labels", "合并"),
        "mark_audited": QCoreApplication.translate("Labels", "审核无误"),
    }.get(command, command)


def result_label(code: str | None) -> str:
    return {
        "resolved": QCoreApplication.translate("Labels", "已解决"),
        "partly_resolved": QCoreApplication.translate("Labels", "部分解决"),
        "explained": QCoreApplication.translate("Labels", "已解释说明"),
        "not_feasible": QCoreApplication.translate("Labels", "暂不具备条件"),
    }.get(code or "", code or "")


def review_level_label(level: str) -> str:
    return {
        "section_chief": QCoreApplication.translate("Labels", "科室审核"),
        "department_head": QCoreApplication.translate("Labels", "单位审核"),
        "leader_in_charge": QCoreApplication.translate("Labels", "市分管领导审核"),
        "top_leader": QCoreApplication.translate("Labels", "市主要领导审核"),
    }.get(level, level)


def role_label(role: str) -> str:
    return {
        "handler": QCoreApplication.translate("Labels", "经办人"),
        "section_chief": QCoreApplication.translate("Labels", "科长"),
        "department_head": QCoreApplication.translate("Labels", "单位负责人"),
        "leader_in_charge": QCoreApplication.translate("Labels", "分管领导"),
        "top_leader": QCoreApplication.translate("Labels", "主要领导"),
        "centre_agent": QCoreApplication.translate("Labels", "热线坐席"),
        "admin": QCoreApplication.translate("Labels", "管理员"),
    }.get(role, role)


def photo_tag_label(tag: str) -> str:
    return {
        "before": QCoreApplication.translate("Labels", "整改前"),
        "after": QCoreApplication.translate("Labels", "整改后"),
        "other": QCoreApplication.translate("Labels", "其他"),
    }.get(tag, tag)


def callback_outcome_label(outcome: str) -> str:
    """The citizen's satisfaction as the centre recorded it on the callback (回访)."""
    return {
        "satisfied": QCoreApplication.translate("Labels", "满意"),
        "basically_satisfied": QCoreApplication.translate("Labels", "基本满意"),
        "unsatisfied": QCoreApplication.translate("Labels", "不满意"),
        "unreachable": QCoreApplication.translate("Labels", "未联系上"),
    }.get(outcome, outcome)


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


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


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
