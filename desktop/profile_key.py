"""The data key of a profile: in the OS keyring, and wrapped under the user's password in the profile.

Every profile's store and file cache are encrypted under one random 256-bit key
(:mod:`offline.atrest`). The key is kept

- in the OS keyring, service :data:`KEYRING_SERVICE`, entry named after the profile's directory
  (:func:`keyring_entries`) — when the keyring is a secure one (the same test as the session's);
- in ``profile-key.json`` in the profile, wrapped with AES-GCM under an Argon2id key derived from
  the user's password, together with a short key id (a hash of the key) that tells a key from the
  keyring that belongs to another profile of the same name.

So a desk opens from the keyring alone (resumed sessions), or with the password where there is no
keyring or it lost the entry (offline unlock). When the password changes, :func:`rewrap_profile_key`
wraps the key again; a sign-in with a password the server accepted also re-wraps a key found in
the keyring, so a password changed on another desk catches up here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import keyring
import keyring.errors

from api_client import keyring_is_secure
from api_client.errors import Unauthorized
from offline.atrest import KEY_BYTES, DecryptionFailed, new_key, unwrap_key, wrap_key, write_private

KEYRING_SERVICE = "casedesk-profile-key"
KEY_FILE = "profile-key.json"
#: Bound into the password wrap (the profile's directory name is not: an adopted profile is renamed).
WRAP_LABEL = "casedesk-profile"

#: Keys this process has opened, by profile: a desk open offline whose password was changed on the
#: server meanwhile signs in with the new one and wraps its key anew (memory only, like the key
#: of any open store).
_opened: dict[str, bytes] = {}
_opened_lock = threading.Lock()


class ProfileLocked(Unauthorized):
    """The profile's data is encrypted and its key is not in the keyring: the password opens it."""

    default_code = "profile_locked"
    default_zh = "本机保存的数据已加密，请输入密码解锁。"
    default_en = "The data kept on this PC is encrypted: enter your password to unlock it."


class ProfileKeyLost(RuntimeError):
    """Neither the keyring nor the password opens the profile's key (the password was changed
    elsewhere and this PC's keyring lost the key): its data cannot be read any more."""


def keyring_entries(root: Path) -> list[tuple[str, str]]:
    """The (service, name) keyring entries this module creates for the profile at ``root``
    (what a wipe of the profile must delete along with the directory)."""
    return [(KEYRING_SERVICE, root.name)]


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key (tells keys apart; reveals nothing of the key)."""
    return hashlib.sha256(b"casedesk-profile-key-id|" + key).hexdigest()[:16]


def _read(root: Path) -> dict[str, Any] | None:
    try:
        found = json.loads((root / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _write(root: Path, key: bytes, password: str | None, old: dict[str, Any] | None) -> None:
    record: dict[str, Any] = {"version": 1, "key_id": key_id(key)}
    if password is not None:
        record["password_wrap"] = wrap_key(key, password, WRAP_LABEL)
    elif old is not None and old.get("key_id") == key_id(key) and "password_wrap" in old:
        record["password_wrap"] = old["password_wrap"]
    root.mkdir(parents=True, exist_ok=True)
    write_private(root / KEY_FILE, json.dumps(record, indent=1, sort_keys=True))


def _from_keyring(root: Path, record: dict[str, Any] | None) -> bytes | None:
    if not keyring_is_secure():
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, root.name)
    except keyring.errors.KeyringError:
        return None
    try:
        key = bytes.fromhex(found or "")
    except ValueError:
        return None
    if len(key) != KEY_BYTES or (record is not None and record.get("key_id") != key_id(key)):
        return None  # none, or another profile's of the same name (another data folder)
    return key


def _to_keyring(root: Path, key: bytes) -> None:
    if keyring_is_secure():
        with contextlib.suppress(keyring.errors.KeyringError):  # the password wrap still opens it
            keyring.set_password(KEYRING_SERVICE, root.name, key.hex())


def _from_password(root: Path, record: dict[str, Any] | None, password: str) -> bytes | None:
    wrap = (record or {}).get("password_wrap")
    if not isinstance(wrap, dict):
        return None
    try:
        key = unwrap_key(wrap, password, WRAP_LABEL)
    except DecryptionFailed:
        return None
    return key if record is not None and record.get("key_id") == key_id(key) else None


def profile_key(root: Path, password: str | None = None) -> bytes:
    """The data key of the profile at ``root``: from the keyring, else unwrapped with ``password``.

    A profile without a key yet (new, or kept unencrypted by an older CaseDesk: it is encrypted when
    opened) gets a new one. Whatever was found is also put where it was missing: the keyring, and
    the password wrap when ``password`` is given (pass it only once the server or the offline
    verifier accepted it). Raises :class:`ProfileLocked` when the password is needed and was not
    given or does not open the key, :class:`ProfileKeyLost` when the keyring has no key and a
    password the server accepted does not open it either.
    """
    record = _read(root)
    key = _from_keyring(root, record)
    from_keyring = key is not None
    if key is None:
        key = _from_memory(root, record)
    if key is None and password is not None:
        key = _from_password(root, record, password)
    if key is None:
        if record is not None or _encrypted_data(root):
            if password is None:
                raise ProfileLocked()
            raise ProfileKeyLost(f"{root}: neither the keyring nor the password opens this profile's key")
        key = new_key()  # a new profile, or an unencrypted one from an older CaseDesk
        _write(root, key, password, None)
        _to_keyring(root, key)
        _remember(root, key)
        return key
    if not from_keyring:
        _to_keyring(root, key)
    if password is not None and _from_password(root, record, password) is None:
        _write(root, key, password, record)  # no wrap yet, or under an old password: wrap anew
    _remember(root, key)
    return key


def _remember(root: Path, key: bytes) -> None:
    with _opened_lock:
        _opened[str(root.resolve())] = key


def _from_memory(root: Path, record: dict[str, Any] | None) -> bytes | None:
    with _opened_lock:
        key = _opened.get(str(root.resolve()))
    return key if key is not None and record is not None and record.get("key_id") == key_id(key) else None


def _encrypted_data(root: Path) -> bool:
    """Whether the profile holds data that is not plain SQLite (a key existed once: it is lost)."""
    from offline.db import is_plain

    store = root / "local.sqlite"
    return store.exists() and not is_plain(store)


def rewrap_profile_key(root: Path, old_password: str, new_password: str) -> None:
    """After the user changed their password: wrap the profile's key under the new one (the key and
    the encrypted data stay as they are). Raises :class:`ProfileLocked` if neither the keyring
    nor ``old_password`` opens the key."""
    record = _read(root)
    key = _from_keyring(root, record) or _from_memory(root, record) or _from_password(root, record, old_password)
    if key is None:
        raise ProfileLocked()
    _write(root, key, new_password, record)


def moved_profile(old: Path, new: Path) -> None:
    """The profile at ``old`` was renamed to ``new`` (adopted): its keyring entry follows it."""
    if not keyring_is_secure():
        return
    with contextlib.suppress(keyring.errors.KeyringError):
        found = keyring.get_password(KEYRING_SERVICE, old.name)
        if found:
            keyring.set_password(KEYRING_SERVICE, new.name, found)
            keyring.delete_password(KEYRING_SERVICE, old.name)


def set_aside(root: Path) -> Path:
    """Move a profile whose key is lost out of the way (kept, renamed, not deleted); where it went."""
    target = root.with_name(f"{root.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    root.rename(target)
    return target


def forget_profile_key(root: Path) -> None:
    """Remove the profile's keyring entries (the profile's files are the caller's to delete)."""
    with _opened_lock:
        _opened.pop(str(root.resolve()), None)
    for service, name in keyring_entries(root):
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(service, name)
