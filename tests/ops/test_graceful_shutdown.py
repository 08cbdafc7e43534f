"""SIGTERM to ``serve``: the request in flight finishes, new connections are refused, exit 0 — and the
JSON log of a real server process (README "Operating the server")."""

from __future__ import annotations

import base64
import json
import socket
import time
from pathlib import Path

import pytest

from tests.fixtures.server_process import ServerProcess

CHUNK = 4 * 1024 * 1024


def _upload(server: ServerProcess, token: str, length: int) -> str:
    import requests

    sha = "ab" * 32  # never checked: the upload is not finished here
    response = requests.post(
        f"{server.url}/uploads",
        headers={
            "Authorization": f"Bearer {token}",
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(length),
            "Upload-Metadata": f"sha256 {base64.b64encode(sha.encode()).decode()}",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_lets_a_slow_upload_chunk_finish(tmp_path: Path, workers: int) -> None:
    log = tmp_path / "serve.log"
    server = ServerProcess(tmp_path / "data", orders=2, env={"CASEDESK_LOG_FORMAT": "json"})
    server.start("--log-level", "info", "--workers", str(workers), log=log)
    token = server.as_user("handler").auth.access_token
    assert token
    location = _upload(server, token, 2 * CHUNK)
    path = location.removeprefix(server.url)

    # A desk on a slow line: half of a 4 MB chunk sent, the rest still to come.
    body = bytes(range(256)) * (CHUNK // 256)
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
        f"X-Request-ID: slow-chunk-{workers}\r\nContent-Length: {CHUNK}\r\n\r\n"
    )
    connection.sendall(head.encode() + body[: CHUNK // 2])
    time.sleep(0.5)

    server.process.terminate()  # SIGTERM, as systemd stops the unit
    deadline = time.monotonic() + 10
    while not _refused(server.port):  # the listening socket closes at once ...
        assert time.monotonic() < deadline, "still accepting new connections after SIGTERM"
        time.sleep(0.05)
    assert server.process.poll() is None  # ... while the request in flight goes on

    connection.sendall(body[CHUNK // 2 :])
    answer = b""
    while b"\r\n\r\n" not in answer:
        part = connection.recv(65536)
        assert part, f"the connection closed before an answer: {answer!r}"
        answer += part
    connection.close()
    status_line, *headers = answer.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert status_line.startswith("HTTP/1.1 204"), answer
    fields = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in headers)}
    assert fields["upload-offset"] == str(CHUNK)
    assert fields["x-request-id"] == f"slow-chunk-{workers}"
    assert server.process.wait(timeout=30) == 0

    # The chunk was committed: started again, the server resumes from it.
    server.start()
    import requests

    resumed = requests.head(
        location, headers={"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}, timeout=10
    )
    assert resumed.headers["Upload-Offset"] == str(CHUNK)
    assert server.stop() == 0

    # Its log: one JSON object per line, the chunk's line with its request id, status and user.
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    chunk = next(line for line in lines if line.get("request_id") == f"slow-chunk-{workers}")
    assert chunk["logger"] == "casedesk.access" and chunk["route"] == "/uploads/{upload_id}"
    assert chunk["status"] == 204 and chunk["method"] == "PATCH" and isinstance(chunk["user_id"], int)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert token not in log.read_text(encoding="utf-8")
