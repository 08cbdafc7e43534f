"""The sync contract between the offline client and the server (design.md, "Sync protocol")."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, StringConstraints

from casework.lifecycle import Command
from casework.schemas import EventView, Id, Input, OrderDetail, Wire

ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,64}$")]


class ChangeKind(StrEnum):
    UPSERT = "upsert"  # the order as the caller sees it now, with the events since the cursor
    REVOKE = "revoke"  # the order left the caller's scope: drop it (keep any unsent local work)


class SyncChange(Wire):
    seq: int
    kind: ChangeKind
    order_id: int
    order: OrderDetail | None = None
    events: list[EventView] = Field(default_factory=list)


class PullResponse(Wire):
    changes: list[SyncChange]
    cursor: str = Field(description="Opaque; pass it back unchanged")
    has_more: bool
    reset: bool = Field(description="The old cursor could not be served: drop the local copy, keep the outbox")


class Mutation(Input):
    """One named command made offline, with the version and free-text values it was based on."""

    id: UUID
    order_id: Id
    name: Command
    args: dict[str, Any] = Field(description="The command's body (see the /orders/{id}/<command> endpoints)")
    base: dict[str, Annotated[str, StringConstraints(max_length=10_000)]] = Field(
        default_factory=dict, description="Free-text fields as they were before the edit, e.g. {'text': …}"
    )


class PushRequest(Input):
    client_id: ClientId
    mutations: list[Mutation] = Field(max_length=200)


class MutationStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # already applied (or refused) before: the stored result, again
    CONFLICT = "conflict"  # a free-text field moved on the server: both versions are here
    REJECTED = "rejected"  # no longer applies (state, role, scope, input): see code and message
    HELD = "held"  # not tried: an earlier mutation of the same order in this push failed; send it again later


class MutationResult(Wire):
    id: UUID
    status: MutationStatus
    code: str | None = None
    message_zh: str = ""
    message_en: str = ""
    detail: Any = None
    server_values: dict[str, Any] = Field(default_factory=dict, description="For a conflict: the server's text")
    order: OrderDetail | None = Field(default=None, description="The order as it is now, when still visible")


class PushResponse(Wire):
    results: list[MutationResult]
