"""The HTTP transport: one ``requests.Session`` with connection reuse, timeouts and safe retries."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from api_client.errors import MAX_RETRY_AFTER, Offline

#: Methods that may be sent twice without changing the outcome.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: Answers that mean "a proxy or the server is briefly unavailable".
TRANSIENT_STATUSES = (502, 503, 504)
#: (connect, read) seconds.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)


class IdempotentRetry(Retry):
    """urllib3 retries that never repeat a POST or PATCH, not even after a connection error.

    Plain ``Retry`` retries connection errors for every method; here a non-idempotent request
    fails at once and the caller decides (the sync outbox, the tus client asking for the offset).
    """

    def increment(  # type: ignore[override]
        self, method: str | None = None, url: str | None = None, *args: Any, **kwargs: Any
    ) -> Retry:
        if method is not None and method.upper() not in IDEMPOTENT:
            exhausted = Retry(total=0, connect=0, read=0, status=0, other=0, raise_on_status=False)
            return exhausted.increment(method, url, *args, **kwargs)
        return super().increment(method, url, *args, **kwargs)

    def get_retry_after(self, response: Any) -> float | None:
        """A busy server's ``Retry-After`` (503) is honoured before the next try, within a cap."""
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER)


def make_retry(attempts: int = 3, backoff: float = 0.3) -> Retry:
    """Back-off retries for idempotent methods on 502/503/504 and connection errors; a 503's
    ``Retry-After`` (a saturated server, see server.lanes) sets the wait before the next try."""
    return IdempotentRetry(
        total=attempts,
        connect=attempts,
        read=attempts,
        status=attempts,
        other=0,
        allowed_methods=IDEMPOTENT,
        status_forcelist=TRANSIENT_STATUSES,
        backoff_factor=backoff,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


class ApiSession(requests.Session):
    """A session with a default timeout that turns "no answer" into :class:`Offline`."""

    def __init__(
        self,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        attempts: int = 3,
        backoff: float = 0.3,
        pool_size: int = 8,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        adapter = HTTPAdapter(
            max_retries=make_retry(attempts, backoff), pool_connections=pool_size, pool_maxsize=pool_size
        )
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send with the default timeout; connection failures and timeouts raise :class:`Offline`."""
        kwargs.setdefault("timeout", self.timeout)
        try:
            return super().request(method, url, *args, **kwargs)
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,  # the body was cut off
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise Offline(detail=str(exc)) from exc
