"""Database lanes: a bounded admission queue in front of every request's database work.

A worker owns ``pool_size`` lanes, one thread and at most one pooled connection each. A request
waits (in the event loop, costing nothing but a coroutine) for a free lane, then runs *all* its
database work on that lane's thread: the session is opened, used, committed and closed there,
never carried from one thread to another, so no transaction sits "idle in transaction" waiting
for a thread, and the worker can never ask its pool for more connections than it has.

On SQLite writers also pass a gate of one: one writer per worker at a time holds a lane, the
rest queue here rather than in SQLite's busy handler (which polls with sleeps), and readers
keep the other lanes.

When the queue is full (``queue_limit`` waiting) or a request has waited ``timeout`` seconds,
the request is answered 503 with ``Retry-After``: the worker sheds load instead of collapsing,
and recovers by itself once the burst has passed.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import math
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from server.errors import ApiError

T = TypeVar("T")

#: Longest Retry-After the server asks for, in seconds.
MAX_RETRY_AFTER = 30
#: Seconds over which the rate of finished requests is measured (for Retry-After).
RATE_WINDOW = 5.0


def busy(retry_after: int) -> ApiError:
    return ApiError(
        503,
        "busy",
        f"服务器繁忙，请 {retry_after} 秒后重试",
        f"The server is busy; try again in {retry_after} s",
        detail={"retry_after": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


class Lane:
    """One thread; everything a request does with its session runs here, in order."""

    def __init__(self, index: int) -> None:
        self.index = index
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"db-lane-{index}")

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on this lane's thread with the caller's context variables (like anyio).

        Cancelling the caller before ``fn`` has started drops it (it never runs)."""
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: context.run(fn, *args, **kwargs))

    async def finish(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` on this lane's thread even if the caller is cancelled meanwhile: the end of a
        request's transaction (its commit or rollback and close) must run after whatever the
        request left queued here. Without the shield a cancellation that repeats at every await
        (anyio's cancel scopes: a client's timeout, a shutdown) would drop the queued close, and
        the connection the request had already taken would never return to the pool."""
        context = contextvars.copy_context()
        job = asyncio.get_running_loop().run_in_executor(self._executor, lambda: context.run(fn, *args))
        return await asyncio.shield(job)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False)


class Admission:
    """``lanes`` lanes behind a queue of at most ``queue_limit`` waiting requests."""

    def __init__(self, lanes: int, queue_limit: int, timeout: float, single_writer: bool = False) -> None:
        self.lanes = [Lane(i) for i in range(lanes)]
        self.queue_limit = queue_limit
        self.timeout = timeout
        self.single_writer = single_writer
        self.waiting = 0
        self.shed = 0  # requests answered 503 so far
        self._free: asyncio.Queue[Lane] | None = None
        self._writer: asyncio.Lock | None = None
        self._finished: collections.deque[float] = collections.deque(maxlen=4096)  # for Retry-After

    def _queues(self) -> tuple[asyncio.Queue[Lane], asyncio.Lock]:
        # Made on first use, inside the loop that serves (uvicorn's, or a TestClient's portal).
        if self._free is None or self._writer is None:
            self._free = asyncio.Queue()
            for lane in self.lanes:
                self._free.put_nowait(lane)
            self._writer = asyncio.Lock()
        return self._free, self._writer

    def retry_after(self) -> int:
        """Seconds until the queue ahead of a newcomer has likely drained, at the rate requests
        left their lanes over the last few seconds."""
        now = time.monotonic()
        while self._finished and now - self._finished[0] > RATE_WINDOW:
            self._finished.popleft()
        rate = max(len(self._finished) / RATE_WINDOW, 1.0)
        return max(1, min(MAX_RETRY_AFTER, math.ceil(self.waiting / rate)))

    def _refuse(self) -> ApiError:
        self.shed += 1
        return busy(self.retry_after())

    @asynccontextmanager
    async def lane(self, writes: bool) -> AsyncIterator[Lane]:
        """A free lane for one request (and the writer's gate, on SQLite, for a writer)."""
        free, writer = self._queues()
        if self.waiting >= self.queue_limit:
            raise self._refuse()
        gated = writes and self.single_writer
        self.waiting += 1
        try:
            async with asyncio.timeout(self.timeout):
                if gated:
                    await writer.acquire()
                try:
                    lane = await free.get()
                except BaseException:
                    if gated:
                        writer.release()
                    raise
        except TimeoutError:
            raise self._refuse() from None
        finally:
            self.waiting -= 1
        try:
            yield lane
        finally:
            # The lane's thread runs its jobs in order: whatever this request left queued there
            # (its close, after a cancellation) runs before the next request's work.
            free.put_nowait(lane)
            if gated:
                writer.release()
            self._finished.append(time.monotonic())

    def shutdown(self) -> None:
        for lane in self.lanes:
            lane.shutdown()
