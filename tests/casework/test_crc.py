"""The CRC-32 of tus chunks: libdeflate's where the system has it, zlib's otherwise — the same value."""

from __future__ import annotations

import random
import sys
import zlib

import pytest

from casework import crc


def _cases() -> list[tuple[bytes | bytearray | memoryview, int]]:
    rng = random.Random(14)
    data = rng.randbytes(3 * 1024 * 1024 + 7)
    cases: list[tuple[bytes | bytearray | memoryview, int]] = [(b"", 0), (b"", 12345), (b"a", 0)]
    for _ in range(40):
        start = rng.randrange(len(data))
        stop = rng.randrange(start, len(data) + 1)
        value = rng.randrange(2**32)
        cases += [
            (data[start:stop], value),
            (memoryview(data)[start:stop], value),
            (bytearray(data[start:stop]), value),
        ]
    return cases


def test_libdeflate_gives_zlibs_crc32_for_bytes_views_and_continuations():
    fast = crc._libdeflate(crc.LIBRARIES.get(sys.platform, ()))
    if fast is None:
        pytest.skip("no libdeflate on this system: zlib's CRC-32 is the one in use")
    for data, value in _cases():
        assert fast(data, value) == zlib.crc32(data, value)
    # A chunk's CRC continued piece by piece, as the server computes it while the chunk arrives.
    whole = random.Random(3).randbytes(1_000_003)
    running = 0
    for at in range(0, len(whole), 65_536):
        running = fast(whole[at : at + 65_536], running)
    assert running == zlib.crc32(whole)
    with pytest.raises(BufferError):  # not one contiguous run of bytes: refused, as zlib refuses it
        fast(memoryview(whole)[::2], 0)


def test_without_libdeflate_zlib_is_used(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(crc, "_loaded", None)
    monkeypatch.setattr(crc, "LIBRARIES", {sys.platform: ("libcasedesk-no-such-library.so.0",)})
    assert crc.implementation() is crc._zlib
    for data, value in _cases()[:20]:
        assert crc.crc32(data, value) == zlib.crc32(data, value)


def test_the_fast_one_is_in_use_where_it_loads(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(crc, "_loaded", None)
    if crc._libdeflate(crc.LIBRARIES.get(sys.platform, ())) is None:
        pytest.skip("no libdeflate on this system")
    assert crc.implementation() is not crc._zlib
    assert crc.crc32(b"123456789") == 0xCBF43926  # the CRC-32 check value
