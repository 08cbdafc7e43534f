"""The sync contract between the offline client and the server, defined once for both sides.

- A :class:`Mutation` is one named command made offline: its ``args`` are the command's body
  *without* ``version`` (:data:`COMMAND_ARGS`) — the server judges a pushed command by the order as
  it is now, so a version would mean nothing; one still sent (an outbox row written by an older desk)
  is accepted and dropped.
- Commands in :data:`TEXT_BASE_COMMANDS` edit the reply draft's free text: their mutation carries the
  text the edit started from (``base["text"]``, :func:`text_base`); the server applies them only
  while its draft is still that text (or already the new one), else answers a conflict.
- :class:`MutationStatus` is the one status of a mutation: the outbox row's, the sync engine's
  reports and the server's answer.
- An **intake** (:data:`INTAKE`) creates an order offline: its ``args`` are an
  :class:`~casework.schemas.OrderIntake` and its ``order_id`` is the desk's *provisional* id for
  the order, a negative number no server order has. The server creates the order once per
  mutation id (the push's stored results make a resend answer the same order) and names it in
  :attr:`MutationResult.order_id`. Later commands on the provisional order wait on the desk until
  the intake has been answered, then go under the server's id (they never reach the server with a
  provisional one).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)

from casework.lifecycle import Command
from casework.schemas import COMMAND_BODIES, EventView, Id, Input, OrderDetail, OrderIntake, Wire

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


#: ``GET /sync/pull?events=text``: each event of a change comes as ``[seq, text]`` — its sequence
#: number and its ``EventView`` as JSON text (a JSON string) — instead of an ``EventView`` object. The
#: desk keeps an event as that text, so it neither parses nor encodes it again (half of an initial
#: pull's bytes). Without the parameter (older desks, :class:`PullResponse`) events are objects; a
#: server from before it ignores the parameter and sends objects, which the desk takes too.
EVENTS_AS_TEXT = "text"


def _args_model(body: type[Wire]) -> type[Input]:
    """``body`` without its ``version``: the same fields, limits and checks."""
    fields: Any = {name: (f.annotation, f) for name, f in body.model_fields.items() if name != "version"}
    name = body.__name__.removesuffix("Body") + "Args"
    return create_model(name, __base__=Input, __module__=__name__, **fields)


#: What each command's mutation carries in ``args``: its body (see the /orders/{id}/<command>
#: endpoints) without ``version``.
COMMAND_ARGS: dict[Command, type[Input]] = {command: _args_model(body) for command, body in COMMAND_BODIES.items()}

#: The mutation that creates an order (受理) from the desk's outbox; its args are an OrderIntake.
INTAKE: Final = "intake"
#: What a mutation is: a lifecycle command on an existing order, or an intake.
MutationName = Command | Literal["intake"]
#: A provisional order's id on the desk (before the server has it): negative, never a server id.
ProvisionalId = Annotated[int, Field(ge=-(2**31), le=-1)]


def is_provisional(order_id: int) -> bool:
    """Whether ``order_id`` is a desk's provisional id (an intake not yet answered by the server)."""
    return order_id < 0


#: Commands that carry a text base: the reply draft's text as it was before the edit (``base["text"]``).
TEXT_BASE_COMMANDS = frozenset({Command.SAVE_DRAFT, Command.SUBMIT_REPLY})


def text_base(command: Command, draft_text: str) -> dict[str, str]:
    """The ``base`` of a mutation of ``command`` made on a draft whose text was ``draft_text``."""
    return {"text": draft_text} if command in TEXT_BASE_COMMANDS else {}


def mutation_args(body: BaseModel | dict[str, Any]) -> dict[str, Any]:
    """A command's body as a mutation's ``args`` (JSON values, no ``version``)."""
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else dict(body)
    data.pop("version", None)
    return data


def _base_text(value: Any) -> str:
    # A plain ``str`` would refuse a lone surrogate here, failing the whole push; it is refused
    # per mutation instead (Mutation.base_problems). Anything not a string still fails the push,
    # as the schema says.
    if not isinstance(value, str):
        raise ValueError("a base text must be a string")
    if len(value) > 10_000:
        raise ValueError("a base text has at most 10000 characters")
    return value


BaseText = Annotated[Any, AfterValidator(_base_text), WithJsonSchema({"type": "string", "maxLength": 10_000})]


class Mutation(Input):
    """One named command made offline, with the free text it was based on (see :data:`TEXT_BASE_COMMANDS`)."""

    id: UUID
    order_id: Annotated[int, Field(ge=-(2**31), le=2**31 - 1)] = Field(
        description="The order's id; for an intake the desk's provisional id (negative)"
    )
    name: MutationName
    args: dict[str, Any] = Field(
        description="The command's body without version (see /orders/{id}/<command>); for an intake an OrderIntake"
    )
    base: dict[str, BaseText] = Field(
        default_factory=dict, description="Free-text fields as they were before the edit, e.g. {'text': …}"
    )

    @field_validator("args", mode="after")
    @classmethod
    def _without_version(cls, args: dict[str, Any]) -> dict[str, Any]:
        # Desks before this contract put the order's version here (and their outbox may still hold
        # such rows): accepted, and dropped — it never decided anything on the push path.
        if "version" in args:
            args = {k: v for k, v in args.items() if k != "version"}
        return args

    @model_validator(mode="after")
    def _order_id_fits(self) -> Mutation:
        # An intake names the desk's provisional id (negative). A command names a server order; one
        # still under a provisional id waits on the desk (a server finds no such order: not_found).
        if self.order_id == 0 or (self.name == INTAKE and not is_provisional(self.order_id)):
            raise ValueError("an intake carries the desk's provisional (negative) order id")
        return self

    @property
    def is_intake(self) -> bool:
        return self.name == INTAKE

    def intake(self) -> OrderIntake:
        """An intake's order, validated (raises pydantic's ValidationError when it does not fit)."""
        return OrderIntake.model_validate(self.args)

    def base_problems(self) -> list[dict[str, Any]]:
        """Base texts that cannot be text at all (a lone UTF-16 surrogate from a Windows clipboard):
        what refuses this one mutation, as args that fail their model do — never the whole push."""
        problems = []
        for name, value in self.base.items():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append({"loc": ["base", name], "type": "string_unicode", "msg": "not valid Unicode text"})
        return problems

    def based_on(self) -> str | None:
        """The draft text this edit started from, when its command carries one."""
        return self.base.get("text") if self.name in TEXT_BASE_COMMANDS else None


class PushRequest(Input):
    client_id: ClientId
    mutations: list[Mutation] = Field(max_length=200)


class MutationStatus(StrEnum):
    """Where one mutation is: the one status, on the desk and in the server's answer.

    An outbox row is PENDING, SENT, APPLIED, CONFLICT or REJECTED; UPLOADING is transient (its files
    are being sent: reported to observers, never stored). The server answers APPLIED, DUPLICATE,
    CONFLICT, REJECTED or HELD; the outbox keeps an answer as its :attr:`kept` status.
    """

    PENDING = "pending"  # not yet sent (or held back by the server: send again later)
    UPLOADING = "uploading"  # transient: its files are on their way
    SENT = "sent"  # sent, no answer seen yet: resend (the server dedupes by mutation id)
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # already applied (or refused) before: the stored result, again
    CONFLICT = "conflict"  # a free-text field moved on the server: both versions are here
    REJECTED = "rejected"  # no longer applies (state, role, scope, input): see code and message
    HELD = "held"  # not tried: an earlier mutation of the same order in this push failed; send it again later

    @property
    def kept(self) -> MutationStatus:
        """What the outbox row keeps of this answer: a duplicate was applied, a held one waits."""
        if self is MutationStatus.DUPLICATE:
            return MutationStatus.APPLIED
        if self is MutationStatus.HELD:
            return MutationStatus.PENDING
        return self

    @property
    def verdict(self) -> bool:
        """The server has answered about this mutation (what the order shows may have changed)."""
        return self in _VERDICTS


_VERDICTS = frozenset(
    {
        MutationStatus.APPLIED,
        MutationStatus.DUPLICATE,
        MutationStatus.CONFLICT,
        MutationStatus.REJECTED,
        MutationStatus.HELD,
    }
)

#: Outbox statuses whose mutation is still shown on top of the server copy (and sent).
IN_FLIGHT = (MutationStatus.PENDING.value, MutationStatus.SENT.value)
#: Outbox statuses the user has to look at.
PROBLEMS = (MutationStatus.CONFLICT.value, MutationStatus.REJECTED.value)


class MutationResult(Wire):
    id: UUID
    status: MutationStatus
    code: str | None = None
    message_zh: str = ""
    message_en: str = ""
    detail: Any = None
    server_values: dict[str, Any] = Field(default_factory=dict, description="For a conflict: the server's text")
    order: OrderDetail | None = Field(
        default=None,
        description="The order as it is after the push, when still visible: on the last answer about it only",
    )
    order_id: Id | None = Field(default=None, description="For an applied intake: the order it created")


class PushResponse(Wire):
    results: list[MutationResult]
