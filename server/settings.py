"""Server settings: ``CASEDESK_*`` environment variables over a configuration file over the defaults.

The file is the one ``CASEDESK_CONFIG`` names, else ``/etc/casedesk/casedesk.env`` when it
exists: ``KEY=VALUE`` lines with the environment's names (``CASEDESK_DATABASE_URL=…``), or, for a
name ending in ``.toml``, TOML with the settings' own names (``database_url = "…"``). An unknown
name in the file is an error (a typo would otherwise be silently ignored). :func:`load_settings`
turns every problem into one :class:`ConfigError` that says where and what.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from casework.deadlines import CountingRule


class Settings(BaseSettings):
    """Everything an operator may change without touching code."""

    model_config = SettingsConfigDict(env_prefix="CASEDESK_", env_file=None)

    data_dir: Path = Path("data")
    database_url: str | None = None  # default: SQLite file in data_dir
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    login_max_failures: int = 5
    login_lockout_seconds: int = 30  # doubles with each further failure, capped at one hour
    # Login back-off (README "Security"): login_max_failures counts one account from one client
    # address; these count every username tried from one address, and one account from all
    # addresses together (a distributed guess). Failures older than the window are forgotten.
    login_address_max_failures: int = Field(default=20, ge=1)
    login_account_max_failures: int = Field(default=50, ge=1)
    login_failure_window_seconds: int = Field(default=15 * 60, ge=1)
    # Client addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated IPs or
    # CIDRs, e.g. "10.0.0.5,192.168.1.0/24"); from any other peer the header is ignored. The default,
    # loopback, is a proxy on the same host (uvicorn's own default); "" believes no one.
    trusted_proxies: str = "127.0.0.1,::1"
    # A demo server (the desk's bundled one, dev.py run, tests): the demo seed's users keep the
    # shared demo password. Outside demo mode they must change it at first sign-in.
    demo_mode: bool = False
    # Strict-Transport-Security on every answer: set when the server is reached over https
    # (behind a TLS proxy the request itself is plain http, so the scheme alone cannot tell).
    hsts: bool = False
    counting_rule: CountingRule = CountingRule.NEXT_WORKING_DAY
    # Deprecated: read once into the database as the first review-chain version (server.review).
    review_chains_json: str = ""  # {"default"|DEPT_CODE: {importance: [level, ...]}}
    order_number_prefix: str = "GY"
    max_upload_bytes: int = 50 * 1024 * 1024
    max_upload_chunk_bytes: int = 48 * 1024 * 1024
    upload_expiry_hours: int = 24
    max_image_pixels: int = 80_000_000  # Pillow's decompression-bomb guard
    thumbnail_size: int = 320
    server_name: str = "CaseDesk"  # shown to desktop users (GET /server-info), e.g. 高邮市12345热线
    screen_key: str = ""  # the big screen's ?key=; without one /screen answers only on loopback
    # Bursts (README "Bursts and the connection budget"): each worker runs its database work on
    # db_pool_size threads, one pooled connection each; the rest wait in a bounded queue and
    # are answered 503 + Retry-After past db_queue_limit waiting or db_queue_timeout_seconds.
    db_pool_size: int = Field(default=8, ge=1, le=200)
    db_queue_limit: int = Field(default=0, ge=0)  # 0: 64 per pooled connection
    db_queue_timeout_seconds: float = Field(default=30.0, gt=0)
    db_reserved_connections: int = Field(default=10, ge=0)  # PostgreSQL: kept free of every worker's pool
    # Warnings (README "Warnings, 督办 and notifications"): hours before a deadline in force at which
    # the handler and chief are warned (comma-separated, e.g. "24,2"); an overdue order goes to the
    # department head at once and to the city leader in charge this many hours later; ``serve``
    # runs a warning pass every warning_interval_seconds (0: never; `python -m server warn` then).
    warning_lead_hours: str = "24,2"
    escalate_to_leader_after_hours: float = Field(default=24.0, ge=0)
    warning_interval_seconds: float = Field(default=300.0, ge=0)
    # Watching it (README "Operating the server"): log lines as text (development) or one JSON
    # object per line (production); /metrics answers callers from metrics_allow (addresses or
    # CIDRs, the client as server.auth.addresses resolves it) or with "Authorization: Bearer
    # <metrics_token>"; SIGTERM lets requests in flight finish for up to shutdown_grace_seconds.
    log_format: Literal["text", "json"] = "text"
    metrics_allow: str = "127.0.0.1,::1"
    metrics_token: str = ""
    shutdown_grace_seconds: float = Field(default=30.0, gt=0)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'casedesk.db').resolve()}"

    @property
    def effective_queue_limit(self) -> int:
        return self.db_queue_limit or 64 * self.db_pool_size

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def warning_leads(self) -> list[int]:
        """The warning lead times in minutes, longest first."""
        return sorted({round(float(x) * 60) for x in self.warning_lead_hours.split(",") if x.strip()}, reverse=True)

    @field_validator("warning_lead_hours")
    @classmethod
    def _lead_hours(cls, value: str) -> str:
        try:
            hours = [float(x) for x in value.split(",") if x.strip()]
        except ValueError:
            raise ValueError('hours before a deadline, comma-separated, e.g. "24,2"') from None
        if any(not 0 < h <= 24 * 30 for h in hours):
            raise ValueError("each lead time is more than 0 and at most 720 hours")
        return value

    @field_validator("metrics_allow")
    @classmethod
    def _networks(cls, value: str) -> str:
        import ipaddress

        for part in value.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{part.strip()!r} is not an address or a network (e.g. 10.0.0.0/8)") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if not value:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError("not a database URL (e.g. postgresql+psycopg://casedesk@localhost/casedesk)") from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"CaseDesk runs on PostgreSQL or SQLite, not {backend}")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the configuration file (:func:`config_file`)."""
        path = config_file()
        if path is None:
            return init_settings, env_settings
        if path.suffix == ".toml":
            return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=path)
        return init_settings, env_settings, DotEnvSettingsSource(settings_cls, env_file=path, env_file_encoding="utf-8")


#: The configuration file of an installed server (deploy/casedesk.env is an example).
DEFAULT_CONFIG = Path("/etc/casedesk/casedesk.env")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, the setting and what is wrong."""


def config_file() -> Path | None:
    """``CASEDESK_CONFIG`` (which must exist), else :data:`DEFAULT_CONFIG` when it exists, else none."""
    named = os.environ.get("CASEDESK_CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"CASEDESK_CONFIG names {path}, which is not a file")
        return path
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def load_settings() -> Settings:
    """The settings, or a :class:`ConfigError` listing every setting that is wrong and where it came from."""
    path = config_file()
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            given = error.get("input")
            shown = "" if isinstance(given, dict) else f" (given: {given!r})"
            if error["type"] == "extra_forbidden":
                lines.append(f"  {field}: unknown setting (a typo?){shown}")
                continue
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"  {field} (CASEDESK_{field.upper()}): {message}{shown}")
        source = f"the environment and {path}" if path else "the environment"
        raise ConfigError(f"invalid configuration (from {source}):\n" + "\n".join(lines)) from None
    except (OSError, ValueError) as exc:  # an unreadable file, TOML that does not parse
        raise ConfigError(f"cannot read the configuration file {path}: {exc}") from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
