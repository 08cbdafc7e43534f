"""The desk's 统计: the server's measures of the user's department for a month, kept for offline use.

The figures are the server's (``GET /measures/departments/{id}``; for city leaders and the centre,
the departments of ``GET /measures/ranking`` added up), the same the leaders, the ranking, the
bulletin and the ledger show: the desk computes no measure of its own from the orders it caches.
Adding several departments up and dividing is done by ``casework.measures`` — the server's own
formulas. Each answer is kept in the local store with its "as of" time; without the server the
desk shows the last one kept, saying so.

Also the month helpers the exports use (which cached orders belong to a month, overdue or not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from api_client import CaseDeskClient
from api_client.errors import ApiError
from casework.deadlines import SHANGHAI
from casework.measures import DayVolume, DepartmentMeasures, MeasureCounts, Rates, Volume, rates, ratios
from casework.times import parse_time, time_of
from offline import Store

#: The hotline's time zone (casework's one definition): months and days are counted in it.
CITY_TIME = SHANGHAI

_TERMINAL = frozenset({"closed", "invalid", "merged"})


@dataclass(frozen=True)
class MonthFigures:
    """The server's figures of one month for the user: one department, or several added up."""

    month: date  # the first day of the month
    departments: list[DepartmentMeasures]  # as the server sent them
    as_of: datetime  # when the figures stand: the month's end, or the moment the server was asked
    fetched_at: datetime  # when the desk got them
    offline: bool  # the server did not answer: these are the ones kept from ``fetched_at``

    @property
    def counts(self) -> MeasureCounts:
        total = MeasureCounts()
        for m in self.departments:
            total += MeasureCounts.of(m)
        return total

    @property
    def rates(self) -> Rates:
        return rates(self.counts)

    @property
    def ratios(self) -> dict[str, tuple[int, int]]:
        """Each rate's (numerator, denominator), for "55/57" under the percentage."""
        return ratios(self.counts)

    @property
    def by_category(self) -> list[Volume]:
        return _added([m.by_category for m in self.departments])

    @property
    def by_channel(self) -> list[Volume]:
        return _added([m.by_channel for m in self.departments])

    @property
    def by_day(self) -> list[DayVolume]:
        days: Counter[date] = Counter()
        for m in self.departments:
            days.update({v.day: v.count for v in m.by_day})
        return [DayVolume(day=d, count=days[d]) for d in sorted(days)]


def load_month(
    client: CaseDeskClient,
    store: Store,
    month: date,
    department_id: int | None,
    portfolio: frozenset[int] = frozenset(),
    ensure_session: Callable[[], None] = lambda: None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> MonthFigures | None:
    """The server's figures of ``month``: of ``department_id``; without one, of the ``portfolio``'s
    departments, or of every department when that is empty. Kept in ``store``; when the server
    does not answer, the ones kept last (``offline``), or None when none were."""
    key = f"{month:%Y-%m}"
    try:
        ensure_session()
        if department_id is not None:
            found = [client.department_measures(department_id, key)]
        else:
            entries = client.ranking(key).entries
            found = [e.measures for e in entries if not portfolio or e.measures.department_id in portfolio]
    except ApiError:
        kept = store.measures(key)
        if kept is None:
            return None
        return MonthFigures(
            month=month.replace(day=1),
            departments=[DepartmentMeasures.model_validate(m) for m in kept["departments"]],
            as_of=time_of(kept["as_of"]),
            fetched_at=time_of(kept["fetched_at"]),
            offline=True,
        )
    fetched = now()
    as_of = max((m.as_of for m in found), default=fetched)
    store.keep_measures(
        key,
        {
            "departments": [m.model_dump(mode="json") for m in found],
            "as_of": as_of.isoformat(),
            "fetched_at": fetched.isoformat(),
        },
    )
    return MonthFigures(month.replace(day=1), found, as_of, fetched, offline=False)


def _added(lists: list[list[Volume]]) -> list[Volume]:
    """Volumes of several departments added up by code, most first (then by code)."""
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for volumes in lists:
        for v in volumes:
            names.setdefault(v.code, v.name)
            counts[v.code] += v.count
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Volume(code=code, name=names[code], count=n) for code, n in ranked]


def month_orders(orders: list[dict[str, Any]], month: date, department_id: int | None = None) -> list[dict[str, Any]]:
    """The orders that belong to ``month`` (any day in it): intake in that month, city time; with
    ``department_id``, only those the department leads. In the order given."""
    first = month.replace(day=1)
    return [
        o
        for o in orders
        if (department_id is None or o.get("lead_department_id") == department_id) and _in_month(_intake(o), first)
    ]


def is_overdue(order: dict[str, Any], now: datetime) -> bool:
    """For the exports' 超期 column, on an order copy. The order missed its reply deadline:
    replied (or closed) late by the server's frozen flags, or still open (dispatched, not closed)
    past its reply deadline — the extended one if granted — at ``now`` without a reply on time."""
    deadlines = order.get("deadlines") or {}
    if deadlines.get("replied_on_time") is False or deadlines.get("closed_on_time") is False:
        return True
    if order.get("state") in _TERMINAL or order.get("state") == "received":
        return False
    due = deadlines.get("reply_by_extended") or deadlines.get("reply_by")
    return _passed(due, now) and deadlines.get("replied_on_time") is not True


def recent_months(now: datetime, count: int = 12) -> list[date]:
    """The first days of the ``count`` months up to ``now``'s (city time), newest first."""
    today = now.astimezone(CITY_TIME).date()
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _intake(order: dict[str, Any]) -> datetime | None:
    return parse_time(order.get("dispatched_at")) or parse_time(order.get("received_at"))


def _in_month(moment: datetime | None, first: date) -> bool:
    if moment is None:
        return False
    local = moment.astimezone(CITY_TIME)
    return (local.year, local.month) == (first.year, first.month)


def _passed(value: Any, now: datetime) -> bool:
    moment = parse_time(value)
    return moment is not None and moment < now


__all__ = [
    "CITY_TIME",
    "MonthFigures",
    "is_overdue",
    "load_month",
    "month_orders",
    "recent_months",
]
