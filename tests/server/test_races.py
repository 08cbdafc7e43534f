"""Races between requests that mean the same thing (issue 11), with real threads against a real
HTTP server (uvicorn, one worker), on SQLite and on PostgreSQL.

- identical photos finishing at the same moment: every upload completes, one blob is stored;
- a push raced by its own retry (a client that timed out while the first delivery still ran):
  one delivery answers ``applied``, the other ``duplicate`` with the stored result; never a 500;
- the same department, user or category created twice at once: one 201, the others 409;
- one refresh token presented several times at once: judged one after the other, so the session
  never forks into several live refresh tokens;
- a revoked desk's wipe report sent twice at once: recorded once;
- two orders merged into each other at once: one merge, one refusal (it deadlocked: a 500);
- one user changing the password from several sessions at once: one change wins, the others are
  told so (their session ended, or their old password is no longer it) — never six 204s of which
  five passwords do not work;
- thirty wrong passwords for one account at once: exactly as many answered 401 as one after the
  other (5), the rest 429 (there were 11 on PostgreSQL);
- an administrator resetting one password ten times at once: the resets are taken one after the
  other, the last one's password is the one that works.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import random
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from server.auth.passwords import verify_password
from server.demo.photos import sample_photo
from server.models import AuditRecord, Blob, Note, SyncMutation, User
from tests.fixtures.city import PASSWORD, Api, note_mutations, signed_orders
from tests.fixtures.threads import all_at_once

TUS = {"Tus-Resumable": "1.0.0"}
UPLOADERS = ["zj_handler", "zj_handler2", "zj_chief", "zj_head", "cg_handler", "sw_handler"]
ROUNDS = 4


def _start_upload(base_url: str, headers: dict[str, str], data: bytes) -> str:
    """Create the upload and send all but its last 100 bytes; the upload's address."""
    sha = hashlib.sha256(data).hexdigest()
    meta = f"sha256 {base64.b64encode(sha.encode()).decode()},filename {base64.b64encode(b'site.jpg').decode()}"
    created = requests.post(
        f"{base_url}/uploads",
        headers={**headers, **TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta},
        timeout=20,
    )
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    url = url if url.startswith("http") else base_url + url
    first = _patch(url, headers, 0, data[:-100])
    assert first.status_code == 204, first.text
    return url


def _patch(url: str, headers: dict[str, str], offset: int, chunk: bytes) -> requests.Response:
    return requests.patch(
        url,
        data=chunk,
        headers={
            **headers,
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        },
        timeout=60,
    )


def test_identical_photos_finishing_at_once_all_complete(api: Api, base_url: str, app) -> None:  # type: ignore[no-untyped-def]
    headers = {user: api.login(user) for user in UPLOADERS}
    for round_ in range(ROUNDS):
        data = sample_photo(random.Random(round_), "同一现场", datetime(2026, 11, 23, 10, tzinfo=UTC), 32.78, 119.44)
        sha = hashlib.sha256(data).hexdigest()
        urls = {user: _start_upload(base_url, headers[user], data) for user in UPLOADERS}
        answers = all_at_once(
            [functools.partial(_patch, urls[user], headers[user], len(data) - 100, data[-100:]) for user in UPLOADERS]
        )
        statuses = [a.status_code if isinstance(a, requests.Response) else repr(a) for a in answers]
        assert statuses == [204] * len(UPLOADERS), [a.text if isinstance(a, requests.Response) else a for a in answers]
        for user in UPLOADERS:
            # Each upload is complete for its owner, as tus says, and the photo is theirs to attach.
            head = requests.head(urls[user], headers={**headers[user], **TUS}, timeout=20)
            assert head.status_code == 200 and int(head.headers["Upload-Offset"]) == len(data)
            assert requests.head(f"{base_url}/blobs/{sha}", headers=headers[user], timeout=20).status_code == 200
        assert app.state.blob_store.path(sha).read_bytes() == data
        with Session(app.state.engine) as session:
            assert session.scalar(select(func.count()).select_from(Blob).where(Blob.sha256 == sha)) == 1
    leftovers = list(app.state.settings.upload_dir.glob("*.part"))
    assert leftovers == [], leftovers


def test_a_push_raced_by_its_own_retry_answers_applied_and_duplicate(api: Api, base_url: str, app) -> None:  # type: ignore[no-untyped-def]
    headers = {**api.login("zj_chief"), "Content-Type": "application/json"}
    orders = signed_orders(api, 3)
    for round_ in range(ROUNDS * 2):
        mutations = note_mutations(orders, f"第{round_}轮备注")
        body = json.dumps({"client_id": "client-race-0001", "mutations": mutations})
        deliver = functools.partial(
            requests.post, f"{base_url}/sync/push", data=body.encode(), headers=headers, timeout=60
        )
        answers = all_at_once([deliver] * 3)
        for answer in answers:
            assert isinstance(answer, requests.Response), answer
            assert answer.status_code == 200, answer.text
        for i, mutation in enumerate(mutations):
            statuses = sorted(answer.json()["results"][i]["status"] for answer in answers)
            assert statuses == ["applied", "duplicate", "duplicate"], (round_, mutation["order_id"], statuses)
            assert all(answer.json()["results"][i]["id"] == mutation["id"] for answer in answers)
    with Session(app.state.engine) as session:
        for oid in orders:
            assert session.scalar(select(func.count()).select_from(Note).where(Note.order_id == oid)) == ROUNDS * 2
        stored = session.scalars(select(SyncMutation.result)).all()
        assert len(stored) == ROUNDS * 2 * len(orders)
        assert all(result["status"] == "applied" for result in stored)


def test_simultaneous_password_changes_leave_the_one_answered_204(api: Api, base_url: str) -> None:
    sessions = [Api(api.client).login("zj_handler2") for _ in range(6)]
    new = [f"Race#{i}-kQz8vLm2wX" for i in range(len(sessions))]
    answers = all_at_once(
        [
            functools.partial(
                requests.post,
                f"{base_url}/auth/password",
                json={"old_password": PASSWORD, "new_password": new[i]},
                headers=headers,
                timeout=60,
            )
            for i, headers in enumerate(sessions)
        ]
    )
    statuses = [a.status_code if isinstance(a, requests.Response) else repr(a) for a in answers]
    assert statuses.count(204) == 1 and set(statuses) <= {204, 401, 403}, statuses
    winner = new[statuses.index(204)]
    signed_in = requests.post(
        f"{base_url}/auth/login", json={"username": "zj_handler2", "password": winner}, timeout=60
    )
    assert signed_in.status_code == 200, signed_in.text


def test_wrong_passwords_at_once_get_exactly_the_tries_of_one_after_the_other(api: Api, base_url: str) -> None:
    login = functools.partial(
        requests.post, f"{base_url}/auth/login", json={"username": "zj_head", "password": "wrong-Pass#123"}, timeout=120
    )
    answers = all_at_once([login] * 30)
    statuses = _statuses(answers)
    assert statuses == [401] * 5 + [429] * 25, statuses
    right = requests.post(f"{base_url}/auth/login", json={"username": "zj_head", "password": PASSWORD}, timeout=60)
    assert right.status_code == 429, right.text


def test_resets_of_one_password_at_once_leave_the_last_in_force(api: Api, base_url: str, app) -> None:  # type: ignore[no-untyped-def]
    headers = api.login("admin")
    user_id = api.user_id("sw_chief")
    reset = functools.partial(requests.post, f"{base_url}/users/{user_id}/reset-password", headers=headers, timeout=120)
    answers = all_at_once([reset] * 10)
    assert _statuses(answers) == [200] * 10, [a.text for a in answers if isinstance(a, requests.Response)]
    given = [a.json()["temporary_password"] for a in answers]
    with Session(app.state.engine) as session:
        stored = session.get(User, user_id)
        assert stored is not None
        working = [p for p in given if verify_password(stored.password_hash, p)]
        resets = session.scalar(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "reset_password")
        )
    assert len(working) == 1, f"{len(working)} of the ten temporary passwords work"
    signed_in = requests.post(
        f"{base_url}/auth/login", json={"username": "sw_chief", "password": working[0]}, timeout=60
    )
    assert signed_in.status_code == 200, signed_in.text
    assert resets == 10


def _statuses(answers: list[Any]) -> list[Any]:
    return sorted(a.status_code if isinstance(a, requests.Response) else repr(a) for a in answers)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/departments", {"code": "RACE", "name": "并发局", "kind": "department"}),
        ("/users", {"username": "race_user", "name": "并发", "role": "handler", "department_id": None}),
        ("/categories", {"code": "9901", "name": "并发分类"}),
    ],
)
def test_the_same_code_created_twice_at_once_is_one_201_and_409s(
    api: Api, base_url: str, path: str, body: dict[str, Any]
) -> None:
    if path == "/users":
        body = {**body, "department_id": api.department_id("ZJJ"), "password": "Race#kQz8vLm2wX"}
    headers = api.login("admin")
    post = functools.partial(requests.post, f"{base_url}{path}", json=body, headers=headers, timeout=60)
    answers = all_at_once([post] * 6)
    assert _statuses(answers) == [201] + [409] * 5, [a.text for a in answers if isinstance(a, requests.Response)]
    assert all(a.json()["code"] == "duplicate" for a in answers if a.status_code == 409)


def test_one_refresh_token_presented_at_once_never_forks_the_session(api: Api, base_url: str) -> None:
    signed_in = requests.post(f"{base_url}/auth/login", json={"username": "zj_head", "password": PASSWORD}, timeout=60)
    refresh = functools.partial(
        requests.post, f"{base_url}/auth/refresh", json={"refresh_token": signed_in.json()["refresh_token"]}, timeout=60
    )
    answers = all_at_once([refresh] * 6)
    assert all(isinstance(a, requests.Response) and a.status_code in (200, 401) for a in answers), _statuses(answers)
    given = [a.json()["refresh_token"] for a in answers if a.status_code == 200]
    assert given
    live_tokens = [
        token
        for token in given
        if requests.post(f"{base_url}/auth/refresh", json={"refresh_token": token}, timeout=60).status_code == 200
    ]
    assert len(live_tokens) <= 1, f"{len(live_tokens)} refresh tokens of one session still work"


def test_a_wipe_report_sent_twice_at_once_is_recorded_once(api: Api, base_url: str, app) -> None:  # type: ignore[no-untyped-def]
    key = uuid.uuid4().hex
    signed_in = requests.post(
        f"{base_url}/auth/login",
        json={"username": "cg_handler", "password": PASSWORD, "device_id": key, "device_name": "外勤笔记本"},
        timeout=60,
    ).json()
    devices = api.get(f"/users/{signed_in['user']['id']}/devices", "admin").json()
    device_id = next(d["id"] for d in devices if d["name"] == "外勤笔记本")
    assert api.post(f"/devices/{device_id}/revoke", "admin").status_code == 200
    report = functools.partial(
        requests.post,
        f"{base_url}/devices/{device_id}/wipe-report",
        json={"lost": [{"order_number": "GY20261130-0001", "title": "路灯", "command": "add_note"}]},
        headers={"Authorization": f"Bearer {signed_in['access_token']}"},
        timeout=60,
    )
    assert _statuses(all_at_once([report] * 6)) == [204] + [409] * 5
    with Session(app.state.engine) as session:
        wiped = session.scalar(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "device_wiped")
        )
    assert wiped == 1


def test_two_orders_merged_into_each_other_at_once_merge_once(api: Api, base_url: str) -> None:
    headers = api.login("agent")
    for _ in range(ROUNDS):
        first, second = api.intake(), api.intake()

        def merge(order: dict[str, Any], into: dict[str, Any]) -> requests.Response:
            body = {"version": order["version"], "into_order_id": into["id"], "reason": "重复来电"}
            return requests.post(f"{base_url}/orders/{order['id']}/merge", json=body, headers=headers, timeout=60)

        answers = all_at_once([functools.partial(merge, first, second), functools.partial(merge, second, first)])
        assert _statuses(answers) == [200, 422], [a.text for a in answers if isinstance(a, requests.Response)]
        states = sorted(api.order(o["id"])["state"] for o in (first, second))
        assert states == ["merged", "received"]


def test_an_upload_whose_last_commit_failed_resumes_and_completes(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    """The completing request's commit fails (a lost connection): the photo must not be lost
    with it. Its bytes stay with the upload, which resumes from its recorded offset as tus says."""
    data = sample_photo(random.Random(9), "现场", datetime(2026, 11, 23, 10, tzinfo=UTC), 32.78, 119.44)
    sha = hashlib.sha256(data).hexdigest()
    headers = api.login("zj_handler")
    meta = f"sha256 {base64.b64encode(sha.encode()).decode()},filename {base64.b64encode(b'site.jpg').decode()}"
    created = api.client.post(
        "/uploads", headers={**headers, **TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    )
    url = created.headers["Location"]
    chunk = {**headers, **TUS, "Content-Type": "application/offset+octet-stream"}
    assert api.client.patch(url, content=data[:-100], headers={**chunk, "Upload-Offset": "0"}).status_code == 204

    real = app.state.session_factory
    broken = {"next": True}

    def factory() -> Session:
        session = real()
        if broken["next"]:
            broken["next"] = False

            def lost() -> None:
                session.rollback()
                raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))

            session.commit = lost  # type: ignore[method-assign]
        return session

    app.state.session_factory = factory
    last = {**chunk, "Upload-Offset": str(len(data) - 100)}
    assert api.client.patch(url, content=data[-100:], headers=last).status_code == 500
    app.state.session_factory = real

    offset = api.client.head(url, headers={**headers, **TUS})
    assert int(offset.headers["Upload-Offset"]) == len(data) - 100  # as recorded before the failed commit
    resumed = api.client.patch(url, content=data[-100:], headers=last)
    assert resumed.status_code == 204, resumed.text
    assert api.client.get(f"/blobs/{sha}", headers=headers).content == data
    assert list(app.state.settings.upload_dir.glob("*.part")) == []
