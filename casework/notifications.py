"""Notifications that reach people: deadline warnings, overdue escalation, 督办, 催办 and 督办反馈.

The server stores every notification for its recipient (``server.notifications``); desks fetch
what they have not seen (``GET /notifications?after=…``), so a desk that was off sees what it
missed. The kinds and the deadlines they speak of are named in ``casework.vocabulary``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapSerializer,
    WrapValidator,
)

from casework.schemas import Id, Wire


class NotificationKind(StrEnum):
    DEADLINE_WARNING = "deadline_warning"  # 临期预警: a deadline in force is near
    OVERDUE = "overdue"  # 超期督促: past the deadline in force, escalated level by level
    SUPERVISE = "supervise"  # 督办
    REMIND = "remind"  # 催办
    SUPERVISION_FEEDBACK = "supervision_feedback"  # 督办反馈, for the one who issued the 督办


class DeadlineKind(StrEnum):
    """Which of an order's deadlines a warning speaks of: the lead department's, or a co-handling
    department's own (its part: ``casework.cohandling``)."""

    SIGN = "sign"  # 签收时限
    ONSITE = "onsite"  # 现场核查时限
    REPLY = "reply"  # 答复时限
    EXTENSION = "extension"  # 延期后的答复时限
    CO_SIGN = "co_sign"  # 协办签收时限: a co-department's part, while pending
    CO_ANSWER = "co_answer"  # 协办意见时限: a co-department's part, once signed


#: Escalation of an overdue order (or part): the handler and chief (0), the department head (1), the
#: city leader in charge of the department (2) — of the co-department, for a part's deadline.
ESCALATION_HEAD = 1
ESCALATION_LEADER = 2


def _or_its_code(value: Any, known: ValidatorFunctionWrapHandler) -> Any:
    """A kind this side does not know — a newer server's — kept as its code: a desk lists it as another
    notice (``ui.notifications``) instead of refusing the whole page, and so every notification."""
    try:
        return known(value)
    except ValidationError:
        if isinstance(value, str) and value:
            return value
        raise


def _as_its_code(value: Any, write: SerializerFunctionWrapHandler) -> Any:
    return value if type(value) is str else write(value)  # a kept code as it came


def _or_code(kind: type[StrEnum], optional: bool = False) -> tuple[WrapValidator, WrapSerializer, WithJsonSchema]:
    """One of ``kind``'s members, or the code of one a newer server added; documented as ``kind``'s codes."""
    codes: dict[str, Any] = {"type": "string", "enum": [k.value for k in kind]}
    schema = {"anyOf": [codes, {"type": "null"}]} if optional else codes
    return WrapValidator(_or_its_code), WrapSerializer(_as_its_code, return_type=Any), WithJsonSchema(schema)


class NotificationView(Wire):
    id: int
    kind: Annotated[NotificationKind, *_or_code(NotificationKind)]
    order_id: int | None
    order_number: str = ""
    order_title: str = ""
    deadline: Annotated[DeadlineKind | None, *_or_code(DeadlineKind, optional=True)] = None
    due_at: datetime | None = None
    lead_minutes: int | None = Field(default=None, description="A warning: how long before the deadline")
    level: int = Field(default=0, description="An overdue order's escalation: 0 staff, 1 head, 2 city leader")
    actor_id: int | None = Field(default=None, description="Who issued it (督办, 催办, 督办反馈); none for warnings")
    actor_name: str = ""
    text: str = ""
    created_at: datetime
    read_at: datetime | None = None


class NotificationPage(Wire):
    """``GET /notifications``: the caller's notifications, oldest first, and how many are unread."""

    notifications: list[NotificationView]
    unread: int
    has_more: bool = False


class MarkRead(Wire):
    """``POST /notifications/read``: mark these of the caller's notifications read (others are ignored)."""

    ids: list[Id] = Field(max_length=1000)
