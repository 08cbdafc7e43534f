"""The desk's read side: what the widgets show, read from the local store and cache as plain data.

The UI never composes a store query or an SQL condition: it asks :class:`Reads` (``Workspace.reads``)
for a work-list page, the sidebar counts, an order's snapshot, a blob or a thumbnail, the audit
queue or the problem rows, and schedules the call on the runner's disk lane (the network lane for
the few that ask the server). Every answer is plain data (dicts, lists, dataclasses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from api_client import CaseDeskClient
from casework.measures import Ranking
from casework.roles import Actor
from casework.times import city_time
from casework.worklists import WorkList
from desktop.measures import month_orders
from desktop.search import lists_holding
from desktop.tasks import Task
from offline import Store
from offline.blobcache import BlobCache
from offline.models import IN_FLIGHT, PROBLEMS, orders
from offline.worklists import SORTS, Filters, condition, counts_query, page_query, urgent_to_sign

__all__ = [
    "SORTS",
    "Directory",
    "Filters",
    "ListPage",
    "ListQuery",
    "OrderSnapshot",
    "Reads",
    "WorkList",
    "audited_by",
    "replied_in",
    "undoable_rows",
]

DirectoryKind = Literal["users", "departments", "categories"]


@dataclass(frozen=True)
class Directory:
    """The store's directory (users, departments, categories) read at one moment; answers
    ``directory(kind)`` as the store does, so the UI's name lookups take either."""

    users: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)

    def directory(self, kind: DirectoryKind) -> list[dict[str, Any]]:
        return list(getattr(self, kind))


@dataclass(frozen=True)
class ListQuery:
    """One work-list query: the list (or a search across every list), the filters and the sort.

    ``lists`` names the work lists (their values) to say, for each search hit, which ones hold it."""

    work_list: WorkList
    filters: Filters
    sort: str
    descending: bool
    now: datetime
    lists: tuple[str, ...] = ()

    @property
    def searching(self) -> bool:
        """A search is typed: the query looks in every list (the other filters still narrow it)."""
        return bool(self.filters.text.strip())


@dataclass(frozen=True)
class ListPage:
    """The first page of a work-list query, with what the list needs to show it."""

    total: int | None  # None: more rows than the page, not counted yet (Reads.count)
    rows: list[dict[str, Any]]
    directory: Directory
    pinned_listed: bool  # the order in view is in this list
    pinned_state: str | None  # and its state now (None: not on this desk)


@dataclass
class OrderSnapshot:
    """What the order view shows of one order, read together on the disk lane."""

    order: dict[str, Any]
    events: list[dict[str, Any]]
    in_flight: list[dict[str, Any]]  # outbox rows not yet applied by the server
    problems: list[dict[str, Any]]  # conflicted or rejected outbox rows
    files: dict[str, dict[str, Any]]  # files attached offline, by sha256
    directory: Directory
    thumbnails: dict[str, bytes] = field(default_factory=dict)  # cached thumbnails, by sha256
    undoable: list[dict[str, Any]] = field(default_factory=list)  # unsent rows that can be taken back, oldest first
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)  # text kept on this PC, by key (Store.draft)


def undoable_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The order's last unsent rows that can be taken back: the run of ``pending`` rows at the end
    of those not yet applied (one sent or refused after them would need them)."""
    taken: list[dict[str, Any]] = []
    for row in reversed([r for r in rows if r["status"] != "applied"]):
        if row["status"] != "pending":
            break
        taken.insert(0, row)
    return taken


def replied_in(order: dict[str, Any], month: date) -> bool:
    """The order's latest reply reached the centre in ``month`` (city time)."""
    replies = order.get("replies") or []
    if not replies or not replies[-1].get("at"):
        return False
    at = city_time(replies[-1]["at"])
    return at is not None and (at.year, at.month) == (month.year, month.month)


def audited_by(order: dict[str, Any], leader_id: int) -> bool:
    return any(m.get("leader_id") == leader_id for m in order.get("audit_marks") or [])


class Reads:
    """Reads of one user's store, cache and server for the widgets. The methods block: run them
    on the runner's disk lane (those that ask the server, on the network lane)."""

    def __init__(self, store: Store, cache: BlobCache, client: CaseDeskClient, actor: Actor) -> None:
        self.store = store
        self.cache = cache
        self.client = client
        self.actor = actor

    # --- the work lists -------------------------------------------------------------------------------

    def directory(self) -> Directory:
        """Users', departments' and categories' entries as the store holds them now."""
        return Directory(
            users=self.store.directory("users"),
            departments=self.store.directory("departments"),
            categories=self.store.directory("categories"),
        )

    def _where(self, query: ListQuery, in_order: bool = True) -> Any:
        """``query``'s condition: for rows ``in_order`` (a common search term looked up order by order
        along the list, stopping at the page's end), else for counting (each term's orders read
        through its index at once: a third of the time for a term a tenth of the desk holds)."""
        hits = self.store.term_hits(query.filters.text) if query.searching and in_order else None
        filters = query.filters.condition(hits)
        if query.searching:  # a search looks in every list (the other filters still narrow it)
            return filters
        return condition(query.work_list, self.actor, query.now) & filters

    def located(self, query: ListQuery, order_ids: list[int], task: Task | None = None) -> dict[int, list[str]]:
        """For a search's hits: the work lists holding each (after the page is on screen, as the count)."""
        if not query.searching or (task is not None and task.cancelled):
            return {}
        return lists_holding(self.store, self.actor, list(query.lists), order_ids, query.now)

    def page(self, query: ListQuery, limit: int, pinned: int | None = None, task: Task | None = None) -> ListPage:
        """The first ``limit`` rows of ``query`` (the list columns and ``pending``, ``new``), its total
        when the page holds the whole list (else None: :meth:`count` it after the rows are shown; a
        search's hits are :meth:`located` then too),
        and whether ``pinned`` (the order in view) is in it and in which state. A ``task`` cancelled
        meanwhile stops the query (its answer is dropped)."""
        cancelled = (lambda: task.cancelled) if task is not None else None
        where = self._where(query)
        rows = self.store.rows(page_query(where, query.sort, query.descending), limit, cancelled=cancelled)
        listed = pinned is not None and self.store.count(where & (orders.c.id == pinned)) > 0
        state = (self.store.order(pinned) or {}).get("state") if pinned is not None else None
        total = len(rows) if len(rows) < limit else None  # a short page is the whole list
        return ListPage(total, rows, self.directory(), listed, state)

    def count(self, query: ListQuery, task: Task | None = None) -> int:
        """How many orders ``query`` finds: after the first page is on screen, since on a large desk
        counting takes longer than the page (a cancelled ``task`` stops it)."""
        cancelled = (lambda: task.cancelled) if task is not None else None
        return self.store.count(self._where(query, in_order=False), cancelled=cancelled)

    def more(self, query: ListQuery, limit: int, offset: int) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
        """The next rows of ``query`` from ``offset``, and for search hits the lists holding each."""
        rows = self.store.rows(page_query(self._where(query), query.sort, query.descending), limit, offset)
        return rows, self.located(query, [r["id"] for r in rows])

    def counts(self, work_lists: list[WorkList], now: datetime) -> dict[str, int]:
        """For each list, how many orders it holds (``<list>``) and how many are new (``<list>:new``)."""
        return dict(self.store.rows(counts_query(work_lists, self.actor, now), 1)[0])

    def urgent_to_sign(self, now: datetime, limit: int = 20) -> list[int]:
        """The ids of urgent and very urgent orders waiting for the user's signature."""
        return [r["id"] for r in self.store.rows(urgent_to_sign(self.actor, now), limit=limit)]

    # --- notifications ------------------------------------------------------------------------------

    def notifications(self, limit: int = 200) -> tuple[list[dict[str, Any]], int, Directory]:
        """The newest notifications (each with its local ``read_at``), how many are unread, and names."""
        return self.store.notifications(limit), self.store.unread_notifications(), self.directory()

    def unread_notifications(self) -> int:
        return self.store.unread_notifications()

    def to_announce(self) -> tuple[list[dict[str, Any]], Directory]:
        """Notifications not shown in the tray yet (now marked shown), with names."""
        return self.store.to_announce(), self.directory()

    def ever_pulled(self) -> bool:
        """The desk has pulled from the server at least once (it has a pull cursor)."""
        return self.store.cursor() is not None

    # --- one order ------------------------------------------------------------------------------------

    def order(self, order_id: int) -> dict[str, Any] | None:
        return self.store.order(order_id)

    def month_orders(self, month: date, department_id: int | None = None) -> list[dict[str, Any]]:
        """The orders of ``month``'s 工作台账 on this desk (see :func:`desktop.measures.month_orders`)."""
        return month_orders(self.store.orders(), month, department_id)

    def order_with_directory(self, order_id: int) -> tuple[dict[str, Any] | None, Directory]:
        """The order (None when not on this desk) and the directory to name its people and places."""
        return self.store.order(order_id), self.directory()

    def snapshot(self, order_id: int) -> OrderSnapshot | None:
        """Read the order, its timeline, its unsent work and its cached thumbnails."""
        store = self.store
        order = store.order(order_id)
        if order is None:
            return None
        rows = store.outbox(order_id)
        files = {f["sha256"]: f for f in store.files(order_id)}
        shas = {p["sha256"] for c in order.get("onsite_checks") or [] for p in c.get("photos") or []}
        shas |= {a["sha256"] for a in order.get("attachments") or []} | set(files)
        thumbnails = {}
        for sha in shas:
            data = self.thumbnail(sha)
            if data is not None:
                thumbnails[sha] = data
        return OrderSnapshot(
            order=order,
            events=store.events(order_id),
            in_flight=[r for r in rows if r["status"] in IN_FLIGHT],
            problems=[r for r in rows if r["status"] in PROBLEMS],
            files=files,
            directory=self.directory(),
            thumbnails=thumbnails,
            undoable=undoable_rows(rows),
            drafts={d["key"]: d for d in store.drafts(order_id)},
        )

    # --- blobs and thumbnails ---------------------------------------------------------------------------

    def thumbnail(self, sha256: str) -> bytes | None:
        """The cached thumbnail of a blob, or None."""
        return self.cache.thumbnail(sha256)

    def fetch_thumbnail(self, sha256: str) -> bytes:
        """The server's thumbnail of a blob (network lane)."""
        return self.client.thumbnail(sha256)

    def keep_thumbnail(self, sha256: str, data: bytes) -> None:
        """Cache a thumbnail fetched from the server, for offline use."""
        self.cache.put_thumbnail(sha256, data)

    def blob(self, sha256: str) -> bytes | None:
        """The cached blob, or None when it is not on this desk."""
        return self.cache.read(sha256) if self.cache.has(sha256) else None

    def download(self, sha256: str) -> bytes:
        """The blob from the server (network lane)."""
        return self.client.download(sha256)

    def keep_blob(self, data: bytes) -> str:
        """Cache a downloaded blob; its sha256."""
        return self.cache.put(data)

    # --- the city's figures (network lane) -----------------------------------------------------------

    def ranking(self, month: str) -> Ranking:
        """The server's measures of every department for ``month`` (YYYY-MM), ranked."""
        return self.client.ranking(month)

    def bulletin(self, month: str, kind: str = "pdf") -> bytes:
        """The month's bulletin (``pdf``) or ledger (``xlsx``) as the server writes them."""
        return self.client.bulletin(month, kind)

    # --- the leader's audit queue and the problems ----------------------------------------------------------

    def audit_queue(self, leader_id: int, month: date) -> tuple[list[dict[str, Any]], Directory]:
        """The month's replied or closed orders the leader may audit, not yet audited first."""
        found = [
            o
            for state in ("replied", "closed")
            for o in self.store.orders(state=state)
            if replied_in(o, month)
            and ("mark_audited" in (o.get("allowed_commands") or []) or audited_by(o, leader_id))
        ]
        found.sort(key=lambda o: (audited_by(o, leader_id), o["number"]))
        return found, self.directory()

    def problems(self) -> list[dict[str, Any]]:
        """The conflicted or rejected outbox rows, each with ``order_number`` and ``order_title``."""
        rows = self.store.problems()
        for row in rows:
            order = self.store.order(row["order_id"]) or {}  # gone when revoked: the row stays
            row["order_number"] = order.get("number", "")
            row["order_title"] = order.get("title", "")
        return rows
