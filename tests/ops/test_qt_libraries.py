"""``dev.py run`` names the Debian packages of the system libraries Qt's xcb plugin lacks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import PySide6
import pytest

ROOT = Path(__file__).resolve().parents[2]

# What `ldd libqxcb.so` says on a fresh Debian 12 without the xcb utility libraries (abridged).
LDD_MISSING = """\
\tlinux-vdso.so.1 (0x00007ffd5a1f2000)
\tlibQt6XcbQpa.so.6 => /opt/venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f1d2c000000)
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-image.so.0 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-randr.so.0 => /lib/x86_64-linux-gnu/libxcb-randr.so.0 (0x00007f1d2bfe0000)
\tlibxcb-render-util.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-shape.so.0 => not found
\tlibxcb-xinerama.so.0 => not found
\tlibX11-xcb.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f1d2bf00000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f1d2c3a0000)
"""


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("casedesk_dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev() -> ModuleType:
    return load_dev()


@pytest.fixture
def pyside_dir(tmp_path: Path) -> Path:
    plugin = tmp_path / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-image.so.0", "libxcb-image0"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libxcb-xinerama.so.0", "libxcb-xinerama0"),
        ("libxcb-randr.so.0", "libxcb-randr0"),
        ("libxcb-shape.so.0", "libxcb-shape0"),
        ("libxcb-util.so.1", "libxcb-util1"),
        ("libxcb.so.1", "libxcb1"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libxkbcommon.so.0", "libxkbcommon0"),
        ("libGL.so.1", "libgl1"),
        ("libEGL.so.1", "libegl1"),
        ("libfontconfig.so.1", "libfontconfig1"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libdbus-1.so.3", "libdbus-1-3"),
    ],
)
def test_debian_package_names(dev: ModuleType, soname: str, package: str) -> None:
    assert dev.debian_package(soname) == package


def test_missing_libraries_give_one_apt_get_line(dev: ModuleType, pyside_dir: Path) -> None:
    seen: list[Path] = []

    def ldd(path: Path) -> str:
        seen.append(path)
        return LDD_MISSING

    problem = dev.qt_libraries_problem(pyside_dir, environ={}, platform="linux", ldd=ldd)
    assert seen == [pyside_dir / "Qt" / "plugins" / "platforms" / "libqxcb.so"]
    apt = [line.strip() for line in problem.splitlines() if "apt-get install" in line]
    assert apt == [
        "sudo apt-get install libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
        "libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libx11-xcb1"
    ]
    assert "libxcb-randr0" not in problem  # found: not asked for
    assert dev.qt_libraries_problem(pyside_dir, environ={"QT_QPA_PLATFORM": "xcb"}, platform="linux", ldd=ldd)


def test_nothing_to_say_when_every_library_is_there(dev: ModuleType, pyside_dir: Path) -> None:
    present = "\n".join(line for line in LDD_MISSING.splitlines() if "not found" not in line)
    assert dev.qt_libraries_problem(pyside_dir, environ={}, platform="linux", ldd=lambda _: present) is None


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({"QT_QPA_PLATFORM": "wayland"}, "linux"),
        ({}, "win32"),
        ({}, "darwin"),
    ],
)
def test_skipped_off_linux_or_with_another_platform_plugin(
    dev: ModuleType, pyside_dir: Path, environ: dict[str, str], platform: str
) -> None:
    def ldd(path: Path) -> str:
        raise AssertionError("ldd must not run")

    assert dev.qt_libraries_problem(pyside_dir, environ=environ, platform=platform, ldd=ldd) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd")
def test_the_real_plugin_here_has_its_libraries(dev: ModuleType) -> None:
    """On this machine (the xcb libraries installed) the real ldd over PySide6's real plugin finds them all."""
    pyside_dir = Path(PySide6.__file__).parent
    assert (pyside_dir / "Qt" / "plugins" / "platforms" / "libqxcb.so").exists()
    assert "libxcb-icccm.so.4 =>" in dev._ldd(pyside_dir / "Qt" / "plugins" / "platforms" / "libqxcb.so")
    assert dev.qt_libraries_problem(pyside_dir, environ={}, platform="linux") is None
