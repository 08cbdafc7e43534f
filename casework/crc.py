"""CRC-32 as :func:`zlib.crc32` computes it (the ``crc32`` of tus's checksum extension), faster where
the system has libdeflate.

Each chunk of a tus upload carries its CRC-32, computed over every byte by the client and again by
the server. The zlib the interpreter links here (1.2.13) does it at ~2.8 GB/s — 0.35 ms of CPU per MB
on each side, as much as half of a file's SHA-256; libdeflate's ``libdeflate_crc32`` uses the CPU's
carry-less multiply and takes ~0.10 ms per MB. It is loaded through :mod:`ctypes` where the system
has it (Debian's ``libdeflate0``, which ``libtiff6`` depends on), on first use; elsewhere zlib's is
used. The value is the same either way: a CRC-32 is a CRC-32, whichever side computed it how. Like
zlib's, the call lets go of the interpreter lock while it runs.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import zlib
from collections.abc import Callable
from functools import partial
from typing import Any

#: Where libdeflate may be found under its ABI's name (no search of the file system: a name dlopen knows).
LIBRARIES = {"linux": ("libdeflate.so.0",), "darwin": ("libdeflate.0.dylib",), "win32": ("libdeflate.dll",)}


class _Buffer(ctypes.Structure):
    """CPython's ``Py_buffer`` (stable ABI since 3.11): the address of a bytes-like object's bytes."""

    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_PyBUF_SIMPLE = 0  # a C-contiguous run of bytes, read-only is fine

Crc = Callable[[bytes | bytearray | memoryview, int], int]
_loaded: Crc | None = None
_loading = threading.Lock()


def _libdeflate(names: tuple[str, ...]) -> Crc | None:
    """libdeflate's CRC-32 as ``crc(data, value)``, or None when no library of these names loads."""
    for name in names:
        try:
            call = ctypes.CDLL(name).libdeflate_crc32  # CDLL: the interpreter lock is let go during each call
        except (OSError, AttributeError):
            continue
        call.argtypes = [ctypes.c_uint32, ctypes.c_void_p, ctypes.c_size_t]
        call.restype = ctypes.c_uint32
        get_buffer = ctypes.pythonapi.PyObject_GetBuffer
        get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_Buffer), ctypes.c_int]
        get_buffer.restype = ctypes.c_int
        release = ctypes.pythonapi.PyBuffer_Release
        release.argtypes = [ctypes.POINTER(_Buffer)]
        release.restype = None
        return partial(_crc, call, get_buffer, release)
    return None


def _crc(call: Any, get_buffer: Any, release: Any, data: bytes | bytearray | memoryview, value: int) -> int:
    if isinstance(data, bytes):  # ctypes passes a bytes object's own buffer, no copy
        return int(call(value, data, len(data)))
    view = _Buffer()
    get_buffer(data, ctypes.byref(view), _PyBUF_SIMPLE)  # BufferError: not one contiguous run, as zlib's
    try:
        return int(call(value, view.buf, view.len))
    finally:
        release(ctypes.byref(view))


def _zlib(data: bytes | bytearray | memoryview, value: int) -> int:
    return zlib.crc32(data, value)


def implementation() -> Crc:
    """The CRC-32 in use: libdeflate's when it loads, else zlib's (chosen once, on first use)."""
    global _loaded
    if _loaded is None:
        with _loading:
            if _loaded is None:
                found = _libdeflate(LIBRARIES.get(sys.platform, ()))
                _loaded = found if found is not None else _zlib
    return _loaded


def crc32(data: bytes | bytearray | memoryview, value: int = 0) -> int:
    """The CRC-32 of ``data`` continuing ``value`` (the CRC of the bytes before it), as :func:`zlib.crc32`."""
    return implementation()(data, value)
