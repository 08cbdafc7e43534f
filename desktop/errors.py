"""The failures the desk shows to its user, named for the UI (which reaches no lower layer).

Everything in :data:`USER_ERRORS` is a refusal by the rules or a fault of the environment (the
network, the server, a file): the UI says it in a message. Anything else is a bug for the crash handler.
"""

from __future__ import annotations

from pydantic import ValidationError

from api_client.errors import ApiError, Offline, Unauthorized
from casework.errors import CommandRefused
from offline.photos import UnsupportedFile
from offline.store import UnknownOrder, WithdrawRefused

__all__ = [
    "USER_ERRORS",
    "ApiError",
    "CommandRefused",
    "Offline",
    "Unauthorized",
    "UnknownOrder",
    "UnsupportedFile",
    "ValidationError",
    "WithdrawRefused",
]

#: Errors of the environment or the rules, shown to the user; anything else is a bug.
USER_ERRORS = (CommandRefused, UnsupportedFile, ApiError, UnknownOrder, ValidationError, OSError)
