"""Where a request's transaction lives: one lane thread from BEGIN to COMMIT, readers never lock.

Every statement, begin, commit and rollback the engine sees is noted with its thread; requests
of every kind run at once from several client threads (the real app, TestClient), on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.fixtures.city import Api


class Transactions:
    """Per database connection: the transactions it ran, each a list of (event, thread name)."""

    def __init__(self, engine: Any) -> None:
        self.lock = threading.Lock()
        self.open: dict[int, list[tuple[str, str]]] = {}
        self.done: list[list[tuple[str, str]]] = []
        self.max_checked_out = 0
        self.checked_out: dict[str, int] = defaultdict(int)
        event.listen(engine, "begin", lambda conn: self._note(conn, "begin", start=True))
        event.listen(engine, "commit", lambda conn: self._note(conn, "commit", end=True))
        event.listen(engine, "rollback", lambda conn: self._note(conn, "rollback", end=True))
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine.pool, "checkout", lambda *a: self._checkout(+1))
        event.listen(engine.pool, "checkin", lambda *a: self._checkout(-1))

    def _checkout(self, delta: int) -> None:
        with self.lock:
            thread = threading.current_thread().name
            self.checked_out[thread] += delta
            self.max_checked_out = max(self.max_checked_out, self.checked_out[thread])

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        what = statement.split()[0] + (" IMMEDIATE" if "IMMEDIATE" in statement else "")
        if statement.startswith("INSERT INTO order_views"):
            what = "KEEP VIEWS"  # a pull keeps the views it built if it can write at once, else nothing
        self._note(conn, what)

    def _note(self, conn: Any, what: str, start: bool = False, end: bool = False) -> None:
        with self.lock:
            key = id(conn.connection.dbapi_connection) if conn.connection is not None else id(conn)
            # (On SQLite the engine's own "begin" listener has already sent BEGIN: keep it.)
            entry = self.open.setdefault(key, [])
            entry.append((what, threading.current_thread().name))
            if end:
                self.done.append(self.open.pop(key))


def test_a_request_lives_on_one_lane_thread_and_readers_begin_deferred(app, client: TestClient, api: Api) -> None:  # type: ignore[no-untyped-def]
    order = api.dispatched("ZJJ")
    headers = api.login("zj_handler")
    transactions = Transactions(app.state.engine)

    def one(i: int) -> int:
        kind = i % 4
        if kind == 0:
            return client.get("/auth/me", headers=headers).status_code
        if kind == 1:
            return client.get("/sync/pull", headers=headers).status_code
        if kind == 2:
            mutation = {
                "id": str(uuid.uuid4()),
                "order_id": order["id"],
                "name": "add_note",
                "args": {"client_id": str(uuid.uuid4()), "text": f"记录{i}"},
                "base": {},
            }
            response = client.post(
                "/sync/push", headers=headers, json={"client_id": "lane-desk", "mutations": [mutation]}
            )
            return response.status_code
        return client.post("/auth/login", json={"username": "zj_handler", "password": "demo-pass-123"}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(one, range(48)))
    assert statuses == [200] * 48

    assert len(transactions.done) >= 48
    for steps in transactions.done:
        threads = {thread for _, thread in steps}
        assert len(threads) == 1, steps  # begun, used and ended on one thread
        assert next(iter(threads)).startswith("db-lane-"), steps
    assert transactions.max_checked_out == 1  # no thread ever held two pooled connections

    if app.state.engine.dialect.name == "sqlite":
        # Readers (GET) begin deferred; a writer takes the write lock up front.
        begins = [steps[0][0] for steps in transactions.done]
        assert set(begins) == {"BEGIN", "BEGIN IMMEDIATE"}, begins
        for steps in transactions.done:
            statements = [what for what, _ in steps]
            if any(s in ("INSERT", "UPDATE", "DELETE") for s in statements):
                assert statements[0] == "BEGIN IMMEDIATE", statements


def test_a_request_cancelled_mid_statement_gives_its_connection_back(app, client: TestClient, api: Api) -> None:  # type: ignore[no-untyped-def]
    """A cancellation that repeats at every await (anyio's cancel scopes: a client's timeout, a
    shutdown) must not drop the end of the transaction queued behind the request's running work:
    only that close gives the connection back. Dropped, every such request kept one until the pool
    was empty and every later request waited for good."""
    headers = api.login("agent")
    engine = app.state.engine
    running, release = threading.Event(), threading.Event()

    def slow_statement(*_: Any) -> None:  # the token check's statement, held until released
        if threading.current_thread().name.startswith("db-lane") and not release.is_set():
            running.set()
            release.wait(10)

    async def cancelled_request() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as asgi:
            with anyio.CancelScope() as scope:
                request = asyncio.ensure_future(asgi.get("/auth/me", headers=headers))
                while not running.is_set():
                    await asyncio.sleep(0.005)
                scope.cancel()  # while the statement runs, its connection taken
                await request
        release.set()

    event.listen(engine, "before_cursor_execute", slow_statement)
    gc.disable()  # a lost session's connection would come back when collected: see the loss itself
    try:
        portal = client.portal  # the TestClient's event loop, where the app's lanes were made
        assert portal is not None
        portal.call(cancelled_request)
        deadline = time.monotonic() + 10
        while engine.pool.checkedout() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert engine.pool.checkedout() == 0, "a cancelled request kept its connection"
    finally:
        gc.enable()
        event.remove(engine, "before_cursor_execute", slow_statement)
    assert client.get("/auth/me", headers=headers).status_code == 200
