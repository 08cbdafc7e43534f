"""Sync scenarios: real server processes or threads, real stores, real HTTP."""

from tests.api_client.conftest import *  # noqa: F403
