"""Configuration from a file and the environment, checked when the server starts; the deploy/ examples."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def server(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_env_file_configures_the_server_and_the_environment_overrides_it(tmp_path: Path) -> None:
    config = tmp_path / "casedesk.env"
    config.write_text(f"# comment\nCASEDESK_DATA_DIR={tmp_path / 'from-file'}\nCASEDESK_SERVER_NAME=高邮市12345热线\n")
    done = server("init-db", env={"CASEDESK_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / "from-file" / "casedesk.db") in done.stdout
    done = server("init-db", env={"CASEDESK_CONFIG": str(config), "CASEDESK_DATA_DIR": str(tmp_path / "from-env")})
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / "from-env" / "casedesk.db") in done.stdout


def test_a_toml_file_configures_the_server(tmp_path: Path) -> None:
    config = tmp_path / "casedesk.toml"
    config.write_text(f'data_dir = "{tmp_path / "toml"}"\ndb_pool_size = 4\n')
    done = server("init-db", env={"CASEDESK_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "toml" / "casedesk.db").exists()


@pytest.mark.parametrize(
    ("content", "suffix", "said"),
    [
        (
            "CASEDESK_DB_POOL_SIZE=500\n",
            ".env",
            "db_pool_size (CASEDESK_DB_POOL_SIZE): Input should be less than or equal to 200 (given: '500')",
        ),
        ("CASEDESK_SERVR_NAME=x\n", ".env", "casedesk_servr_name: unknown setting (a typo?)"),
        ("CASEDESK_DATABASE_URL=mysql://db/casedesk\n", ".env", "CaseDesk runs on PostgreSQL or SQLite, not mysql"),
        ("CASEDESK_ACCESS_TOKEN_TTL_SECONDS=fifteen\n", ".env", "CASEDESK_ACCESS_TOKEN_TTL_SECONDS"),
        ("servr_name = 'x'\n", ".toml", "servr_name: unknown setting"),
        ("data_dir = \n", ".toml", "cannot read the configuration file"),
    ],
)
def test_a_wrong_setting_stops_the_server_with_a_clear_message(
    tmp_path: Path, content: str, suffix: str, said: str
) -> None:
    config = tmp_path / f"casedesk{suffix}"
    config.write_text(f"CASEDESK_DATA_DIR={tmp_path}\n" + content if suffix == ".env" else content)
    done = server("serve", "--port", "0", env={"CASEDESK_CONFIG": str(config)})
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and said in done.stderr, done.stderr
    assert str(config) in done.stderr and "Traceback" not in done.stderr


def test_a_missing_config_file_or_database_is_said_plainly(tmp_path: Path) -> None:
    done = server("serve", env={"CASEDESK_CONFIG": str(tmp_path / "nowhere.env")})
    assert done.returncode == 2 and "nowhere.env, which is not a file" in done.stderr
    pg = os.environ.get("CASEDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    missing = pg.rsplit("/", 1)[0] + "/casedesk_ops_no_such_database"
    done = server("init-db", env={"CASEDESK_DATABASE_URL": missing, "CASEDESK_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2 and "cannot use the database" in done.stderr and "Traceback" not in done.stderr


def test_serve_says_when_the_data_directory_is_not_writable(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"  # not a directory: no user, root neither, can make one under it
    blocked.write_text("")
    done = server("serve", env={"CASEDESK_DATA_DIR": str(blocked / "data")})
    assert done.returncode == 2 and f"the data directory {blocked / 'data'} is not writable" in done.stderr


def test_the_example_env_file_is_valid(tmp_path: Path) -> None:
    """deploy/casedesk.env read as the server reads it (only its data directory moved here)."""
    env = {"CASEDESK_CONFIG": str(DEPLOY / "casedesk.env"), "CASEDESK_DATA_DIR": str(tmp_path)}
    check = "from server.settings import load_settings; s = load_settings(); print(s.server_name, s.database_url)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEDESK_")}
    done = subprocess.run(
        [sys.executable, "-c", check], env={**clean, **env}, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("高邮市12345热线 postgresql+psycopg://casedesk:")


def test_the_systemd_unit_runs_serve_with_workers_and_verifies(tmp_path: Path) -> None:
    unit = (DEPLOY / "casedesk.service").read_text()
    exec_start = re.search(r"^ExecStart=(.+)$", unit, flags=re.MULTILINE)
    assert exec_start is not None
    assert re.search(r"-m server serve .*--workers \d+", exec_start.group(1))
    assert "Environment=CASEDESK_CONFIG=/etc/casedesk/casedesk.env" in unit
    assert "RestartPreventExitStatus=2" in unit  # a configuration error is not retried in a loop
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    local = tmp_path / "casedesk.service"  # the interpreter of the unit replaced by one that exists here
    local.write_text(unit.replace("/opt/casedesk/bin/python", str(Path(sys.executable).resolve())))
    done = subprocess.run(["systemd-analyze", "verify", str(local)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_the_nginx_example_terminates_tls_in_front_of_the_units_port() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    port = re.search(r"--port (\d+)", (DEPLOY / "casedesk.service").read_text())
    assert port is not None
    assert f"server 127.0.0.1:{port.group(1)};" in conf
    assert "listen 443 ssl;" in conf and "ssl_certificate " in conf and "return 301 https://" in conf
    assert "X-Forwarded-Proto $scheme" in conf
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed here: the file was not checked by nginx -t")
