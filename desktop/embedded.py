"""The bundled case server, for a first run with no server configured: in-process, loopback only.

It runs the real server (the same app, migrations and seed as production) on a free port in a
background thread, with its SQLite database and photos in the user's data directory. The demo
city is seeded once, on the first start; later starts reuse it.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from server.app import create_app
from server.cli import seed_once
from server.settings import Settings

DEMO_USERS = ("handler", "chief", "head", "leader")
DEMO_PASSWORD = "demo1234"


class EmbeddedServer:
    """``start()`` returns the base URL; ``stop()`` ends the thread."""

    def __init__(self, data_dir: Path, orders: int = 300) -> None:
        self.data_dir = data_dir
        self.orders = orders
        self.url: str | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def first_start(self) -> bool:
        """No database yet: the next start seeds the demo city (tens of seconds, once)."""
        return not (self.data_dir / "casedesk.db").exists()

    def start(self) -> str:
        """Migrate and seed if needed (slow only the first time), then serve; blocks until it listens."""
        settings = Settings(data_dir=self.data_dir)
        seed_once(settings, orders=self.orders)  # migrates; seeds only a database without the demo city
        app = create_app(settings)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="embedded-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the bundled server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
