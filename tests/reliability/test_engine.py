"""The sync engine against a real server: offline work arrives once, in order, with its photos."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api_client.errors import Unauthorized
from casework.lifecycle import Command
from casework.sync import MutationStatus
from offline.sync import Backoff, Phase
from server.models import Attachment, Note
from tests.fixtures.city import Api, Clock
from tests.fixtures.headless_desk import Desk, assert_converged


def _in_progress(api: Api, handler: str = "zj_handler") -> int:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id(handler))
    return oid


def test_offline_check_with_photos_draft_and_submit_arrive_in_order(
    api: Api, base_url: str, tmp_path: Path, clock: Clock, app, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    oid = _in_progress(api)
    desk = Desk.open(tmp_path / "desk", base_url, "zj_handler")
    assert desk.engine.sync().ok
    before, after = desk.photo(1), desk.photo(2)
    check = desk.do(
        oid,
        Command.RECORD_ONSITE_CHECK,
        clock.now,
        files=[before, after],
        checked_at=clock.now.isoformat(),
        lat=32.78,
        lon=119.44,
        notes="现场路面已修复",
        photos=[{"sha256": before.sha256, "tag": "before"}, {"sha256": after.sha256, "tag": "after"}],
    )
    note = desk.do(oid, Command.ADD_NOTE, clock.now, text="已联系施工队")
    draft = desk.do(oid, Command.SAVE_DRAFT, clock.now, text="经核实，", result_code="resolved")
    submit = desk.do(oid, Command.SUBMIT_REPLY, clock.now, text="经核实，路面已修复。", result_code="resolved")
    assert desk.store.order(oid)["state"] == "in_review"  # shown at once, before any network

    report = desk.engine.sync()

    assert report.ok and report.uploaded == 2 and report.applied == 4, report
    detail = api.order(oid)
    assert detail["state"] == "in_review" and detail["replies"][-1]["text"] == "经核实，路面已修复。"
    assert sorted(a["tag"] for a in detail["attachments"]) == ["after", "before"]
    assert all(f["uploaded"] for f in desk.store.files(oid))
    # The photo upload was reported before its mutation went out, and every item ended applied.
    assert desk.recorder.states(check)[0] == "uploading" and desk.recorder.states(check)[-1] == "applied"
    for mutation in (note, draft, submit):
        assert desk.recorder.states(mutation)[-2:] == ["sent", "applied"]
    assert any(p.bytes_total == before.size + after.size for p in desk.recorder.progress_seen)
    assert_converged(desk)

    # A second round sends nothing again.
    again = desk.engine.sync()
    assert again.ok and again.pushed == 0 and again.uploaded == 0
    with Session(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(Note).where(Note.order_id == oid)) == 1
        assert session.scalar(select(func.count()).select_from(Attachment).where(Attachment.order_id == oid)) == 2


def test_a_conflict_holds_back_that_order_only_until_resolved(
    api: Api, base_url: str, tmp_path: Path, clock: Clock, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    mine, other = _in_progress(api), _in_progress(api)
    desk = Desk.open(tmp_path / "desk", base_url, "zj_handler")
    desk.engine.sync()
    draft = desk.do(mine, Command.SAVE_DRAFT, clock.now, text="经办人稿", result_code="resolved")
    submit = desk.do(mine, Command.SUBMIT_REPLY, clock.now, text="经办人稿", result_code="resolved")
    elsewhere = desk.do(other, Command.ADD_NOTE, clock.now, text="另一工单的记录")
    # Meanwhile the chief wrote a draft on the server.
    api.command(mine, "save_draft", "zj_chief", text="科长稿", result_code="resolved")

    report = desk.engine.sync()

    assert report.conflicts == 1 and report.held == 1 and report.applied == 1, report
    assert [p["mutation_id"] for p in desk.store.problems()] == [str(draft)]
    assert desk.store.held() == [submit]  # waits, unsent, until the user decides
    assert desk.recorder.states(submit)[-1] == MutationStatus.HELD
    assert api.order(mine)["draft"]["text"] == "科长稿" and api.order(mine)["state"] == "in_progress"
    assert api.order(other)["notes"][-1]["text"] == "另一工单的记录"
    problem = desk.store.problems()[0]
    assert problem["server_values"]["text"] == "科长稿" and problem["args"]["text"] == "经办人稿"
    # Still shown locally as the user left it (their text on top, submit pending).
    assert desk.store.order(mine)["state"] == "in_review"
    assert desk.store.order(mine)["draft"]["text"] == "经办人稿"
    assert desk.engine.sync().pushed == 0  # nothing re-sent while the conflict stands

    # The user keeps their text: retry re-bases it on the chief's, then the submit follows.
    desk.store.resolve(draft, "retry")
    report = desk.engine.sync()
    assert report.applied == 2 and report.ok, report
    assert api.order(mine)["state"] == "in_review" and api.order(mine)["replies"][-1]["text"] == "经办人稿"
    assert desk.recorder.states(elsewhere)[-1] == "applied"
    assert_converged(desk)


def test_a_photo_the_server_refuses_rejects_its_check_only(
    api: Api, base_url: str, tmp_path: Path, clock: Clock, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    oid = _in_progress(api)
    desk = Desk.open(tmp_path / "desk", base_url, "zj_handler")
    desk.engine.sync()
    photo = desk.photo(7)
    check = desk.do(
        oid,
        Command.RECORD_ONSITE_CHECK,
        clock.now,
        files=[photo],
        checked_at=clock.now.isoformat(),
        photos=[{"sha256": photo.sha256, "tag": "before"}],
    )
    later = desk.do(oid, Command.ADD_NOTE, clock.now, text="补充说明")
    desk.cache.path(photo.sha256).write_bytes(b"not the photo any more")  # the disk lost it

    report = desk.engine.sync()

    assert report.ok and report.uploaded == 0
    [problem] = desk.store.problems()
    assert problem["mutation_id"] == str(check) and problem["error_code"] == "file_missing"
    assert problem["error_zh"] and problem["error_en"]
    assert desk.store.held() == [later]
    assert api.order(oid)["onsite_checks"] == []
    # The user gives up on the check: the note goes on.
    desk.store.resolve(check, "discard")
    assert desk.engine.sync().applied == 1
    assert_converged(desk)


def test_upload_resumes_after_a_restart_from_the_saved_url(
    api: Api, base_url: str, tmp_path: Path, clock: Clock, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    import threading

    oid = _in_progress(api)
    desk = Desk.open(tmp_path / "desk", base_url, "zj_handler", chunk_size=256 * 1024)
    desk.engine.sync()
    photo = desk.photo(11, size=(1800, 1400))
    desk.do(
        oid,
        Command.RECORD_ONSITE_CHECK,
        clock.now,
        files=[photo],
        checked_at=clock.now.isoformat(),
        photos=[{"sha256": photo.sha256, "tag": "after"}],
    )
    cancel = threading.Event()

    class CancelHalfway:
        def item(self, update) -> None:  # type: ignore[no-untyped-def]
            if update.state is MutationStatus.UPLOADING and (update.percent or 0) >= 40:
                cancel.set()

        def progress(self, progress) -> None:  # type: ignore[no-untyped-def]
            pass

    desk.engine.observers.append(CancelHalfway())
    cut = desk.engine.sync(cancel=cancel)
    assert cut.error is not None and cut.error.code == "cancelled"
    saved = desk.store.file(photo.sha256)
    assert saved is not None and saved["upload_url"] and not saved["uploaded"]
    offset = desk.client.uploader.offset(saved["upload_url"])
    assert 0 < offset < photo.size
    desk.close()

    # A new process: the same files, a new session.
    again = Desk.open(tmp_path / "desk", base_url, "zj_handler", chunk_size=256 * 1024)
    sent: list[int] = []
    again.recorder.progress = lambda p: sent.append(p.bytes_sent) if p.phase is Phase.UPLOAD else None  # type: ignore[method-assign]
    report = again.engine.sync()
    assert report.ok and report.uploaded == 1 and report.applied == 1, report
    assert min(sent) >= offset  # went on from the server's offset, not from zero
    assert api.order(oid)["attachments"][0]["sha256"] == photo.sha256
    assert_converged(again)


def test_expired_sign_in_stops_the_round_and_keeps_the_outbox(
    api: Api, base_url: str, tmp_path: Path, clock: Clock, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    oid = _in_progress(api)
    desk = Desk.open(tmp_path / "desk", base_url, "zj_handler")
    desk.engine.sync()
    note = desk.do(oid, Command.ADD_NOTE, clock.now, text="离线记录")
    clock.advance(days=31)  # past the refresh token's life: no transparent refresh can help

    report = desk.engine.sync()

    assert isinstance(report.error, Unauthorized)
    assert [m.id for m in desk.store.pending()] == [note]
    desk.client.login("zj_handler", "demo-pass-123")
    assert desk.engine.sync().applied == 1
    assert_converged(desk)


def test_backoff_grows_and_resets() -> None:
    import random

    backoff = Backoff(base=1.0, cap=10.0, rng=random.Random(1))
    delays = [backoff.failed() for _ in range(6)]
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0 and 2.0 <= delays[2] <= 4.0
    assert all(5.0 <= d <= 10.0 for d in delays[4:])
    backoff.succeeded()
    assert backoff.failed() <= 1.0


def test_a_long_day_of_long_notes_goes_up_in_pushes_the_server_accepts(
    api: Api, base_url: str, tmp_path: Path, clock: Clock, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    oid = _in_progress(api)
    desk = Desk.open(tmp_path / "desk", base_url, "zj_handler")
    desk.engine.sync()
    text = "现场核查记录：" + "井盖缺失，已设置围挡，等待更换。" * 600  # ~9,600 characters, the most a note takes
    for _ in range(60):  # ~3 MB of JSON in all: three times what one request may carry
        desk.do(oid, Command.ADD_NOTE, clock.now, text=text[:10_000])
    report = desk.engine.sync()
    assert report.ok and report.applied == 60, report
    assert len(api.order(oid)["notes"]) == 60
    assert_converged(desk)
