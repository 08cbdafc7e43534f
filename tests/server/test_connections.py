"""The server's database connections: a connection the database dropped is not handed to a request,
nothing is sent to find that out, and a served worker keeps its start out of the collector's sight."""

from __future__ import annotations

import gc
import time
from unittest import mock

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from uvicorn.importer import import_from_string

from server import app as app_module
from server.observability import shutdown
from server.settings import Settings
from tests.fixtures.city import Api
from tests.fixtures.database import PG_URL

on_postgresql = pytest.mark.skipif(not PG_URL, reason="needs CASEDESK_TEST_PG_URL")


def _terminate_the_servers_backends(database_url: str) -> int:
    """``pg_terminate_backend`` on every other connection to this database; their number, once gone."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            others = "datname = current_database() AND pid <> pg_backend_pid()"
            killed = c.execute(text(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}"))
            count = killed.scalar_one()
            deadline = time.monotonic() + 10
            while c.execute(text(f"SELECT count(*) FROM pg_stat_activity WHERE {others}")).scalar_one():
                assert time.monotonic() < deadline, "the terminated backends did not go"
                time.sleep(0.05)
        return int(count)
    finally:
        admin.dispose()


@on_postgresql
def test_a_request_after_its_pooled_connections_were_terminated_is_answered(
    api: Api, client: TestClient, app: FastAPI, settings: Settings
) -> None:
    if not settings.effective_database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: it terminates backends")
    assert client.get("/healthz").status_code == 200
    agent = api.login("agent")  # a sign-in reads and writes
    assert app.state.engine.pool.checkedin() >= 1
    assert _terminate_the_servers_backends(settings.effective_database_url) >= 1

    assert client.get("/healthz").status_code == 200
    assert client.get("/auth/me", headers=agent).status_code == 200
    api.login("zj_handler")  # and a write
    assert _terminate_the_servers_backends(settings.effective_database_url) >= 1
    api.login("zj_chief")  # a write first


@on_postgresql
def test_a_checkout_sends_nothing_to_the_database(client: TestClient, app: FastAPI, settings: Settings) -> None:
    """No ``SELECT 1`` before each request's statements (``pool_pre_ping``): a round trip a request."""
    if not settings.effective_database_url.startswith("postgresql"):
        pytest.skip("SQLite never pinged")
    with mock.patch.object(app.state.engine.dialect, "do_ping", wraps=app.state.engine.dialect.do_ping) as ping:
        for _ in range(5):
            assert client.get("/healthz").status_code == 200
    assert ping.call_count == 0


def test_a_served_worker_freezes_what_its_start_made(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` builds each worker's app with ``served_app``: the start's objects are frozen, so a full
    garbage collection no longer walks them all while the worker's requests wait."""
    assert import_from_string(shutdown.config().app) is app_module.served_app
    monkeypatch.setattr(app_module, "get_settings", lambda: settings)
    assert gc.get_freeze_count() == 0
    served = app_module.served_app()
    try:
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
        served.state.engine.dispose()
