"""A desk (store + file cache + engine + client) and the convergence check every scenario ends with."""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from api_client import CaseDeskClient
from casework.lifecycle import Command
from casework.roles import Actor
from casework.schemas import COMMAND_BODIES
from offline import Store, open_store
from offline.blobcache import BlobCache
from offline.facts import actor_of
from offline.files import keep
from offline.models import IN_FLIGHT, PROBLEMS
from offline.photos import prepare_file
from offline.store import LocalFile
from offline.sync import ItemUpdate, Progress, SyncEngine
from tests.server.support import PASSWORD


@dataclass
class Recorder:
    """An observer that keeps everything it is told."""

    items: list[ItemUpdate] = field(default_factory=list)
    progress_seen: list[Progress] = field(default_factory=list)

    def item(self, update: ItemUpdate) -> None:
        self.items.append(update)

    def progress(self, progress: Progress) -> None:
        self.progress_seen.append(progress)

    def states(self, mutation_id: uuid.UUID) -> list[str]:
        return [u.state.value for u in self.items if u.mutation_id == mutation_id]


@dataclass
class Desk:
    """One user's desktop installation: its own store, file cache and session."""

    root: Path
    client: CaseDeskClient
    store: Store
    cache: BlobCache
    engine: SyncEngine
    recorder: Recorder

    @classmethod
    def open(cls, root: Path, base_url: str, username: str, **client_args: Any) -> Desk:
        root.mkdir(parents=True, exist_ok=True)
        client_args.setdefault("backoff", 0.01)
        client = CaseDeskClient(base_url, **client_args)
        client.login(username, PASSWORD)
        store = open_store(root / "local.sqlite")
        cache = BlobCache(root / "blobs")
        recorder = Recorder()
        return cls(root, client, store, cache, SyncEngine(store, client, cache, [recorder]), recorder)

    @property
    def actor(self) -> Actor:
        assert self.client.user is not None
        return actor_of(self.client.user)

    def do(
        self,
        order_id: int,
        command: Command,
        now: datetime,
        files: list[LocalFile] = (),  # type: ignore[assignment]
        **body: Any,
    ) -> uuid.UUID:
        """Record a command offline, as the desktop does."""
        model = COMMAND_BODIES[command]
        if "version" in model.model_fields:
            body.setdefault("version", (self.store.order(order_id) or {}).get("version", 0))
        if "client_id" in model.model_fields:
            body.setdefault("client_id", str(uuid.uuid4()))
        return self.store.record(self.actor, order_id, command, model.model_validate(body), now=now, files=files).id

    def photo(self, seed: int, size: tuple[int, int] = (1200, 900)) -> LocalFile:
        return keep(self.cache, prepare_file(make_jpeg(seed, size), name=f"IMG_{seed:04d}.jpg"))

    def close(self) -> None:
        self.store.close()


def make_jpeg(seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A real, distinct JPEG (noise, so it does not compress to nothing)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def server_view(client: CaseDeskClient) -> dict[int, dict[str, Any]]:
    """Every order the user may see, as the server shows it now (a full pull from scratch)."""
    found: dict[int, dict[str, Any]] = {}
    cursor = None
    while True:
        page = client.pull(cursor, limit=500)
        for change in page.changes:
            if change.order is not None:
                found[change.order_id] = change.order.model_dump(mode="json")
            else:
                found.pop(change.order_id, None)
        cursor = page.cursor
        if not page.has_more:
            return found


def assert_converged(desk: Desk) -> None:
    """The store holds exactly the server's scoped view, and every outbox entry is settled:
    applied exactly once, or visible as a conflict or rejection. Run after a final sync."""
    server = server_view(desk.client)
    local = {o["id"]: o for o in desk.store.orders()}
    assert set(local) == set(server), f"only local: {set(local) - set(server)}, only server: {set(server) - set(local)}"
    rows = desk.store.outbox()
    in_flight = [r for r in rows if r["status"] in IN_FLIGHT]
    assert not in_flight, f"unsent: {[(r['name'], r['status']) for r in in_flight]}"
    problem_orders = {r["order_id"] for r in rows if r["status"] in PROBLEMS}
    for order_id, order in server.items():
        if order_id in problem_orders:
            continue
        mine = local[order_id]
        for key in ("state", "version", "draft", "notes", "onsite_checks", "attachments", "reviews", "handler_id"):
            assert mine[key] == order[key], f"order {order_id}: {key} differs: {mine[key]!r} != {order[key]!r}"
