"""Watching the server: /metrics scraped and parsed after real requests, request ids on both sides,
JSON log lines, readiness and liveness (README "Operating the server")."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import logging
import math
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from api_client import CaseDeskClient
from casework.sync import MutationStatus, PushRequest
from server.app import create_app
from server.observability.logs import JsonFormatter, RequestFields
from server.settings import Settings
from tests.fixtures.city import PASSWORD, Api, note_mutations, signed_orders

TOKEN = "scrape-secret-0123456789"
MakeClient = Callable[..., CaseDeskClient]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The test's database, with a metrics token (the TestClient's peer is no address at all)."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url, metrics_token=TOKEN)


def parse(body: str) -> dict[str, Metric]:
    """The metric families of an exposition, read by prometheus_client's parser; each declared once."""
    families = list(text_string_to_metric_families(body))
    assert len({f.name for f in families}) == len(families), "a metric family declared twice"
    return {f.name: f for f in families}


def value(family: Metric, sample: str, **labels: str) -> float:
    """The sum over the family's samples named ``sample`` whose labels include ``labels`` (0 if none)."""
    return sum(s.value for s in family.samples if s.name == sample and labels.items() <= s.labels.items())


def scrape(url: str) -> dict[str, Metric]:
    response = requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)


def test_metrics_after_real_requests(
    api: Api, base_url: str, make_client: MakeClient, photo: bytes, settings: Settings
) -> None:
    orders = signed_orders(api, 3)
    before = scrape(base_url)
    desk = make_client()
    desk.login("zj_handler", PASSWORD)
    desk.pull()
    mutations = note_mutations(orders, "现场已核实 {oid}")
    mutations.append({**note_mutations([orders[0]], "x")[0], "order_id": 987654})  # no such order: rejected
    answer = desk.push(PushRequest.model_validate({"client_id": "desk-metrics-1", "mutations": mutations}))
    assert [r.status for r in answer.results].count(MutationStatus.APPLIED) == 3
    assert answer.results[-1].status == MutationStatus.REJECTED
    desk.upload(photo)
    after = scrape(base_url)

    def grew(name: str, suffix: str = "", **labels: str) -> float:
        was = value(before[name], name + suffix, **labels) if name in before else 0
        return value(after[name], name + suffix, **labels) - was

    requests_ = "casedesk_http_requests"
    assert after[requests_].type == "counter"
    assert grew(requests_, "_total", method="GET", route="/sync/pull", status="200") == 1
    assert grew(requests_, "_total", method="POST", route="/sync/push", status="200") == 1
    assert grew(requests_, "_total", method="POST", route="/auth/login", status="200") == 1
    # Route templates, never paths: no upload id or order number in a label.
    routes = {sample.labels["route"] for sample in after[requests_].samples}
    assert "/uploads/{upload_id}" in routes and not any(r.startswith("/uploads/") and "{" not in r for r in routes)
    latency = "casedesk_http_request_duration_seconds"
    assert after[latency].type == "histogram"
    assert grew(latency, "_count", method="GET", route="/sync/pull") == 1
    assert value(after[latency], latency + "_sum", method="GET", route="/sync/pull") > 0
    pull = {"method": "GET", "route": "/sync/pull"}
    buckets = sorted(
        (float(s.labels["le"]), s.value)
        for s in after[latency].samples
        if s.name == latency + "_bucket" and pull.items() <= s.labels.items()
    )
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(buckets)), "buckets are cumulative"
    assert buckets[-1] == (math.inf, value(after[latency], latency + "_count", **pull))
    assert grew("casedesk_sync_pulls", "_total", status="200") == 1
    assert grew("casedesk_sync_pushes", "_total", status="200") == 1
    assert grew("casedesk_sync_mutations", "_total", outcome="applied") == 3
    assert grew("casedesk_sync_mutations", "_total", outcome="rejected") == 1
    assert grew("casedesk_upload_bytes", "_total") == len(photo)
    assert grew("casedesk_uploads_completed", "_total") == 1
    # Three notes and one sign-in (the rejected mutation's record went with its savepoint).
    assert grew("casedesk_audit_appends", "_total") >= 3
    pool_size, checked_out = after["casedesk_db_pool_size"], after["casedesk_db_pool_checked_out"]
    assert pool_size.type == "gauge"
    assert value(pool_size, pool_size.name) == settings.db_pool_size
    assert 0 <= value(checked_out, checked_out.name) <= value(pool_size, pool_size.name)


def test_a_rejected_mutation_appends_no_audit_record(api: Api, client: TestClient) -> None:
    """Audit appends are counted at commit: a savepoint rolled back takes its record with it."""
    [order] = signed_orders(api, 1)
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def appended() -> float:
        return value(
            parse(client.get("/metrics", headers=headers).text)["casedesk_audit_appends"],
            "casedesk_audit_appends_total",
        )

    before = appended()
    bad = {**note_mutations([order], "x")[0], "order_id": 987654}
    answer = api.post("/sync/push", "zj_handler", json={"client_id": "desk-metrics-2", "mutations": [bad]})
    assert answer.json()["results"][0]["status"] == "rejected"
    after = appended()
    assert after == before
    api.command(order, "add_note", "zj_handler", text="已联系市民")
    assert appended() == after + 1


def test_metrics_are_served_only_to_the_configured_addresses_or_the_token(
    client: TestClient, base_url: str, app: FastAPI
) -> None:
    assert client.get("/metrics").status_code == 403  # the TestClient is no allowed address
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-it"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "metrics_forbidden"
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    # Over real TCP from loopback (the default metrics_allow), no token needed ...
    assert requests.get(f"{base_url}/metrics", timeout=10).status_code == 200
    # ... but a client a trusted proxy (loopback) names from elsewhere is refused.
    proxied = requests.get(f"{base_url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert proxied.status_code == 403
    app.state.settings = app.state.settings.model_copy(update={"metrics_allow": "203.0.113.0/24"})
    assert requests.get(f"{base_url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10).ok
    assert "/metrics" not in app.openapi()["paths"] and "/readyz" not in app.openapi()["paths"]


def test_the_request_id_is_the_callers_or_a_new_one(client: TestClient) -> None:
    given = client.get("/livez", headers={"X-Request-ID": "desk-7f3a.42"})
    assert given.headers["x-request-id"] == "desk-7f3a.42"
    made = client.get("/livez").headers["x-request-id"]
    assert len(made) == 32 and made != client.get("/livez").headers["x-request-id"]
    for hostile in ("a b", "x" * 200, "<script>"):
        answered = client.get("/livez", headers={"X-Request-ID": hostile}).headers["x-request-id"]
        assert answered != hostile and len(answered) == 32
    # Errors carry it too (a 404 of no route, a 413 of the body limit).
    assert client.get("/no/such/thing", headers={"X-Request-ID": "r-404"}).headers["x-request-id"] == "r-404"


@contextmanager
def captured(*loggers: str) -> Iterator[io.StringIO]:
    """The lines the named loggers write, formatted as the production JSON log."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestFields())
    saved = []
    for name in loggers:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_log_lines_are_json_with_the_request_id_the_desk_logged_too(
    api: Api, make_client: MakeClient, base_url: str
) -> None:
    [order] = signed_orders(api, 1)
    secret_note = "市民王芳反映：家门口下水道堵塞"
    with captured("casedesk.access", "casedesk.http") as stream:
        desk = make_client()
        desk.login("zj_handler", PASSWORD)
        token = desk.auth.access_token
        pushed = {"client_id": "desk-metrics-3", "mutations": note_mutations([order], secret_note)}
        desk.push(PushRequest.model_validate(pushed))
        requests.get(f"{base_url}/orders/{order}", headers={"X-Request-ID": "support-1"}, timeout=10)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    server_lines = [line for line in lines if line["logger"] == "casedesk.access"]
    desk_lines = [line for line in lines if line["logger"] == "casedesk.http"]
    assert {"time", "level", "logger", "message"} <= lines[0].keys()
    assert lines[0]["time"].endswith("+00:00")  # ISO 8601 with its zone
    push = next(line for line in server_lines if line.get("route") == "/sync/push")
    assert push["status"] == 200 and push["method"] == "POST" and push["duration_ms"] >= 0
    assert push["user_id"] == api.user_id("zj_handler")
    # The desk's own log line of that push names the same request id.
    desk_push = next(line for line in desk_lines if "POST /sync/push 200" in line["message"])
    assert f"[request {push['request_id']}]" in desk_push["message"]
    unauthorized = next(line for line in server_lines if line["request_id"] == "support-1")
    assert unauthorized["status"] == 401 and unauthorized["route"] == "/orders/{order_id}"
    assert "user_id" not in unauthorized
    text = stream.getvalue()
    assert PASSWORD not in text and token and token not in text and "下水道" not in text


def test_readiness_checks_the_database_and_the_blob_directory(client: TestClient, settings: Settings) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "blobs": "ok", "uploads": "ok"}
    assert client.get("/livez").json() == {"status": "ok"}
    blobs = settings.blob_dir
    blobs.mkdir(parents=True, exist_ok=True)
    blobs.rename(blobs.with_name("blobs-away"))
    blobs.write_text("not a directory")  # root writes anywhere: a file where the directory was stops it
    with captured("casedesk.health") as stream:
        not_ready = client.get("/readyz", headers={"X-Request-ID": "probe-1"})
    assert not_ready.status_code == 503
    # The warning written while handling it names the path, and the request it belongs to.
    [warning] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert warning["level"] == "WARNING" and str(blobs) in warning["message"]
    assert warning["request_id"] == "probe-1" and warning["route"] == "/readyz"
    body = not_ready.json()
    assert body["code"] == "not_ready" and body["detail"]["checks"]["blobs"].startswith("not writable")
    assert body["detail"]["checks"]["database"] == "ok" and "blobs" in body["message_en"]
    assert str(blobs) not in not_ready.text  # the path is for the server's log, not for callers
    assert client.get("/livez").status_code == 200


def test_readiness_fails_when_the_database_does_not_answer(tmp_path: Path) -> None:
    # A PostgreSQL server that is not there (port 1 on loopback: connection refused at once).
    down = Settings(data_dir=tmp_path / "data", database_url="postgresql+psycopg://casedesk@127.0.0.1:1/casedesk")
    for directory in (down.blob_dir, down.upload_dir):
        directory.mkdir(parents=True)
    app = create_app(down)
    with TestClient(app, raise_server_exceptions=False) as client:
        not_ready = client.get("/readyz")
        assert not_ready.status_code == 503, not_ready.text
        checks = not_ready.json()["detail"]["checks"]
        assert checks["database"] == "does not answer (OperationalError)" and checks["blobs"] == "ok"
        assert "127.0.0.1" not in not_ready.text
        assert client.get("/livez").status_code == 200  # liveness does not touch the database
    app.state.engine.dispose()


def test_readiness_answers_in_time_when_the_database_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database host that takes the connection and never speaks (gone behind a firewall, say)."""
    monkeypatch.setattr("server.observability.endpoints.READY_TIMEOUT_SECONDS", 0.5)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never accepts or answers
        port = silent.getsockname()[1]
        url = f"postgresql+psycopg://casedesk@127.0.0.1:{port}/casedesk"
        app = create_app(Settings(data_dir=tmp_path / "data", database_url=url))
        with TestClient(app, raise_server_exceptions=False) as client:
            started = time.monotonic()
            not_ready = client.get("/readyz")
            assert time.monotonic() - started < 5
        assert not_ready.status_code == 503
        assert not_ready.json()["detail"]["checks"]["database"] == "no answer within 0.5 s"


def test_a_desk_that_goes_away_mid_upload_is_logged_as_such_not_as_an_error(api: Api, base_url: str) -> None:
    """A cut link in the middle of a chunk is the field's everyday weather, not the server's fault:
    one access line with 499 (client closed the request), no "unhandled error", no traceback."""
    headers = {**api.login("zj_handler"), "Tus-Resumable": "1.0.0"}
    sha = base64.b64encode(hashlib.sha256(b"x" * 200_000).hexdigest().encode()).decode()
    created = requests.post(
        f"{base_url}/uploads",
        headers={**headers, "Upload-Length": "200000", "Upload-Metadata": f"sha256 {sha}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    path = created.headers["Location"].removeprefix(base_url)
    host, port = base_url.removeprefix("http://").split(":")
    with captured("casedesk.access", "casedesk.error", "uvicorn.error") as stream:
        with socket.create_connection((host, int(port)), timeout=10) as link:
            head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            link.sendall(
                f"PATCH {path} HTTP/1.1\r\nHost: {host}\r\n{head}Upload-Offset: 0\r\n"
                "Content-Type: application/offset+octet-stream\r\nContent-Length: 200000\r\n\r\n".encode()
            )
            link.sendall(b"x" * 50_000)
            time.sleep(0.3)  # the server is reading the chunk when the link is cut
        deadline = time.monotonic() + 10
        while '"status": 499' not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    patch = [line for line in lines if line.get("route") == "/uploads/{upload_id}"]
    assert [line["status"] for line in patch] == [499]
    assert not [line for line in lines if line["level"] == "ERROR"], lines
    assert "Traceback" not in stream.getvalue()
    # The upload is still there to resume, from what the server kept.
    assert requests.head(f"{base_url}{path}", headers=headers, timeout=10).status_code == 200
