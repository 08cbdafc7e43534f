from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offline import Store, open_store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "local.sqlite"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    s = open_store(store_path)
    yield s
    s.close()
