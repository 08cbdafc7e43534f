#!/usr/bin/env python3
"""The two commands a newcomer needs, from a fresh machine with only Python.

    python3 dev.py run     install, then open the desktop client on the bundled server with a demo city
    python3 dev.py serve   install, then run only the case server with the demo city (API docs at /docs)
    python3 dev.py test    install, then run the whole test suite

Everything is installed into ``.venv`` beside this file; a second run reinstalls only when
``pyproject.toml`` changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
DEMO_DATA = ROOT / "data" / "demo"


def ensure_installed(extras: str) -> None:
    if not PYTHON.exists():
        print(f"creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("installing dependencies …", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def run(args: list[str]) -> int:
    """The desktop client; with no --server it starts the bundled server with the demo city."""
    ensure_installed("")
    return subprocess.call([str(PYTHON), "main.py", *args], cwd=ROOT)


def serve(args: list[str]) -> int:
    ensure_installed("")
    env = {**os.environ, "CASEDESK_DATA_DIR": os.environ.get("CASEDESK_DATA_DIR", str(DEMO_DATA))}
    server = [str(PYTHON), "-m", "server"]
    subprocess.run([*server, "seed-demo"], check=True, env=env, cwd=ROOT)
    port = args[0] if args else "8000"
    print(f"\nCaseDesk case server on http://127.0.0.1:{port}  (API docs: http://127.0.0.1:{port}/docs)\n", flush=True)
    return subprocess.call([*server, "serve", "--port", port], env=env, cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_installed("test")
    env = {**os.environ, "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "ci")}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")  # the desktop tests need no screen
    return subprocess.call([str(PYTHON), "-m", "pytest", "-n", "2", *args], env=env, cwd=ROOT)


def main() -> int:
    commands = {"run": run, "serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[sys.argv[1]](sys.argv[2:])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
