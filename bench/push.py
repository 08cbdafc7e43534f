"""Push benchmark: 1,000 offline edits (notes and on-site checks with text) sent by a desk.

``python -m bench.push [--pg URL] [--edits 1000]``

The server is ``python -m server serve`` (one worker) on a demo city
(``tests/fixtures/server_process.py``). A desk — its encrypted-or-plain local store, its sync
engine, the demo handler signed in — pulls its orders, then records ``--edits`` edits offline
(half notes, half on-site checks with a sentence of text, spread over its orders) as the desk's
UI does (``Store.record``), and syncs once (``engine.sync(flush=True)``: pushes in batches, then
pulls what changed). Printed: the push phase (from the round's start to the first pull
progress), the whole round, edits/s, and the CPU each side spent on the push phase per edit (the
server process's from ``/proc``; the desk's is this process's — the load-robust figures on a shared
machine). Target: the push ≤ 5 s.

Baseline in the same run: the same number of mutations sent straight with ``client.push`` in
batches of 100 (no local store, no outbox bookkeeping): what the server itself takes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from api_client import CaseDeskClient
from bench.common import figure, load_average, verdict
from bench.live import cpu_seconds
from bench.measures import scratch_database
from casework.lifecycle import Command
from casework.schemas import AddNoteBody, OnsiteCheckBody
from casework.sync import Mutation, PushRequest
from offline import open_store
from offline.blobcache import BlobCache
from offline.facts import actor_of
from offline.sync import Phase, Progress, SyncEngine
from tests.fixtures.server_process import PASSWORD, ServerProcess

TARGET_SECONDS = 5.0


class _PushTimer:
    """Notes when the round moves from pushing to pulling."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.pull_started: float | None = None
        self.cpu_at_pull: tuple[float, float] | None = None  # the server's and this process's

    def item(self, update: object) -> None:
        pass

    def progress(self, progress: Progress) -> None:
        if progress.phase is Phase.PULL and self.pull_started is None:
            self.pull_started = time.perf_counter()
            self.cpu_at_pull = (cpu_seconds(self.server_pid), time.process_time())


def _body(n: int, now: datetime) -> tuple[Command, AddNoteBody | OnsiteCheckBody]:
    if n % 2:
        notes = f"第{n}次现场核查：路灯线路老化，已联系供电所更换，市民表示满意。"
        return Command.RECORD_ONSITE_CHECK, OnsiteCheckBody(client_id=uuid.uuid4(), checked_at=now, notes=notes)
    return Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text=f"离线记录 {n}：已电话联系市民，约定明天上门。")


def desk_push(url: str, root: Path, edits: int, server_pid: int) -> tuple[float, float, float, float]:
    """The push phase's and the whole round's seconds; the server's and the desk's CPU seconds in
    the push phase."""
    client = CaseDeskClient(url, persist_session=False)
    client.login("handler", PASSWORD)
    root.mkdir(parents=True, exist_ok=True)
    store = open_store(root / "local.sqlite")
    timer = _PushTimer(server_pid)
    engine = SyncEngine(store, client, BlobCache(root / "blobs"), [timer])
    assert engine.sync().ok
    assert client.user is not None
    actor = actor_of(client.user)
    now = datetime.now(UTC)
    mine = store.orders()
    for n in range(edits):
        command, body = _body(n, now)
        targets = [o["id"] for o in mine if command.value in (o.get("allowed_commands") or [])]
        assert targets, f"the demo handler has no order for {command.value}"
        store.record(actor, targets[n % len(targets)], command, body, now=now)
    print(f"desk: {edits} edits recorded offline over {len(mine)} orders")
    timer.pull_started = None  # the first round pulled too
    server_cpu, desk_cpu = cpu_seconds(server_pid), time.process_time()
    timer.cpu_at_pull = None
    started = time.perf_counter()
    report = engine.sync(flush=True)
    ended = time.perf_counter()
    assert report.ok and report.applied == edits, report
    store.close()
    server_at_pull, desk_at_pull = timer.cpu_at_pull or (cpu_seconds(server_pid), time.process_time())
    return (
        (timer.pull_started or ended) - started,
        ended - started,
        server_at_pull - server_cpu,
        desk_at_pull - desk_cpu,
    )


def plain_push(url: str, edits: int, server_pid: int) -> tuple[float, float]:
    """Seconds and the server's CPU seconds."""
    client = CaseDeskClient(url, persist_session=False)
    client.login("handler", PASSWORD)
    page = client.pull(None, limit=1000)
    now = datetime.now(UTC)
    mutations = []
    for n in range(edits):
        command, body = _body(n, now)
        targets = [c.order_id for c in page.changes if c.order and command.value in c.order.allowed_commands]
        args = body.model_dump(mode="json")
        mutations.append(Mutation(id=uuid.uuid4(), order_id=targets[n % len(targets)], name=command, args=args))
    server_cpu = cpu_seconds(server_pid)
    started = time.perf_counter()
    for i in range(0, edits, 100):
        client.push(PushRequest(client_id=f"bench-plain-{os.getpid()}", mutations=mutations[i : i + 100]))
    return time.perf_counter() - started, cpu_seconds(server_pid) - server_cpu


def run(args: argparse.Namespace) -> None:
    scratch = scratch_database(args.pg) if args.pg else contextlib.nullcontext()
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-push-") as tmp, scratch as database_url:
        server = ServerProcess(Path(tmp) / "data", orders=300, database_url=database_url)
        server.start()
        try:
            backend = "PostgreSQL" if args.pg else "SQLite"
            print(f"server: {server.url} on {backend}, one worker; load average {load_average()} at the start")
            pid = server.process.pid
            push, whole, server_cpu, desk_cpu = desk_push(server.url, Path(tmp) / "desk", args.edits, pid)
            print(f"desk push {push:.2f} s; now the baseline")
            baseline, baseline_cpu = plain_push(server.url, args.edits, pid)
        finally:
            server.stop()
    n = args.edits
    print(f"\n{n} offline edits (notes and on-site checks with text), one desk, engine.sync(flush=True):")
    print(
        f"  push phase            {push:6.2f} s  {n / push:7.0f} edits/s   (target <= {TARGET_SECONDS:.0f} s: "
        f"{verdict(push <= TARGET_SECONDS)})"
    )
    print(f"  whole round (+ pull)  {whole:6.2f} s")
    print(
        f"  CPU per edit in the push phase: server {server_cpu / n * 1000:5.2f} ms, desk {desk_cpu / n * 1000:5.2f} ms "
        f"(with a core each: {n / max(server_cpu, desk_cpu):.0f} edits/s at best)"
    )
    print(
        f"  baseline: the same {n} mutations by client.push, batches of 100, no desk: {baseline:6.2f} s "
        f"({n / baseline:.0f}/s); desk push ÷ baseline = {push / baseline:.2f}; the server's CPU per mutation "
        f"{baseline_cpu / n * 1000:.2f} ms"
    )
    figure(
        f"{n:,} offline edits pushed", push, "s", at_most=TARGET_SECONDS, baseline=f"client.push alone {baseline:.2f} s"
    )
    print(f"load average {load_average()} at the end (other work on the machine slows the figures down)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", metavar="URL", help="run on PostgreSQL (a fresh database is created and dropped)")
    p.add_argument("--edits", type=int, default=1000, help="offline edits (default %(default)s)")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    run(p.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
