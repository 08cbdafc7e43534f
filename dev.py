#!/usr/bin/env python3
"""The two commands a newcomer needs, from a fresh machine with only Python.

    python3 dev.py run     install, then open the desktop client on the bundled server with a demo city
    python3 dev.py serve   install, then run only the case server with the demo city (API docs at /docs)
    python3 dev.py test    install, then run the whole test suite
    python3 dev.py screenshots   every screen of every demo role, zh and en, 1366×768 and 1920×1080, from a real
                           demo server, into screenshots/ (--readme also refreshes the README's pictures in docs/)
    python3 dev.py bundle [--deb]   the desktop client as a self-contained folder (PyInstaller) in dist/casedesk/;
                           --deb also dist/casedesk_<version>_amd64.deb (Linux, needs dpkg-deb)
    python3 dev.py lint    ruff check, ruff format --check and mypy (what tests/test_static.py also checks)
    python3 dev.py i18n    extract the UI's strings into resources/i18n/casedesk_en.ts (keeping every
                           translation), compile casedesk_en.qm, and count what is left untranslated

Everything is installed into ``.venv`` beside this file; a second run reinstalls only when
``pyproject.toml`` changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable, Mapping
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
    digest = _project_digest()
    if _installed(extras, digest):
        return
    print("installing dependencies …", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def _project_digest() -> str:
    """What an install depends on: pyproject.toml's content as TOML values, so that a comment or a
    reformatting never sends every ``dev.py`` run back to pip."""
    import json
    import tomllib

    content = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _installed(extras: str, digest: str) -> bool:
    """Whether ``extras`` are installed for this pyproject.toml: stamped by their own install or by one that
    took them in (``dev.py test`` installs ``server,test``; ``dev.py lint`` needs only ``test`` of it)."""
    wanted = set(filter(None, extras.split(",")))
    for stamp in VENV.glob(".installed-*"):
        had = set(stamp.name.removeprefix(".installed-").split(",")) - {"base"}
        if wanted <= had and stamp.read_text() == digest:
            return True
    return False


#: Debian package of each system library Qt's xcb platform plugin loads (``ldd libqxcb.so``, PySide6 6.x),
#: for those whose package name does not follow from the library's name (see :func:`debian_package`).
DEBIAN_PACKAGES = {
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
}


def debian_package(soname: str) -> str:
    """The Debian (and Ubuntu, UOS, Kylin) package that ships a shared library, by Debian's naming policy:
    ``libxcb-icccm.so.4`` → ``libxcb-icccm4``, ``libxcb-render-util.so.0`` → ``libxcb-render-util0``."""
    if soname in DEBIAN_PACKAGES:
        return DEBIAN_PACKAGES[soname]
    match = re.fullmatch(r"(.+)\.so\.(\d+)", soname)
    if match is None:
        return soname
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as ``not found``, in its order, each once."""
    found = re.findall(r"^\s*(\S+)\s+=>\s+not found", ldd_output, flags=re.MULTILINE)
    return list(dict.fromkeys(found))


def _ldd(path: Path) -> str:
    done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def qt_libraries_problem(
    pyside_dir: Path,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    ldd: Callable[[Path], str] = _ldd,
) -> str | None:
    """What to tell the user when Qt's xcb platform plugin (the desk's window on Linux) cannot load
    because system libraries are missing, with the one ``apt-get install`` line; None when it can,
    or when the check does not apply (not Linux, another platform plugin chosen, no ``ldd``)."""
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if not platform.startswith("linux") or (chosen and not chosen.startswith("xcb")):
        return None
    if ldd is _ldd and shutil.which("ldd") is None:
        return None
    plugin = pyside_dir / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None
    missing = missing_libraries(ldd(plugin))
    if not missing:
        return None
    packages = list(dict.fromkeys(debian_package(soname) for soname in missing))
    return (
        "CaseDesk cannot open its window: Qt's xcb platform plugin needs system libraries that are missing:\n"
        f"  {' '.join(missing)}\n"
        "Install them (Debian, Ubuntu, UOS, Kylin):\n"
        f"  sudo apt-get install {' '.join(packages)}\n"
        "(or set QT_QPA_PLATFORM to another platform plugin, such as wayland)"
    )


def run(args: list[str]) -> int:
    """The desktop client; with no --server it starts the bundled server with the demo city."""
    ensure_installed("server")  # the bundled demo server needs the server's packages
    where = subprocess.run(
        [str(PYTHON), "-c", "import PySide6, os; print(os.path.dirname(PySide6.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    problem = qt_libraries_problem(Path(where.stdout.strip()))
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return subprocess.call([str(PYTHON), "main.py", *args], cwd=ROOT)


def serve(args: list[str]) -> int:
    ensure_installed("server")
    env = {**os.environ, "CASEDESK_DATA_DIR": os.environ.get("CASEDESK_DATA_DIR", str(DEMO_DATA))}
    env.setdefault("CASEDESK_DEMO_MODE", "1")  # the demo users keep the demo password
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


I18N = ROOT / "resources" / "i18n"


def i18n(args: list[str]) -> int:
    """lupdate over ui/ and desktop/ into the English .ts, then lrelease; exits 1 while any message is unfinished."""
    import xml.etree.ElementTree as ET

    tools = PYTHON.parent
    if shutil.which("pyside6-lupdate", path=str(tools)) is None:
        ensure_installed("")  # the desk's packages carry Qt's tools
    ts, qm = I18N / "casedesk_en.ts", I18N / "casedesk_en.qm"
    sources = sorted(str(p.relative_to(ROOT)) for folder in ("ui", "desktop") for p in (ROOT / folder).rglob("*.py"))
    lupdate = [str(tools / "pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts.relative_to(ROOT))]
    subprocess.run(lupdate, check=True, cwd=ROOT)
    subprocess.run([str(tools / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, cwd=ROOT)
    gaps = I18N / "qt_gaps_zh_CN.ts"  # hand-written: Qt's own strings that qtbase_zh_CN lacks
    lrelease_gaps = [str(tools / "pyside6-lrelease"), str(gaps), "-qm", str(gaps.with_suffix(".qm"))]
    subprocess.run(lrelease_gaps, check=True, cwd=ROOT)
    unfinished = []
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") == "unfinished" or not (translation.text or "").strip():
                unfinished.append(f"  [{context.findtext('name')}] {message.findtext('source')}")
    print(f"{len(unfinished)} unfinished message(s) in {ts.relative_to(ROOT)}", *unfinished, sep="\n")
    if unfinished:
        print("translate them in Qt Linguist (pyside6-linguist), or add them to resources/i18n/fill_en.py and run it")
    return 1 if unfinished else 0


def lint(args: list[str]) -> int:
    ensure_installed("test")
    steps = [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]]
    failed = [" ".join(step) for step in steps if subprocess.call([str(PYTHON), "-m", *step, *args], cwd=ROOT)]
    print("lint: clean" if not failed else f"lint: failed: {', '.join(failed)}")
    return 1 if failed else 0


def screenshots(args: list[str]) -> int:
    ensure_installed("server")
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    return subprocess.call([str(PYTHON), "docs/screenshots.py", *args], env=env, cwd=ROOT)


BUNDLE_VENV = Path(os.environ.get("CASEDESK_BUNDLE_VENV", ROOT / ".venv-bundle"))
DIST = ROOT / "dist"
#: The system libraries a bundle needs on Debian (Qt's xcb platform plugin and what Qt links; see
#: DEBIAN_PACKAGES and ``ldd dist/casedesk/_internal/PySide6/Qt/plugins/platforms/libqxcb.so``).
DEB_DEPENDS = (
    "libc6 (>= 2.34), libgl1, libegl1, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0, "
    "libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, "
    "libxcb-randr0, libxcb-render-util0, libxcb-render0, libxcb-shape0, libxcb-shm0, libxcb-sync1, "
    "libxcb-util1, libxcb-xfixes0, libxcb-xkb1, libxkbcommon0, libxkbcommon-x11-0"
)
#: Fonts for Chinese a bundle may carry (Noto Sans CJK, SIL Open Font License), the first found.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)


def bundle(args: list[str]) -> int:
    """PyInstaller one-folder build of the desk (no server packages), and with --deb a Debian package."""
    python = BUNDLE_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print(f"creating {BUNDLE_VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(BUNDLE_VENV)
    print("installing the desk and PyInstaller …", flush=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "pyinstaller>=6.10", "."], check=True, cwd=ROOT)  # the desk's dependencies only
    subprocess.run([*pip, "--force-reinstall", "--no-deps", "."], check=True, cwd=ROOT)  # the code as it is now
    font = next((f for f in CJK_FONTS if Path(f).is_file()), "")
    if not font:
        print("no Noto Sans CJK font on this machine: the bundle relies on the PC's fonts for Chinese")
    env = {**os.environ, "CASEDESK_BUNDLE_FONT": font}
    build = [str(python), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"]
    build += ["--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"), "packaging/casedesk.spec"]
    subprocess.run(build, check=True, cwd=ROOT, env=env)
    folder = DIST / "casedesk"
    print(f"bundle: {folder}  (run {folder / 'casedesk'})")
    if "--deb" in args:
        version = subprocess.run(
            [str(python), "-c", "from importlib.metadata import version; print(version('casedesk'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"package: {build_deb(folder, version)}")
    return 0


def build_deb(folder: Path, version: str) -> Path:
    """``casedesk_<version>_amd64.deb``: the bundle in /opt/casedesk, /usr/bin/casedesk, a menu entry and icon."""
    stage = ROOT / "build" / "deb" / "casedesk"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(folder, stage / "opt" / "casedesk", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "casedesk").symlink_to("/opt/casedesk/casedesk")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy(ROOT / "packaging" / "casedesk.desktop", applications / "casedesk.desktop")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "casedesk.svg", icons / "casedesk.svg")
    size_kib = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN" / "control").write_text(
        "Package: casedesk\n"
        f"Version: {version}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Architecture: amd64\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {DEB_DEPENDS}\n"
        "Maintainer: CaseDesk <casedesk@example.gov.cn>\n"
        "Description: CaseDesk desktop client for 12345 hotline work orders\n"
        " The departments' desk of a city's 12345 government service hotline: work lists,\n"
        " on-site checks with photos, replies and their review chain, offline work.\n"
        " Self-contained (Python and Qt inside); signs in to a CaseDesk server.\n"
    )
    target = DIST / f"casedesk_{version}_amd64.deb"
    subprocess.run(["fakeroot", "dpkg-deb", "--build", "-Zgzip", str(stage), str(target)], check=True)
    return target


def main() -> int:
    commands = {
        "run": run,
        "serve": serve,
        "test": test,
        "i18n": i18n,
        "screenshots": screenshots,
        "lint": lint,
        "bundle": bundle,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[sys.argv[1]](sys.argv[2:])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
