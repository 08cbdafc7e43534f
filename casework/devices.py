"""Wire schemas of desks (devices): the signed-in devices a user or an administrator lists, and the
report a revoked desk sends of the unsent edits it discarded when it wiped itself."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from casework.schemas import Input, Short, Wire

#: The error code of a request from a revoked desk: it must discard its local data (see the README).
DEVICE_REVOKED = "device_revoked"

DeviceKey = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class DeviceOut(Wire):
    """A desk as its user or an administrator sees it (times in UTC)."""

    id: int
    user_id: int
    name: str
    first_seen: datetime
    last_seen: datetime
    last_ip: str
    user_agent: str
    signed_in: bool  # it holds a session that was not signed out or ended
    current: bool  # the desk that asks
    revoked_at: datetime | None
    wiped_at: datetime | None


class LostEdit(Input):
    """One unsent edit a wiped desk discarded."""

    order_number: Short
    title: Short
    command: Short  # the command's code, say ``add_note``


class WipeReport(Input):
    """What a revoked desk discarded; sent once, with the revoked session's token."""

    lost: list[LostEdit] = Field(default_factory=list, max_length=5000)
