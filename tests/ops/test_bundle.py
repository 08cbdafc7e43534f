"""``python3 dev.py bundle --deb``: the desk frozen with PyInstaller, its Debian package, and the bundle
started under Xvfb, signed in to a real server and photographed.

Slow (several minutes: it builds the bundle in its own venv). Set ``CASEDESK_BUNDLE_DIST`` to a
``dist/`` that ``dev.py bundle --deb`` already made to test that instead of building again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.server_process import PASSWORD, ServerProcess

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(3600),  # the first test builds the bundle (5–10 min here; downloads on a new machine)
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bundle test runs on Linux"),
    # 5–10 minutes and a second PySide6 download on a new machine: run where the bundle is built (a
    # packaging job), not in every suite run — CI keeps well under its time budget.
    pytest.mark.skipif(
        os.environ.get("CASEDESK_TEST_BUNDLE") != "1" and not os.environ.get("CASEDESK_BUNDLE_DIST"),
        reason="builds the desktop bundle: set CASEDESK_TEST_BUNDLE=1 (or CASEDESK_BUNDLE_DIST to a built dist/)",
    ),
]


@pytest.fixture(scope="module")
def dist() -> Path:
    given = os.environ.get("CASEDESK_BUNDLE_DIST")
    if given:
        return Path(given)
    for tool in ("dpkg-deb", "fakeroot"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    import fcntl  # Linux (the module is skipped elsewhere)

    # Under xdist the tests of this module may run on two workers: one builds, the other waits and reuses.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
    (ROOT / "build").mkdir(exist_ok=True)
    stamp = ROOT / "build" / "bundle-test-run"
    with (ROOT / "build" / "bundle-test.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.exists() and stamp.read_text() == run):
            built = subprocess.run(
                [sys.executable, "dev.py", "bundle", "--deb"], cwd=ROOT, capture_output=True, text=True, timeout=3600
            )
            assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
            stamp.write_text(run)
    return ROOT / "dist"


def test_the_bundle_carries_what_the_desk_needs_and_no_server(dist: Path) -> None:
    inside = dist / "casedesk" / "_internal"
    assert (dist / "casedesk" / "casedesk").is_file()
    assert (inside / "resources" / "i18n" / "casedesk_en.qm").is_file()
    assert (inside / "resources" / "i18n" / "qt_gaps_zh_CN.qm").is_file()
    assert (inside / "resources" / "casedesk.svg").is_file()
    assert list((inside / "fonts").glob("NotoSansCJK*")), "no CJK font inside"
    qt = inside / "PySide6" / "Qt"
    assert (qt / "plugins" / "platforms" / "libqxcb.so").is_file()
    assert (qt / "translations" / "qtbase_zh_CN.qm").is_file()
    assert list(inside.glob("casedesk*-info")), "no package metadata: the bundle would not know its version"
    for absent in ("server", "fastapi", "uvicorn", "alembic", "reportlab", "psycopg"):
        assert not (inside / absent).exists(), f"{absent} is in the desk's bundle"


def test_the_deb_declares_its_system_libraries_and_installs_a_menu_entry(dist: Path) -> None:
    (deb,) = dist.glob("casedesk_*_amd64.deb")
    info = subprocess.run(["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True, text=True, check=True)
    for package in ("libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libxkbcommon-x11-0", "libgl1"):
        assert package in info.stdout
    contents = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True).stdout
    for path in (
        "./opt/casedesk/casedesk",
        "./usr/bin/casedesk -> /opt/casedesk/casedesk",
        "./usr/share/applications/casedesk.desktop",
        "./usr/share/icons/hicolor/scalable/apps/casedesk.svg",
    ):
        assert path in contents


def _xdotool(*args: str, display: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True)


def _wait_for_window(name: str, display: str, seconds: float, desk: subprocess.Popen[bytes]) -> str:
    """The window named ``name``; the desk's own output in the failure if it does not come (or the desk ended)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and desk.poll() is None:
        found = _xdotool("search", "--onlyvisible", "--name", name, display=display)
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.split()[0]
        time.sleep(0.5)
    if desk.poll() is None:
        desk.terminate()
    desk.wait(30)
    output = (desk.stdout.read() if desk.stdout else b"").decode(errors="replace")[-3000:]
    raise AssertionError(f"no window named {name!r} within {seconds} s (desk exit {desk.returncode}):\n{output}")


def test_the_bundle_starts_under_xvfb_and_signs_in_to_a_server(dist: Path, tmp_path: Path) -> None:
    sign_in_and_photograph(dist / "casedesk" / "casedesk", tmp_path, "bundle_signed_in_xvfb.png")


@pytest.mark.skipif(
    os.environ.get("CASEDESK_TEST_INSTALL_DEB") != "1" or os.geteuid() != 0,
    reason="installs a package system-wide: only as root with CASEDESK_TEST_INSTALL_DEB=1",
)
def test_the_deb_installs_with_apt_starts_signs_in_and_uninstalls_cleanly(dist: Path, tmp_path: Path) -> None:
    (deb,) = dist.glob("casedesk_*_amd64.deb")
    assert shutil.which("casedesk") is None and not Path("/opt/casedesk").exists(), "casedesk is installed already"
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", str(deb.resolve())],
        env=apt,
        capture_output=True,
        text=True,
        timeout=900,
    )
    try:
        assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-2000:]
        assert Path("/usr/share/applications/casedesk.desktop").is_file()
        sign_in_and_photograph(Path("/usr/bin/casedesk"), tmp_path, "deb_signed_in_xvfb.png")
    finally:
        removed = subprocess.run(
            ["apt-get", "purge", "-y", "casedesk"], env=apt, capture_output=True, text=True, timeout=900
        )
    assert removed.returncode == 0, removed.stderr
    for path in ("/opt/casedesk", "/usr/bin/casedesk", "/usr/share/applications/casedesk.desktop"):
        assert not os.path.lexists(path), f"{path} is left after uninstalling"


def sign_in_and_photograph(executable: Path, tmp_path: Path, picture: str) -> None:
    """Start ``executable`` under Xvfb against a server process, sign in as the handler by typing, photograph."""
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    from PIL import ImageGrab

    server = ServerProcess(tmp_path / "server", orders=12)
    server.start()
    # A free display chosen by Xvfb itself (two xdist workers may each start one at the same moment).
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"], pass_fds=(write,)
    )
    os.close(write)
    with os.fdopen(read) as announced:
        display = f":{announced.readline().strip()}"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(DISPLAY=display, HOME=str(tmp_path / "home"), XDG_RUNTIME_DIR=str(tmp_path / "run"))
    (tmp_path / "run").mkdir(mode=0o700)
    desk = subprocess.Popen(
        [str(executable), "--server", server.url, "--data-dir", str(tmp_path / "desk")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # The first start of a bundle on a busy machine builds its font cache (the bundled Noto CJK).
        dialog = _wait_for_window("登录 CaseDesk", display, 300, desk)
        _xdotool("windowactivate", "--sync", dialog, display=display)
        _xdotool("type", "--delay", "50", "handler", display=display)
        _xdotool("key", "Tab", display=display)
        _xdotool("type", "--delay", "50", PASSWORD, display=display)
        _xdotool("key", "Return", display=display)
        _wait_for_window("CaseDesk 12345工单办理 — ", display, 300, desk)
        time.sleep(3)  # the first pull fills the lists
        shot = ImageGrab.grab(xdisplay=display)
        out = ROOT / "artifacts" / picture
        out.parent.mkdir(exist_ok=True)
        shot.save(out)
        assert shot.size == (1366, 768)
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50  # a window drawn, not a blank screen
        assert desk.poll() is None, "the desk exited"
        window = _wait_for_window("CaseDesk 12345工单办理 — ", display, 10, desk)
        _xdotool("windowactivate", "--sync", window, display=display)
        # 帮助 → 关于 CaseDesk (its one item), clicked where the zh menu bar puts them (no window manager:
        # the window sits at the top left)
        _xdotool("mousemove", "--window", window, "196", "11", "click", "1", display=display)
        time.sleep(1)
        _xdotool("mousemove", "--window", window, "230", "36", "click", "1", display=display)
        _wait_for_window("关于 CaseDesk", display, 30, desk)
        time.sleep(1)
        ImageGrab.grab(xdisplay=display).save(out.with_name(out.stem + "_about.png"))  # shows the version
    finally:
        desk.terminate()
        try:
            output = desk.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            desk.kill()
            output = desk.communicate()[0]
        xvfb.terminate()
        xvfb.wait(10)
        server.stop()
    assert b"Traceback" not in output, output.decode(errors="replace")[-3000:]
