"""The world moves on while a desk is offline: another desk edits the same order, the chief gives
the order to someone else or returns the reply, the order leaves the department, the sign-in
expires half-way through a sync. Whatever no longer applies must come back visibly, with its
reason in Chinese and English; whatever still applies must arrive once; and the store must end
equal to the server."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.lifecycle import Command
from casework.sync import MutationStatus
from offline.sync import Phase, Progress
from server.models import AuthToken
from tests.fixtures.city import Api, Clock
from tests.fixtures.exactly_once import assert_exactly_once, audit_head
from tests.fixtures.headless_desk import Desk, assert_converged


def _in_progress(api: Api, handler: str = "zj_handler") -> int:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id(handler))
    return oid


def _desk(tmp_path: Path, base_url: str, username: str) -> Desk:
    desk = Desk.open(tmp_path / username, base_url, username, persist_session=False)
    first = desk.engine.sync()
    assert first.ok, first
    return desk


def _check(desk: Desk, oid: int, clock: Clock, seed: int) -> uuid.UUID:
    photo = desk.photo(seed, size=(400, 300))
    return desk.do(
        oid,
        Command.RECORD_ONSITE_CHECK,
        clock.now,
        files=[photo],
        checked_at=clock.now.isoformat(),
        notes="现场核查",
        photos=[{"sha256": photo.sha256, "tag": "before"}],
    )


def _row(desk: Desk, mutation_id: uuid.UUID) -> dict[str, Any]:
    [row] = [r for r in desk.store.outbox() if r["mutation_id"] == str(mutation_id)]
    return row


def _assert_visible_problem(row: dict[str, Any], status: str, code: str) -> None:
    assert row["status"] == status and row["error_code"] == code, row
    assert row["error_zh"] and row["error_en"] and row["error_zh"] != row["error_en"], row


def test_two_desks_write_the_same_draft_offline_both_texts_are_kept_and_the_merge_converges(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    oid = _in_progress(api)
    handler, chief = _desk(tmp_path, base_url, "zj_handler"), _desk(tmp_path, base_url, "zj_chief")
    since = audit_head(app)
    mine, theirs = "经核实，路面已修复。", "请补充回访市民的情况。"
    handler.do(oid, Command.SAVE_DRAFT, clock.now, text=mine, result_code="resolved")
    handler.do(oid, Command.ADD_NOTE, clock.now, text="经办人：已联系施工队")
    chief.do(oid, Command.ADD_NOTE, clock.now, text="科长：注意回访")
    chief_draft = chief.do(oid, Command.SAVE_DRAFT, clock.now, text=theirs, result_code="resolved")

    first, second = handler.engine.sync(), chief.engine.sync()

    assert first.ok and first.applied == 2, first
    assert second.ok and second.applied == 1 and second.conflicts == 1, second
    problem = _row(chief, chief_draft)
    _assert_visible_problem(problem, MutationStatus.CONFLICT.value, "text_conflict")
    assert problem["args"]["text"] == theirs and problem["server_values"]["text"] == mine  # both texts kept
    detail = api.order(oid)
    assert detail["draft"]["text"] == mine
    assert sorted(n["text"] for n in detail["notes"]) == ["科长：注意回访", "经办人：已联系施工队"]

    merged = f"{mine}{theirs}"
    chief.store.resolve(chief_draft, "retry", changes={"text": merged})
    third = chief.engine.sync()
    assert third.ok and third.applied == 1 and third.conflicts == 0, third
    assert handler.engine.sync().ok
    assert api.order(oid)["draft"]["text"] == merged
    for desk in (handler, chief):
        assert desk.store.order(oid)["draft"]["text"] == merged
        assert_exactly_once(app, desk, since)
        assert_converged(desk)


def test_a_draft_saved_offline_keeps_its_citations_through_a_restart_to_the_server_and_every_desk(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    fields = {"title": "路面塌陷的抢修时限", "questions": ["路面塌陷多久修好"], "answer": "接报后24小时内设置围挡。"}
    entry = api.post("/knowledge/entries", "agent", json=fields).json()
    api.post(f"/knowledge/entries/{entry['id']}/publish", "agent", json={"version": entry["version"]})
    oid = _in_progress(api)
    handler, chief = _desk(tmp_path, base_url, "zj_handler"), _desk(tmp_path, base_url, "zj_chief")
    since = audit_head(app)
    cited = [{"id": entry["id"], "title": fields["title"]}]
    handler.do(oid, Command.SAVE_DRAFT, clock.now, text=fields["answer"], knowledge_entry_ids=[entry["id"]])
    assert handler.store.order(oid)["draft"]["knowledge_entries"] == cited  # before any sync

    handler.close()  # the desk stops before it could push (its transaction committed, nothing more)
    handler = Desk.open(tmp_path / "zj_handler", base_url, "zj_handler", persist_session=False)
    assert handler.store.order(oid)["draft"]["knowledge_entries"] == cited
    report = handler.engine.sync()
    assert report.ok and report.applied == 1, report
    assert api.order(oid, "zj_chief")["draft"]["knowledge_entries"] == cited
    assert chief.engine.sync().ok
    for desk in (handler, chief):
        assert desk.store.order(oid)["draft"]["knowledge_entries"] == cited
        assert_exactly_once(app, desk, since)
        assert_converged(desk)


def test_a_reassignment_while_offline_rejects_the_writing_and_keeps_the_notes_and_checks(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    oid = _in_progress(api)
    desk = _desk(tmp_path, base_url, "zj_handler")
    since = audit_head(app)
    note = desk.do(oid, Command.ADD_NOTE, clock.now, text="已到现场")
    check = _check(desk, oid, clock, seed=21)
    draft = desk.do(oid, Command.SAVE_DRAFT, clock.now, text="经核实，已修复。", result_code="resolved")
    submit = desk.do(oid, Command.SUBMIT_REPLY, clock.now, text="经核实，已修复。", result_code="resolved")
    # Meanwhile the chief gives the order to another handler.
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler2"))

    report = desk.engine.sync()

    assert report.ok and report.applied == 2 and report.rejected == 1 and report.held == 1, report
    assert _row(desk, note)["status"] == _row(desk, check)["status"] == MutationStatus.APPLIED.value
    _assert_visible_problem(_row(desk, draft), MutationStatus.REJECTED.value, "role_not_allowed")
    assert desk.store.held() == [submit]  # not sent: it waits for the user's decision on the draft
    detail = api.order(oid)
    assert detail["handler_id"] == api.user_id("zj_handler2") and detail["state"] == "in_progress"
    assert [n["text"] for n in detail["notes"]] == ["已到现场"] and len(detail["attachments"]) == 1
    assert detail["draft"] is None or detail["draft"]["text"] == ""
    assert desk.store.order(oid)["handler_id"] == api.user_id("zj_handler2")

    # The user drops the draft; the reply goes and comes back as a problem the user sees.
    desk.store.resolve(draft, "discard")
    again = desk.engine.sync()
    assert again.ok and again.applied == 0 and again.rejected + again.conflicts == 1, again
    assert _row(desk, submit)["status"] in (MutationStatus.REJECTED.value, MutationStatus.CONFLICT.value)
    assert _row(desk, submit)["error_zh"] and _row(desk, submit)["error_en"]
    assert desk.recorder.states(submit)[-1] in ("rejected", "conflict")
    assert api.order(oid)["state"] == "in_progress"
    desk.store.resolve(submit, "discard")
    assert desk.engine.sync().ok
    assert_exactly_once(app, desk, since)
    assert_converged(desk)


def test_a_reply_the_handler_may_no_longer_send_is_rejected_for_that_reason_not_as_a_text_conflict(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    """Reassigned while offline, with a draft and the reply queued: the draft is refused
    (role_not_allowed). Once the user drops the draft, the reply must be refused for the same
    reason — not reported as "the draft was changed elsewhere; merge the two versions", which sends
    the user merging a text they may no longer submit, only to be refused after the merge."""
    oid = _in_progress(api)
    desk = _desk(tmp_path, base_url, "zj_handler")
    draft = desk.do(oid, Command.SAVE_DRAFT, clock.now, text="经核实，已修复。", result_code="resolved")
    submit = desk.do(oid, Command.SUBMIT_REPLY, clock.now, text="经核实，已修复。", result_code="resolved")
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler2"))
    assert desk.engine.sync().rejected == 1
    desk.store.resolve(draft, "discard")

    report = desk.engine.sync()

    row = _row(desk, submit)
    assert (row["status"], row["error_code"]) == (MutationStatus.REJECTED.value, "role_not_allowed"), (
        report,
        row["status"],
        row["error_code"],
        row["error_en"],
    )


def test_a_return_for_rework_while_offline_shows_the_conflict_and_applies_the_rest(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    oid = _in_progress(api)
    desk = _desk(tmp_path, base_url, "zj_handler")
    note = desk.do(oid, Command.ADD_NOTE, clock.now, text="补充：已联系市民")
    check = _check(desk, oid, clock, seed=31)
    mine = "经核实，已修复并回访。"
    draft = desk.do(oid, Command.SAVE_DRAFT, clock.now, text=mine, result_code="resolved")
    # Meanwhile the handler submitted a reply from the web, and the chief sent it back.
    submitted = "经核实，已修复。"
    api.command(oid, "submit_reply", "zj_handler", text=submitted, result_code="resolved")
    api.command(oid, "return_for_rework", "zj_chief", comment="请补充现场照片和回访情况")
    since = audit_head(app)

    report = desk.engine.sync()

    assert report.ok and report.applied == 2 and report.conflicts == 1, report
    assert _row(desk, note)["status"] == _row(desk, check)["status"] == MutationStatus.APPLIED.value
    problem = _row(desk, draft)
    _assert_visible_problem(problem, MutationStatus.CONFLICT.value, "text_conflict")
    assert problem["args"]["text"] == mine and problem["server_values"]["text"] == submitted
    local = desk.store.order(oid)
    assert local["state"] == "in_progress"
    assert local["reviews"][-1]["decision"] == "returned"
    assert local["reviews"][-1]["comment"] == "请补充现场照片和回访情况"  # the chief's reason reached the desk

    merged = f"{mine}（已补充现场照片）"
    desk.store.resolve(draft, "retry", changes={"text": merged})
    desk.do(oid, Command.SUBMIT_REPLY, clock.now, text=merged, result_code="resolved")
    final = desk.engine.sync()
    assert final.ok and final.applied == 2, final
    detail = api.order(oid)
    assert detail["state"] == "in_review" and [r["text"] for r in detail["replies"]] == [submitted, merged]
    assert_exactly_once(app, desk, since)
    assert_converged(desk)


def _leave_the_department(api: Api, oid: int) -> None:
    api.command(oid, "request_return", "zj_chief", reason_code="not_our_duty", reason="属城管局职责")
    api.command(oid, "rule_return", "agent", accept=True, new_lead_department_id=api.department_id("CGJ"))


def test_an_order_leaving_the_department_is_revoked_and_no_pending_edit_is_lost(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    leaving, staying = _in_progress(api), _in_progress(api)
    desk = _desk(tmp_path, base_url, "zj_handler")
    since = audit_head(app)
    edits = [
        desk.do(leaving, Command.ADD_NOTE, clock.now, text="已联系市民"),
        _check(desk, leaving, clock, seed=41),
        desk.do(leaving, Command.SAVE_DRAFT, clock.now, text="经核实，", result_code="resolved"),
    ]
    kept = desk.do(staying, Command.ADD_NOTE, clock.now, text="另一张工单的记录")
    _leave_the_department(api, leaving)  # meanwhile: handed back, and sent to CGJ by the centre

    report = desk.engine.sync()

    assert report.ok, report
    assert desk.store.order(leaving) is None  # revoked
    assert api.get(f"/orders/{leaving}", "zj_handler").status_code == 404
    assert _row(desk, kept)["status"] == MutationStatus.APPLIED.value
    _assert_visible_problem(_row(desk, edits[0]), MutationStatus.REJECTED.value, "not_found")
    # Nothing silently dropped: every edit of the order that left is still there, as a rejection
    # or waiting behind one; as the user dismisses the rejections, each comes back refused too.
    dismissed: set[str] = set()
    for _ in edits:
        outbox = {r["mutation_id"]: r for r in desk.store.outbox()}
        held = set(desk.store.held())
        for mutation_id in edits:
            if str(mutation_id) in dismissed:
                assert str(mutation_id) not in outbox
                continue
            row = outbox[str(mutation_id)]
            if row["status"] == MutationStatus.REJECTED.value:
                _assert_visible_problem(row, MutationStatus.REJECTED.value, "not_found")
                desk.store.resolve(mutation_id, "discard")  # the user has read it
                dismissed.add(str(mutation_id))
            else:
                assert mutation_id in held, row
        assert desk.engine.sync().ok
    assert dismissed == {str(m) for m in edits}
    assert [r["status"] for r in desk.store.outbox()] == [MutationStatus.APPLIED.value]
    detail = api.order(leaving)
    assert detail["notes"] == [] and detail["onsite_checks"] == [] and detail["attachments"] == []
    assert_exactly_once(app, desk, since)
    assert_converged(desk)


def test_all_pending_edits_of_an_order_that_left_the_department_show_as_rejections_after_one_sync(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    """Behind a ``not_found`` rejection the later edits of the order are only "held": they can never
    be sent successfully, the order is gone from the store, and store.problems() — what the sync
    panel lists — shows one of them per sync and dismissal. They should all come back refused."""
    oid = _in_progress(api)
    desk = _desk(tmp_path, base_url, "zj_handler")
    edits = [
        desk.do(oid, Command.ADD_NOTE, clock.now, text="已联系市民"),
        _check(desk, oid, clock, seed=42),
        desk.do(oid, Command.SAVE_DRAFT, clock.now, text="经核实，", result_code="resolved"),
    ]
    _leave_the_department(api, oid)

    report = desk.engine.sync()

    assert report.ok and desk.store.order(oid) is None, report
    rows = [_row(desk, m) for m in edits]
    assert [(r["name"], r["status"]) for r in rows] == [
        ("add_note", "rejected"),
        ("record_onsite_check", "rejected"),
        ("save_draft", "rejected"),
    ]
    for row in rows:
        _assert_visible_problem(row, MutationStatus.REJECTED.value, "not_found")


def test_the_access_token_expiring_between_batches_and_pages_is_refreshed_without_losing_anything(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    orders = [_in_progress(api), _in_progress(api)]
    desk = _desk(tmp_path, base_url, "zj_handler")
    desk.engine.batch, desk.engine.pull_limit = 2, 2
    # Pages one at a time: each expiry between pages then meets the next page's request (fetched
    # ahead, that request may have left before the expiry).
    desk.engine.pull_ahead = False
    desk.client.uploader.chunk_size = 32 * 1024
    since = audit_head(app)
    for i, oid in enumerate(orders):
        desk.do(oid, Command.ADD_NOTE, clock.now, text=f"工单{i}：已联系市民")
        _check(desk, oid, clock, seed=50 + i)
        desk.do(oid, Command.SAVE_DRAFT, clock.now, text=f"工单{i}：经核实，", result_code="resolved")
        desk.do(oid, Command.ADD_NOTE, clock.now, text=f"工单{i}：施工队已到场")

    expired: list[str] = []

    class ExpireTheToken:
        """Before every push batch, between pull pages and before the directory lists, let more
        than the access token's 15 minutes pass on the server's clock."""

        def progress(self, progress: Progress) -> None:
            if progress.phase is not Phase.UPLOAD:  # see the test below for uploads
                clock.advance(seconds=901)
                expired.append(progress.phase.value)

        def item(self, update: Any) -> None:
            pass

    desk.engine.observers.append(ExpireTheToken())
    desk.engine._directory_loaded = False  # the directory is read again too, with expired tokens
    report = desk.engine.sync()

    assert report.ok and report.applied == 8 and report.uploaded == 2, report
    assert {"push", "pull", "directory"} <= set(expired)
    assert report.pulled > 2  # several pages
    with Session(app.state.engine) as session:
        refreshed = session.scalar(
            select(func.count())
            .select_from(AuthToken)
            .where(
                AuthToken.user_id == desk.client.user.id, AuthToken.kind == "refresh", AuthToken.used_at.is_not(None)
            )
        )
    assert refreshed >= 8, refreshed  # transparent refreshes, one per expiry that met a request
    assert {r["status"] for r in desk.store.outbox()} == {MutationStatus.APPLIED.value}
    assert desk.store.directory("users")  # the directory came through as well
    desk.engine.observers.pop()
    assert_exactly_once(app, desk, since)
    assert_converged(desk)


def test_an_upload_after_the_access_token_expired_refreshes_transparently(
    api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    """The desk sat idle for more than 15 minutes with a photo to send. The round starts with
    ``HEAD /blobs/{sha}``; a 401 answer to HEAD has no body, so the client cannot read
    ``token_expired`` in it and gives up instead of refreshing — the user must sign in again."""
    oid = _in_progress(api)
    desk = _desk(tmp_path, base_url, "zj_handler")
    since = audit_head(app)
    _check(desk, oid, clock, seed=61)
    clock.advance(seconds=901)

    report = desk.engine.sync()

    assert report.ok and report.uploaded == 1 and report.applied == 1, report
    assert_exactly_once(app, desk, since)
    assert_converged(desk)
