"""The bundled case server, for a first run with no server configured: in-process, loopback only.

It runs the real server (the same app, migrations and seed as production) in a background
thread, with its SQLite database and photos in the user's data directory. The demo city is
seeded once, on the first start; later starts reuse it. The port is chosen free on the first
start and remembered (``port`` in the data directory): later starts listen on the same one
when it is still free, so the server keeps its address (and the keyring its session); when
another program took it, a free one is used and remembered instead. Local data does not
depend on it either way: the desk keys it by the server's instance id.

The server is imported only when it starts: a desk signing in to a real server (``--server URL``)
never loads FastAPI, uvicorn, Alembic or the server's code (about 1 s of every start).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

DEMO_USERS = ("handler", "chief", "head", "leader", "agent", "supervisor", "admin")
__all__ = ["DEMO_USERS", "SERVER_EXTRA", "EmbeddedServer", "ServerNotInstalled", "missing_server_packages"]

#: What to install for the bundled server (pyproject.toml's ``server`` extra).
SERVER_EXTRA = "pip install 'casedesk[server]'"
#: Import names of the ``server`` extra's packages: a desk installed without it lacks them.
SERVER_MODULES = ("fastapi", "uvicorn", "pydantic_settings", "alembic", "psycopg", "reportlab")


class ServerNotInstalled(RuntimeError):
    """The desk was installed without the server's packages, so it has no bundled server."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"the bundled server needs {', '.join(missing)}: {SERVER_EXTRA}")
        self.missing = missing


def missing_server_packages() -> list[str]:
    """The server extra's modules this Python cannot import (empty when the bundled server can run)."""
    missing = []
    for name in SERVER_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


class EmbeddedServer:
    """``start()`` returns the base URL; ``stop()`` ends the thread."""

    def __init__(self, data_dir: Path, orders: int = 300) -> None:
        self.data_dir = data_dir
        self.orders = orders
        self.url: str | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def password(self) -> str:
        """The demo city's password (one definition: the seed's)."""
        from server.demo.seed import DEMO_PASSWORD

        return DEMO_PASSWORD

    @property
    def first_start(self) -> bool:
        """No database yet: the next start seeds the demo city (tens of seconds, once)."""
        return not (self.data_dir / "casedesk.db").exists()

    def start(self) -> str:
        """Migrate and seed if needed (slow only the first time), then serve; blocks until it listens.

        Raises :class:`ServerNotInstalled` when the desk was installed without the ``server`` extra."""
        missing = missing_server_packages()
        if missing:
            raise ServerNotInstalled(missing)
        import uvicorn

        from server.app import create_app
        from server.demo.seed import seed_once
        from server.settings import Settings

        settings = Settings(data_dir=self.data_dir, demo_mode=True)  # the demo password stays
        seed_once(settings, orders=self.orders)  # migrates; seeds only a database without the demo city
        app = create_app(settings)
        sock = self._listen()
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="embedded-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the bundled server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    @property
    def port_file(self) -> Path:
        return self.data_dir / "port"

    def remembered_port(self) -> int | None:
        try:
            port = int(self.port_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return port if 1024 <= port <= 65535 else None

    def _listen(self) -> socket.socket:
        """A socket bound to the remembered port, or to a free one (then remembered)."""
        remembered = self.remembered_port()
        for port in ([remembered] if remembered else []) + [0]:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if os.name != "nt":  # as asyncio does: a restart may bind while old connections linger
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                sock.close()
                continue
            chosen = sock.getsockname()[1]
            if chosen != remembered:
                with contextlib.suppress(OSError):
                    self.port_file.write_text(f"{chosen}\n")
            return sock
        raise RuntimeError("no free port on 127.0.0.1")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
