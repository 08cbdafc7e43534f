"""Desktop tests: real widgets offscreen, real stores; a real in-memory keyring where sessions are kept."""

from tests.api_client.conftest import memory_keyring  # noqa: F401 — the fixture, shared
from tests.desktop.desk import languages, make_workspace, server, workspace  # noqa: F401 — fixtures, shared
