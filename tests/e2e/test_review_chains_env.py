"""The deprecated CASEDESK_REVIEW_CHAINS_JSON, through ``python -m server``: read once into the
database as the first review-chain version (audited), then ignored with a warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
CHAINS = {"default": {"ordinary": ["section_chief"]}, "ZJJ": {"major": ["section_chief", "top_leader"]}}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_variable_becomes_the_first_version_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'casedesk.db'}"
    env = {**os.environ, "CASEDESK_DATA_DIR": str(tmp_path), "CASEDESK_DATABASE_URL": url}
    env["CASEDESK_REVIEW_CHAINS_JSON"] = json.dumps(CHAINS)
    first = _cli(env, "init-db")
    assert first.returncode == 0, first.stderr
    assert "deprecated" in first.stderr and "loaded" in first.stderr
    again = _cli(env, "verify-audit")
    assert again.returncode == 0, again.stdout + again.stderr  # the take-over is in a clean chain
    assert "ignored" in again.stderr
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT effective_from, chains, note FROM review_chain_versions")).all()
        actions = connection.execute(text("SELECT action FROM audit_log")).scalars().all()
    engine.dispose()
    assert len(rows) == 1
    assert str(rows[0][0]) == "2000-01-01" and json.loads(rows[0][1]) == CHAINS
    assert rows[0][2] == "CASEDESK_REVIEW_CHAINS_JSON"
    assert actions == ["review_chain_version"]

    bad = {
        **env,
        "CASEDESK_REVIEW_CHAINS_JSON": '{"ZJJ": {"ordinary": ["nobody"]}}',
        "CASEDESK_DATABASE_URL": url + "2",
    }
    refused = _cli(bad, "init-db")
    assert refused.returncode != 0 and "not valid review chains" in refused.stderr
