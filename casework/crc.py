"""CRC-32 as :func:`zlib.crc32` computes it (the ``crc32`` of tus's checksum extension), from zlib-ng.

Each chunk of a tus upload carries its CRC-32, computed over every byte by the client and again by
the server. The zlib the interpreter links here (1.2.13) does it at ~0.35–0.40 ms of CPU per MB on
each side, as much as half of a file's SHA-256; zlib-ng's (python-zlib-ng, wheels for every platform
a desk runs on) uses the CPU's carry-less multiply: ~0.10 ms per MB, the same value, and it lets go
of the interpreter lock while it runs, as zlib's does.
"""

from __future__ import annotations

from zlib_ng.zlib_ng import crc32

__all__ = ["crc32"]
