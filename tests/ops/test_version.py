"""The desk's version: one definition (casework.version), sent as its User-Agent."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata

from api_client.session import ApiSession
from casework.version import version


def test_the_desk_sends_its_version_as_user_agent() -> None:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("User-Agent", ""))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ApiSession().get(f"http://127.0.0.1:{server.server_port}/server-info")
    finally:
        server.shutdown()
        server.server_close()
    assert version() == metadata.version("casedesk")  # installed (editable here): the pyproject's version
    assert len(seen) == 1 and seen[0].startswith(f"CaseDesk/{version()} (")
