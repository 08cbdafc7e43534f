"""The authorization matrix: every endpoint × every role × own and other department; no leak.

Department scoping on every read and write: a department sees its own orders (lead or
co-handling, never one still ``received``), a leader in charge their portfolio, the top leader
and the centre everything, the administrator no order at all. Another department's order
answers 404 exactly like one that does not exist — never 403, never its data. A confidential
citizen's contact is masked for departments and leaders and shown to the centre.

Every expectation below is an explicit table written by hand, not derived from
``casework.lifecycle.can_see`` or ``RULES``: a scope bug in either place makes a test fail.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.lifecycle import Command
from server.auth.service import _issue
from server.models import Attachment, Blob, Department, Order, User
from server.org.views import user_out
from tests.fixtures.city import USERS, Api, Clock

# --- who is who ------------------------------------------------------------------------------

EVERYONE = tuple(u[0] for u in USERS)
CENTRE = frozenset({"agent"})
ADMIN = frozenset({"admin"})
ZJ = frozenset({"zj_handler", "zj_handler2", "zj_chief", "zj_head"})
CG = frozenset({"cg_handler", "cg_chief", "cg_head"})
SW = frozenset({"sw_handler", "sw_chief"})
LEADERS = frozenset({"leader_zj", "leader_cg"})  # leader_zj: ZJJ and SWJ; leader_cg: CGJ
MAYOR = frozenset({"mayor"})
SEES_ALL = CENTRE | MAYOR

NOT_FOUND = {
    "code": "not_found",
    "message_zh": "工单不存在或无权访问",
    "message_en": "The order does not exist or is not visible to you",
    "detail": None,
}
REFUSED_CODES = {"role_not_allowed", "own_reply", "not_your_level", "forbidden"}


def test_the_tables_name_every_user_once() -> None:
    """A user added to ``USERS`` must be placed in these tables before the matrix can pass."""
    groups = [CENTRE, ADMIN, ZJ, CG, SW, LEADERS, MAYOR]
    assert sum(len(g) for g in groups) == len(EVERYONE)
    assert frozenset().union(*groups) == frozenset(EVERYONE)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def api(api: Api, app, clock: Clock) -> Api:  # type: ignore[no-untyped-def]
    """The shared ``api``, with every user signed in through the server's own token issuing.

    Signing in over HTTP costs an Argon2 verification (~0.4 s) per user and test; the
    matrix signs in all fourteen users in every test, so tokens are issued directly.
    """
    with Session(app.state.engine) as session:
        for user in session.scalars(select(User)):
            access, refresh = _issue(session, user, secrets.token_hex(16), app.state.settings, clock.now)
            api.tokens[user.username] = access
            api.refresh_tokens[user.username] = refresh
            api.users[user.username] = user_out(user).model_dump(mode="json")
        session.commit()
    return api


def _text(response: Any) -> str:
    """The whole response as text, with non-ASCII characters as themselves."""
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.text


def _step(api: Api, detail: dict[str, Any], command: str, as_: str, **body: Any) -> dict[str, Any]:
    """Issue ``command`` on the version of ``detail`` (one request, unlike ``api.command``)."""
    response = api.post(_path(detail["id"], command), as_, json={"version": detail["version"], **body})
    assert response.status_code == 200, f"{command} as {as_}: {response.status_code} {response.text}"
    return response.json()


def _path(oid: int | str, command: Command | str | None = None) -> str:
    if command is None:
        return f"/orders/{oid}"
    return f"/orders/{oid}/{str(command).replace('_', '-')}"


# --- the read world --------------------------------------------------------------------------

PLAIN_CITIZEN = {"name": "王芳", "phone": "13912345678"}
# Confidential, allows the handling department to call back.
CONFIDENTIAL_ALLOWING = {
    "name": "李保密",
    "phone": "13800000001",
    "callback_number": "13800000002",
    "confidential": True,
    "contact_allowed": True,
}
# Confidential, allows nobody.
CONFIDENTIAL_STRICT = {
    "name": "赵隐私",
    "phone": "13700000003",
    "callback_number": "13700000004",
    "confidential": True,
}
SECRETS = {
    "cg_with_sw": ("李保密", "13800000001", "13800000002"),
    "zj_in_progress": ("赵隐私", "13700000003", "13700000004"),
}


@dataclass(frozen=True)
class ReadOrder:
    state: str
    lead: str | None
    visible_to: frozenset[str]


# Who sees which order. Written out by hand: this is the specification under test.
READ_ORDERS: dict[str, ReadOrder] = {
    # Not yet dispatched: the centre and the top leader only; no department, no leader in charge.
    "received": ReadOrder("received", None, SEES_ALL),
    # Still received, but already carrying a lead (ZJJ) and a co-handler (CGJ), as an import
    # or a routing rule could leave it: the leaders over those departments see it, and still
    # no department does.
    "received_preassigned": ReadOrder("received", "ZJJ", SEES_ALL | LEADERS),
    # Closed at once by the centre: never had a department, so it is not any department's.
    "closed_at_once": ReadOrder("closed", None, SEES_ALL),
    "zj_dispatched": ReadOrder("dispatched", "ZJJ", SEES_ALL | ZJ | {"leader_zj"}),
    # Lead CGJ, SWJ co-handling: both departments, and both leaders (leader_zj has SWJ).
    "cg_with_sw": ReadOrder("dispatched", "CGJ", SEES_ALL | CG | SW | LEADERS),
    "zj_in_progress": ReadOrder("in_progress", "ZJJ", SEES_ALL | ZJ | {"leader_zj"}),
    # Dispatched to CGJ, handed back and re-dispatched to ZJJ: CGJ no longer sees it.
    "moved_to_zj": ReadOrder("dispatched", "ZJJ", SEES_ALL | ZJ | {"leader_zj"}),
}


def _preassign(app, order_id: int, lead: str, co: str) -> None:  # type: ignore[no-untyped-def]
    """Give a received order a lead and a co-handling department behind the API's back."""
    with Session(app.state.engine) as session:
        order = session.get(Order, order_id)
        assert order is not None and order.state == "received"
        order.lead_department_id = session.scalar(select(Department.id).where(Department.code == lead))
        order.co_departments = [session.scalar(select(Department).where(Department.code == co))]
        session.commit()


def build_read_world(api: Api, app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    zjj, cgj, swj = (api.department_id(c) for c in ("ZJJ", "CGJ", "SWJ"))
    ids: dict[str, int] = {}
    ids["received"] = api.intake(title="矩阵 alpha 待派单", citizen=PLAIN_CITIZEN)["id"]
    ids["received_preassigned"] = api.intake(title="矩阵 golf 预分派")["id"]
    _preassign(app, ids["received_preassigned"], "ZJJ", "CGJ")
    closed = api.intake(title="矩阵 bravo 即办", kind="consultation")
    ids["closed_at_once"] = _step(api, closed, "close_at_once", "agent", reply="已当场解答。")["id"]
    ids["zj_dispatched"] = api.dispatched("ZJJ", title="矩阵 charlie 路面", citizen=PLAIN_CITIZEN)["id"]
    cg = api.intake(title="矩阵 delta 噪声", category_code="0201", citizen=CONFIDENTIAL_ALLOWING)
    ids["cg_with_sw"] = _step(api, cg, "dispatch", "agent", lead_department_id=cgj, co_department_ids=[swj])["id"]
    zp = api.dispatched("ZJJ", title="矩阵 echo 物业", citizen=CONFIDENTIAL_STRICT)
    zp = _step(api, zp, "sign", "zj_chief")
    ids["zj_in_progress"] = _step(api, zp, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler"))["id"]
    moved = api.dispatched("CGJ", title="矩阵 foxtrot 改派", category_code="0201")
    moved = _step(api, moved, "request_return", "cg_chief", reason_code="not_our_duty", reason="属住建局职责")
    ids["moved_to_zj"] = _step(api, moved, "rule_return", "agent", accept=True, new_lead_department_id=zjj)["id"]
    # The world is what the table says it is.
    listing = {o["id"]: o for o in api.get("/orders", "agent").json()["items"]}
    for name, spec in READ_ORDERS.items():
        assert listing[ids[name]]["state"] == spec.state, name
        assert listing[ids[name]]["lead_department_id"] == (api.department_id(spec.lead) if spec.lead else None), name
    return ids


def _visible_names(user: str) -> set[str]:
    return {name for name, spec in READ_ORDERS.items() if user in spec.visible_to}


def test_order_detail_and_events_follow_the_table(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    ids = build_read_world(api, app)
    problems = []
    for user in EVERYONE:
        for name, spec in READ_ORDERS.items():
            oid = ids[name]
            for path in (_path(oid), f"{_path(oid)}/events"):
                response = api.get(path, user)
                if user in spec.visible_to:
                    ok = response.status_code == 200
                    if ok and not path.endswith("/events"):
                        ok = response.json()["id"] == oid
                    elif ok:
                        ok = all(e["order_id"] == oid for e in response.json()) and len(response.json()) > 0
                else:
                    ok = response.status_code == 404 and response.json() == NOT_FOUND
                if not ok:
                    problems.append(f"{user} GET {path} ({name}): {response.status_code} {response.text[:120]}")
    assert not problems, "\n".join(problems)


def _list_ids(api: Api, user: str, params: Any = None) -> tuple[list[int], int]:
    response = api.get("/orders", user, params=params)
    assert response.status_code == 200, f"{user} {params}: {response.text}"
    page = response.json()
    return [item["id"] for item in page["items"]], page["total"]


def _walk_pages(api: Api, user: str, sort: str) -> tuple[list[int], set[int]]:
    """Every id over pages of one, and every ``total`` the pages announced."""
    seen: list[int] = []
    totals: set[int] = set()
    cursor = None
    for _ in range(len(READ_ORDERS) + 2):
        params: dict[str, Any] = {"limit": 1, "sort": sort}
        if cursor:
            params["cursor"] = cursor
        response = api.get("/orders", user, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        totals.add(page["total"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return seen, totals


def test_order_list_follows_the_table(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    ids = build_read_world(api, app)
    problems = []
    for user in EVERYONE:
        expected = {ids[n] for n in _visible_names(user)}
        listed, total = _list_ids(api, user)
        if set(listed) != expected or len(listed) != len(set(listed)):
            problems.append(f"{user}: listed {sorted(listed)}, expected {sorted(expected)}")
        if total != len(expected):
            problems.append(f"{user}: total {total}, expected {len(expected)}")
        paged, totals = _walk_pages(api, user, "-id")
        if sorted(paged) != sorted(expected) or totals != {len(expected)}:
            problems.append(f"{user} pages of one: {sorted(paged)} totals {totals}, expected {sorted(expected)}")
    assert not problems, "\n".join(problems)


def test_due_sorted_pages_follow_the_table(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    ids = build_read_world(api, app)
    for user in EVERYONE:
        expected = {ids[n] for n in _visible_names(user)}
        paged, totals = _walk_pages(api, user, "due")
        assert sorted(paged) == sorted(expected), user
        assert totals == {len(expected)}, user


def test_admin_and_a_department_see_nothing_but_their_own(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    """Spelled out for two users, as a readable complement to the table."""
    ids = build_read_world(api, app)
    assert _list_ids(api, "admin") == ([], 0)
    listed, total = _list_ids(api, "sw_handler")
    assert (listed, total) == ([ids["cg_with_sw"]], 1)
    listed, total = _list_ids(api, "cg_head")
    assert (listed, total) == ([ids["cg_with_sw"]], 1)  # not the one moved to ZJJ


# Filters: (query parameters, the orders of READ_ORDERS they select before scoping).
Params = Callable[[Api], list[tuple[str, Any]]]
FILTERS: list[tuple[str, Params, set[str]]] = [
    ("state=received", lambda a: [("state", "received")], {"received", "received_preassigned"}),
    ("state=closed", lambda a: [("state", "closed")], {"closed_at_once"}),
    (
        "state=received&state=closed",
        lambda a: [("state", "received"), ("state", "closed")],
        {"received", "received_preassigned", "closed_at_once"},
    ),
    ("state=dispatched", lambda a: [("state", "dispatched")], {"zj_dispatched", "cg_with_sw", "moved_to_zj"}),
    ("state=in_progress", lambda a: [("state", "in_progress")], {"zj_in_progress"}),
    ("q=矩阵", lambda a: [("q", "矩阵")], set(READ_ORDERS)),
    ("q=alpha", lambda a: [("q", "alpha")], {"received"}),
    ("q=delta", lambda a: [("q", "delta")], {"cg_with_sw"}),
    ("q=foxtrot", lambda a: [("q", "foxtrot")], {"moved_to_zj"}),
    ("q=golf", lambda a: [("q", "golf")], {"received_preassigned"}),
    ("state=received&q=alpha", lambda a: [("state", "received"), ("q", "alpha")], {"received"}),
    ("state=dispatched&q=delta", lambda a: [("state", "dispatched"), ("q", "delta")], {"cg_with_sw"}),
    ("q=<order number>", lambda a: [("q", "GY")], set(READ_ORDERS)),
    ("category=02", lambda a: [("category", "02")], {"cg_with_sw", "moved_to_zj"}),
    ("department_id=CGJ", lambda a: [("department_id", a.department_id("CGJ"))], {"cg_with_sw"}),
    (
        "department_id=ZJJ",
        lambda a: [("department_id", a.department_id("ZJJ"))],
        {"received_preassigned", "zj_dispatched", "zj_in_progress", "moved_to_zj"},
    ),
    ("department_id=SWJ", lambda a: [("department_id", a.department_id("SWJ"))], set()),
    ("handler_id=zj_handler", lambda a: [("handler_id", a.user_id("zj_handler"))], {"zj_in_progress"}),
    ("supervised=false", lambda a: [("supervised", "false")], set(READ_ORDERS)),
    ("sort=due", lambda a: [("sort", "due")], set(READ_ORDERS)),
]


def test_list_filters_never_widen_the_scope(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    ids = build_read_world(api, app)
    problems = []
    for user in EVERYONE:
        visible = _visible_names(user)
        for label, params, selects in FILTERS:
            expected = {ids[n] for n in selects & visible}
            listed, total = _list_ids(api, user, params(api))
            if set(listed) != expected or total != len(expected):
                problems.append(f"{user} ?{label}: {sorted(listed)} total {total}, expected {sorted(expected)}")
        # Whatever the search text means, it never reaches past the caller's scope.
        for wildcard in ("%", "_", "\\", "%%"):
            listed, total = _list_ids(api, user, {"q": wildcard})
            if not set(listed) <= {ids[n] for n in visible} or total > len(visible):
                problems.append(f"{user} ?q={wildcard}: {sorted(listed)} total {total}")
    assert not problems, "\n".join(problems)


# --- confidential citizens -------------------------------------------------------------------


def test_confidential_contact_never_reaches_departments_or_leaders(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    ids = build_read_world(api, app)
    problems = []
    for user in EVERYONE:
        texts = [_text(api.get("/orders", user)), _text(api.get("/orders", user, params={"q": "矩阵", "limit": 1}))]
        for name in _visible_names(user):
            texts.append(_text(api.get(_path(ids[name]), user)))
            texts.append(_text(api.get(f"{_path(ids[name])}/events", user)))
        everything = "\n".join(texts)
        for name, secrets_of in SECRETS.items():
            for secret in secrets_of:
                leaked = secret in everything
                if user in CENTRE and user in READ_ORDERS[name].visible_to and not leaked:
                    problems.append(f"the centre ({user}) does not see {secret!r} of {name}")
                if user not in CENTRE and leaked:
                    problems.append(f"{user} sees {secret!r} of confidential order {name}")
    assert not problems, "\n".join(problems)

    # The masked shape: the department knows it is masked, and sees only the ends of the number.
    citizen = api.order(ids["cg_with_sw"], "sw_handler")["citizen"]
    assert citizen == {
        "name": "李**",
        "phone": "138****0001",
        "callback_number": "138****0002",
        "anonymous": False,
        "confidential": True,
        "contact_allowed": True,
        "masked": True,
    }
    assert api.order(ids["zj_in_progress"], "leader_zj")["citizen"]["masked"] is True
    assert api.order(ids["zj_in_progress"], "mayor")["citizen"]["phone"] == "137****0003"
    centre_view = api.order(ids["zj_in_progress"], "agent")["citizen"]
    assert (centre_view["name"], centre_view["phone"], centre_view["masked"]) == ("赵隐私", "13700000003", False)
    # A citizen who asked for no confidentiality is shown to the department as given.
    plain = api.order(ids["zj_dispatched"], "zj_handler")["citizen"]
    assert (plain["phone"], plain["masked"]) == ("13912345678", False)


# Who may reveal a confidential citizen's contact (200); others who see the order get 403.
REVEAL: dict[str, frozenset[str]] = {
    # The citizen allowed contact: the lead and co-handling department's staff, and the centre
    # (which sees the contact anyway). Leaders over the order may not.
    "cg_with_sw": CENTRE | CG | SW,
    # The citizen allowed nobody: only the centre.
    "zj_in_progress": CENTRE,
    # Not confidential: nothing is protected, whoever sees the order may.
    "zj_dispatched": SEES_ALL | ZJ | {"leader_zj"},
}


def test_reveal_contact_matrix_and_audit(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    ids = build_read_world(api, app)
    problems = []
    for name, allowed in REVEAL.items():
        oid = ids[name]
        visible = READ_ORDERS[name].visible_to
        phone = {"cg_with_sw": "13800000001", "zj_in_progress": "13700000003", "zj_dispatched": "13912345678"}[name]
        for user in EVERYONE:
            response = api.post(f"{_path(oid)}/reveal-contact", user)
            if user in allowed:
                ok = response.status_code == 200 and response.json()["citizen"]["phone"] == phone
                ok = ok and response.json()["citizen"]["masked"] is False
            elif user in visible:
                ok = response.status_code == 403 and response.json()["code"] == "contact_protected"
                ok = ok and phone not in response.text
            else:
                ok = response.status_code == 404 and response.json() == NOT_FOUND
            if not ok:
                problems.append(f"{user} reveal {name}: {response.status_code} {response.text[:120]}")
        # Each reveal is audited with who revealed; refused attempts leave no trace.
        events = api.get(f"{_path(oid)}/events", "agent").json()
        revealers = sorted(e["actor_id"] for e in events if e["action"] == "reveal_contact")
        if revealers != sorted(api.user_id(u) for u in allowed):
            problems.append(f"{name}: reveal_contact events by {revealers}, expected {sorted(allowed)}")
    assert not problems, "\n".join(problems)

    # The reveal is for that one answer: the next read is masked again, and the department
    # sees the audit record of its own reveal.
    assert api.order(ids["cg_with_sw"], "cg_handler")["citizen"]["masked"] is True
    events = api.get(f"{_path(ids['cg_with_sw'])}/events", "cg_handler").json()
    assert api.user_id("cg_handler") in {e["actor_id"] for e in events if e["action"] == "reveal_contact"}
    assert "13800000001" not in json.dumps(events)


# --- the write matrix ------------------------------------------------------------------------

# The order of the write matrix: lead ZJJ, CGJ co-handling. SWJ is the unrelated department.
WORKING_VISIBLE = SEES_ALL | ZJ | CG | LEADERS  # leader_cg sees it through CGJ
RECEIVED_VISIBLE = SEES_ALL
INSERT_ONLY = {Command.ADD_NOTE, Command.RECORD_ONSITE_CHECK}


def _detail(api: Api, oid: int) -> dict[str, Any]:
    return api.order(oid, "agent")


def _received(api: Api, **intake: Any) -> dict[str, Any]:
    return api.intake(**intake)


def _dispatched(api: Api, **intake: Any) -> dict[str, Any]:
    zjj, cgj = api.department_id("ZJJ"), api.department_id("CGJ")
    return _step(api, api.intake(**intake), "dispatch", "agent", lead_department_id=zjj, co_department_ids=[cgj])


def _in_progress(api: Api, *, assign: bool = True, **intake: Any) -> dict[str, Any]:
    detail = _step(api, _dispatched(api, **intake), "sign", "zj_chief")
    if assign:
        detail = _step(api, detail, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler"))
    return detail


def _co_signed(api: Api, **intake: Any) -> dict[str, Any]:
    """In progress, CGJ's co-handling part signed for (协办签收)."""
    return _step(api, _in_progress(api, **intake), "co_sign", "cg_chief")


def _co_answered(api: Api, **intake: Any) -> dict[str, Any]:
    """In progress, CGJ's 协办意见 given: the lead may submit its reply."""
    return _step(api, _co_signed(api, **intake), "submit_co_opinion", "cg_chief", opinion="已现场核实")


def _return_requested(api: Api) -> dict[str, Any]:
    return _step(api, _dispatched(api), "request_return", "zj_handler", reason_code="not_our_duty", reason="非本单位")


def _in_review(api: Api, *, approved_by: tuple[str, ...] = (), **intake: Any) -> dict[str, Any]:
    detail = _step(
        api, _co_answered(api, **intake), "submit_reply", "zj_handler", text="已维修。", result_code="resolved"
    )
    for reviewer in approved_by:
        detail = _step(api, detail, "approve", reviewer)
    return detail


def _extension_pending(api: Api) -> dict[str, Any]:
    return _step(api, _in_progress(api), "request_extension", "zj_handler", days=3, reason="需协调管线迁改")


def _replied(api: Api, *, called_back: bool = False, closed: bool = False) -> dict[str, Any]:
    detail = _in_review(api, approved_by=("zj_chief", "zj_head"))
    assert detail["state"] == "replied"
    if called_back or closed:
        detail = _step(api, detail, "record_callback", "agent", outcome="satisfied")
    if closed:
        detail = _step(api, detail, "close", "agent")
    return detail


SETUPS: dict[str, tuple[str, Callable[[Api], dict[str, Any]]]] = {
    # name: (state it yields, builder)
    "received": ("received", _received),
    "dispatched": ("dispatched", _dispatched),
    "in_progress": ("in_progress", _in_progress),
    "in_progress_unassigned": ("in_progress", lambda a: _in_progress(a, assign=False)),
    "return_requested": ("return_requested", _return_requested),
    "in_progress_co_signed": ("in_progress", _co_signed),
    "in_progress_co_answered": ("in_progress", _co_answered),
    "in_review": ("in_review", _in_review),
    "in_review_leader_level": (
        "in_review",
        lambda a: _in_review(a, approved_by=("zj_chief", "zj_head"), importance="major"),
    ),
    "in_review_top_level": (
        "in_review",
        lambda a: _in_review(a, approved_by=("zj_chief", "zj_head", "leader_zj"), importance="major"),
    ),
    "extension_pending": ("in_progress", _extension_pending),
    "supervised": ("in_progress", lambda a: _step(a, _in_progress(a), "supervise", "leader_zj", note="请加快办理")),
    "replied": ("replied", _replied),
    "replied_called_back": ("replied", lambda a: _replied(a, called_back=True)),
    "closed": ("closed", lambda a: _replied(a, closed=True)),
}


@dataclass(frozen=True)
class Ctx:
    api: Api
    clock: Clock
    merge_target: int


Body = Callable[[Ctx], dict[str, Any]]


@dataclass(frozen=True)
class WriteCase:
    setup: str
    allowed: frozenset[str]  # answer 200; the others who see the order 403, the rest 404
    body: Body


def _case(setup: str, allowed: frozenset[str] | set[str], body: Body = lambda c: {}) -> WriteCase:
    return WriteCase(setup, frozenset(allowed), body)


OVERSEERS = SEES_ALL | LEADERS  # the centre and the leaders over the order (leader_cg through CGJ)

WRITE_CASES: dict[Command, WriteCase] = {
    Command.DISPATCH: _case(
        "received",
        CENTRE,
        lambda c: {
            "lead_department_id": c.api.department_id("ZJJ"),
            "co_department_ids": [c.api.department_id("CGJ")],
        },
    ),
    Command.CLOSE_AT_ONCE: _case("received", CENTRE, lambda c: {"reply": "已当场解答。"}),
    Command.INVALIDATE: _case("dispatched", CENTRE, lambda c: {"reason": "重复来电"}),
    Command.MERGE: _case("in_progress", CENTRE, lambda c: {"into_order_id": c.merge_target, "reason": "同一事项"}),
    Command.SIGN: _case("dispatched", {"zj_handler2", "zj_chief", "zj_head"}),
    Command.ASSIGN_HANDLER: _case(
        "in_progress", {"zj_chief", "zj_head"}, lambda c: {"handler_id": c.api.user_id("zj_handler2")}
    ),
    Command.REQUEST_RETURN: _case(
        "dispatched", ZJ, lambda c: {"reason_code": "not_our_duty", "reason": "非本单位职责"}
    ),
    Command.RULE_RETURN: _case("return_requested", CENTRE, lambda c: {"accept": False, "comment": "请继续办理"}),
    Command.RECORD_ONSITE_CHECK: _case(
        "in_progress",
        ZJ | CG,
        lambda c: {"client_id": str(uuid.uuid4()), "checked_at": c.clock.now.isoformat(), "notes": "现场已核实"},
    ),
    Command.ADD_NOTE: _case(
        "in_progress", ZJ | CG | OVERSEERS, lambda c: {"client_id": str(uuid.uuid4()), "text": "已联系施工队"}
    ),
    # The assigned handler (zj_handler) writes; chief and head may too; zj_handler2 may not.
    Command.SAVE_DRAFT: _case(
        "in_progress", {"zj_handler", "zj_chief", "zj_head"}, lambda c: {"text": "经核实，", "result_code": "resolved"}
    ),
    Command.SUBMIT_REPLY: _case(
        "in_progress_co_answered",  # before CGJ's opinion nobody may (test_cohandling)
        {"zj_handler", "zj_chief", "zj_head"},
        lambda c: {"text": "已修复。", "result_code": "resolved"},
    ),
    # First level of an ordinary order's chain; zj_handler wrote the reply.
    Command.APPROVE: _case("in_review", {"zj_chief"}, lambda c: {"comment": "同意"}),
    Command.RETURN_FOR_REWORK: _case("in_review", {"zj_chief"}, lambda c: {"comment": "请补充整改时限"}),
    Command.REQUEST_EXTENSION: _case("in_progress", ZJ, lambda c: {"days": 3, "reason": "需协调管线迁改"}),
    Command.RULE_EXTENSION: _case("extension_pending", CENTRE, lambda c: {"approve": True}),
    Command.RECORD_CALLBACK: _case("replied", CENTRE, lambda c: {"outcome": "satisfied"}),
    Command.CLOSE: _case("replied_called_back", CENTRE),
    # A replied order: the centre, and city leaders over it (批示重办).
    Command.REOPEN: _case("replied", OVERSEERS, lambda c: {"instruction": "请彻底解决"}),
    Command.SUPERVISE: _case("in_progress", OVERSEERS, lambda c: {"note": "督办"}),
    Command.REMIND: _case("in_progress", OVERSEERS, lambda c: {"note": "催办"}),
    # The monthly audit: city leaders over the order (leader_cg through CGJ) and the mayor; not the centre.
    Command.MARK_AUDITED: _case("replied", LEADERS | MAYOR, lambda c: {"comment": "已审核"}),
    # Co-handling (协办): CGJ's own part. Its chief and head sign for it (cg_handler has no right to
    # sign); any of its staff gives the opinion; the centre waives; the centre and leaders add one.
    Command.CO_SIGN: _case("dispatched", {"cg_chief", "cg_head"}),
    Command.SUBMIT_CO_OPINION: _case("in_progress_co_signed", CG, lambda c: {"opinion": "经核查，已清理占道"}),
    Command.WAIVE_CO_HANDLING: _case(
        "in_progress", CENTRE, lambda c: {"department_id": c.api.department_id("CGJ"), "reason": "不涉及城管职责"}
    ),
    Command.ADD_CO_DEPARTMENT: _case(
        "in_progress", OVERSEERS, lambda c: {"department_id": c.api.department_id("SWJ"), "reason": "会商"}
    ),
    # 督办反馈: the lead department's staff answer a 督办 (the co-handling department does not).
    Command.SUPERVISION_FEEDBACK: _case("supervised", ZJ, lambda c: {"note": "已进场施工"}),
}

# Further placements where the answer depends on more than the command.
WRITE_VARIANTS: dict[str, tuple[Command, WriteCase]] = {
    # The city level of a major order: only the leader in charge of the lead department,
    # not leader_cg who sees it through CGJ, nor the mayor before his level.
    "approve_at_leader_level": (Command.APPROVE, _case("in_review_leader_level", {"leader_zj"})),
    "rework_at_leader_level": (
        Command.RETURN_FOR_REWORK,
        _case("in_review_leader_level", {"leader_zj"}, lambda c: {"comment": "请补充"}),
    ),
    "approve_at_top_level": (Command.APPROVE, _case("in_review_top_level", MAYOR)),
    # Nobody assigned yet: every ZJJ staff member may write the reply.
    "save_draft_unassigned": (
        Command.SAVE_DRAFT,
        _case("in_progress_unassigned", ZJ, lambda c: {"text": "草稿", "result_code": "explained"}),
    ),
    "mark_audited_closed": (Command.MARK_AUDITED, _case("closed", LEADERS | MAYOR, lambda c: {"comment": "已审核"})),
    # A closed order: only the centre reopens; leaders only replied ones.
    "reopen_closed": (Command.REOPEN, _case("closed", CENTRE, lambda c: {"instruction": "市民再次反映"})),
    "invalidate_received": (Command.INVALIDATE, _case("received", CENTRE, lambda c: {"reason": "无效来电"})),
    "merge_received": (
        Command.MERGE,
        _case("received", CENTRE, lambda c: {"into_order_id": c.merge_target, "reason": "重复"}),
    ),
    "supervise_dispatched": (Command.SUPERVISE, _case("dispatched", OVERSEERS, lambda c: {"note": "督办"})),
    # Signed by the lead already: CGJ still signs for its own part.
    "co_sign_in_progress": (Command.CO_SIGN, _case("in_progress", {"cg_chief", "cg_head"})),
    "add_co_department_dispatched": (
        Command.ADD_CO_DEPARTMENT,
        _case("dispatched", OVERSEERS, lambda c: {"department_id": c.api.department_id("SWJ")}),
    ),
    "add_note_replied": (
        Command.ADD_NOTE,
        _case("replied", ZJ | CG | OVERSEERS, lambda c: {"client_id": str(uuid.uuid4()), "text": "备注"}),
    ),
}


def _instants(value: Any) -> Any:
    """Times as instants: an answer written straight after a command keeps the clock's zone
    (+08:00), one read back from the database says UTC."""
    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_instants(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)", value):
        return datetime.fromisoformat(value)
    return value


def _unchanged(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """The same order, whoever read it (``allowed_commands`` and ``co_due_at`` depend on the reader)."""
    reader = {"allowed_commands": None, "co_due_at": None}
    return _instants({**before, **reader}) == _instants({**after, **reader})


def _run_write_case(api: Api, clock: Clock, command: Command, case: WriteCase) -> None:
    state, build = SETUPS[case.setup]
    visible = RECEIVED_VISIBLE if state == "received" else WORKING_VISIBLE
    assert case.allowed <= visible, "the table allows someone who cannot see the order"
    ctx = Ctx(api=api, clock=clock, merge_target=api.intake(title="合并目标")["id"])

    def fresh() -> dict[str, Any]:
        detail = build(api)
        assert detail["state"] == state, f"setup {case.setup} gave {detail['state']}"
        return detail

    detail, touched = fresh(), False
    problems = []
    for user in EVERYONE:
        body = case.body(ctx)
        if command not in INSERT_ONLY:
            body["version"] = detail["version"]
        response = api.post(_path(detail["id"], command), user, json=body)
        if user in case.allowed:
            expected = 200
        elif user in visible:
            expected = 403
        else:
            expected = 404
        ok = response.status_code == expected
        if ok and expected == 403:
            ok = response.json()["code"] in REFUSED_CODES
        if ok and expected == 404:
            ok = response.json() == NOT_FOUND
        if not ok:
            problems.append(
                f"{command.value} as {user}: expected {expected}, got {response.status_code} {response.text[:160]}"
            )
        if response.is_success and command in INSERT_ONLY:
            touched = True  # a note or a check leaves the order where it was (no version in the body)
        elif response.is_success:
            detail = fresh()  # the command moved the order on: the next user gets a fresh one
    # The refusals since the last success changed nothing, not even the version.
    if not touched and not _unchanged(detail, _detail(api, detail["id"])):
        problems.append(f"{command.value}: a refused attempt changed order {detail['id']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("command", list(Command), ids=lambda c: c.value)
def test_write_matrix(api: Api, clock: Clock, command: Command) -> None:
    assert command in WRITE_CASES, f"{command.value} is a new command: add its row to WRITE_CASES"
    _run_write_case(api, clock, command, WRITE_CASES[command])


@pytest.mark.parametrize("variant", list(WRITE_VARIANTS))
def test_write_matrix_variants(api: Api, clock: Clock, variant: str) -> None:
    command, case = WRITE_VARIANTS[variant]
    _run_write_case(api, clock, command, case)


def test_only_the_centre_takes_in_orders(api: Api) -> None:
    body = {
        "channel": "phone",
        "citizen": {"name": "王芳", "phone": "13912345678"},
        "kind": "complaint",
        "category_code": "0101",
        "title": "受理权限",
        "description": "只有热线中心可以受理。",
    }
    problems = []
    for user in EVERYONE:
        response = api.post("/orders", user, json=body)
        expected = 201 if user in CENTRE else 403
        if response.status_code != expected:
            problems.append(f"{user}: {response.status_code} {response.text[:120]}")
    assert not problems, "\n".join(problems)
    assert _list_ids(api, "agent")[1] == 1


# --- no leak ---------------------------------------------------------------------------------


def test_another_departments_order_answers_exactly_like_a_missing_one(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    zj = _dispatched(api)  # lead ZJJ, CGJ co-handling
    received = api.intake()
    preassigned = api.intake()
    _preassign(app, preassigned["id"], "ZJJ", "CGJ")
    missing = 999_999
    requests: list[tuple[str, str, Any]] = [
        ("GET", "", None),
        ("GET", "/events", None),
        ("POST", "/reveal-contact", None),
        ("POST", "/sign", {"version": zj["version"]}),
        ("POST", "/supervise", {"version": zj["version"], "note": ""}),
        ("POST", "/add-note", {"client_id": str(uuid.uuid4()), "text": "探测"}),
        ("POST", "/record-onsite-check", {"client_id": str(uuid.uuid4()), "checked_at": "2026-11-23T09:00:00+08:00"}),
    ]
    probes = [
        ("sw_handler", zj["id"]),
        ("sw_chief", zj["id"]),
        ("admin", zj["id"]),
        ("zj_chief", received["id"]),
        ("zj_chief", preassigned["id"]),
        ("cg_handler", preassigned["id"]),
    ]
    for user, oid in probes:
        for method, suffix, body in requests:
            answers = []
            for target in (oid, missing):
                if body is not None and "client_id" in body:
                    body = {**body, "client_id": str(uuid.uuid4())}
                answers.append(
                    api.client.request(method, f"/orders/{target}{suffix}", headers=api.login(user), json=body)
                )
            hidden, absent = answers
            where = f"{user} {method} {suffix or '/'} on order {oid}"
            assert hidden.status_code == absent.status_code == 404, where
            assert hidden.content == absent.content, where
            assert hidden.headers["content-type"] == absent.headers["content-type"], where
            assert hidden.json() == NOT_FOUND, where
    # Nothing the probes sent was recorded.
    events = api.get(f"/orders/{zj['id']}/events", "agent").json()
    assert [e["action"] for e in events] == ["intake", "dispatch"]


def _attach_blob(app, order_id: int | None, data: bytes) -> str:  # type: ignore[no-untyped-def]
    sha = app.state.blob_store.put(data)
    with Session(app.state.engine) as session:
        if session.get(Blob, sha) is None:
            session.add(Blob(sha256=sha, size=len(data), media_type="image/jpeg"))
            session.flush()
        if order_id is not None:
            session.add(Attachment(order_id=order_id, sha256=sha, tag="before"))
        session.commit()
    return sha


def test_blob_download_is_scoped_like_its_order(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    ids = build_read_world(api, app)
    blobs = {
        name: _attach_blob(app, ids[name], b"\xff\xd8\xff\xe0" + name.encode() + b"-photo")
        for name in ("received", "received_preassigned", "zj_in_progress", "cg_with_sw")
    }
    orphan = _attach_blob(app, None, b"\xff\xd8\xff\xe0orphan")
    never_stored = "0" * 64
    problems = []
    for user in EVERYONE:
        absent = api.get(f"/blobs/{never_stored}", user)
        if absent.status_code != 404:
            problems.append(f"{user}: a missing blob answers {absent.status_code}")
        for name, sha in blobs.items():
            response = api.get(f"/blobs/{sha}", user)
            if user in READ_ORDERS[name].visible_to:
                ok = response.status_code == 200 and response.content.endswith(name.encode() + b"-photo")
            else:
                ok = response.status_code == 404 and response.content == absent.content
            if not ok:
                problems.append(f"{user} GET blob of {name}: {response.status_code}")
        response = api.get(f"/blobs/{orphan}", user)
        if response.status_code != 404 or response.content != absent.content:
            problems.append(f"{user} GET an unattached blob: {response.status_code}")
    assert not problems, "\n".join(problems)
    # The attachment is listed with the order, for those who see it.
    attachments = api.order(ids["cg_with_sw"], "sw_chief")["attachments"]
    assert [a["sha256"] for a in attachments] == [blobs["cg_with_sw"]]


# --- organisation and calendar ---------------------------------------------------------------


def _post_department(api: Api, headers: dict[str, str], n: int) -> Any:
    return api.client.post("/departments", headers=headers, json={"code": f"NEW{n}", "name": f"新单位{n}"})


def _post_user(api: Api, headers: dict[str, str], n: int) -> Any:
    body = {
        "username": f"new_user_{n}",
        "name": "新用户",
        "role": "handler",
        "department_id": api.department_id("ZJJ"),
        "password": "long-enough-pw",
    }
    return api.client.post("/users", headers=headers, json=body)


def _post_days(api: Api, headers: dict[str, str], n: int) -> Any:
    body = [{"day": f"2026-12-{n + 1:02d}", "kind": "holiday", "note": "测试"}]
    return api.client.post("/calendar/days", headers=headers, json=body)


def _post_year(api: Api, headers: dict[str, str], n: int) -> Any:
    return api.client.post(
        "/calendar/years/2027",
        headers={**headers, "Content-Type": "text/csv"},
        content=f"date,kind,note\n2027-01-{n + 1:02d},holiday,测试\n".encode(),
    )


@dataclass(frozen=True)
class OrgWrite:
    send: Callable[[Api, dict[str, str], int], Any]  # the n-th attempt, with these headers
    success: int
    created: Callable[[Api], set[str]]  # what exists now
    mark: Callable[[int], str]  # what the n-th attempt creates


ORG_WRITES: dict[str, OrgWrite] = {
    "POST /departments": OrgWrite(
        _post_department, 201, lambda a: {d["code"] for d in a.get("/departments", "agent").json()}, "NEW{}".format
    ),
    "POST /users": OrgWrite(
        _post_user, 201, lambda a: {u["username"] for u in a.get("/users", "admin").json()}, "new_user_{}".format
    ),
    "POST /calendar/days": OrgWrite(
        _post_days,
        200,
        lambda a: {d["day"] for d in a.get("/calendar", "agent").json()["local_days"]},
        lambda n: f"2026-12-{n + 1:02d}",
    ),
    "POST /calendar/years/{year}": OrgWrite(
        _post_year,
        200,
        lambda a: {d["day"] for d in a.get("/calendar", "agent").json()["local_days"]},
        lambda n: f"2027-01-{n + 1:02d}",
    ),
}


@pytest.mark.parametrize("endpoint", list(ORG_WRITES))
def test_organisation_and_calendar_writes_are_for_the_admin_only(api: Api, endpoint: str) -> None:
    write = ORG_WRITES[endpoint]
    attempts = dict(enumerate(EVERYONE))
    anonymous = len(attempts)
    response = write.send(api, {}, anonymous)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthorized"
    problems = []
    for n, user in attempts.items():
        response = write.send(api, api.login(user), n)
        expected = write.success if user in ADMIN else 403
        if response.status_code != expected:
            problems.append(f"{user}: {response.status_code} {response.text[:120]}")
        elif expected == 403 and response.json()["code"] != "forbidden":
            problems.append(f"{user}: 403 with code {response.json()['code']}")
    assert not problems, "\n".join(problems)
    # Only the administrator's attempt left a trace.
    marks = {write.mark(n) for n in [*attempts, anonymous]}
    assert write.created(api) & marks == {write.mark(EVERYONE.index("admin"))}


# Who appears in GET /users, for each caller.
USERS_LISTED: dict[str, frozenset[str]] = {
    "agent": frozenset(EVERYONE),
    "admin": frozenset(EVERYONE),
    **dict.fromkeys(ZJ, ZJ),
    **dict.fromkeys(CG, CG),
    **dict.fromkeys(SW, SW),
    **dict.fromkeys(LEADERS | MAYOR, LEADERS | MAYOR),  # the leadership office
}


def test_user_listing_is_scoped_to_the_department(api: Api) -> None:
    assert set(USERS_LISTED) == set(EVERYONE)
    problems = []
    for user in EVERYONE:
        response = api.get("/users", user)
        assert response.status_code == 200, response.text
        listed = {u["username"] for u in response.json()}
        if listed != USERS_LISTED[user]:
            problems.append(f"{user}: lists {sorted(listed)}, expected {sorted(USERS_LISTED[user])}")
        # A password, its hash or the hash's field; must_change_password is only a flag.
        if '"password"' in response.text or "password_hash" in response.text or "$argon2" in response.text:
            problems.append(f"{user}: the listing carries password data")
    assert not problems, "\n".join(problems)


# --- authentication on every endpoint --------------------------------------------------------

# The big screen needs no sign-in: it has its own key (or loopback), tested in test_screen.py.
PUBLIC = {
    "/healthz",
    "/server-info",
    "/auth/login",
    "/auth/refresh",
    "/openapi.json",
    "/docs",
    ("OPTIONS", "/uploads"),
    "/screen",
    "/screen/session",  # guarded by the screen key (tests/server/test_screen.py)
    "/screen/data",
}


def _endpoints(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return {"sha256": "a" * 64, "year": "2026"}.get(name, "1")

    found = []
    for path, methods in app.openapi()["paths"].items():
        for method in methods:
            if path in PUBLIC or (method.upper(), path) in PUBLIC:  # tus discovery is public by protocol
                continue
            found.append((method.upper(), re.sub(r"\{(\w+)\}", fill, path)))
    return found


def _code(response) -> str | None:  # type: ignore[no-untyped-def]
    """The error code; a HEAD answer has no body, so a 401 with a Bearer challenge stands for it."""
    if response.request.method == "HEAD":
        return "unauthorized" if response.status_code == 401 and response.headers.get("www-authenticate") else None
    return response.json()["code"]


def test_every_endpoint_needs_a_valid_token(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    endpoints = _endpoints(app)
    assert len(endpoints) >= 30  # every lifecycle command has its own endpoint
    assert ("POST", "/orders/1/reveal-contact") in endpoints
    assert ("GET", f"/blobs/{'a' * 64}") in endpoints

    # A token that was real: signed out.
    revoked = api.tokens["zj_chief"]
    assert api.client.post("/auth/logout", headers={"Authorization": f"Bearer {revoked}"}).status_code == 204
    credentials: dict[str, dict[str, str]] = {
        "none": {},
        "not bearer": {"Authorization": f"Basic {revoked}"},
        "made up": {"Authorization": f"Bearer {secrets.token_urlsafe(32)}"},
        "signed out": {"Authorization": f"Bearer {revoked}"},
        # A refresh token is not an access token.
        "refresh token": {"Authorization": f"Bearer {api.refresh_tokens['zj_head']}"},
    }
    problems = []
    for method, path in endpoints:
        for label, headers in credentials.items():
            response = api.client.request(method, path, headers=headers)
            if response.status_code != 401 or _code(response) not in ("unauthorized", "invalid_token"):
                problems.append(f"{method} {path} with {label} token: {response.status_code} {response.text[:100]}")
            elif not (response.headers.get("www-authenticate") or "").startswith("Bearer"):
                problems.append(f"{method} {path} with {label} token: no WWW-Authenticate")
    # An access token past its life.
    clock.advance(minutes=16)
    expired = {"Authorization": f"Bearer {api.tokens['zj_head']}"}
    for method, path in endpoints:
        response = api.client.request(method, path, headers=expired)
        if response.status_code != 401 or _code(response) not in ("token_expired", "unauthorized"):
            problems.append(f"{method} {path} with an expired token: {response.status_code} {response.text[:100]}")
    assert not problems, "\n".join(problems)
