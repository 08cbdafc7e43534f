"""api_client tests: the real server over real HTTP, and an in-memory keyring."""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest
from PIL import Image

from api_client import CaseDeskClient
from tests.server.conftest import *  # noqa: F403
from tests.server.live import serve


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real (secure) keyring backend for tests: secrets in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def base_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serve(app) as url:
        yield url


@pytest.fixture
def make_client(base_url: str, memory_keyring: MemoryKeyring) -> Callable[..., CaseDeskClient]:
    """New clients of the live server (fast back-off so failures do not slow the tests)."""

    def make(**kwargs: object) -> CaseDeskClient:
        kwargs.setdefault("backoff", 0.01)
        kwargs.setdefault("chunk_size", 1024 * 1024)  # several chunks per test photo, to cut between them
        return CaseDeskClient(base_url, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def photo() -> bytes:
    """A real JPEG of about 3 MB (noise does not compress), which the server's image check accepts."""
    rng = random.Random(12345)
    width, height = 2200, 1650
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    assert 2_800_000 < len(data) < 4_000_000, len(data)
    return data
