"""``/sync``: pull and push for the offline client."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session

from casework.schemas import BAD_CURSOR, CURSOR_PATTERN
from casework.sync import EVENTS_AS_TEXT, PullResponse, PushRequest, PushResponse
from server.deps import DB, AppSettings, Credentials, CurrentCaller, Now, signed_in, with_own_password
from server.errors import errors, invalid
from server.observability.metrics import SYNC_MUTATIONS
from server.orders.service import Context
from server.sync import pull as pull_service
from server.sync import push as push_service
from server.transaction import TransactionalRoute, finish_in_lane

router = APIRouter(prefix="/sync", tags=["sync"], route_class=TransactionalRoute)


@router.get("/pull", response_model=PullResponse, responses=errors(401, 422, refusals=BAD_CURSOR))
async def pull(
    request: Request,
    credentials: Credentials,
    cursor: Annotated[str | None, Query(max_length=500, pattern=CURSOR_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    events: Annotated[
        Literal["text"] | None,
        Query(description="`text`: each event as `[seq, its EventView as JSON text]` (what a desk stores)"),
    ] = None,
) -> Response:
    """The caller's orders: a snapshot first, then changes; ``revoke`` for orders that left their scope."""
    # Every desk asks this every few seconds, mostly to hear "nothing new": the token check, the
    # page and the commit run in one hop to the request's lane (three, with the caller a sync
    # dependency and the commit the route's own hop). The session and the clock are read here, not
    # as dependencies: each dependency costs every poll its solving by the framework.
    session: Session = request.state.db
    now: datetime = request.app.state.clock()
    as_text = events == EVENTS_AS_TEXT
    page = await finish_in_lane(session, _page, request, session, credentials, now, cursor, limit, as_text)
    # Written as JSON straight from the rows (see pull_json): FastAPI would validate the page
    # against its model again and walk it through jsonable_encoder.
    return Response(content=page, media_type="application/json")


def _page(
    request: Request,
    session: Session,
    credentials: HTTPAuthorizationCredentials,
    now: datetime,
    cursor: str | None,
    limit: int,
    events_as_text: bool,
) -> bytes:
    caller = with_own_password(signed_in(request, session, credentials, now))
    try:
        return pull_service.pull_json(session, caller.actor, now, cursor, limit, events_as_text)
    except ValueError as exc:
        raise invalid("bad_cursor", "同步游标无效", "The sync cursor is not valid") from exc


@router.post("/push", response_model=PushResponse, responses=errors(401, 413, 422))
async def push(body: PushRequest, session: DB, caller: CurrentCaller, settings: AppSettings, now: Now) -> Response:
    """Apply queued mutations in order; each answers applied, duplicate, conflict or rejected."""
    # The push, its answer's JSON and the commit in one hop to the request's lane (three before: the
    # endpoint, FastAPI's check of the answer against its model, the route's commit); the token
    # check stays a dependency, so a bad token is still refused before a bad body.
    answer = await finish_in_lane(
        session, _push, body, Context(session=session, actor=caller.actor, settings=settings, now=now)
    )
    return Response(content=answer, media_type="application/json")


def _push(body: PushRequest, ctx: Context) -> bytes:
    answer = push_service.push(ctx, body)
    for result in answer.results:
        SYNC_MUTATIONS.labels(result.status.value).inc()
    return answer.__pydantic_serializer__.to_json(answer)
