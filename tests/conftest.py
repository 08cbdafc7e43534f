"""Shared test configuration: the hypothesis profiles, and the fixtures of ``tests/fixtures/``.

The one conftest.py: every fixture lives in a module of ``tests/fixtures/`` registered below as a
pytest plugin (pytest reads ``pytest_plugins`` at the root only), so any test may ask for any of
them and no conftest or test module imports another. See the README's "Tests" section.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

# The plain helpers there (Api, put, ime …) are imported by tests: give them pytest's assert messages too.
pytest.register_assert_rewrite("tests.fixtures")

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.server",
    "tests.fixtures.live",
    "tests.fixtures.keyring",
    "tests.fixtures.photos",
    "tests.fixtures.server_process",
    "tests.fixtures.store",
    "tests.fixtures.desk",
    "tests.fixtures.app",
    "tests.fixtures.live_desk",
    "tests.fixtures.watchdog",
]

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
