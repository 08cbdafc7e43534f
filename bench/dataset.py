"""The benchmark city: 10,000 orders with about five events each, built quickly and cached.

How it is built. Playing 10,000 orders through the services, as ``seed-demo`` does, takes many
minutes (about 300 orders in 20 s), so only ``TEMPLATE_ORDERS`` are played that way:
``server.demo.seed.seed`` creates the demo city and drives its orders through the same service
functions the API uses, so deadlines, reviews, photos, order access and the audit chain are real.
The other orders are copies of those, made with SQL in one transaction. Each copy gets

- a new id and a new order number (its template's day, a five-digit serial), in ``orders``;
- its template's co-departments and ``order_access`` rows (what pull's scope and revokes read);
- its on-site checks, attachments (same blobs), notes, replies, reviews and callbacks, with new
  ids and new client ids;
- its template's audit records, appended to the chain with new sequence numbers, re-linked and
  re-hashed (the order number and client ids in them follow the copy), with the head moved on.

``/sync/pull`` therefore serves the copies like any other order, and the audit chain verifies
(checked after building). Templates are picked so that the mean number of events per order is
``EVENTS_PER_ORDER``; every state of the demo appears. ``seed-demo`` plays its stories up to the
current time, so a data set built on another day has a slightly different mix; runs on the same
cached set are comparable.

The built database and its blob directory are cached under ``bench/.cache`` (SQLite) or as a
template database (PostgreSQL), keyed by ``VERSION``, the order count and the schema's Alembic
head; every run works on a fresh copy.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Table, create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

# The chain's hash function: copies must hash exactly like appended records (no public name yet).
from server.audit.service import _digest, verify
from server.db import make_engine, make_session_factory
from server.demo.seed import seed
from server.migrate import alembic_config, upgrade
from server.models import (
    Attachment,
    AuditHead,
    AuditRecord,
    CallbackRecord,
    Note,
    OnsiteCheck,
    Order,
    OrderAccess,
    ReplyVersion,
    ReviewRecord,
    order_co_departments,
)
from server.settings import Settings

#: Bump when the building method changes: the cached data set is then rebuilt.
#: 3: the PostgreSQL template is analysed (a copy of an unanalysed one planned a sequential scan
#: of the chain for each empty delta).
VERSION = 3
ORDERS = 10_000
TEMPLATE_ORDERS = 150
EVENTS_PER_ORDER = 5.0
SEED = 12345

CACHE = Path(__file__).resolve().parent / ".cache"

_ORDERS: Table = Order.__table__  # type: ignore[assignment]
_AUDIT: Table = AuditRecord.__table__  # type: ignore[assignment]
_ACCESS: Table = OrderAccess.__table__  # type: ignore[assignment]
#: Child tables with their own id, in insertion order (checks before the attachments that point at them).
_CHILDREN: list[Table] = [
    m.__table__  # type: ignore[misc]
    for m in (OnsiteCheck, Attachment, Note, ReplyVersion, ReviewRecord, CallbackRecord)
]


@dataclass(frozen=True)
class Dataset:
    """One run's copy: a database and the data directory holding its blobs."""

    database_url: str
    data_dir: Path
    orders: int


def _key(orders: int) -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return re.sub(r"[^a-z0-9]+", "_", f"v{VERSION}_{orders}_{head}".lower())


@contextmanager
def dataset(pg_url: str | None = None, orders: int = ORDERS) -> Iterator[Dataset]:
    """A fresh copy of the cached data set (built first if needed), removed afterwards."""
    key = _key(orders)
    run_dir = Path(tempfile.mkdtemp(prefix="casedesk-bench-"))
    try:
        if pg_url is None:
            built = CACHE / f"sqlite_{key}"
            if not built.exists():
                _build_cached(built, None, orders)
            shutil.copytree(built, run_dir / "data")
            yield Dataset(f"sqlite:///{run_dir / 'data' / 'casedesk.db'}", run_dir / "data", orders)
        else:
            with _pg_copy(pg_url, key, orders, run_dir) as ds:
                yield ds
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _build_cached(target: Path, database_url: str | None, orders: int) -> None:
    """Build into a scratch directory, move it into place only when complete, drop older sets."""
    scratch = target.with_name(target.name + ".building")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        _build_apart(Settings(data_dir=scratch, database_url=database_url), orders)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    scratch.rename(target)
    kind = target.name.split("_", 1)[0]
    for stale in target.parent.glob(f"{kind}_v*_{orders}_*"):  # this size, older versions or schemas
        if stale != target and not stale.name.endswith(".building"):
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def _pg_copy(pg_url: str, key: str, orders: int, run_dir: Path) -> Iterator[Dataset]:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    template = f"casedesk_bench_{key}"
    blobs = CACHE / f"pg_{key}"
    run_db = f"casedesk_bench_run_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as c:
            exists = c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": template})
        if not exists or not blobs.exists():
            building = template + "_building"
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
                c.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{building}"'))
            shutil.rmtree(blobs, ignore_errors=True)
            _build_cached(blobs, _database(pg_url, building), orders)
            _analyse(_database(pg_url, building))
            with admin.connect() as c:
                c.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{template}"'))
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{run_db}" TEMPLATE "{template}"'))
        shutil.copytree(blobs, run_dir / "data")
        yield Dataset(_database(pg_url, run_db), run_dir / "data", orders)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)'))
        admin.dispose()


def _analyse(url: str) -> None:
    """Statistics for the planner, as a production database has them (autovacuum gathers them after
    writes; a database copied from a template never written to after the copy would have none, and
    without them PostgreSQL reads the whole chain for a delta it could answer from one index entry)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            c.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _build_apart(settings: Settings, orders: int) -> None:
    """:func:`build` in a process of its own: the benchmark that asked measures its own peak
    memory, and a city of 200,000 orders takes well over a gigabyte to build."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(build, settings, orders).result()


def build(settings: Settings, orders: int) -> None:
    """Seed the demo city with ``TEMPLATE_ORDERS`` orders, then copy orders until there are ``orders``."""
    started = time.perf_counter()
    print(f"building the bench data set ({orders} orders) once; later runs reuse it …", file=sys.stderr, flush=True)
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            # As the bundled demo: the demo users keep the shared password (no forced change).
            seed(session, settings.model_copy(update={"demo_mode": True}), orders=TEMPLATE_ORDERS, rng_seed=SEED)
            session.commit()
        with engine.begin() as conn:
            _copy_orders(conn, orders, random.Random(SEED))
        with make_session_factory(engine)() as session:
            checked, problems = verify(session)
        if problems:
            raise RuntimeError(f"the copied audit chain does not verify: {problems[:3]}")
        with engine.connect() as conn:
            count = conn.scalar(select(func.count()).select_from(_ORDERS))
            events = conn.scalar(select(func.count()).where(_AUDIT.c.order_id.is_not(None)))
    finally:
        engine.dispose()
    print(
        f"built {count} orders, {events} events ({events / count:.2f} per order), "
        f"{checked} audit records verified, in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def _copy_orders(conn: Connection, total: int, rng: random.Random) -> None:
    copier = _Copier(conn, rng)
    for serial in range(1, total - len(copier.templates) + 1):
        copier.copy(copier.pick(), serial)
    copier.write(conn)


class _Copier:
    """Copies of the seeded orders, gathered in memory and written in bulk."""

    def __init__(self, conn: Connection, rng: random.Random) -> None:
        self.rng = rng
        self.templates = [dict(r._mapping) for r in conn.execute(select(_ORDERS).order_by(_ORDERS.c.id))]
        self.audit = _grouped(conn, _AUDIT, _AUDIT.c.seq)
        self.children = {table.name: _grouped(conn, table, table.c.id) for table in _CHILDREN}
        self.co = _grouped(conn, order_co_departments, order_co_departments.c.department_id)
        self.access = _grouped(conn, _ACCESS, _ACCESS.c.department_id)
        self.next_id = {t.name: (conn.scalar(select(func.max(t.c.id))) or 0) + 1 for t in (_ORDERS, *_CHILDREN)}
        head = conn.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
        self.seq, self.prev_hash = head.seq, head.hash
        self.orders = len(self.templates)
        self.events = sum(len(self.audit[t["id"]]) for t in self.templates)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def pick(self) -> dict[str, Any]:
        """A template that keeps the running mean of events per order near the target."""
        longer = self.events / self.orders < EVENTS_PER_ORDER
        pool = [t for t in self.templates if (len(self.audit[t["id"]]) > EVENTS_PER_ORDER) == longer]
        return self.rng.choice(pool or self.templates)

    def copy(self, template: dict[str, Any], serial: int) -> None:
        old_id, new_id = template["id"], self._new_id(_ORDERS)
        number = f"{template['number'].rsplit('-', 1)[0]}-{serial:05d}"  # never clashes with -NNNN
        ref = template["external_ref"] and f"{template['external_ref']}-{serial}"
        self.rows[_ORDERS.name].append({**template, "id": new_id, "number": number, "external_ref": ref})
        self.rows[order_co_departments.name] += [{**r, "order_id": new_id} for r in self.co[old_id]]
        self.rows[_ACCESS.name] += [{**r, "order_id": new_id} for r in self.access[old_id]]
        client_ids = self._copy_children(old_id, new_id)
        for record in self.audit[old_id]:
            self._append_audit(record, new_id, _renamed(record["after"], template["number"], number, client_ids))
        self.orders += 1
        self.events += len(self.audit[old_id])

    def _copy_children(self, old_id: int, new_id: int) -> dict[str, str]:
        """Copy checks, attachments, notes, replies, reviews, callbacks; returns old → new client ids."""
        client_ids: dict[str, str] = {}
        check_ids: dict[int, int] = {}
        for table in _CHILDREN:
            for row in self.children[table.name][old_id]:
                copy = {**row, "id": self._new_id(table), "order_id": new_id}
                if "client_id" in copy:
                    copy["client_id"] = client_ids[row["client_id"]] = str(uuid.UUID(int=self.rng.getrandbits(128)))
                if table.name == OnsiteCheck.__tablename__:
                    check_ids[row["id"]] = copy["id"]
                if copy.get("onsite_check_id") is not None:
                    copy["onsite_check_id"] = check_ids[row["onsite_check_id"]]
                self.rows[table.name].append(copy)
        return client_ids

    def _append_audit(self, record: dict[str, Any], order_id: int, after: dict[str, Any]) -> None:
        """The record appended to the chain, hashed exactly as ``server.audit.service.record`` does."""
        self.seq += 1
        seq, prev = self.seq, self.prev_hash
        at, actor, action, before = record["at"], record["actor_id"], record["action"], record["before"]
        digest = _digest(prev, seq, at, actor, action, order_id, before, after)
        copy = {**record, "seq": seq, "order_id": order_id, "after": after, "prev_hash": prev, "hash": digest}
        self.rows[_AUDIT.name].append(copy)
        self.prev_hash = digest

    def _new_id(self, table: Table) -> int:
        self.next_id[table.name] += 1
        return self.next_id[table.name] - 1

    def write(self, conn: Connection) -> None:
        for table in (_ORDERS, order_co_departments, _ACCESS, *_CHILDREN, _AUDIT):
            batch = self.rows[table.name]
            for start in range(0, len(batch), 5000):
                conn.execute(insert(table), batch[start : start + 5000])
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=self.seq, hash=self.prev_hash))
        if conn.dialect.name == "postgresql":
            for name in (t.name for t in (_ORDERS, *_CHILDREN)):  # ids were given explicitly: move the sequences on
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {name}))"))


def _grouped(conn: Connection, table: Table, order_by: Any) -> dict[int, list[dict[str, Any]]]:
    """A table's rows by order id (audit records without an order are left out)."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(select(table).where(table.c.order_id.is_not(None)).order_by(order_by)):
        grouped[row.order_id].append(dict(row._mapping))
    return grouped


def _renamed(after: dict[str, Any], number: str, new_number: str, client_ids: dict[str, str]) -> dict[str, Any]:
    """An audit ``after`` naming the copy: its number (intake) and its notes' and checks' client ids."""
    after = dict(after)
    if after.get("number") == number:
        after["number"] = new_number
    payload = after.get("input")
    if isinstance(payload, dict) and payload.get("client_id") in client_ids:
        after["input"] = {**payload, "client_id": client_ids[payload["client_id"]]}
    return after
