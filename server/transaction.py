"""One transaction per request: the route opens it, commits once, rolls back on error."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from server.errors import ApiError


class TransactionalRoute(APIRoute):
    """Runs each endpoint inside a session committed before the response leaves.

    The commit happens here, not in a ``yield`` dependency, so a failed commit can never
    follow a response that already said "done".
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def transactional(request: Request) -> Response:
            session: Session = request.app.state.session_factory()
            request.state.db = session
            try:
                response = await handler(request)
                await run_in_threadpool(session.commit)
                return response
            except ApiError as exc:
                await run_in_threadpool(session.commit if exc.keep_changes else session.rollback)
                raise
            except BaseException:
                await run_in_threadpool(session.rollback)
                raise
            finally:
                await run_in_threadpool(session.close)

        return transactional


def db(request: Request) -> Session:
    """The request's session (see :class:`TransactionalRoute`)."""
    return request.state.db
