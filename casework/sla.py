"""The hotline's service-level deadlines for a dispatched work order.

The clock starts at dispatch, not at signing: a department that signs late has
already used part of its time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from casework.deadlines import Deadline, DeadlinePolicy

__all__ = [
    "Complexity",
    "OrderDeadlines",
    "SlaRules",
    "Urgency",
    "order_deadlines",
]


class Complexity(StrEnum):
    """How much work a reply needs; sets the reply deadline."""

    SIMPLE = "simple"
    COMPLEX = "complex"


class Urgency(StrEnum):
    """How fast the department must react; urgent orders need an on-site check."""

    NORMAL = "normal"
    URGENT = "urgent"
    VERY_URGENT = "very_urgent"


#: The centre dispatches a received order within this time (Beijing's 12345: 5 minutes); the
#: supervisor's board lists the orders waiting longer.
DISPATCH_TARGET = timedelta(minutes=5)


@dataclass(frozen=True)
class OrderDeadlines:
    """The deadlines of one order: sign, on-site check (urgent only) and reply."""

    sign_by: Deadline
    onsite_by: Deadline | None
    reply_by: Deadline


@dataclass(frozen=True)
class SlaRules:
    """Configurable SLA numbers; defaults are the centre's published rules."""

    simple_reply_days: int = 2
    complex_reply_days: int = 7
    normal_sign_days: int = 1
    urgent_sign_within: timedelta = timedelta(minutes=30)
    onsite_within: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        """Reject non-positive day counts and durations."""
        for name in ("simple_reply_days", "complex_reply_days", "normal_sign_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        for name in ("urgent_sign_within", "onsite_within"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive")


def order_deadlines(
    dispatched_at: datetime,
    complexity: Complexity,
    urgency: Urgency,
    policy: DeadlinePolicy,
    rules: SlaRules = SlaRules(),
    reply_days: int | None = None,
) -> OrderDeadlines:
    """Compute an order's deadlines from its dispatch time.

    ``reply_days`` lets the centre set a complex order's reply time (1 to
    ``rules.complex_reply_days`` working days); it is refused for simple orders,
    whose reply time is fixed.
    """
    complexity = Complexity(complexity)
    urgency = Urgency(urgency)

    if urgency is Urgency.NORMAL:
        sign_by = policy.working_days_after(dispatched_at, rules.normal_sign_days)
        onsite_by = None
    else:
        sign_by = policy.wall_clock_after(dispatched_at, rules.urgent_sign_within)
        onsite_by = policy.wall_clock_after(dispatched_at, rules.onsite_within)

    if complexity is Complexity.SIMPLE:
        if reply_days is not None:
            raise ValueError("reply_days applies only to complex orders")
        days = rules.simple_reply_days
    elif reply_days is None:
        days = rules.complex_reply_days
    else:
        if isinstance(reply_days, bool) or not 1 <= reply_days <= rules.complex_reply_days:
            raise ValueError(f"reply_days must be between 1 and {rules.complex_reply_days}, got {reply_days!r}")
        days = reply_days
    reply_by = policy.working_days_after(dispatched_at, days)

    return OrderDeadlines(sign_by=sign_by, onsite_by=onsite_by, reply_by=reply_by)
