"""Screenshots of every screen of every demo role, in Chinese and English, at 1366×768 and 1920×1080,
taken from a real demo server (``python -m server seed-demo`` then ``serve``) through the real window.

    python3 dev.py screenshots [--out screenshots] [--sizes 1366x768,1920x1080] [--users handler,...,admin]

Each PNG is ``<user>_<screen>_<lang>_<width>.png``; the README's pictures in ``docs/`` are copies of
some of them. Look at them before calling a screen done: nothing a person needs may be cut off.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import requests
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.embedded import DEMO_USERS  # noqa: E402
from desktop.i18n import Languages  # noqa: E402
from desktop.session import sign_in  # noqa: E402
from desktop.tasks import TaskRunner  # noqa: E402
from server.demo.seed import DEMO_PASSWORD  # noqa: E402
from ui.lock import IdleLock  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.sign_in import SignInDialog  # noqa: E402

#: The README's pictures: (screenshot, copy in docs/).
README = {
    "chief_workbench_zh_1366.png": "workbench_zh.png",
    "handler_workbench_en_1366.png": "workbench_en.png",
    "leader_audit_zh_1366.png": "audit_zh.png",
    "chief_dashboard_en_1366.png": "dashboard_en.png",
    "admin_admin_users_zh_1366.png": "admin_zh.png",
}


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "CASEDESK_DATA_DIR": str(data), "CASEDESK_DEMO_MODE": "1"}
    env.pop("CASEDESK_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "server", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port), "--log-level", "warning"], env=env, cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return process, url
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the demo server did not start")


def settle(ms: int = 600) -> None:
    """Run the event loop for ``ms`` (QTest.qWait outside a test runner left timers and queued answers waiting)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def click(widget: QWidget, pos: object | None = None) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)  # type: ignore[arg-type]


def save(widget: QWidget, out: Path, name: str) -> Path:
    path = out / name
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return path


SCREEN_NAMES = {
    "ProblemsPanel": "problems",
    "Dashboard": "dashboard",
    "AuditQueue": "audit",
    "Portfolio": "portfolio",
    "AdminArea": "admin",
    "IntakeForm": "intake",
    "CentreBoard": "board",
    "NotificationPanel": "notifications",
    "KnowledgePanel": "knowledge",
}
#: The administrator's tabs inside 管理, in their order.
ADMIN_TABS = ["departments", "users", "categories", "chains", "calendar"]


def shoot_window(window: MainWindow, out: Path, stem: str, suffix: str) -> None:
    deadline = time.monotonic() + (0 if window.admin_area is not None else 20)  # an admin has no orders
    while window.model.rowCount() == 0 and time.monotonic() < deadline:
        settle(200)
    settle()
    if window.model.rowCount():
        table = window.table
        click(table.viewport(), table.visualRect(window.model.index(0, 2)).center())
        settle(1200)
    save(window, out, f"{stem}_workbench_{suffix}")
    bar = window.tabs.tabBar()
    for index in range(1, window.tabs.count()):
        name = SCREEN_NAMES.get(type(window.tabs.widget(index)).__name__, f"tab{index}")
        click(bar, bar.tabRect(index).center())
        settle(2500)
        if window.tabs.widget(index) is window.admin_area and window.admin_area is not None:
            shoot_admin(window, window.admin_area.tabs, out, stem, suffix)
            continue
        save(window, out, f"{stem}_{name}_{suffix}")
    click(bar, bar.tabRect(0).center())
    lock = IdleLock(window, window.workspace, lambda: 60)  # as the application attaches it; locked at once here
    lock.lock()
    settle(300)
    save(window, out, f"{stem}_lock_{suffix}")
    lock.unlock()
    lock.stop()


def shoot_admin(window: MainWindow, tabs: QTabWidget, out: Path, stem: str, suffix: str) -> None:
    """Each tab of 管理, its first row selected so the form shows a real record."""
    bar = tabs.tabBar()
    for index, name in enumerate(ADMIN_TABS):
        click(bar, bar.tabRect(index).center())
        settle(800)
        table = getattr(tabs.widget(index), "table", None)
        if table is not None and table.rowCount():
            click(table.viewport(), table.visualItemRect(table.item(0, 1) or table.item(0, 0)).center())
            settle(400)
        save(window, out, f"{stem}_admin_{name}_{suffix}")
    click(bar, bar.tabRect(0).center())


def shoot_devices(window: MainWindow, out: Path, stem: str, suffix: str) -> None:
    """文件 → 登录设备… over the window, as it appears on the screen."""
    dialog = window.menus.show_devices()
    deadline = time.monotonic() + 10
    while dialog.table.rowCount() == 0 and time.monotonic() < deadline:
        settle(200)
    settle()
    picture, shot = window.grab(), dialog.grab()
    painter = QPainter(picture)
    painter.drawPixmap((picture.width() - shot.width()) // 2, (picture.height() - shot.height()) // 3, shot)
    painter.end()
    path = out / f"{stem}_devices_{suffix}"
    if not picture.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    dialog.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--sizes", default="1366x768,1920x1080")
    parser.add_argument("--users", default=",".join(DEMO_USERS))
    parser.add_argument("--languages", default="zh,en")
    parser.add_argument("--readme", action="store_true", help="also copy the README's pictures into docs/")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="casedesk-shots-"))
    server, url = start_server(work / "server")
    app = QApplication(sys.argv[:1])
    languages = Languages(app)
    runner = TaskRunner()
    try:
        for language in args.languages.split(","):
            languages.use(language)
            dialog = SignInDialog(url, "handler", lambda *a: None, language)
            dialog.show()
            settle()
            save(dialog, out, f"signin_{language}.png")
            dialog.close()
        for username in args.users.split(","):
            workspace = sign_in(url, username, DEMO_PASSWORD, work / "desks", runner)
            workspace.sync_once()
            for language in args.languages.split(","):
                languages.use(language)
                for width, height in sizes:
                    window = MainWindow(workspace, list(DEMO_USERS), language)
                    window.resize(width, height)
                    window.show()
                    shoot_window(window, out, username, f"{language}_{width}.png")
                    if username == "handler":
                        shoot_devices(window, out, username, f"{language}_{width}.png")
                    window.close()
                    window.deleteLater()
                    settle(100)
            workspace.stop()
    finally:
        runner.wait(10_000)
        server.terminate()
        server.wait(20)
        shutil.rmtree(work, ignore_errors=True)
    if args.readme:
        for shot, copy in README.items():
            if (out / shot).exists():
                shutil.copyfile(out / shot, ROOT / "docs" / copy)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
