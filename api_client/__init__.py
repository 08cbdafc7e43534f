"""CaseDesk's HTTP client: typed calls, token refresh, keyring-backed sessions, resumable uploads.

No Qt here: the desktop client runs these calls on its network workers.
"""

from api_client.auth import SERVICE, DeviceIdentity, TokenStore, keyring_is_secure
from api_client.client import CaseDeskClient
from api_client.errors import (
    ApiError,
    Cancelled,
    Conflict,
    DeviceRevoked,
    Forbidden,
    NotFound,
    Offline,
    PasswordChangeRequired,
    Rejected,
    ServerError,
    Unauthorized,
)
from api_client.pages import PulledPage
from api_client.uploads import Uploader

__all__ = [
    "SERVICE",
    "ApiError",
    "Cancelled",
    "CaseDeskClient",
    "Conflict",
    "DeviceIdentity",
    "DeviceRevoked",
    "Forbidden",
    "NotFound",
    "Offline",
    "PasswordChangeRequired",
    "PulledPage",
    "Rejected",
    "ServerError",
    "TokenStore",
    "Unauthorized",
    "Uploader",
    "keyring_is_secure",
]
