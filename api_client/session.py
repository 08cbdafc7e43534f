"""The HTTP transport: one ``requests.Session`` with connection reuse, timeouts and safe retries."""

from __future__ import annotations

import logging
import platform
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.__version__ import __version__ as requests_version
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from api_client.errors import MAX_RETRY_AFTER, Offline
from casework.version import version

log = logging.getLogger(__name__)
#: One line per request in the desk's log (desktop.crash.log_to writes ``casedesk.*``): method, path
#: without the query, status, time and the request id the server logs too — never a body or token.
http_log = logging.getLogger("casedesk.http")

#: The header both sides log, so a desk's line and the server's can be matched.
REQUEST_ID = "X-Request-ID"

#: Sent with every request: the server (and its logs) can tell which desk version is calling.
USER_AGENT = f"CaseDesk/{version()} ({platform.system()}; python-requests/{requests_version})"

#: Methods that may be sent twice without changing the outcome.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: Answers that mean "a proxy or the server is briefly unavailable".
TRANSIENT_STATUSES = (502, 503, 504)
#: (connect, read) seconds. A server on the LAN or the internet accepts a connection within a
#: second or two; waiting longer only keeps a desk that is offline looking online.
DEFAULT_TIMEOUT: tuple[float, float] = (3.0, 30.0)
#: Connection failures (refused, no route, connect timeout) are retried once, at once: a
#: server that is down stays down for the next few hundred milliseconds, and the sync loop
#: has its own back-off. Answers that say "busy" (502/503/504) get the full ``attempts``.
CONNECT_RETRIES = 1


class IdempotentRetry(Retry):
    """urllib3 retries that never repeat a POST or PATCH, not even after a connection error.

    Plain ``Retry`` retries connection errors for every method; here a non-idempotent request
    fails at once and the caller decides (the sync outbox, the tus client asking for the offset).
    """

    # urllib3's signature names its arguments more narrowly; these pass them all on unchanged.
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
    """Back-off retries for idempotent methods on 502/503/504; one quick retry of a failed connection;
    a 503's ``Retry-After`` (a saturated server, see server.lanes) sets the wait before the next try."""
    return IdempotentRetry(
        total=attempts,
        connect=min(attempts, CONNECT_RETRIES),
        read=attempts,
        status=attempts,
        other=0,
        allowed_methods=IDEMPOTENT,
        status_forcelist=TRANSIENT_STATUSES,
        backoff_factor=backoff,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


#: Told ``True`` when the server answered (any status), ``False`` when it could not be reached.
ReachabilityListener = Callable[[bool], None]


class ApiSession(requests.Session):
    """A session with a default timeout that turns "no answer" into :class:`Offline`.

    Listeners (:meth:`listen`) hear of every answer and every failure to connect as it
    happens, on the calling thread: a status shown to the user flips on the first failed
    request, not when the round of requests it belongs to gives up.
    """

    def __init__(
        self,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        attempts: int = 3,
        backoff: float = 0.3,
        pool_size: int = 8,
    ) -> None:
        super().__init__()
        self.headers["User-Agent"] = USER_AGENT
        self.timeout = timeout
        adapter = HTTPAdapter(
            max_retries=make_retry(attempts, backoff), pool_connections=pool_size, pool_maxsize=pool_size
        )
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self._listeners: list[ReachabilityListener] = []
        self._listeners_lock = threading.Lock()

    def listen(self, listener: ReachabilityListener) -> Callable[[], None]:
        """Call ``listener(reached)`` after each request; returns a function that stops it."""
        with self._listeners_lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def _tell(self, reached: bool) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(reached)
            except Exception:  # a listener's fault must not fail the request it hears of
                log.exception("reachability listener failed")

    # Wider than requests.Session.request's signature (it passes everything on): mypy calls that an override.
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send with the default timeout; connection failures and timeouts raise :class:`Offline`."""
        kwargs.setdefault("timeout", self.timeout)
        # A new id for each request (a retry by urllib3 keeps it: the server logs each attempt under it).
        headers = {**(kwargs.pop("headers", None) or {})}
        request_id = headers.setdefault(REQUEST_ID, uuid.uuid4().hex)
        kwargs["headers"] = headers
        path = urlsplit(url).path
        started = time.monotonic()
        try:
            response = super().request(method, url, *args, **kwargs)
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,  # the body was cut off
            requests.exceptions.ContentDecodingError,
        ) as exc:
            http_log.warning("%s %s failed: %s [request %s]", method, path, exc.__class__.__name__, request_id)
            self._tell(False)
            raise Offline(detail=str(exc)) from exc
        elapsed = (time.monotonic() - started) * 1000
        http_log.info("%s %s %d %.0fms [request %s]", method, path, response.status_code, elapsed, request_id)
        self._tell(True)
        return response
