"""The pull cursor: opaque to the client, owned and checked by the server."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from casework.roles import Actor


def scope_key(actor: Actor) -> str:
    """What decides the caller's scope; a cursor made under another scope is not served."""
    raw = f"{actor.role.value}|{actor.department_id}|{sorted(actor.portfolio)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Cursor:
    """``snapshot``: orders after ``after_id`` as of ``seq``; ``delta``: audit records after ``seq``."""

    scope: str
    phase: str
    seq: int
    after_id: int = 0

    def encode(self) -> str:
        data = {"v": 1, "s": self.scope, "p": self.phase, "q": self.seq, "a": self.after_id}
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Raises ValueError for anything this server did not make."""
        try:
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            cursor = cls(scope=data["s"], phase=data["p"], seq=data["q"], after_id=data["a"])
        except Exception as exc:
            raise ValueError("bad cursor") from exc
        valid = (
            data.get("v") == 1
            and isinstance(cursor.scope, str)
            and cursor.phase in ("snapshot", "delta")
            and _valid_number(cursor.seq, 2**62)
            and _valid_number(cursor.after_id, 2**31)
        )
        if not valid:
            raise ValueError("bad cursor")
        return cursor


def _valid_number(n: object, limit: int) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 <= n < limit
