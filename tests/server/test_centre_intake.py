"""The centre's intake, search, dispatch and supervision API (issue 12), through HTTP on each backend."""

from __future__ import annotations

from datetime import datetime, timedelta

from casework.deadlines import SHANGHAI
from tests.fixtures.city import Api, Clock

PHONE = "13911112222"


def _ids(page: dict) -> list[int]:  # type: ignore[type-arg]
    return [o["id"] for o in page["items"]]


def test_listing_honours_channel_tag_phone_name_and_intake_dates(api: Api, clock: Clock) -> None:
    pigeon = api.dispatched(
        channel="wechat",
        tags=["鸽棚", "违建"],
        title="小区鸽棚扰民",
        citizen={"name": "赵丽", "phone": PHONE, "confidential": True},
    )["id"]
    clock.advance(hours=2)
    noise = api.dispatched(
        channel="phone", tags=["噪声"], title="夜间施工噪声", citizen={"name": "钱多", "phone": "13800000001"}
    )["id"]
    clock.advance(days=1)
    later = api.dispatched(channel="wechat", title="路灯不亮", citizen={"name": "孙一", "phone": PHONE})["id"]

    def listed(as_: str = "agent", **params: object) -> list[int]:
        response = api.get("/orders", as_, params=params)
        assert response.status_code == 200, response.text
        return _ids(response.json())

    assert listed(channel="wechat") == [later, pigeon]
    assert listed(channel=["wechat", "phone"]) == [later, noise, pigeon]
    assert listed(tag="鸽棚") == [pigeon]
    assert listed(tag="违建", channel="wechat") == [pigeon]
    assert listed(tag="鸽") == []  # a tag matches whole, not a part of one
    assert listed(phone=PHONE) == [later, pigeon]  # the caller's earlier orders
    assert listed(q="赵丽") == [pigeon]  # the centre finds a citizen by name
    start = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    assert listed(received_from=start.isoformat(), received_before=(start + timedelta(days=1)).isoformat()) == [noise]
    # A department sees neither a confidential citizen's number nor their name through the filters.
    assert listed("zj_chief", phone=PHONE) == [later]
    assert listed("zj_chief", q="赵丽") == []
    assert listed("zj_chief", tag="鸽棚") == [pigeon]
    assert api.get("/orders", "agent", params={"channel": "fax"}).status_code == 422
    assert api.get("/orders", "agent", params={"phone": "abc"}).status_code == 422


def test_hot_issues_count_tags(api: Api, clock: Clock) -> None:
    for i in range(6):
        api.intake(tags=["鸽棚"] if i < 5 else ["鸽棚", "违建"], title=f"鸽棚{i}")
    api.intake(tags=["违建"])
    hot = api.get("/measures/hot", "agent", params={"from": "2026-11-23", "to": "2026-11-24"}).json()
    tags = {h["code"]: h for h in hot if h["kind"] == "tag"}
    assert tags["鸽棚"]["count"] == 6 and tags["鸽棚"]["previous"] == 0
    assert "违建" not in tags  # 2 < min_volume 5
    low = api.get("/measures/hot", "agent", params={"from": "2026-11-23", "to": "2026-11-24", "min_volume": 2}).json()
    assert {h["code"]: h["count"] for h in low if h["kind"] == "tag"} == {"鸽棚": 6, "违建": 2}


def test_similar_open_orders_are_offered_for_merging(api: Api) -> None:
    same_caller = api.intake(title="门口下水道堵塞", citizen={"name": "周", "phone": PHONE}, address="东园小区3栋")[
        "id"
    ]
    same_place = api.intake(title="楼道灯坏了", address="文汇路88号", citizen={"phone": "13700000000"})["id"]
    same_text = api.intake(title="文汇路路面塌陷很危险", address="", citizen={"phone": "13600000000"})["id"]
    unrelated = api.intake(title="噪声扰民", category_code="0201", address="", citizen={"phone": "13500000000"})["id"]
    closed = api.intake(title="文汇路路面塌陷", citizen={"phone": PHONE})["id"]
    api.command(closed, "close_at_once", "agent", reply="已解答。")

    params = {"phone": PHONE, "address": "文汇路88号", "text": "文汇路路面塌陷", "category": "0101"}
    response = api.get("/orders/similar", "agent", params=params)
    assert response.status_code == 200, response.text
    found = response.json()
    ids = [f["order"]["id"] for f in found]
    assert ids[:1] == [same_caller]  # the same caller weighs most
    assert set(ids) == {same_caller, same_place, same_text}  # open ones only, nothing unrelated
    assert unrelated not in ids and closed not in ids
    by_id = {f["order"]["id"]: f for f in found}
    assert by_id[same_text]["reasons"] == ["similar_text", "same_category"]
    assert 0.2 < by_id[same_text]["text_similarity"] < 1
    assert by_id[same_place]["reasons"] == ["same_address", "same_category"]
    assert api.get("/orders/similar", "zj_chief", params=params).status_code == 403

    # 合并 instead of a duplicate: the new request merges into the one offered.
    duplicate = api.intake(title="文汇路路面塌陷", citizen={"phone": "13600000000"})["id"]
    merged = api.command(duplicate, "merge", "agent", into_order_id=same_text, reason="同一诉求，重复来电")
    assert (merged["state"], merged["merged_into_id"]) == ("merged", same_text)


def test_answer_at_once_keeps_the_policy_basis(api: Api) -> None:
    oid = api.intake(kind="consultation", title="公积金提取条件")["id"]
    detail = api.command(
        oid, "close_at_once", "agent", reply="连续缴存满3个月可申请提取。", basis="《住房公积金管理条例》第二十四条"
    )
    assert detail["state"] == "closed"
    assert detail["replies"][-1]["basis"] == "《住房公积金管理条例》第二十四条"


def test_dispatch_suggestion_from_category_and_practice(api: Api, clock: Clock) -> None:
    zjj, cgj = api.department_id("ZJJ"), api.department_id("CGJ")
    first = api.intake()  # 0101 道路维修: the category names 住建局
    suggestion = api.get(f"/orders/{first['id']}/dispatch-suggestion", "agent").json()
    assert suggestion["lead_department_id"] == zjj
    assert suggestion["candidates"][0] == {
        "department_id": zjj,
        "code": "ZJJ",
        "name": "住房和城乡建设局",
        "category_default": True,
        "dispatched_before": 0,
        "similar_before": 0,
        "similar_weight": 0.0,
    }
    assert suggestion["basis"] == "category_default" and suggestion["similar_size"] == 0
    # Monday 09:00, simple: sign by the end of the next working day, reply in 2 working days.
    assert datetime.fromisoformat(suggestion["deadlines"]["reply_by"]) == datetime(
        2026, 11, 25, 17, 30, tzinfo=SHANGHAI
    )
    assert suggestion["deadlines"]["provisional"] is False
    assert suggestion["reply_days"] == 2
    complex_ = api.get(
        f"/orders/{first['id']}/dispatch-suggestion", "agent", params={"complexity": "complex", "reply_days": 5}
    ).json()
    assert complex_["reply_days"] == 5
    assert datetime.fromisoformat(complex_["deadlines"]["reply_by"]) == datetime(2026, 11, 30, 17, 30, tzinfo=SHANGHAI)
    bad = api.get(f"/orders/{first['id']}/dispatch-suggestion", "agent", params={"reply_days": 5})
    assert bad.status_code == 422

    # In practice the city sends these to 城管局: six of the category's orders say so (other titles).
    for i in range(6):
        api.dispatched("CGJ", title=f"第{i}号楼外墙脱落")
    suggestion = api.get(f"/orders/{first['id']}/dispatch-suggestion", "agent").json()
    assert suggestion["lead_department_id"] == cgj and suggestion["basis"] == "practice"
    assert [(c["code"], c["dispatched_before"], c["category_default"]) for c in suggestion["candidates"]] == [
        ("CGJ", 6, False),
        ("ZJJ", 0, True),
    ]
    assert suggestion["history_size"] == 6
    # A year the calendar does not know yet is provisional.
    clock.now = datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI)
    api.tokens.clear()  # a month on: sign in again
    late = api.get(f"/orders/{first['id']}/dispatch-suggestion", "agent").json()
    assert late["deadlines"]["provisional"] is True
    assert api.get(f"/orders/{first['id']}/dispatch-suggestion", "zj_chief").status_code == 403


def test_dispatch_suggestion_follows_how_similar_orders_were_dispatched(api: Api) -> None:
    """Orders with titles like this one's went to 城管局 — in another category — and one unlike it to
    住建局: the suggestion follows the similar ones, weighted by how alike they are, and says so."""
    zjj, cgj = api.department_id("ZJJ"), api.department_id("CGJ")
    for title in ("盂城路违章搭建鸽棚", "盂城路违章搭建鸽棚气味大", "城北违章搭建鸽棚扰民"):
        api.dispatched("CGJ", category_code="0102", title=title)
    api.dispatched("ZJJ", title="文汇路路面塌陷")
    asked = api.intake(title="盂城路违章搭建鸽棚扰民")  # 0101: the category names 住建局
    suggestion = api.get(f"/orders/{asked['id']}/dispatch-suggestion", "agent").json()
    assert suggestion["lead_department_id"] == cgj and suggestion["basis"] == "similar"
    assert suggestion["similar_size"] == 3
    first, second = suggestion["candidates"]
    assert (first["department_id"], first["similar_before"], first["category_default"]) == (cgj, 3, False)
    assert first["similar_weight"] > 1.0
    assert (second["department_id"], second["similar_before"], second["category_default"]) == (zjj, 0, True)
    # Unlike anything dispatched before: the category decides.
    other = api.intake(title="新生儿落户材料咨询")
    plain = api.get(f"/orders/{other['id']}/dispatch-suggestion", "agent").json()
    assert plain["similar_size"] == 0 and plain["basis"] in ("category_default", "practice")


def test_batch_dispatch_answers_per_order(api: Api) -> None:
    a, b, c = (api.intake(title=f"工单{i}") for i in range(3))
    api.command(b["id"], "dispatch", "agent", lead_department_id=api.department_id("SWJ"))  # already gone
    body = {
        "items": [
            {
                "order_id": a["id"],
                "version": a["version"],
                "lead_department_id": api.department_id("ZJJ"),
                "co_department_ids": [api.department_id("CGJ")],
            },
            {"order_id": b["id"], "version": b["version"], "lead_department_id": api.department_id("ZJJ")},
            {"order_id": c["id"], "version": c["version"], "lead_department_id": api.department_id("ZJJ")},
        ]
    }
    response = api.post("/orders/dispatch", "agent", json=body)
    assert response.status_code == 200, response.text
    results = response.json()
    assert [(r["order_id"], r["status"]) for r in results] == [
        (a["id"], "dispatched"),
        (b["id"], "refused"),
        (c["id"], "dispatched"),
    ]
    assert results[1]["code"] == "stale_version" and results[1]["order"] is None
    assert api.order(a["id"])["co_department_ids"] == [api.department_id("CGJ")]
    assert api.order(b["id"])["lead_department_id"] == api.department_id("SWJ")  # untouched
    events = api.get(f"/orders/{c['id']}/events", "agent").json()
    assert [e["action"] for e in events] == ["intake", "dispatch"]
    assert api.post("/orders/dispatch", "zj_chief", json=body).status_code == 403
    twice = {"items": [body["items"][0], body["items"][0]]}
    assert api.post("/orders/dispatch", "agent", json=twice).status_code == 422


def test_supervision_and_reminders_carry_their_text(api: Api) -> None:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "supervise", "agent", note="群众反映强烈，请3日内办结")
    detail = api.command(oid, "remind", "mayor", note="请加快办理")
    assert detail["supervised"] is True and detail["reminders"] == 1
    assert [(s["kind"], s["note"], s["actor_id"]) for s in detail["supervision"]] == [
        ("supervise", "群众反映强烈，请3日内办结", api.user_id("agent")),
        ("remind", "请加快办理", api.user_id("mayor")),
    ]
    # The department sees what was asked of it; so does the audit chain.
    assert [s["note"] for s in api.order(oid, "zj_handler")["supervision"]] == [
        "群众反映强烈，请3日内办结",
        "请加快办理",
    ]
    events = api.get(f"/orders/{oid}/events", "agent").json()
    assert events[-1]["action"] == "remind" and events[-1]["after"]["input"]["note"] == "请加快办理"


def test_the_supervisors_board(api: Api, clock: Clock) -> None:
    waiting = api.intake(channel="weibo", title="等待派单")["id"]
    clock.advance(minutes=2)
    api.intake(channel="wechat")  # received two minutes after: not late yet at 09:06
    clock.advance(minutes=58)
    dispatched = api.dispatched("ZJJ", channel="phone")["id"]  # 10:00
    api.command(dispatched, "sign", "zj_handler2")
    api.command(dispatched, "submit_reply", "zj_handler2", text="已处理。", result_code="resolved")
    api.command(dispatched, "approve", "zj_chief")
    api.command(dispatched, "approve", "zj_head")

    clock.now = datetime(2026, 11, 23, 9, 6, tzinfo=SHANGHAI)
    early = api.get("/centre/board", "agent").json()
    assert early["waiting_count"] == 1 and early["waiting"][0]["id"] == waiting
    assert early["waiting"][0]["waiting_seconds"] == 360

    clock.now = datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI)
    board = api.get("/centre/board", "agent", params={"date": "2026-11-23"}).json()
    assert board["day"] == "2026-11-23" and board["dispatch_target_seconds"] == 300
    assert board["intake_total"] == 3
    assert board["intake"] == [
        {"hour": 9, "channel": "wechat", "count": 1},
        {"hour": 9, "channel": "weibo", "count": 1},
        {"hour": 10, "channel": "phone", "count": 1},
    ]
    assert board["waiting_count"] == 2
    assert [c["id"] for c in board["callbacks_due"]] == [dispatched] and board["callbacks_due_count"] == 1

    # Three working days later the unsigned order is overdue for its department.
    late = api.dispatched("CGJ")["id"]
    clock.now = datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI)
    board = api.get("/centre/board", "agent", params={"date": "2026-11-27"}).json()
    assert board["intake_total"] == 0
    assert [(d["code"], d["overdue"]) for d in board["overdue_by_department"]] == [("CGJ", 1)]
    assert board["overdue_total"] == 1
    assert late
    assert api.get("/centre/board", "zj_chief").status_code == 403
    assert api.get("/centre/board", "mayor").status_code == 200
    for bad in ("9999-12-31", "0001-01-01", "2026-13-01"):
        assert api.get("/centre/board", "agent", params={"date": bad}).status_code == 422
