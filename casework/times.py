"""Reading times: the one ISO 8601 parser, and a moment in the city's zone.

The city's zone itself is :data:`casework.deadlines.SHANGHAI` (Beijing time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from casework.deadlines import SHANGHAI

__all__ = ["city_time", "parse_time", "time_of"]


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time (a string, "Z" allowed, or a datetime) as a datetime; None for nothing.

    Accepts what the API sends (``2026-11-28T09:30:00Z``) and ``str(datetime)``
    (``2026-11-28 09:30:00+00:00``), as the audit log keeps it.
    """
    if not value:
        return None
    return time_of(value)


def time_of(value: str | datetime) -> datetime:
    """An ISO 8601 time that must be there (see :func:`parse_time`); ValueError when it is not one."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def city_time(value: Any) -> datetime | None:
    """``value`` (see :func:`parse_time`) in Beijing time; None for nothing."""
    moment = parse_time(value)
    return moment.astimezone(SHANGHAI) if moment else None
