"""Signing in: with a password, from the keyring, or offline on the data cached at the last sign-in.

Local data lives in a profile per (server, user), the server named by its instance id
(``GET /server-info``). The id last seen at each address is remembered (``profiles/servers.json``)
so that a desk started while the server is unreachable still finds its profile.

Offline unlock: each password sign-in that the server accepts leaves in the profile an Argon2id
verifier of the password (``offline-unlock.json`` — never the password itself), as Windows'
cached logons do. When the server cannot be reached and no session is kept in the OS keyring,
the same password, checked against that verifier, opens the cached orders and the unsent work
offline; the password is then held in memory only, to sign in once the server answers.

The profile's data is encrypted at rest under a key kept in the OS keyring and wrapped under the
password (:mod:`desktop.profile_key`): the same password that passes the verifier unwraps it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api_client import CaseDeskClient
from api_client.errors import DeviceRevoked, NotFound, Offline, Unauthorized
from casework.schemas import UserOut
from desktop.devices import Wiped, device_identity, discard, lost_edits
from desktop.profile_key import (
    ProfileKeyLost,
    ProfileLocked,
    moved_profile,
    profile_key,
    rewrap_profile_key,
    set_aside,
)
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace, profile_dir, url_profile_dir
from offline import open_store
from offline.atrest import ARGON2, write_private

SERVERS_FILE = "servers.json"
VERIFIER_FILE = "offline-unlock.json"

# offline.atrest's ARGON2, the same as the profile key's password wrap (one definition).
_hasher = PasswordHasher.from_parameters(ARGON2)
_servers_lock = threading.Lock()


class OfflineLocked(Offline):
    """The server cannot be reached and no session is kept on this PC: the password is needed."""

    default_code = "offline_locked"
    default_zh = "无法连接服务器。曾在本机登录过的用户可输入密码，离线打开本机保存的工单和未发送的工作。"
    default_en = (
        "Cannot reach the server. If you have signed in on this PC before, enter your password "
        "to open the orders and unsent work kept here, offline."
    )


class NoOfflineCopy(Offline):
    """The server cannot be reached and this user has never signed in here with a password."""

    default_code = "no_offline_copy"
    default_zh = "无法连接服务器，且该用户从未在本机登录过，没有可离线打开的数据。请联网后再登录。"
    default_en = (
        "Cannot reach the server, and this user has never signed in on this PC: there is no "
        "local data to open offline. Sign in when the server can be reached."
    )


class WrongOfflinePassword(Unauthorized):
    """The password does not match the verifier kept at the last online sign-in."""

    default_code = "wrong_offline_password"
    default_zh = "密码不正确（服务器无法连接，已按本机上次登录时保存的凭据离线核对）"
    default_en = "Wrong password (the server cannot be reached; checked against this PC's record of your last sign-in)"


class DeskWiped(Unauthorized):
    """At start, the server said this desk was revoked: its profile was erased (``wiped`` says what
    was discarded); whoever has the password may sign in again as a new desk."""

    default_code = "device_revoked"
    default_zh = "本机已被管理员停用，本机保存的数据已清除。如需继续使用，请重新登录。"
    default_en = "An administrator revoked this desk; the data kept on it was erased. Sign in again to go on."

    def __init__(self, wiped: Wiped | None) -> None:
        super().__init__()
        self.wiped = wiped


def erase_revoked(
    client: CaseDeskClient, root: Path | None, username: str, revoked: DeviceRevoked, password: str | None = None
) -> Wiped | None:
    """A revoked desk not yet open: list what its profile held unsent (opened with its key from the
    keyring or ``password``; a profile whose key neither gives is erased with nothing listed), report
    it and erase it."""
    if root is None or not (root / "local.sqlite").exists():
        client.auth.store.delete(username)
        return None
    lost = []
    with contextlib.suppress(ProfileLocked, ProfileKeyLost):
        store = open_store(root / "local.sqlite", profile_key(root, password))
        try:
            lost = lost_edits(store)
        finally:
            store.close()
    return discard(client, root, username, revoked, lost)


# --- signing in ----------------------------------------------------------------------------------


def sign_in(server_url: str, username: str, password: str, data_root: Path, runner: TaskRunner) -> Workspace:
    """Sign in with a password (raises the client's errors: Unauthorized …). When the server cannot
    be reached, the password is checked against this PC's verifier and the desk opens offline
    (or raises :class:`NoOfflineCopy` / :class:`WrongOfflinePassword`)."""
    client = CaseDeskClient(server_url, device=device_identity(data_root))
    erased = None
    try:
        server_id = server_identity(client, data_root)
        try:
            user = client.login(username, password)
        except DeviceRevoked as revoked:
            # Revoked while it was away: erase what it kept, report it, then sign in as a new desk.
            root = known_profile(data_root, server_url, username)
            erased = erase_revoked(client, root, username, revoked, password)
            user = client.login(username, password)
    except Offline:
        return unlock_offline(client, username, password, data_root, runner)
    root = open_profile(data_root, server_url, server_id, user.username)
    try:
        key = profile_key(root, password)
    except ProfileKeyLost:  # unreadable for good: keep it aside, start afresh
        set_aside(root)
        key = profile_key(root, password)
    keep_verifier(root, user.username, password)
    workspace = Workspace(client, user, root, runner, online=True, key=key)
    workspace.erased = erased
    return workspace


def resume(server_url: str, username: str, data_root: Path, runner: TaskRunner) -> Workspace:
    """Open the desk of a user who signed in before: from the keyring online, or offline on the
    cached data when the server cannot be reached and the keyring keeps a session. Raises
    Unauthorized (no session kept) or :class:`OfflineLocked` (offline, no session kept: the
    password can unlock the desk, :func:`sign_in`)."""
    client = CaseDeskClient(server_url, device=device_identity(data_root))
    try:
        server_id = server_identity(client, data_root)
        user = client.resume(username)
    except DeviceRevoked as revoked:
        root = known_profile(data_root, server_url, username)
        raise DeskWiped(erase_revoked(client, root, username, revoked)) from None
    except Offline:
        root = known_profile(data_root, server_url, username)
        if root is None:
            raise NoOfflineCopy() from None
        if client.auth.store.load(username) is None:
            raise OfflineLocked() from None
        try:
            key = profile_key(root)
        except ProfileLocked:
            raise OfflineLocked() from None
        cached = cached_user(root, key)
        if cached is None:
            raise NoOfflineCopy() from None
        return Workspace(client, cached, root, runner, online=False, key=key)
    root = open_profile(data_root, server_url, server_id, user.username)
    return Workspace(client, user, root, runner, online=True, key=profile_key(root))


def open_cached(server_url: str, username: str, data_root: Path, runner: TaskRunner) -> Workspace | None:
    """A remembered desk opened at once on its cached data, offline, before the server is asked
    (issue 14: the first rows wait for no round trip, nor for a server that drops packets); then
    :func:`confirm` asks it. None when the cache cannot open without the server — no profile, no
    session in the keyring, the key not in the keyring, no cached user, a password change owed —
    and :func:`resume` starts the desk as before."""
    root = known_profile(data_root, server_url, username)
    if root is None:
        return None
    client = CaseDeskClient(server_url, device=device_identity(data_root))
    if client.auth.store.load(username) is None:
        return None
    try:
        key = profile_key(root)
    except (ProfileLocked, ProfileKeyLost):
        return None
    cached = cached_user(root, key)
    if cached is None or cached.must_change_password:
        return None
    return Workspace(client, cached, root, runner, online=False, key=key)


def confirm(workspace: Workspace, data_root: Path) -> bool:
    """What :func:`resume` asks the server, for a desk :func:`open_cached` opened (network lane; no
    sync before it): the server's identity and the session from the keyring. True: go on with this
    desk — online now, or offline as the server did not answer. False: the server's answer does not
    fit this desk (another server's id at this address, a password change required): nothing was
    written to it; start again with :func:`resume`. Raises DeviceRevoked (the desk erases itself as
    when a sync finds it revoked) or Unauthorized (the password is needed)."""
    client, username = workspace.client, workspace.user.username
    try:
        server_id = server_identity(client, data_root)
        user = client.resume(username)
    except Offline:
        return True
    root = profile_for(data_root, workspace.server_url, server_id, user.username)
    if root != workspace.root or user.must_change_password:
        return False
    workspace.user = user
    workspace.store.set_me(user)
    return True


def change_password(workspace: Workspace, old_password: str, new_password: str) -> UserOut:
    """Change the signed-in user's password on the server (network lane); the offline verifier and
    the profile key's password wrap follow, so the new password (and no longer the old one) opens
    this desk offline. Returns the user as they are now."""
    user = workspace.client.change_password(old_password, new_password)
    workspace.user = user
    rewrap_profile_key(workspace.root, old_password, new_password)
    keep_verifier(workspace.root, user.username, new_password)
    return user


def unlock_offline(
    client: CaseDeskClient, username: str, password: str, data_root: Path, runner: TaskRunner
) -> Workspace:
    """Open ``username``'s cached desk offline when ``password`` matches the verifier kept here."""
    root = known_profile(data_root, client.base_url, username)
    if root is None or not (root / VERIFIER_FILE).exists():
        raise NoOfflineCopy()
    if not check_verifier(root, username, password):
        raise WrongOfflinePassword()
    try:
        key = profile_key(root, password)
    except (ProfileLocked, ProfileKeyLost):
        raise NoOfflineCopy() from None
    user = cached_user(root, key)
    if user is None:
        raise NoOfflineCopy()
    client.keep_password(username, password)  # memory only: to sign in when the server answers
    return Workspace(client, user, root, runner, online=False, key=key)


# --- which profile -------------------------------------------------------------------------------


def server_identity(client: CaseDeskClient, data_root: Path) -> str | None:
    """The server's instance id, remembered for its address; None for a server too old to say."""
    try:
        server_id = client.server_info().id
    except NotFound:
        return None
    known = _read_servers(data_root)
    if known.get(client.base_url) != server_id:
        known[client.base_url] = server_id
        _write_servers(data_root, known)
    return server_id


def profile_for(data_root: Path, server_url: str, server_id: str | None, username: str) -> Path:
    """Where the profile of this server and user is: by the server's id, by its address for a
    server without one."""
    if server_id is None:
        return url_profile_dir(data_root, server_url, username)
    return profile_dir(data_root, server_id, username)


def open_profile(data_root: Path, server_url: str, server_id: str | None, username: str) -> Path:
    """The profile for this server and user (:func:`profile_for`). A profile kept by address (before
    servers had an id) is adopted — moved, with its cursor and unsent work — when the server's own
    has none yet."""
    root = profile_for(data_root, server_url, server_id, username)
    by_url = url_profile_dir(data_root, server_url, username)
    if root != by_url and not root.exists() and by_url.exists():
        with contextlib.suppress(OSError):  # in use or unmovable: start afresh, the old one stays
            by_url.rename(root)
            moved_profile(by_url, root)
    return root


def known_profile(data_root: Path, server_url: str, username: str) -> Path | None:
    """Offline: the profile of the server last seen at this address (or the one kept by address)."""
    server_id = _read_servers(data_root).get(server_url.rstrip("/"))
    candidates = [profile_dir(data_root, server_id, username)] if server_id else []
    candidates.append(url_profile_dir(data_root, server_url, username))
    return next((root for root in candidates if (root / "local.sqlite").exists()), None)


def _read_servers(data_root: Path) -> dict[str, str]:
    try:
        found = json.loads((data_root / "profiles" / SERVERS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _write_servers(data_root: Path, known: dict[str, str]) -> None:
    with _servers_lock:
        write_private(data_root / "profiles" / SERVERS_FILE, json.dumps(known, indent=1, sort_keys=True))


# --- the offline verifier ------------------------------------------------------------------------


def keep_verifier(root: Path, username: str, password: str) -> None:
    """After a sign-in the server accepted: an Argon2id hash of the password, for offline unlock."""
    body = {"username": username, "argon2id": _hasher.hash(password)}
    with contextlib.suppress(OSError):  # no offline unlock then; signing in still works
        write_private(root / VERIFIER_FILE, json.dumps(body))


def check_verifier(root: Path, username: str, password: str) -> bool:
    try:
        body = json.loads((root / VERIFIER_FILE).read_text(encoding="utf-8"))
        return body["username"] == username and _hasher.verify(body["argon2id"], password)
    except (OSError, ValueError, KeyError, TypeError, VerificationError, InvalidHashError):
        return False


def check_password(workspace: Workspace, password: str) -> bool:
    """The idle lock's check of the signed-in user's password: offline, against this PC's verifier
    (no server needed); a profile without one (only ever resumed from the keyring) asks the server."""
    root, username = workspace.root, workspace.user.username
    if (root / VERIFIER_FILE).exists():
        return check_verifier(root, username, password)
    client = CaseDeskClient(workspace.server_url, persist_session=False)
    try:
        client.login(username, password)
    except Unauthorized:
        return False
    client.logout()  # the check's own session ends at once (best effort: unreached, it expires)
    keep_verifier(root, username, password)  # offline from now on
    return True


# --- the cached user -----------------------------------------------------------------------------


def cached_user(root: Path, key: bytes | None = None) -> UserOut | None:
    """The user who last signed in to this profile, as the server described them then."""
    if not (root / "local.sqlite").exists():
        return None
    store = open_store(root / "local.sqlite", key)
    try:
        me = store.me()
    finally:
        store.close()
    return UserOut.model_validate(me) if me else None
