"""Signing in: with a password, from the keyring, or offline on the data cached at the last sign-in."""

from __future__ import annotations

from pathlib import Path

from api_client import CaseDeskClient
from api_client.errors import Offline
from casework.schemas import UserOut
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace, profile_dir
from offline import open_store


def sign_in(server_url: str, username: str, password: str, data_root: Path, runner: TaskRunner) -> Workspace:
    """Sign in with a password (raises the client's errors: Unauthorized, Offline …)."""
    client = CaseDeskClient(server_url)
    user = client.login(username, password)
    return Workspace(client, user, profile_dir(data_root, server_url, user.username), runner, online=True)


def resume(server_url: str, username: str, data_root: Path, runner: TaskRunner) -> Workspace:
    """Open the desk of a user who signed in before: from the keyring online, or offline on the
    cached data when the server cannot be reached. Raises Unauthorized when neither works."""
    client = CaseDeskClient(server_url)
    root = profile_dir(data_root, server_url, username)
    try:
        user = client.resume(username)
        online = True
    except Offline:
        user = cached_user(root)
        if user is None:
            raise
        online = False
    return Workspace(client, user, root, runner, online=online)


def cached_user(root: Path) -> UserOut | None:
    """The user who last signed in to this profile, as the server described them then."""
    if not (root / "local.sqlite").exists():
        return None
    store = open_store(root / "local.sqlite")
    try:
        me = store.me()
    finally:
        store.close()
    return UserOut.model_validate(me) if me else None
