"""Sign-in, transparent token refresh and the refresh token kept in the OS keyring.

Only the refresh token is ever persisted — in the keyring, under service ``casedesk`` and key
``"{server_url}|{username}"`` — never the password and never a plain file. Where the active
keyring backend is not a real one (fail, null, plaintext), nothing is persisted at all.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import requests

from api_client.errors import ApiError, DeviceRevoked, Unauthorized, error_from_response, read_model
from casework.schemas import TokenPair, UserOut

SERVICE = "casedesk"

_INSECURE_CLASSES = {
    ("keyring.backends.fail", "Keyring"),
    ("keyring.backends.null", "Keyring"),
}


def _is_real(backend: keyring.backend.KeyringBackend) -> bool:
    """True for a backend that keeps secrets safe (not fail, null or a keyrings.alt plaintext file)."""
    cls = type(backend)
    if (cls.__module__, cls.__name__) in _INSECURE_CLASSES:
        return False
    if cls.__module__.startswith("keyrings.alt") and "plaintext" in cls.__name__.lower():
        return False
    children = getattr(backend, "backends", None)  # keyring.backends.chainer.ChainerBackend
    if children is not None:
        return bool(children) and all(_is_real(child) for child in children)
    return True


def keyring_is_secure() -> bool:
    """Whether the active keyring backend may hold a session; if not, do not persist one."""
    try:
        return _is_real(keyring.get_keyring())
    except Exception:  # a broken keyring configuration is not a secure one
        return False


class TokenStore:
    """The refresh token in the OS keyring, one entry per server and user."""

    def __init__(self, server_url: str, service: str = SERVICE) -> None:
        self.server_url = server_url.rstrip("/")
        self.service = service

    def key(self, username: str) -> str:
        return f"{self.server_url}|{username}"

    def save(self, username: str, refresh_token: str) -> bool:
        """Store the token; False (nothing stored) when the keyring is not a secure one."""
        if not keyring_is_secure():
            return False
        try:
            keyring.set_password(self.service, self.key(username), refresh_token)
        except keyring.errors.KeyringError:
            return False
        return True

    def load(self, username: str) -> str | None:
        if not keyring_is_secure():
            return None
        try:
            return keyring.get_password(self.service, self.key(username))
        except keyring.errors.KeyringError:
            return None

    def delete(self, username: str) -> None:
        with contextlib.suppress(keyring.errors.KeyringError):  # PasswordDeleteError: nothing was stored
            keyring.delete_password(self.service, self.key(username))


@dataclass(frozen=True)
class DeviceIdentity:
    """The desk as the server knows it: a random key kept on this PC, and a name for people."""

    key: str
    name: str


class Authenticator:
    """Holds the tokens of one signed-in user and sends authorised requests.

    On 401 ``token_expired`` it refreshes once (rotating: the newest refresh token replaces the
    old one, in memory and in the keyring) and repeats the request once.
    """

    def __init__(
        self,
        session: requests.Session,
        base_url: str,
        store: TokenStore,
        persist: bool = True,
        device: DeviceIdentity | None = None,
    ) -> None:
        self.session = session
        self.device = device
        self.base_url = base_url.rstrip("/")
        self.store = store
        self.persist = persist
        self.username: str | None = None
        self.user: UserOut | None = None
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self._kept: tuple[str, str] | None = None  # (username, password) of an offline unlock, memory only
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    @property
    def signed_in(self) -> bool:
        return self.access_token is not None

    def _adopt(self, username: str, pair: TokenPair) -> TokenPair:
        self.username, self.user = username, pair.user
        self.access_token, self.refresh_token = pair.access_token, pair.refresh_token
        if self.persist:
            self.store.save(username, pair.refresh_token)
        return pair

    def login(self, username: str, password: str) -> TokenPair:
        """Sign in with a password; the password is used once and not kept."""
        body = {"username": username, "password": password}
        if self.device is not None:
            body |= {"device_id": self.device.key, "device_name": self.device.name}
        response = self.session.post(self.url("/auth/login"), json=body)
        if not response.ok:
            error = error_from_response(response)
            if isinstance(error, DeviceRevoked) and isinstance(error.detail, dict):
                error.token = error.detail.get("wipe_token")  # one-time: for the wipe report only
            raise error
        return self._adopt(username, read_model(response, TokenPair))

    def keep_password(self, username: str, password: str) -> None:
        """The desk was unlocked offline with this password: hold it in memory — never on disk —
        so that :meth:`resume` can sign in with it once the server answers; then it is dropped."""
        self._kept = (username, password)

    @property
    def keeps_password(self) -> bool:
        return self._kept is not None

    def resume(self, username: str) -> TokenPair:
        """Continue a session from the refresh token in the keyring, else with a password kept by
        :meth:`keep_password`; Unauthorized when there is neither (or the server refuses both)."""
        token = self.store.load(username)
        if token is None:
            return self._login_kept(username)
        self.username, self.refresh_token = username, token
        try:
            self._refresh(token)
        except Unauthorized:
            if self._kept is None or self._kept[0] != username:
                raise
            return self._login_kept(username)
        assert self.user is not None
        return TokenPair(
            access_token=self.access_token or "",
            refresh_token=self.refresh_token or "",
            expires_in=0,
            user=self.user,
        )

    def _login_kept(self, username: str) -> TokenPair:
        kept = self._kept
        if kept is None or kept[0] != username:
            raise Unauthorized("no_session", "请先登录", "Please sign in")
        try:
            pair = self.login(*kept)
        except Unauthorized:
            self._kept = None  # changed on the server meanwhile: the user has to sign in again
            raise
        self._kept = None  # Offline and the like keep it for the next try
        return pair

    def _refresh(self, used: str | None) -> None:
        """Rotate the refresh token, unless another thread already did since ``used`` was read."""
        with self._lock:
            if used is not None and self.refresh_token != used:
                return  # someone else refreshed meanwhile: their newest token stands
            if self.refresh_token is None or self.username is None:
                raise Unauthorized()
            response = self.session.post(self.url("/auth/refresh"), json={"refresh_token": self.refresh_token})
            if response.status_code == 401:
                error = _unauthorized(response, self.refresh_token)
                self._forget()
                raise error
            if not response.ok:
                raise error_from_response(response)
            self._adopt(self.username, read_model(response, TokenPair))

    def _forget(self) -> None:
        """Drop the tokens here and in the keyring (the session is over)."""
        if self.username is not None:
            self.store.delete(self.username)
        self.access_token = self.refresh_token = None

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """An authorised request; returns the answer when 2xx/3xx, raises the matching ApiError otherwise."""
        for attempt in (1, 2):
            if self.access_token is None:
                raise Unauthorized()
            refresh_used = self.refresh_token
            headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self.access_token}"}
            response = self.session.request(method, self.url(path), headers=headers, **kwargs)
            kwargs["headers"] = headers
            if response.status_code == 401 and attempt == 1 and _code(response) == "token_expired":
                self._refresh(refresh_used)
                continue
            if response.status_code == 401:
                raise _unauthorized(response, self.access_token)
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        raise AssertionError("unreachable")

    def logout(self) -> bool:
        """Revoke the session on the server and forget it here; False when the server could not be told."""
        revoked = False
        try:
            if self.access_token is not None:
                self.request("POST", "/auth/logout")
                revoked = True
        except ApiError:
            revoked = False
        finally:
            self._forget()
            self._kept = None
            self.user = None
        return revoked


def _code(response: requests.Response) -> str | None:
    """The error code from the body, or from ``WWW-Authenticate`` (RFC 6750) when there is no body (HEAD)."""
    try:
        body = response.json()
    except ValueError:
        challenge = response.headers.get("WWW-Authenticate", "")
        found = re.search(r'error_description="([^"]*)"', challenge)
        return found.group(1) if found else None
    return body.get("code") if isinstance(body, dict) else None


def _unauthorized(response: requests.Response, token: str | None) -> Unauthorized:
    """The 401's error; a revoked desk's keeps the token it was sent with (for the wipe report)."""
    error = error_from_response(response)
    if isinstance(error, DeviceRevoked):
        error.token = token
        return error
    if isinstance(error, Unauthorized):
        return error
    return Unauthorized(error.code, error.message_zh, error.message_en, 401)
