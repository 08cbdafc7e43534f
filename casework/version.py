"""The installed CaseDesk's version (pyproject.toml): shown in About, sent as the desk's User-Agent."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    """The installed package's version, or "dev" when run from a checkout that was never installed.

    A frozen bundle (``dev.py bundle``) carries the package's metadata, so it knows its version too."""
    try:
        return metadata.version("casedesk")
    except metadata.PackageNotFoundError:
        return "dev"
