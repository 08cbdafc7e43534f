"""The typed facade the desktop client uses: one method per server operation, wire models in and out."""

from __future__ import annotations

import platform
import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, TypeAdapter

from api_client.auth import Authenticator, DeviceIdentity, TokenStore, keyring_is_secure
from api_client.errors import Rejected, error_from_response, garbled, read_model
from api_client.pages import BadPage, PulledPage, parse_page
from api_client.session import DEFAULT_TIMEOUT, ApiSession, ReachabilityListener
from api_client.uploads import DEFAULT_CHUNK, Data, ProgressCallback, Uploader
from casework.devices import DeviceOut, LostEdit, WipeReport
from casework.knowledge import (
    EntryDraft,
    EntryEdit,
    EntryStatus,
    EntryTransition,
    EntryVersion,
    ImportReport,
    KnowledgeEntry,
    KnowledgePage,
    ReplyTemplate,
    SearchHit,
    TemplateDraft,
    TemplateEdit,
    UsageReport,
)
from casework.lifecycle import Command
from casework.measures import DepartmentMeasures, HotIssue, Ranking
from casework.notifications import MarkRead, NotificationPage
from casework.schemas import (
    API_VERSION,
    COMMAND_BODIES,
    BatchDispatchBody,
    BatchDispatchItem,
    BatchDispatchResult,
    CalendarOut,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    CentreBoard,
    DayIn,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    DispatchSuggestion,
    EventView,
    OrderDetail,
    OrderIntake,
    OrderPage,
    RecomputeOut,
    ReviewChainVersionIn,
    ReviewChainVersionOut,
    ServerInfo,
    SimilarOrder,
    TemporaryPassword,
    UserIn,
    UserOut,
    UserPatch,
    Wire,
)
from casework.sync import EVENTS_AS_TEXT, PullResponse, PushRequest, PushResponse

M = TypeVar("M", bound=BaseModel)

#: The media type of an .xlsx workbook.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: What the server records of the program behind a desk (with the desk's own name, see DeviceIdentity).
USER_AGENT = f"CaseDesk/{API_VERSION} ({platform.system()} {platform.release()}; Python {platform.python_version()})"


class CaseDeskClient:
    """A signed-in conversation with one CaseDesk server.

    Errors surface as :mod:`api_client.errors` exceptions with bilingual messages; a lost
    connection is :class:`~api_client.errors.Offline`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        attempts: int = 3,
        backoff: float = 0.3,
        session: requests.Session | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        persist_session: bool = True,
        device: DeviceIdentity | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or ApiSession(timeout=timeout, attempts=attempts, backoff=backoff)
        self.session.headers["User-Agent"] = USER_AGENT  # shown to the user and administrators with the desk
        self.auth = Authenticator(
            self.session, self.base_url, TokenStore(self.base_url), persist=persist_session, device=device
        )
        self.uploader = Uploader(self.auth, chunk_size=chunk_size)

    # --- session ----------------------------------------------------------------------------

    @property
    def user(self) -> UserOut | None:
        """The signed-in user, or None."""
        return self.auth.user

    @property
    def session_persisted(self) -> bool:
        """Whether sign-ins are remembered in the OS keyring (a real keyring and persistence wanted)."""
        return self.auth.persist and keyring_is_secure()

    def login(self, username: str, password: str) -> UserOut:
        """Sign in; the refresh token (never the password) goes to the keyring when it is a secure one."""
        return self.auth.login(username, password).user

    def resume(self, username: str) -> UserOut:
        """Sign in again from the refresh token kept in the keyring (Unauthorized if none or revoked)."""
        return self.auth.resume(username).user

    def logout(self) -> bool:
        """Revoke the session on the server and remove it from the keyring; False if the server was not reached."""
        return self.auth.logout()

    def change_password(self, old_password: str, new_password: str) -> UserOut:
        """Change the signed-in user's own password (``POST /auth/password``); the server ends their
        other sessions and keeps this one. Rejected (422) names the policy rule the new one breaks;
        Forbidden ``wrong_password`` when the old one is wrong. Returns the user as they are now."""
        self.auth.request("POST", "/auth/password", json={"old_password": old_password, "new_password": new_password})
        user = self.me()
        self.auth.user = user
        return user

    def reset_password(self, user_id: int) -> TemporaryPassword:
        """An administrator's reset (``POST /users/{id}/reset-password``): a one-time temporary
        password to hand to the user, who must change it at the next sign-in."""
        response = self.auth.request("POST", f"/users/{user_id}/reset-password")
        return read_model(response, TemporaryPassword)

    def keep_password(self, username: str, password: str) -> None:
        """Opened offline with this password: sign in with it (once, from memory) when the server answers."""
        self.auth.keep_password(username, password)

    def server_info(self) -> ServerInfo:
        """Who the server is (``GET /server-info``, no sign-in): its instance id outlives address changes."""
        response = self.session.get(self.auth.url("/server-info"))
        if not response.ok:
            raise error_from_response(response)
        return read_model(response, ServerInfo)

    def listen(self, listener: ReachabilityListener) -> Callable[[], None]:
        """``listener(reached)`` after each request, on its thread: True on any answer, False when the
        server could not be reached. Returns a function that stops it (a no-op for a plain session)."""
        if isinstance(self.session, ApiSession):
            return self.session.listen(listener)
        return lambda: None

    # --- helpers ----------------------------------------------------------------------------

    def _get(self, path: str, model: type[M], params: Any = None) -> M:
        found: M = read_model(self.auth.request("GET", path, params=params), model)
        return found

    def _list(self, path: str, model: type[M], params: Any = None) -> list[M]:
        response = self.auth.request("GET", path, params=params)
        return read_model(response, TypeAdapter(list[model]))  # type: ignore[valid-type]  # mypy takes `model` for a value here

    # --- reading ----------------------------------------------------------------------------

    def me(self) -> UserOut:
        return self._get("/auth/me", UserOut)

    def departments(self) -> list[DepartmentOut]:
        return self._list("/departments", DepartmentOut)

    def users(self) -> list[UserOut]:
        return self._list("/users", UserOut)

    def categories(self) -> list[CategoryOut]:
        return self._list("/categories", CategoryOut)

    def orders(self, **filters: Any) -> OrderPage:
        """One page of visible orders; filters as the ``GET /orders`` query (state may be a list)."""
        params = {key: _query_value(value) for key, value in filters.items() if value is not None}
        return self._get("/orders", OrderPage, params=params)

    def order(self, order_id: int) -> OrderDetail:
        return self._get(f"/orders/{order_id}", OrderDetail)

    def events(self, order_id: int) -> list[EventView]:
        return self._list(f"/orders/{order_id}/events", EventView)

    # --- the centre ---------------------------------------------------------------------------

    def similar_orders(
        self, *, phone: str = "", address: str = "", text: str = "", category: str = "", limit: int = 10
    ) -> list[SimilarOrder]:
        """Open orders alike a request being taken in (same caller, address, similar title), best first."""
        params = {"phone": phone, "address": address, "text": text, "category": category, "limit": limit}
        return self._list("/orders/similar", SimilarOrder, params={k: v for k, v in params.items() if v})

    def caller_orders(self, phone: str, limit: int = 20) -> OrderPage:
        """The caller's earlier orders, newest first (``GET /orders?phone=``)."""
        return self.orders(phone=phone, limit=limit)

    def dispatch_suggestion(
        self, order_id: int, complexity: str | None = None, reply_days: int | None = None
    ) -> DispatchSuggestion:
        """Whom to dispatch the order to, and the deadlines a dispatch now would set."""
        params = {key: value for key, value in {"complexity": complexity, "reply_days": reply_days}.items() if value}
        return self._get(f"/orders/{order_id}/dispatch-suggestion", DispatchSuggestion, params=params)

    def dispatch_many(self, items: list[BatchDispatchItem]) -> list[BatchDispatchResult]:
        """Dispatch several orders at once; each is dispatched or refused on its own."""
        body = BatchDispatchBody(items=items).model_dump(mode="json")
        response = self.auth.request("POST", "/orders/dispatch", json=body)
        return read_model(response, TypeAdapter(list[BatchDispatchResult]))

    def centre_board(self, day: str | None = None) -> CentreBoard:
        """The supervisor's board of ``day`` (YYYY-MM-DD; default today in Beijing)."""
        return self._get("/centre/board", CentreBoard, params={"date": day} if day else None)

    def notifications(self, after: int = 0) -> NotificationPage:
        """The user's notifications with an id above ``after`` (``GET /notifications``), oldest first."""
        return self._get("/notifications", NotificationPage, params={"after": after})

    def mark_notifications_read(self, ids: list[int]) -> NotificationPage:
        """Mark these of the user's notifications read on the server (others' ids are ignored)."""
        response = self.auth.request("POST", "/notifications/read", json=MarkRead(ids=ids).model_dump(mode="json"))
        return read_model(response, NotificationPage)

    # --- writing ----------------------------------------------------------------------------

    def create_order(self, intake: OrderIntake) -> OrderDetail:
        """The hotline centre registers a citizen's request (``POST /orders``)."""
        response = self.auth.request("POST", "/orders", json=intake.model_dump(mode="json"))
        return read_model(response, OrderDetail)

    def command(self, order_id: int, command: Command, body: Wire) -> OrderDetail:
        """Run a lifecycle command (``POST /orders/{id}/<command>``); the body must be the command's model."""
        expected = COMMAND_BODIES[command]
        if not isinstance(body, expected):
            raise Rejected(
                "wrong_body",
                f"命令 {command.value} 需要 {expected.__name__}",
                f"The command {command.value} takes a {expected.__name__}",
            )
        path = f"/orders/{order_id}/{command.value.replace('_', '-')}"
        response = self.auth.request("POST", path, json=body.model_dump(mode="json"))
        return read_model(response, OrderDetail)

    # --- administration (admin only) ---------------------------------------------------------

    def _send(self, method: str, path: str, body: Wire | list[Wire], model: type[M]) -> M:
        if isinstance(body, list):
            payload: Any = [b.model_dump(mode="json", exclude_unset=True) for b in body]
        else:
            payload = body.model_dump(mode="json", exclude_unset=True)  # a patch sends only what changes
        found: M = read_model(self.auth.request(method, path, json=payload), model)
        return found

    def create_department(self, body: DepartmentIn) -> DepartmentOut:
        return self._send("POST", "/departments", body, DepartmentOut)

    def update_department(self, department_id: int, patch: DepartmentPatch) -> DepartmentOut:
        return self._send("PATCH", f"/departments/{department_id}", patch, DepartmentOut)

    def create_user(self, body: UserIn) -> UserOut:
        return self._send("POST", "/users", body, UserOut)

    def update_user(self, user_id: int, patch: UserPatch) -> UserOut:
        return self._send("PATCH", f"/users/{user_id}", patch, UserOut)

    def create_category(self, body: CategoryIn) -> CategoryOut:
        return self._send("POST", "/categories", body, CategoryOut)

    def update_category(self, code: str, patch: CategoryPatch) -> CategoryOut:
        return self._send("PATCH", f"/categories/{code}", patch, CategoryOut)

    def review_chains(self) -> list[ReviewChainVersionOut]:
        return self._list("/review-chains", ReviewChainVersionOut)

    def add_review_chains(self, body: ReviewChainVersionIn) -> ReviewChainVersionOut:
        return self._send("POST", "/review-chains", body, ReviewChainVersionOut)

    def calendar(self) -> CalendarOut:
        return self._get("/calendar", CalendarOut)

    def add_calendar_days(self, days: list[DayIn]) -> RecomputeOut:
        return self._send("POST", "/calendar/days", list(days), RecomputeOut)

    def remove_calendar_day(self, day: date) -> RecomputeOut:
        found: RecomputeOut = read_model(self.auth.request("DELETE", f"/calendar/days/{day.isoformat()}"), RecomputeOut)
        return found

    def load_calendar_year(self, year: int, csv_text: str) -> RecomputeOut:
        """A year's statutory days as the State Council announced them (CSV ``date,kind,note``)."""
        response = self.auth.request(
            "POST",
            f"/calendar/years/{year}",
            data=csv_text.encode(),
            headers={"Content-Type": "text/csv; charset=utf-8"},
        )
        found: RecomputeOut = read_model(response, RecomputeOut)
        return found

    # --- desks (devices) ----------------------------------------------------------------------

    def my_devices(self) -> list[DeviceOut]:
        """The signed-in user's desks with a live session, this one marked ``current``."""
        return self._list("/auth/sessions", DeviceOut)

    def end_device_session(self, device_id: int) -> None:
        """Sign one of the user's desks out (for this desk itself, :meth:`logout` also forgets it here)."""
        self.auth.request("POST", f"/auth/sessions/{device_id}/end")

    def devices(self, user_id: int | None = None) -> list[DeviceOut]:
        """Administrators: every desk, or one user's, revoked ones too."""
        path = "/devices" if user_id is None else f"/users/{user_id}/devices"
        return self._list(path, DeviceOut)

    def revoke_device(self, device_id: int) -> DeviceOut:
        """Administrators: cut a desk off; at its next request it discards its local data."""
        return read_model(self.auth.request("POST", f"/devices/{device_id}/revoke"), DeviceOut)

    def revoke_user_devices(self, user_id: int) -> list[DeviceOut]:
        """Administrators: end every desk of a user."""
        response = self.auth.request("POST", f"/users/{user_id}/revoke-devices")
        return read_model(response, TypeAdapter(list[DeviceOut]))

    def report_wipe(self, device_id: int, token: str, lost: list[LostEdit]) -> None:
        """A revoked desk tells the server which unsent edits it discarded, with the revoked
        session's ``token`` (:attr:`api_client.errors.DeviceRevoked.token`)."""
        body = WipeReport(lost=lost).model_dump_json().encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        response = self.session.post(self.auth.url(f"/devices/{device_id}/wipe-report"), data=body, headers=headers)
        if not response.ok:
            raise error_from_response(response)

    # --- oversight ---------------------------------------------------------------------------

    def department_measures(self, department_id: int, month: str) -> DepartmentMeasures:
        """A department's measures for ``month`` (YYYY-MM)."""
        return self._get(f"/measures/departments/{department_id}", DepartmentMeasures, params={"month": month})

    def ranking(self, month: str) -> Ranking:
        return self._get("/measures/ranking", Ranking, params={"month": month})

    def hot_issues(self, month: str, min_volume: int = 5) -> list[HotIssue]:
        """Categories, places and tags whose intake rose in ``month`` (YYYY-MM)."""
        return self._list("/measures/hot", HotIssue, params={"month": month, "min_volume": min_volume})

    def bulletin(self, month: str, kind: str = "pdf") -> bytes:
        """The month's bulletin (``pdf``) or ledger (``xlsx``) as the server writes them."""
        return self.auth.request("GET", "/measures/bulletin", params={"month": month, "format": kind}).content

    # --- the knowledge base (知识库) ----------------------------------------------------------

    def search_knowledge(self, sentence: str, limit: int = 20, drafts: bool = False) -> list[SearchHit]:
        """Published entries (and, with ``drafts``, the drafts you may see) that answer a citizen's
        sentence, best first, each with its highlight spans."""
        params = {"q": sentence, "limit": limit, "drafts": drafts}
        return self._list("/knowledge/search", SearchHit, params=params)

    def knowledge_entries(
        self, status: EntryStatus | None = None, department_id: int | None = None, limit: int = 100, offset: int = 0
    ) -> list[KnowledgeEntry]:
        """Entries you may see, last changed first (``status=draft``: the drafts awaiting the centre)."""
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        if status is not None:
            params["status"] = status.value
        if department_id is not None:
            params["department_id"] = department_id
        return self._list("/knowledge/entries", KnowledgeEntry, params=params)

    def knowledge_entry(self, entry_id: int) -> KnowledgeEntry:
        return self._get(f"/knowledge/entries/{entry_id}", KnowledgeEntry)

    def knowledge_versions(self, entry_id: int) -> list[EntryVersion]:
        """Every version of an entry, oldest first."""
        return self._list(f"/knowledge/entries/{entry_id}/versions", EntryVersion)

    def create_knowledge_entry(self, body: EntryDraft) -> KnowledgeEntry:
        """A new draft (department staff: for their own department)."""
        return self._send("POST", "/knowledge/entries", body, KnowledgeEntry)

    def edit_knowledge_entry(self, entry_id: int, body: EntryEdit) -> KnowledgeEntry:
        """The whole entry again, based on ``body.version`` (a stale one raises the 409)."""
        response = self.auth.request("PUT", f"/knowledge/entries/{entry_id}", json=body.model_dump(mode="json"))
        return read_model(response, KnowledgeEntry)

    def publish_knowledge_entry(self, entry_id: int, version: int | None = None) -> KnowledgeEntry:
        """The centre publishes a draft (or an expired entry again)."""
        return self._send(
            "POST", f"/knowledge/entries/{entry_id}/publish", EntryTransition(version=version), KnowledgeEntry
        )

    def expire_knowledge_entry(self, entry_id: int, version: int | None = None) -> KnowledgeEntry:
        """The centre withdraws a published entry."""
        return self._send(
            "POST", f"/knowledge/entries/{entry_id}/expire", EntryTransition(version=version), KnowledgeEntry
        )

    def knowledge_sync(self, cursor: str | None = None, limit: int = 500) -> KnowledgePage:
        """One page of what changed in the knowledge base for this desk since ``cursor``."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._get("/knowledge/sync", KnowledgePage, params=params)

    def reply_templates(self) -> list[ReplyTemplate]:
        """The city-wide templates and your department's (the supervisor and administrators: all)."""
        return self._list("/knowledge/templates", ReplyTemplate)

    def create_reply_template(self, body: TemplateDraft) -> ReplyTemplate:
        return self._send("POST", "/knowledge/templates", body, ReplyTemplate)

    def edit_reply_template(self, template_id: int, body: TemplateEdit) -> ReplyTemplate:
        return self._send("PUT", f"/knowledge/templates/{template_id}", body, ReplyTemplate)

    def withdraw_reply_template(self, template_id: int, version: int) -> None:
        self.auth.request("DELETE", f"/knowledge/templates/{template_id}", params={"version": version})

    def export_knowledge(self) -> bytes:
        """Every entry as an .xlsx workbook (the centre)."""
        return self.auth.request("GET", "/knowledge/export.xlsx").content

    def import_knowledge(self, workbook: bytes) -> ImportReport:
        """Entries from an .xlsx workbook (the centre): all rows or none — a rejection
        (:class:`~api_client.errors.Rejected`, code ``import_rejected``) lists each row's problems in
        its detail (:class:`casework.knowledge.ImportProblem`)."""
        response = self.auth.request("POST", "/knowledge/import", data=workbook, headers={"Content-Type": XLSX})
        return read_model(response, ImportReport)

    def knowledge_usage(self, month: str | None = None) -> UsageReport:
        """How often each entry was cited in ``month`` (YYYY-MM; default this month); expired ones still cited."""
        return self._get("/knowledge/usage", UsageReport, params={"month": month} if month else None)

    # --- sync -------------------------------------------------------------------------------

    def pull(self, cursor: str | None = None, limit: int = 200) -> PullResponse:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        return self._get("/sync/pull", PullResponse, params=params)

    def pull_page(self, cursor: str | None = None, limit: int = 200) -> PulledPage:
        """The same page as :meth:`pull`, as JSON values checked for their shape only (see
        :mod:`api_client.pages`): what the sync engine hands to the store."""
        params: dict[str, Any] = {"limit": limit, "events": EVENTS_AS_TEXT}  # kept as they come: see pages
        if cursor is not None:
            params["cursor"] = cursor
        response = self.auth.request("GET", "/sync/pull", params=params)
        try:
            return parse_page(response.content)
        except BadPage as exc:
            raise garbled(exc) from exc

    def push(self, request: PushRequest) -> PushResponse:
        # UTF-8 as is: Chinese text is 3 bytes a character, not the 6 of \uXXXX escapes.
        body = request.model_dump_json().encode()
        response = self.auth.request("POST", "/sync/push", data=body, headers={"Content-Type": "application/json"})
        return read_model(response, PushResponse)

    # --- blobs ------------------------------------------------------------------------------

    def blob_known(self, sha256: str) -> bool:
        return self.uploader.blob_known(sha256)

    def thumbnail(self, sha256: str) -> bytes:
        """The server's JPEG thumbnail of an image blob (made once, auto-rotated)."""
        return self.auth.request("GET", f"/blobs/{sha256}/thumbnail").content

    def download(self, sha256: str) -> bytes:
        return self.auth.request("GET", f"/blobs/{sha256}").content

    def upload(
        self,
        data: Data,
        *,
        sha256: str | None = None,
        upload_url: str | None = None,
        on_progress: ProgressCallback | None = None,
        on_created: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> str:
        """Upload a blob (tus, resumable) unless the server has it; returns its SHA-256."""
        return self.uploader.upload(
            data, sha256=sha256, upload_url=upload_url, on_progress=on_progress, on_created=on_created, cancel=cancel
        )


def _query_value(value: Any) -> Any:
    """Enums and times as the server's query parser reads them."""
    if isinstance(value, list | tuple | set):
        return [_query_value(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return getattr(value, "value", value)
