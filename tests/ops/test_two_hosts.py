"""Two server hosts behind one address, sharing one PostgreSQL database and one data directory (the
blob store and unfinished uploads), on loopback: a desk syncing through either sees the same city,
a token issued by one is accepted by the other, an upload begun on one resumes on the other
(README "Operating the server", "Two hosts")."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from casework.lifecycle import Command
from casework.schemas import AssignHandlerBody, SignBody
from server.settings import Settings
from tests.fixtures.database import PG_URL, pg_database
from tests.fixtures.fault_proxy import FaultProxy
from tests.fixtures.headless_desk import Desk, assert_converged, server_view
from tests.fixtures.server_process import PASSWORD, ServerProcess

TUS = {"Tus-Resumable": "1.0.0"}


@dataclass
class Hosts:
    a: ServerProcess
    b: ServerProcess
    proxy: FaultProxy  # the one address: each request to the next host in turn


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosts]:
    if not PG_URL:
        pytest.skip("two hosts share a PostgreSQL database: CASEDESK_TEST_PG_URL is not set")
    shared = tmp_path_factory.mktemp("shared")  # what both hosts mount as CASEDESK_DATA_DIR
    with pg_database("casedesk_hosts") as url:
        a = ServerProcess(shared, orders=12, database_url=url)
        b = ServerProcess(shared, orders=12, database_url=url)  # the city is there: seeding does nothing
        a.start()
        b.start("--workers", "2")
        proxy = FaultProxy([a.url, b.url])
        try:
            yield Hosts(a, b, proxy)
        finally:
            proxy.close()
            a.stop()
            b.stop()


def _in_progress(hosts: Hosts, title: str) -> int:
    """Taken in on host a, signed and assigned to the demo handler on host b."""
    order_id = hosts.a.new_order(title)
    chief = hosts.b.as_user("chief")
    version = chief.command(order_id, Command.SIGN, SignBody(version=chief.order(order_id).version)).version
    handler_id = hosts.b.as_user("handler").user.id  # type: ignore[union-attr]
    chief.command(order_id, Command.ASSIGN_HANDLER, AssignHandlerBody(version=version, handler_id=handler_id))
    return order_id


def test_a_desk_syncing_through_either_host_sees_the_same_city(hosts: Hosts, tmp_path: Path) -> None:
    order_id = _in_progress(hosts, "两台主机：海潮路井盖松动")
    assert hosts.a.as_user("agent").server_info().id == hosts.b.as_user("agent").server_info().id
    served_before = len(hosts.proxy.hosts)
    desk = Desk.open(tmp_path / "desk", hosts.proxy.url, "handler", PASSWORD, persist_session=False)
    try:
        assert desk.engine.sync().ok
        assert desk.store.order(order_id) is not None
        photo = desk.photo(7, size=(1600, 1200))
        now = datetime.now(UTC)
        desk.do(order_id, Command.ADD_NOTE, now, text="已到现场查看，井盖确已松动")
        desk.do(
            order_id,
            Command.RECORD_ONSITE_CHECK,
            now,
            files=[photo],
            checked_at=now.isoformat(),
            notes="现场核查",
            photos=[{"sha256": photo.sha256, "tag": "before"}],
        )
        report = desk.engine.sync()
        assert report.ok, report
        assert desk.engine.sync().ok
        assert_converged(desk)  # through the proxy: its pulls alternate between the hosts
        # Each host, asked directly, shows the desk's city: the same orders, versions, notes and checks.
        local = {o["id"]: o for o in desk.store.orders()}
        seen_on_a = server_view(hosts.a.as_user("handler"))
        seen_on_b = server_view(hosts.b.as_user("handler"))
        assert seen_on_a == seen_on_b
        assert set(seen_on_a) == set(local)
        for key in ("version", "notes", "onsite_checks", "state"):
            assert local[order_id][key] == seen_on_a[order_id][key]
        assert [n["text"] for n in seen_on_a[order_id]["notes"]][-1] == "已到现场查看，井盖确已松动"
        # The photo's bytes, written by whichever host had the last chunk, are read by both.
        for host in (hosts.a, hosts.b):
            assert hashlib.sha256(host.as_user("handler").download(photo.sha256)).hexdigest() == photo.sha256
    finally:
        desk.close()
    served = hosts.proxy.hosts[served_before:]
    assert served.count(0) >= 3 and served.count(1) >= 3, served  # both hosts did the desk's work


def test_a_token_issued_by_one_host_is_accepted_by_the_other(hosts: Hosts) -> None:
    signed_in = requests.post(
        f"{hosts.a.url}/auth/login", json={"username": "agent", "password": PASSWORD}, timeout=10
    ).json()
    me = requests.get(
        f"{hosts.b.url}/auth/me", headers={"Authorization": f"Bearer {signed_in['access_token']}"}, timeout=10
    )
    assert me.status_code == 200 and me.json()["username"] == "agent"
    refreshed = requests.post(
        f"{hosts.b.url}/auth/refresh", json={"refresh_token": signed_in["refresh_token"]}, timeout=10
    )
    assert refreshed.status_code == 200, refreshed.text
    # Signed out on b: the token is gone on a too (no host keeps sessions of its own).
    access = refreshed.json()["access_token"]
    assert requests.post(f"{hosts.b.url}/auth/logout", headers={"Authorization": f"Bearer {access}"}, timeout=10).ok
    gone = requests.get(f"{hosts.a.url}/auth/me", headers={"Authorization": f"Bearer {access}"}, timeout=10)
    assert gone.status_code == 401


def test_an_upload_begun_on_one_host_resumes_on_the_other(hosts: Hosts, photo: bytes) -> None:
    token = hosts.a.as_user("handler").auth.access_token
    auth = {"Authorization": f"Bearer {token}", **TUS}
    sha = hashlib.sha256(photo).hexdigest()
    created = requests.post(
        f"{hosts.a.url}/uploads",
        headers={
            **auth,
            "Upload-Length": str(len(photo)),
            "Upload-Metadata": f"sha256 {base64.b64encode(sha.encode()).decode()}",
        },
        timeout=10,
    )
    assert created.status_code == 201, created.text
    path = created.headers["Location"].removeprefix(hosts.a.url)
    half = len(photo) // 2
    first = requests.patch(
        f"{hosts.a.url}{path}",
        headers={**auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"},
        data=photo[:half],
        timeout=30,
    )
    assert first.status_code == 204 and first.headers["Upload-Offset"] == str(half)
    # Host a is gone (stopped for maintenance): the desk asks host b where it stands, and goes on.
    assert hosts.a.stop() == 0
    try:
        offset = requests.head(f"{hosts.b.url}{path}", headers=auth, timeout=10)
        assert offset.status_code == 200 and offset.headers["Upload-Offset"] == str(half)
        rest = requests.patch(
            f"{hosts.b.url}{path}",
            headers={**auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(half)},
            data=photo[half:],
            timeout=30,
        )
        assert rest.status_code == 204, rest.text
        assert rest.headers["Upload-Offset"] == str(len(photo)) and rest.headers["Upload-Sha256"] == sha
        assert requests.get(f"{hosts.b.url}/blobs/{sha}", headers=auth, timeout=10).content == photo
    finally:
        hosts.a.start()
    assert requests.get(f"{hosts.a.url}/blobs/{sha}", headers=auth, timeout=10).content == photo


def test_metrics_of_a_host_with_two_workers_count_for_both(hosts: Hosts) -> None:
    """Host b runs ``--workers 2``: whichever worker a scrape reaches answers for both, at once."""

    def scrape() -> dict[str, Metric]:
        response = requests.get(f"{hosts.b.url}/metrics", timeout=10)  # loopback: allowed without a token
        assert response.status_code == 200, response.text
        return {family.name: family for family in text_string_to_metric_families(response.text)}

    def info_count(families: dict[str, Metric]) -> float:
        samples = families["casedesk_http_requests"].samples
        return sum(
            s.value
            for s in samples
            if (s.name, s.labels["route"], s.labels["status"])
            == ("casedesk_http_requests_total", "/server-info", "200")
        )

    def pool_size(families: dict[str, Metric]) -> float:
        return sum(s.value for s in families["casedesk_db_pool_size"].samples)

    workers = 2 * Settings().db_pool_size
    deadline = time.monotonic() + 30
    while pool_size(scrape()) != workers:  # the second worker may still be starting
        assert time.monotonic() < deadline, "the second worker never started"
        time.sleep(0.2)
    before = info_count(scrape())
    for _ in range(20):  # a new connection each: the kernel hands them to either worker
        assert requests.get(f"{hosts.b.url}/server-info", timeout=10, headers={"Connection": "close"}).ok
    scrapes = [scrape() for _ in range(6)]  # no waiting: each worker's counts are in the shared files
    assert {info_count(s) for s in scrapes} == {before + 20}
    assert {pool_size(s) for s in scrapes} == {workers}
