"""``serve --workers 2`` on SQLite: a worker killed and replaced keeps its counts in the scrape, and
its gauges go (prometheus_client's multiprocess mode, README "Watching it")."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from server.settings import Settings
from tests.fixtures.server_process import ServerProcess

INFO = "/server-info"


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", orders=1)
    process.start("--workers", "2")
    try:
        yield process
    finally:
        assert process.stop() == 0


def workers(supervisor: int) -> set[int]:
    """The supervisor's worker processes (spawned by multiprocessing)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    found = set()
    for pid in map(int, children):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.add(pid)
        except OSError:  # gone just now
            continue
    return found


def scrape(url: str) -> tuple[float, float]:
    """The ``/server-info`` requests answered, and the pool size, as one scrape reports them for all workers."""
    response = requests.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    answered = sum(s.value for s in families["casedesk_http_requests"].samples if s.labels["route"] == INFO)
    pool_size = sum(s.value for s in families["casedesk_db_pool_size"].samples)
    checked_out = sum(s.value for s in families["casedesk_db_pool_checked_out"].samples)
    assert 0 <= checked_out <= pool_size  # each worker's checkouts, followed as they happen
    return answered, pool_size


def answered_by(shared: str, pid: int) -> float:
    """The ``/server-info`` requests one worker answered, from its own file in the shared directory."""
    merged = MultiProcessCollector.merge([f"{shared}/counter_{pid}.db"])
    return sum(
        s.value for m in merged if m.name == "casedesk_http_requests" for s in m.samples if s.labels["route"] == INFO
    )


def test_a_dead_workers_counts_stay_and_its_gauges_go(two_workers: ServerProcess) -> None:
    supervisor = two_workers.process.pid
    per_worker = Settings().db_pool_size
    deadline = time.monotonic() + 60
    while scrape(two_workers.url)[1] != 2 * per_worker:  # both workers up
        assert time.monotonic() < deadline, "the second worker never started"
        time.sleep(0.2)
    for _ in range(20):  # a new connection each: the kernel hands them to either worker
        assert requests.get(f"{two_workers.url}{INFO}", timeout=10, headers={"Connection": "close"}).ok
    answered, _ = scrape(two_workers.url)
    [shared] = {
        line.split(b"=", 1)[1].decode()
        for pid in workers(supervisor)
        for line in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        if line.startswith(b"PROMETHEUS_MULTIPROC_DIR=")
    }
    # The one that answered more (at least half of the 20) dies: its counts must stay.
    first, second = sorted(workers(supervisor), key=lambda pid: -answered_by(shared, pid))
    assert answered_by(shared, first) >= 10
    os.kill(first, signal.SIGKILL)
    dead = Path(shared) / f"gauge_livesum_{first}.db"
    while dead.exists() or not workers(supervisor) - {first, second}:  # replaced, and marked dead by serve
        assert time.monotonic() < deadline + 60, "the killed worker was not replaced, or its gauges stayed"
        time.sleep(0.2)
    while (scraped := scrape(two_workers.url))[1] != 2 * per_worker:  # the replacement's pool, once it is up
        assert time.monotonic() < deadline + 120, f"pool size {scraped[1]}, not that of the two live workers"
        time.sleep(0.2)
    assert scraped[0] == answered == 20  # the dead worker's counts stay
