"""The CRC-32 of tus chunks (``casework.crc``, zlib-ng's) is zlib's, for every kind of buffer and continued."""

from __future__ import annotations

import random
import zlib

import pytest

from casework.crc import crc32


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


def test_the_crc32_is_zlibs_for_bytes_views_and_continuations() -> None:
    assert crc32(b"123456789") == 0xCBF43926  # the CRC-32 check value
    for data, value in _cases():
        assert crc32(data, value) == zlib.crc32(data, value)
    # A chunk's CRC continued piece by piece, as the server computes it while the chunk arrives.
    whole = random.Random(3).randbytes(1_000_003)
    running = 0
    for at in range(0, len(whole), 65_536):
        running = crc32(whole[at : at + 65_536], running)
    assert running == zlib.crc32(whole)
    with pytest.raises((BufferError, TypeError, ValueError)):  # not one contiguous run of bytes: refused, as by zlib
        crc32(memoryview(whole)[::2], 0)
