"""Server logs: one JSON object per line in production, readable text in development.

Every line written while a request is handled carries its request id (``X-Request-ID``: the
desk's own, or one made here) and, once known, the route template and the signed-in user's id.
The access line of each request (logger ``casedesk.access``) adds its status and duration.
Nothing else is logged about a request: no query string, no body, no header — never a password,
a token or a citizen's words.
"""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]


UNMATCHED = "<unmatched>"


@dataclass
class RequestContext:
    """What the logs may say about the request being handled: its id and method, and — read from
    its ASGI scope as they become known — the route template and the signed-in user's id."""

    request_id: str
    method: str
    scope: MutableMapping[str, Any] = field(default_factory=dict)

    @property
    def route(self) -> str | None:
        """The route template once routing has matched; :data:`UNMATCHED` after a request no route had."""
        path = getattr(self.scope.get("route"), "path", None)
        return path if isinstance(path, str) else None

    @property
    def user_id(self) -> int | None:
        """Set on ``request.state`` by :mod:`server.deps` once the caller's token is checked."""
        state = self.scope.get("state")
        value = state.get("user_id") if isinstance(state, dict) else None
        return value if isinstance(value, int) else None


CURRENT: ContextVar[RequestContext | None] = ContextVar("casedesk_request", default=None)

#: Attributes of a record that are copied into the JSON object when present.
FIELDS = ("request_id", "method", "route", "status", "duration_ms", "user_id")


class RequestFields(logging.Filter):
    """Stamps each record with the current request's id, route and user (when there is a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = CURRENT.get()
        if context is not None:
            for name in ("request_id", "method", "route", "user_id"):
                if getattr(record, name, None) is None:
                    setattr(record, name, getattr(context, name))
        return True


class JsonFormatter(logging.Formatter):
    """``{"time": "2026-11-30T13:05:03.120+00:00", "level": "INFO", "logger": …, "message": …, …}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``2026-11-30T13:05:03.120+00:00 INFO casedesk.access [rid] message``."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        rid = getattr(record, "request_id", None)
        line = f"{moment} {record.levelname} {record.name}{f' [{rid}]' if rid else ''}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def log_config(log_format: LogFormat, level: str = "info") -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for uvicorn and the app: everything to stderr in ``log_format``.

    uvicorn's own access log is off: ``casedesk.access`` (written by
    :class:`server.observability.middleware.Observe`) says the same with the route template, the
    request id and the user.
    """
    formatter = f"{__name__}.JsonFormatter" if log_format == "json" else f"{__name__}.TextFormatter"
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": f"{__name__}.RequestFields"}},
        "formatters": {"default": {"()": formatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request"],
            }
        },
        # Anything else (a library's warning) in the same format, not Python's bare last-resort line.
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "casedesk": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
    }


def configure(log_format: LogFormat, level: str = "info") -> None:
    logging.config.dictConfig(log_config(log_format, level))
