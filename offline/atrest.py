"""Encryption at rest for a desk's profile: the data key, sealed files, and the key wrapped under a password.

A profile has one random 256-bit data key. The SQLite store is a SQLCipher file keyed with it (a raw
key, so SQLCipher's own password KDF is skipped: the key is random already); every cached file
(blobs and thumbnails) is sealed with AES-256-GCM under it. The key itself is kept in the OS
keyring and, wrapped with AES-GCM under a key derived from the user's password with Argon2id
(:data:`ARGON2`, the same parameters as the offline sign-in verifier), in the profile's
``profile-key.json`` — so that a desk without a keyring, or offline, opens with the password.

Sealed file format (version 1): ``CDX1`` · 8-byte random nonce prefix · chunks. The plaintext is cut
into 1 MiB chunks, the last one shorter (possibly empty); chunk *i* is
``AES-GCM(key, nonce = prefix ‖ i as 4 bytes big-endian, aad = header ‖ name ‖ final flag)``, the
16-byte tag after its ciphertext. Every chunk is authenticated, bound to its place, to the file's
name (a sealed blob cannot be passed off under another name) and to whether it is the last, so a
truncated or reordered file is refused rather than read short.
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from argon2.low_level import Type, hash_secret_raw
from argon2.profiles import RFC_9106_LOW_MEMORY
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

#: Argon2id parameters for everything derived from or checked against a user's password on the desk
#: (the offline verifier and the key wrap): RFC 9106's second choice (64 MiB, 3 passes), stronger
#: than the server's per-request setting, because these sit in files on a laptop that may be lost.
ARGON2 = RFC_9106_LOW_MEMORY

KEY_BYTES = 32
MAGIC = b"CDX1"
_PREFIX = 8
HEADER_BYTES = len(MAGIC) + _PREFIX
CHUNK = 1024 * 1024
TAG = 16


class DecryptionFailed(ValueError):
    """A sealed file or a wrapped key did not authenticate: wrong key, or the bytes were changed."""


def new_key() -> bytes:
    """A fresh random data key."""
    return secrets.token_bytes(KEY_BYTES)


def sqlcipher_key_pragma(key: bytes) -> str:
    """``PRAGMA key`` with ``key`` as a raw 256-bit key (SQLCipher skips its KDF for ``x'…'``)."""
    if len(key) != KEY_BYTES:
        raise ValueError("a data key has 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


# --- sealed files ---------------------------------------------------------------------------------


def sealed_size(size: int) -> int:
    """The size on disk of a sealed file holding ``size`` bytes."""
    return HEADER_BYTES + size + TAG * (size // CHUNK + 1)


def is_sealed(head: bytes) -> bool:
    """Whether a file starting with ``head`` is sealed (JPEG, PNG and PDF files never start so)."""
    return head[: len(MAGIC)] == MAGIC


def seal(key: bytes, name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The sealed file's bytes, piece by piece, for plaintext given in any pieces."""
    prefix = secrets.token_bytes(_PREFIX)
    header = MAGIC + prefix
    aead = AESGCM(key)
    yield header
    index = 0
    buffer = b""
    for piece in chunks:
        buffer += piece
        while len(buffer) > CHUNK:  # keep at least one byte back: the final chunk is decided at the end
            yield aead.encrypt(_nonce(prefix, index), buffer[:CHUNK], _aad(header, name, final=False))
            buffer = buffer[CHUNK:]
            index += 1
    if len(buffer) == CHUNK:  # a size that is a multiple of CHUNK ends with an empty final chunk
        yield aead.encrypt(_nonce(prefix, index), buffer, _aad(header, name, final=False))
        buffer = b""
        index += 1
    yield aead.encrypt(_nonce(prefix, index), buffer, _aad(header, name, final=True))


def open_sealed(key: bytes, name: str, handle: IO[bytes]) -> Iterator[bytes]:
    """The plaintext of the sealed file read from ``handle``, chunk by chunk; raises
    :class:`DecryptionFailed` for a wrong key or changed, truncated or foreign bytes."""
    header = handle.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not is_sealed(header):
        raise DecryptionFailed("not a sealed CaseDesk file")
    prefix = header[len(MAGIC) :]
    aead = AESGCM(key)
    index = 0
    current = handle.read(CHUNK + TAG)
    while True:
        following = handle.read(CHUNK + TAG) if len(current) == CHUNK + TAG else b""
        final = not following
        try:
            yield aead.decrypt(_nonce(prefix, index), current, _aad(header, name, final=final))
        except InvalidTag:
            raise DecryptionFailed("a sealed file did not authenticate (wrong key, or changed on disk)") from None
        if final:
            return
        current = following
        index += 1


def read_sealed(key: bytes, name: str, path: Path) -> bytearray:
    """The whole plaintext of the sealed file at ``path``, decrypted chunk by chunk into one buffer
    (no chunk's bytes object, no join: a 40 MB file reads in a quarter of :func:`open_sealed`'s time);
    refused with :class:`DecryptionFailed` as :func:`open_sealed` refuses, a file changed while it
    is read too."""
    with open(path, "rb", buffering=0) as handle:
        header = handle.read(HEADER_BYTES)
        body = os.fstat(handle.fileno()).st_size - HEADER_BYTES
        count = -(-body // (CHUNK + TAG))  # the last chunk is the final one, possibly empty
        if (
            len(header) != HEADER_BYTES
            or not is_sealed(header)
            or body < TAG
            or body - (count - 1) * (CHUNK + TAG) < TAG
        ):
            raise DecryptionFailed("not a sealed CaseDesk file")
        plain = bytearray(body - count * TAG)
        out, piece = memoryview(plain), memoryview(bytearray(CHUNK + TAG))
        prefix = header[len(MAGIC) :]
        aead = AESGCM(key)
        for index in range(count):
            start = index * CHUNK
            length = min(CHUNK, len(plain) - start)
            sealed = piece[: length + TAG]
            try:
                if handle.readinto(sealed) != len(sealed):
                    raise InvalidTag
                final = index == count - 1
                aead.decrypt_into(_nonce(prefix, index), sealed, _aad(header, name, final), out[start : start + length])
            except InvalidTag:
                raise DecryptionFailed("a sealed file did not authenticate (wrong key, or changed on disk)") from None
        return plain


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def _aad(header: bytes, name: str, final: bool) -> bytes:
    return header + name.encode() + (b"\x01" if final else b"\x00")


# --- the key wrapped under a password -------------------------------------------------------------


def password_key(password: str, salt: bytes, params: dict[str, int] | None = None) -> bytes:
    """The 256-bit key-encryption key derived from ``password`` (Argon2id, :data:`ARGON2`)."""
    p = params or {"t": ARGON2.time_cost, "m": ARGON2.memory_cost, "p": ARGON2.parallelism}
    return hash_secret_raw(
        password.encode(), salt, time_cost=p["t"], memory_cost=p["m"], parallelism=p["p"], hash_len=32, type=Type.ID
    )


def wrap_key(key: bytes, password: str, label: str) -> dict[str, Any]:
    """``key`` sealed under ``password`` as a JSON-able record (``label`` is bound in: the profile's name)."""
    salt = secrets.token_bytes(16)
    params = {"t": ARGON2.time_cost, "m": ARGON2.memory_cost, "p": ARGON2.parallelism}
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(password_key(password, salt, params)).encrypt(nonce, key, b"casedesk-key-wrap|" + label.encode())
    return {
        "version": 1,
        "kdf": "argon2id",
        "params": params,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


def unwrap_key(record: dict[str, Any], password: str, label: str) -> bytes:
    """The data key from a :func:`wrap_key` record; :class:`DecryptionFailed` for a wrong password."""
    try:
        if record.get("version") != 1 or record.get("kdf") != "argon2id":
            raise DecryptionFailed("unknown key wrap")
        params = {k: int(record["params"][k]) for k in ("t", "m", "p")}
        kek = password_key(password, base64.b64decode(record["salt"]), params)
        return AESGCM(kek).decrypt(
            base64.b64decode(record["nonce"]),
            base64.b64decode(record["wrapped"]),
            b"casedesk-key-wrap|" + label.encode(),
        )
    except (InvalidTag, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, DecryptionFailed):
            raise
        raise DecryptionFailed("the password does not open this profile's key") from None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by this OS user only, replacing the file at once (no torn file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)
    fsync_dir(path.parent)


def fsync_dir(directory: os.PathLike[str] | str) -> None:
    """Persist a rename; Windows cannot open a directory, and NTFS journals the rename itself."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
