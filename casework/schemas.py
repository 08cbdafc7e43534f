"""Wire schemas: the contract the server serves and the client reads (pydantic v2)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from casework.calendar import DayKind
from casework.cohandling import CoStatus
from casework.lifecycle import Command
from casework.order import (
    CallbackOutcome,
    Channel,
    ExtensionStatus,
    Importance,
    PhotoTag,
    RequestKind,
    ResultCode,
    ReturnReason,
    State,
)
from casework.review import ReviewLevel
from casework.roles import Role
from casework.sla import Complexity, Urgency

# Limits keep one request from filling the database; the server answers 422 beyond them.
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
RequiredShort = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9+\- ]{0,20}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]  # ids are 32-bit in the database
#: A page or sync cursor as the server writes it (URL-safe base64); its content is the server's.
CURSOR_PATTERN = r"^([A-Za-z0-9_-]+={0,2})?$"  # empty: from the start
BAD_CURSOR = {"bad_cursor": "not a cursor this server gave (pass back the one it answered)"}
Version = Annotated[int, Field(ge=0, le=2**62, description="The order version the command is based on")]


def _plausible_moment(value: datetime) -> datetime:
    """A time a hotline can mean: with a zone, between 1970 and 2200 (no overflow in arithmetic)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time needs a time zone, e.g. 2026-11-28T09:30:00+08:00")
    if not 1970 <= value.year <= 2200:
        raise ValueError("the time must lie between 1970 and 2200")
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}.*", re.DOTALL)


def _iso_day(value: Any) -> Any:
    """Only a written day (YYYY-MM-DD) or a date: pydantic alone reads 0 as 1970-01-01."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("a day is written YYYY-MM-DD, e.g. 2026-11-28")


def _iso_moment(value: Any) -> Any:
    """Only a written time (RFC 3339) or a datetime: pydantic alone reads 0 or "20260101" as seconds."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_MOMENT.fullmatch(value)):
        return value
    raise ValueError("a time is written like 2026-11-28T09:30:00+08:00")


#: A day a client sends: an ISO date string only (no number, no time of day).
Day = Annotated[date, BeforeValidator(_iso_day)]
#: A time a client sends: an ISO date-time string with a zone, 1970–2200.
Moment = Annotated[datetime, BeforeValidator(_iso_moment), AfterValidator(_plausible_moment)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class Wire(BaseModel):
    """Base of every wire model: unknown fields are refused, not silently dropped."""

    # Not ``defer_build``: it saved a desk's start ~0.13 s of CPU, but the server's body validators
    # (FastAPI's adapters of these models) were then built at each worker's first request, with
    # pydantic's warning about them written into the JSON log (tests/ops/test_graceful_shutdown.py).
    model_config = ConfigDict(extra="forbid")


class Input(Wire):
    """Base of what clients send: text is checked for NUL characters.

    Only inputs: answers are built from data already checked on the way in, and the check on
    every string of a sync page cost a fifth of an initial pull's time.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold U+0000; no user ever means it.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("text must not contain NUL characters")
        return value


class ErrorBody(Wire):
    code: str
    message_zh: str
    message_en: str
    detail: Any = None


# --- organisation ------------------------------------------------------------------------


DepartmentKind = Literal["centre", "department", "leadership"]


class DepartmentIn(Input):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,20}$")]
    name: RequiredShort
    name_en: Short = ""
    kind: DepartmentKind = "department"


class DepartmentOut(Wire):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    active: bool = True  # servers before the administration screens had no inactive departments


class DepartmentPatch(Input):
    """An administrator's edit of a department: only the fields sent change (the code never does)."""

    name: RequiredShort | None = None
    name_en: Short | None = None
    kind: DepartmentKind | None = None
    active: bool | None = None


CategoryCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.]{1,20}$")]
DepartmentCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,20}$")]


class CategoryIn(Input):
    code: CategoryCode
    name: RequiredShort
    name_en: Short = ""
    parent_code: CategoryCode | None = None
    department_code: DepartmentCode | None = None


class CategoryOut(Wire):
    code: str
    name: str
    name_en: str = ""  # servers before the administration screens had no English names
    parent_code: str | None
    department_code: str | None


class CategoryPatch(Input):
    """An administrator's edit of a category: only the fields sent change; ``null`` clears the
    parent (a top-level category) or the default department."""

    name: RequiredShort | None = None
    name_en: Short | None = None
    parent_code: CategoryCode | None = None
    department_code: DepartmentCode | None = None


class UserIn(Input):
    username: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.-]{2,40}$")]
    name: RequiredShort
    role: Role
    department_id: Id | None = None
    # The policy (casework.passwords) is checked by the server, which names the rule broken.
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    portfolio: list[Id] = Field(default_factory=list, max_length=500)
    may_sign: bool = False


class UserOut(Wire):
    id: int
    username: str
    name: str
    role: Role
    department_id: int | None
    portfolio: list[int]
    may_sign: bool
    active: bool
    # Until set to False by POST /auth/password, every endpoint but that one, me and sign-out
    # answers 403 password_change_required (an administrator created or reset the password).
    must_change_password: bool = False


class UserPatch(Input):
    """An administrator's edit of a user: only the fields sent change (the username never does;
    the password has its own command)."""

    name: RequiredShort | None = None
    role: Role | None = None
    department_id: Id | None = None
    portfolio: list[Id] | None = Field(default=None, max_length=500)
    may_sign: bool | None = None
    active: bool | None = None


#: Review chains as plain data: ``{"default"|DEPARTMENT_CODE: {importance: [level, ...]}}``.
ReviewChains = dict[
    Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,20}$")],
    dict[Importance, Annotated[list[ReviewLevel], Field(min_length=1, max_length=4)]],
]


class ReviewChainVersionIn(Input):
    """A new version of the review chains, in force from ``effective_from`` (Beijing date)."""

    effective_from: Day
    chains: ReviewChains = Field(max_length=500)
    note: Short = ""

    @field_validator("chains")
    @classmethod
    def _levels_once(cls, value: ReviewChains) -> ReviewChains:
        for levels in (levels for chains in value.values() for levels in chains.values()):
            if len(set(levels)) != len(levels):
                raise ValueError("a level appears twice in one chain")
        return value


class ReviewChainVersionOut(Wire):
    id: int
    effective_from: date
    chains: ReviewChains
    note: str
    created_by: int | None
    created_at: datetime
    in_force: bool  # the version in force today


# --- calendar ----------------------------------------------------------------------------


class DayIn(Input):
    """A local day: a holiday (休) or a working day (班) the statutory calendar does not say."""

    day: Day
    kind: DayKind
    note: Short = ""


class CalendarOut(Wire):
    version: str
    local_days: list[DayIn]
    loaded_years: list[int]


class RecomputeOut(Wire):
    version: str
    recomputed_orders: int


# --- auth --------------------------------------------------------------------------------


class LoginRequest(Input):
    username: Annotated[str, StringConstraints(max_length=100)]
    password: Annotated[str, StringConstraints(max_length=200)]
    # The desk signing in: its random key (kept in its data directory) and a name for people.
    device_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")] | None = None
    device_name: Short = ""


class RefreshRequest(Input):
    refresh_token: Annotated[str, StringConstraints(max_length=200)]


class PasswordChange(Input):
    old_password: Annotated[str, StringConstraints(max_length=200)]
    new_password: Annotated[str, StringConstraints(max_length=200)]


class TemporaryPassword(Wire):
    """An administrator's reset: shown once, to be changed by the user at their next sign-in."""

    user_id: int
    username: str
    temporary_password: str


class TokenPair(Wire):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: UserOut


# --- orders: intake ------------------------------------------------------------------------


class CitizenIn(Input):
    name: Short = ""
    phone: Phone = ""
    anonymous: bool = False
    confidential: bool = False
    contact_allowed: bool = False  # a confidential citizen may allow the department to call
    callback_number: Phone = ""


class OrderIntake(Input):
    channel: Channel
    received_at: Moment | None = None
    citizen: CitizenIn
    kind: RequestKind
    category_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.]{1,20}$")]
    complexity: Complexity = Complexity.SIMPLE
    urgency: Urgency = Urgency.NORMAL
    importance: Importance = Importance.ORDINARY
    title: RequiredShort
    description: RequiredText
    address: Short = ""
    district: Short = ""
    street: Short = ""
    lat: Latitude | None = None
    lon: Longitude | None = None
    tags: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]] = Field(
        default_factory=list, max_length=20
    )


# --- orders: commands ----------------------------------------------------------------------


class VersionedBody(Input):
    version: Version


class DispatchBody(VersionedBody):
    lead_department_id: Id
    co_department_ids: list[Id] = Field(default_factory=list, max_length=20)
    complexity: Complexity | None = None
    reply_days: Annotated[int, Field(ge=1, le=7)] | None = None


class BatchDispatchItem(DispatchBody):
    """One order of a batch dispatch: the order and its dispatch, as ``POST /orders/{id}/dispatch`` takes it."""

    order_id: Id


class BatchDispatchBody(Input):
    """``POST /orders/dispatch``: several orders dispatched at once, each on its own."""

    items: list[BatchDispatchItem] = Field(min_length=1, max_length=100)


#: The most knowledge entries (知识库) one reply or 直接办结 may cite.
MAX_CITED_ENTRIES = 20
CitedEntries = Annotated[list[Id], Field(max_length=MAX_CITED_ENTRIES)]


class CloseAtOnceBody(VersionedBody):
    """直接办结: the centre answers at once (a consultation, typically) with the policy basis it cites,
    and the knowledge entries (知识库) the answer came from."""

    reply: RequiredText
    basis: Text = ""
    knowledge_entry_ids: CitedEntries = Field(default_factory=list)


class InvalidateBody(VersionedBody):
    reason: RequiredText


class MergeBody(VersionedBody):
    into_order_id: Id
    reason: RequiredText


class SignBody(VersionedBody):
    pass


class AssignHandlerBody(VersionedBody):
    handler_id: Id


class RequestReturnBody(VersionedBody):
    reason_code: ReturnReason
    reason: RequiredText


class RuleReturnBody(VersionedBody):
    accept: bool
    new_lead_department_id: Id | None = None
    comment: Text = ""


class PhotoRef(Input):
    sha256: Sha256
    tag: PhotoTag = PhotoTag.OTHER


class OnsiteCheckBody(Input):
    client_id: UUID
    checked_at: Moment
    lat: Latitude | None = None
    lon: Longitude | None = None
    notes: Text = ""
    photos: list[PhotoRef] = Field(default_factory=list, max_length=50)


class AddNoteBody(Input):
    client_id: UUID
    text: RequiredText


class SaveDraftBody(VersionedBody):
    """保存草稿: the reply as written so far, with the knowledge entries (知识库) it cites — kept with
    the draft, so that the reply submitted from it later cites them too."""

    text: Text = ""
    result_code: ResultCode | None = None
    basis: Text = ""
    knowledge_entry_ids: CitedEntries = Field(default_factory=list)


class SubmitReplyBody(VersionedBody):
    text: RequiredText
    result_code: ResultCode
    basis: Text = ""
    knowledge_entry_ids: CitedEntries = Field(default_factory=list)


class ApproveBody(VersionedBody):
    comment: Text = ""


class ReturnForReworkBody(VersionedBody):
    comment: RequiredText


class RequestExtensionBody(VersionedBody):
    days: Annotated[int, Field(ge=1, le=30)]
    reason: RequiredText


class RuleExtensionBody(VersionedBody):
    approve: bool
    comment: Text = ""


class RecordCallbackBody(VersionedBody):
    """One callback attempt: ``unreachable`` when the citizen was not reached, else their verdict,
    whether the problem was resolved, and their own words (市民原话)."""

    method: Literal["phone", "sms", "visit"] = "phone"
    outcome: CallbackOutcome
    resolved: bool | None = None
    citizen_words: Text = ""
    notes: Text = ""

    @model_validator(mode="after")
    def _only_a_reached_citizen_speaks(self) -> RecordCallbackBody:
        if self.outcome is CallbackOutcome.UNREACHABLE and (self.resolved is not None or self.citizen_words):
            raise ValueError("a citizen not reached gives no verdict: leave resolved and citizen_words empty")
        return self


class CloseBody(VersionedBody):
    note: Text = Field(
        default="", description="After an unsatisfied callback: the centre supervisor's reason (required)"
    )


class ReopenBody(VersionedBody):
    instruction: RequiredText
    reply_days: Annotated[int, Field(ge=1, le=7)] | None = None


class SuperviseBody(VersionedBody):
    """督办: the centre or a city leader puts the order under supervision, saying what they require."""

    note: Text = ""


class RemindBody(VersionedBody):
    """催办: a reminder to the department, with what is asked."""

    note: Text = ""


class MarkAuditedBody(VersionedBody):
    comment: Text = ""


class CoSignBody(VersionedBody):
    """协办签收: the caller's department signs for its co-handling part."""


class CoOpinionBody(VersionedBody):
    """协办意见: the caller's department's findings and answer for its part, for the lead to cite."""

    opinion: RequiredText


class WaiveCoHandlingBody(VersionedBody):
    """免除协办: the centre releases a co-department's part, with the reason."""

    department_id: Id
    reason: RequiredText


class AddCoDepartmentBody(VersionedBody):
    """增加协办单位: the centre or a city leader (会商) adds a co-handling department after dispatch."""

    department_id: Id
    reason: Text = ""


class SupervisionFeedbackBody(VersionedBody):
    """督办反馈: the lead department's progress report answering a 督办 (the issuer is told)."""

    note: RequiredText


#: The body each command takes; the server builds one endpoint per entry.
COMMAND_BODIES: dict[Command, type[Wire]] = {
    Command.DISPATCH: DispatchBody,
    Command.CLOSE_AT_ONCE: CloseAtOnceBody,
    Command.INVALIDATE: InvalidateBody,
    Command.MERGE: MergeBody,
    Command.SIGN: SignBody,
    Command.ASSIGN_HANDLER: AssignHandlerBody,
    Command.REQUEST_RETURN: RequestReturnBody,
    Command.RULE_RETURN: RuleReturnBody,
    Command.RECORD_ONSITE_CHECK: OnsiteCheckBody,
    Command.ADD_NOTE: AddNoteBody,
    Command.SAVE_DRAFT: SaveDraftBody,
    Command.SUBMIT_REPLY: SubmitReplyBody,
    Command.APPROVE: ApproveBody,
    Command.RETURN_FOR_REWORK: ReturnForReworkBody,
    Command.REQUEST_EXTENSION: RequestExtensionBody,
    Command.RULE_EXTENSION: RuleExtensionBody,
    Command.RECORD_CALLBACK: RecordCallbackBody,
    Command.CLOSE: CloseBody,
    Command.REOPEN: ReopenBody,
    Command.SUPERVISE: SuperviseBody,
    Command.REMIND: RemindBody,
    Command.MARK_AUDITED: MarkAuditedBody,
    Command.CO_SIGN: CoSignBody,
    Command.SUBMIT_CO_OPINION: CoOpinionBody,
    Command.WAIVE_CO_HANDLING: WaiveCoHandlingBody,
    Command.ADD_CO_DEPARTMENT: AddCoDepartmentBody,
    Command.SUPERVISION_FEEDBACK: SupervisionFeedbackBody,
}


# --- orders: views -------------------------------------------------------------------------


class CitizenView(Wire):
    name: str
    phone: str
    callback_number: str
    anonymous: bool
    confidential: bool
    contact_allowed: bool
    masked: bool = Field(description="True when name and phone are hidden from this caller")


class Deadlines(Wire):
    sign_by: datetime | None
    onsite_by: datetime | None
    reply_by: datetime | None
    reply_by_extended: datetime | None
    provisional: bool
    calendar_version: str | None
    signed_on_time: bool | None
    onsite_on_time: bool | None
    replied_on_time: bool | None
    closed_on_time: bool | None


class OrderSummary(Wire):
    id: int
    number: str
    state: State
    version: int
    channel: Channel
    kind: RequestKind
    category_code: str
    complexity: Complexity
    urgency: Urgency
    importance: Importance
    title: str
    district: str
    street: str
    lead_department_id: int | None
    handler_id: int | None
    received_at: datetime
    dispatched_at: datetime | None
    due_at: datetime | None = Field(description="The deadline that applies now (sign, reply or extended)")
    supervised: bool
    reminders: int
    updated_at: datetime


class OrderPage(Wire):
    items: list[OrderSummary]
    next_cursor: str | None
    total: int


SimilarReason = Literal["same_caller", "same_address", "similar_text", "same_category"]


class SimilarOrder(Wire):
    """An open order that may be the request being taken in (``GET /orders/similar``): 合并, not a duplicate."""

    order: OrderSummary
    reasons: list[SimilarReason]
    text_similarity: float = Field(description="Trigram similarity of the title to the text (0 … 1)")
    score: float = Field(description="The rank: same caller 1, same address 0.6, same category 0.1, plus the text's")


class BatchDispatchResult(Wire):
    """One order's outcome in a batch dispatch: ``dispatched`` with the order now, or ``refused``
    with the reason (as the single dispatch would answer it) and nothing changed on that order."""

    order_id: int
    status: Literal["dispatched", "refused"]
    code: str = ""
    message_zh: str = ""
    message_en: str = ""
    order: OrderSummary | None = None


class DepartmentCandidate(Wire):
    """A department that may lead the order, and why."""

    department_id: int
    code: str
    name: str
    category_default: bool = Field(description="The category's (or its parent's) default department")
    dispatched_before: int = Field(description="Of the category's latest orders, how many this department leads")
    similar_before: int = Field(default=0, description="Of the latest orders like this one, how many it led")
    similar_weight: float = Field(default=0.0, description="Their similarities added up (the weight of that evidence)")


class DeadlinePreview(Wire):
    """The deadlines a dispatch now would set (working days; provisional where the calendar's year
    is not published yet)."""

    sign_by: datetime
    onsite_by: datetime | None
    reply_by: datetime
    provisional: bool
    calendar_version: str


#: Why the suggested lead: orders like this one went there, the category's practice, or the category's default.
SuggestionBasis = Literal["similar", "practice", "category_default", "none"]


class DispatchSuggestion(Wire):
    """``GET /orders/{id}/dispatch-suggestion``: whom to dispatch to, and the deadlines it would set."""

    order_id: int
    category_code: str
    lead_department_id: int | None = Field(description="The suggestion (see the candidates for why)")
    basis: SuggestionBasis = Field(default="none", description="What decided the suggestion")
    candidates: list[DepartmentCandidate]
    history_size: int = Field(description="How many of the category's latest dispatched orders were counted")
    similar_size: int = Field(default=0, description="How many earlier orders like this one were counted")
    complexity: Complexity
    reply_days: int = Field(description="Working days to reply, as the dispatch would count them")
    deadlines: DeadlinePreview


class OnsiteCheckView(Wire):
    client_id: UUID
    author_id: int
    checked_at: datetime
    lat: float | None
    lon: float | None
    notes: str
    photos: list[PhotoRef]


class NoteView(Wire):
    client_id: UUID
    author_id: int
    text: str
    created_at: datetime


class ReplyView(Wire):
    round: int
    text: str
    result_code: ResultCode | None
    basis: str
    author_id: int | None
    at: datetime | None


class CitedEntryView(Wire):
    """A knowledge entry (知识库) a draft cites, titled as it was when the draft was saved."""

    id: int
    title: str


class DraftView(ReplyView):
    """The working draft of the next reply round, with the knowledge entries it cites."""

    knowledge_entries: list[CitedEntryView] = Field(default_factory=list)


class ReviewEntry(Wire):
    round: int
    level: ReviewLevel
    reviewer_id: int
    decision: Literal["approved", "returned"]
    comment: str
    at: datetime


class CallbackView(Wire):
    method: str
    outcome: CallbackOutcome
    notes: str
    agent_id: int
    at: datetime
    resolved: bool | None = None
    citizen_words: str = ""


class SupervisionView(Wire):
    """A 督办 or 催办 issued on the order, or the department's 督办反馈: by whom, when, and what was said."""

    kind: Literal["supervise", "remind", "supervision_feedback"]
    actor_id: int | None
    actor_name: str = ""
    note: str
    at: datetime


class ExtensionView(Wire):
    status: ExtensionStatus
    days: int
    reason: str
    requested_at: datetime
    requested_due: datetime | None
    comment: str


class ReturnRequestView(Wire):
    reason_code: ReturnReason
    reason: str
    requested_at: datetime
    department_id: int


class AuditMarkView(Wire):
    """A city leader's monthly audit of the order (全审核、全把关)."""

    leader_id: int
    comment: str
    at: datetime


class CoHandlingView(Wire):
    """A co-department's part (协办): its status, its own deadlines and the opinion it gave the lead."""

    department_id: int
    status: CoStatus
    started_at: datetime
    added_by: int | None = None
    add_reason: str = ""
    sign_by: datetime | None = None
    answer_by: datetime | None = None
    signed_at: datetime | None = None
    signed_by: int | None = None
    opinion: str = ""
    answered_at: datetime | None = None
    answered_by: int | None = None
    waive_reason: str = ""
    waived_at: datetime | None = None
    waived_by: int | None = None


class AttachmentView(Wire):
    sha256: str
    media_type: str
    size: int
    tag: PhotoTag


class OrderDetail(OrderSummary):
    citizen: CitizenView
    description: str
    address: str
    lat: float | None
    lon: float | None
    tags: list[str]
    co_department_ids: list[int]
    deadlines: Deadlines
    onsite_checks: list[OnsiteCheckView]
    notes: list[NoteView]
    draft: DraftView | None
    replies: list[ReplyView]
    review_chain: list[ReviewLevel]
    review_level: int
    reviews: list[ReviewEntry]
    callbacks: list[CallbackView]
    extension: ExtensionView | None
    return_request: ReturnRequestView | None
    leader_instruction: str
    reopen_count: int
    merged_into_id: int | None
    merge_reason: str
    attachments: list[AttachmentView]
    audit_marks: list[AuditMarkView] = Field(default_factory=list)
    supervision: list[SupervisionView] = Field(default_factory=list)
    callback_attempts: int = Field(default=0, description="Callback attempts in this round (since the reply or 重办)")
    co_handling: list[CoHandlingView] = Field(default_factory=list, description="Each co-department's part (协办)")
    co_due_at: datetime | None = Field(
        default=None,
        description="The caller's own co-handling deadline in force (sign, then answer) while its part is outstanding",
    )
    allowed_commands: list[Command]


class EventView(Wire):
    seq: int
    at: datetime
    actor_id: int | None
    action: str
    order_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]


# --- the server itself ------------------------------------------------------------------------

#: The wire contract's version: raised when a change would break clients of the previous one.
API_VERSION = 1


class ServerInfo(BaseModel):
    """``GET /server-info``, answered without sign-in: who this server is. ``id`` is made once, when
    its database is set up, and outlives address changes; clients key their local data by it."""

    # Unknown fields are ignored here, unlike every other answer: a client must be able to tell
    # which server it talks to even when that server is newer than the client.
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    version: str
    api_version: int


# --- the centre's supervisor board ---------------------------------------------------------------


class IntakeCount(Wire):
    """Orders received in one hour (Beijing time, 0–23) through one channel."""

    hour: int
    channel: Channel
    count: int


class WaitingOrder(Wire):
    """An order not dispatched yet, longer than the target."""

    id: int
    number: str
    title: str
    channel: Channel
    urgency: Urgency
    received_at: datetime
    waiting_seconds: int


class DepartmentOverdue(Wire):
    department_id: int
    code: str
    name: str
    overdue: int = Field(description="Orders of the department open and overdue at as_of")


class CallbackDue(Wire):
    """A replied order waiting for its callback (回访), oldest reply first."""

    id: int
    number: str
    title: str
    lead_department_id: int | None
    replied_at: datetime | None
    callback_attempts: int


class CentreBoard(Wire):
    """``GET /centre/board``: the centre supervisor's day. Intake counts the day's orders; waiting
    and callbacks are as they stand now; overdue stands at ``as_of`` (the day's end, or now)."""

    day: date
    as_of: datetime
    intake_total: int
    intake: list[IntakeCount]
    dispatch_target_seconds: int
    waiting_count: int = Field(description="Received, not dispatched, for longer than the target")
    waiting: list[WaitingOrder] = Field(description="The longest-waiting of them (at most 50)")
    overdue_total: int
    overdue_by_department: list[DepartmentOverdue]
    callbacks_due_count: int
    callbacks_due: list[CallbackDue] = Field(description="The oldest replies (at most 50)")
