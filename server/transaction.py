"""One transaction per request, on one thread: the route opens it, commits once, rolls back on error."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

import fastapi.concurrency
import fastapi.dependencies.utils
import fastapi.routing
from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool as _anyio_threadpool

from server.db import write_intent
from server.errors import ApiError
from server.lanes import Admission, Lane

T = TypeVar("T")

#: Methods whose requests only read: on SQLite their transaction begins deferred (no write lock).
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_LANE: ContextVar[Lane | None] = ContextVar("casedesk_db_lane", default=None)


async def _run_in_threadpool(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """FastAPI's hop to a worker thread, kept on the request's lane inside a transactional route.

    FastAPI runs each sync dependency, the endpoint and the response validation as separate
    hops to anyio's shared thread pool; a session used across those hops is a transaction held
    open between threads (and, with the pool full, waiting for a thread to commit it). Inside a
    :class:`TransactionalRoute` every such hop goes to the request's own lane instead.
    """
    lane = _LANE.get()
    if lane is None:
        return await _anyio_threadpool(func, *args, **kwargs)
    return await lane.run(functools.partial(func, *args, **kwargs))


# Each module's own import of starlette's helper, replaced; mypy sees no such attribute because
# these modules do not re-export what they import.
for _module in (fastapi.routing, fastapi.dependencies.utils, fastapi.concurrency):
    _module.run_in_threadpool = _run_in_threadpool  # type: ignore[attr-defined]


async def in_lane(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``func`` where the request's session lives (for ``async def`` endpoints)."""
    return await _run_in_threadpool(func, *args, **kwargs)


def reads_first(endpoint: Callable[..., T]) -> Callable[..., T]:
    """Mark a writing endpoint that does its slow part in a read-only transaction and commits it
    before writing (sign-in: the password hash). On SQLite it does not take the worker's writer
    gate for the whole request; its write transaction waits for SQLite's lock like any writer."""
    # a mark on the function itself, read back with getattr by TransactionalRoute
    endpoint._casedesk_reads_first = True  # type: ignore[attr-defined]
    return endpoint


class Received(Protocol):
    """A request body taken as it arrived (see :func:`receives_body`)."""

    def close(self) -> None:
        """Let go of what was received and not kept (called after the transaction ended)."""


Receiver = Callable[[Request], Awaitable[Received]]


def receives_body(receiver: Receiver) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Mark an endpoint whose body ``receiver`` takes as it arrives (a tus chunk: written to disk
    and hashed piece by piece) instead of reading it into memory first. Like the body of any
    transactional route it is taken before a lane is; what ``receiver`` returns is
    ``request.state.received``, closed once the transaction has ended, whatever the answer."""

    def mark(endpoint: Callable[..., T]) -> Callable[..., T]:
        endpoint._casedesk_receiver = receiver  # type: ignore[attr-defined]
        return endpoint

    return mark


class TransactionalRoute(APIRoute):
    """Runs each endpoint inside a session committed before the response leaves.

    The request first reads its body (a slow client holds no lane), then waits for a database
    lane (:mod:`server.lanes`; 503 + Retry-After when saturated); the session is opened, used,
    committed and closed on that lane's thread. The commit happens here, not in a ``yield``
    dependency, so a failed commit can never follow a response that already said "done".
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        reads_first_ = getattr(self.endpoint, "_casedesk_reads_first", False)
        receiver: Receiver | None = getattr(self.endpoint, "_casedesk_receiver", None)

        async def transactional(request: Request) -> Response:
            received: Received | None = None
            if receiver is None:
                await request.body()  # cached on the request for the handler
            else:
                received = request.state.received = await receiver(request)
            admission: Admission = request.app.state.admission
            writes = request.method not in READ_METHODS
            try:
                async with admission.lane(writes and not reads_first_) as lane:
                    lane_token = _LANE.set(lane)
                    try:
                        with write_intent(writes):
                            return await _transaction(request, lane, handler)
                    finally:
                        _LANE.reset(lane_token)
            finally:
                if received is not None:
                    received.close()

        return transactional


async def _transaction(
    request: Request, lane: Lane, handler: Callable[[Request], Coroutine[Any, Any, Response]]
) -> Response:
    # Made here (a session connects on first use, on the lane); committed or rolled back and closed
    # in one hop to the lane: each hop is a thread handoff, a measurable part of a small request.
    session: Session = request.app.state.session_factory()
    request.state.db = session
    try:
        response = await handler(request)
    except ApiError as exc:
        if not session.info.get(_ENDED):
            await lane.finish(_end, session, exc.keep_changes)
        raise
    except BaseException:
        if not session.info.get(_ENDED):
            await lane.finish(_end, session, False)
        raise
    if not session.info.get(_ENDED):
        await lane.finish(_end, session, True)
    return response


#: Set in a session's ``info`` once :func:`finish_in_lane` has committed (or rolled back) and closed it.
_ENDED = "casedesk_ended"


async def finish_in_lane(session: Session, func: Callable[..., T], *args: Any) -> T:
    """Run ``func`` on the request's lane and end the transaction in the same hop: committed when
    it returns, as :class:`TransactionalRoute` would after the endpoint (rolled back on an error,
    committed on an :class:`ApiError` that keeps its changes). For an ``async def`` endpoint whose
    whole work is ``func`` and whose answer needs nothing more from the session (the sync delta:
    the token check, its statement and the commit in one thread handoff instead of three).
    Nothing may use ``session`` afterwards."""
    return await _run_in_threadpool(_then_end, session, func, *args)


def _then_end(session: Session, func: Callable[..., T], *args: Any) -> T:
    try:
        result = func(*args)
    except ApiError as exc:
        _ended(session, exc.keep_changes)
        raise
    except BaseException:
        _ended(session, False)
        raise
    _ended(session, True)
    return result


def _ended(session: Session, commit: bool) -> None:
    session.info[_ENDED] = True  # before: a failed commit is rolled back and closed here, not again
    _end(session, commit)


def _end(session: Session, commit: bool) -> None:
    """Commit (or roll back) and close: a commit that fails is rolled back."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def db(request: Request) -> Session:
    """The request's session (see :class:`TransactionalRoute`)."""
    session: Session = request.state.db
    return session
