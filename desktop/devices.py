"""This desk as the server knows it, the user's (and an administrator's) list of desks, and what a
revoked desk does: list the unsent edits it must discard, report them, erase its profile.

The desk's key is random and kept in the data folder (``device.json``), shared by the users
of this PC; its name is the computer's name and system, shown in the lists of desks.
"""

from __future__ import annotations

import contextlib
import json
import platform
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api_client import CaseDeskClient, DeviceIdentity, DeviceRevoked
from api_client.errors import ApiError
from casework.devices import DeviceOut, LostEdit
from casework.sync import IN_FLIGHT, PROBLEMS
from desktop.profile import wipe_profile
from desktop.tasks import Lane, Task, TaskRunner
from offline import Store

__all__ = [
    "DeviceOut",
    "DeviceRevoked",
    "Devices",
    "LostEdit",
    "Wiped",
    "device_identity",
    "discard",
    "lost_edits",
    "report_lost",
]

DEVICE_FILE = "device.json"


def default_name() -> str:
    """The computer's name and system, say ``FIELD-07 (Windows 10)``."""
    return f"{socket.gethostname() or '?'} ({platform.system()} {platform.release()})"[:200]


def device_identity(data_root: Path) -> DeviceIdentity:
    """This desk's key (made once, kept in ``<data>/device.json``) and name."""
    path = data_root / DEVICE_FILE
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        key = str(json.loads(path.read_text(encoding="utf-8"))["key"])
        if len(key) == 32 and all(c in "0123456789abcdef" for c in key):
            return DeviceIdentity(key, default_name())
    key = secrets.token_hex(16)
    with contextlib.suppress(OSError):  # unwritable: a new desk at each start, which still works
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"key": key}), encoding="utf-8")
    return DeviceIdentity(key, default_name())


def lost_edits(store: Store) -> list[LostEdit]:
    """What erasing this store discards: every edit not yet accepted by the server (waiting, sent
    without an answer, refused or in conflict) and every kept draft, each with its order."""
    lost: list[LostEdit] = []
    orders: dict[int, dict[str, object]] = {}

    def order(order_id: int) -> dict[str, object]:
        if order_id not in orders:
            orders[order_id] = store.order(order_id) or {}
        return orders[order_id]

    for row in store.outbox():
        if row["status"] in IN_FLIGHT or row["status"] in PROBLEMS:
            o = order(row["order_id"])
            lost.append(
                LostEdit(order_number=str(o.get("number", "")), title=str(o.get("title", "")), command=row["name"])
            )
    for draft in store.drafts():
        o = order(draft["order_id"])
        lost.append(
            LostEdit(
                order_number=str(o.get("number", "")), title=str(o.get("title", "")), command=f"draft:{draft['key']}"
            )
        )
    return lost


@dataclass(frozen=True)
class Wiped:
    """A revoked desk erased its profile: what it discarded, and whether the server was told."""

    lost: list[LostEdit]
    reported: bool
    erased: bool
    root: Path


def report_lost(client: CaseDeskClient, revoked: DeviceRevoked, lost: list[LostEdit]) -> bool:
    """Tell the server which unsent edits this revoked desk discards, with the revoked session's
    token (blocking: the network lane). False when it cannot be told; the desk erases itself anyway."""
    if revoked.device_id is None or revoked.token is None:
        return False
    try:
        client.report_wipe(revoked.device_id, revoked.token, lost)
    except ApiError:
        return False
    return True


def discard(client: CaseDeskClient, root: Path, username: str, revoked: DeviceRevoked, lost: list[LostEdit]) -> Wiped:
    """Report ``lost``, then erase the profile at ``root`` (its store closed) and the kept session."""
    reported = report_lost(client, revoked, lost)
    erased = wipe_profile(root, client.auth.store, username)
    return Wiped(lost=lost, reported=reported, erased=erased, root=root)


class Devices:
    """The desks of the signed-in user, and (administrators) everyone's: each call runs on the
    network lane; ``on_done`` gets the answer, ``on_error`` the client's error (both dropped once
    ``owner`` is gone), as with :meth:`desktop.tasks.TaskRunner.run`."""

    def __init__(self, client: CaseDeskClient, runner: TaskRunner) -> None:
        self.client, self.runner = client, runner

    def _run(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Task:
        return self.runner.run(fn, *args, lane=Lane.NETWORK, label="devices", **kw)

    def mine(self, **kw: Any) -> Task:
        """The user's signed-in desks (``list[DeviceOut]``), this one marked ``current``."""
        return self._run(self.client.my_devices, **kw)

    def end(self, device_id: int, **kw: Any) -> Task:
        """Sign one of the user's other desks out (for this one, sign out: 文件 → 注销)."""
        return self._run(self.client.end_device_session, device_id, **kw)

    def of_user(self, user_id: int | None = None, **kw: Any) -> Task:
        """Administrators: one user's desks (or everyone's), revoked ones too."""
        return self._run(self.client.devices, user_id, **kw)

    def revoke(self, device_id: int, **kw: Any) -> Task:
        """Administrators: cut a desk off (``DeviceOut``); it erases its data at its next request."""
        return self._run(self.client.revoke_device, device_id, **kw)

    def revoke_user(self, user_id: int, **kw: Any) -> Task:
        """Administrators: end every desk of a user (``list[DeviceOut]``)."""
        return self._run(self.client.revoke_user_devices, user_id, **kw)
