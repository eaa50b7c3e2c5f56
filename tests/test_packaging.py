"""The wheel carries migrations/ and resources/ inside the package, where locality.paths looks for them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_migrations_and_resources(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("locality-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    # Every module of the source tree: a package missing from pyproject's list installs without it, and
    # `pip install .` then starts no window (as locality.ui.dashboard once did).
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "locality").rglob("*.py")}
    assert modules and not modules - names, f"missing from the wheel: {sorted(modules - names)}"
    revisions = {path.name for path in (ROOT / "migrations" / "versions").glob("*.py")}
    for revision in revisions:
        assert f"locality/_migrations/versions/{revision}" in names
    assert "locality/_migrations/env.py" in names
    assert "locality/_migrations/script.py.mako" in names
    icons = {path.name for path in (ROOT / "resources" / "icons").glob("*.svg")}
    assert icons and all(f"locality/_resources/icons/{icon}" in names for icon in icons)
    assert "locality/_resources/style.qss" in names
    assert "locality/_resources/demo/phrases.json" in names


def _readme_qt_packages() -> list[str]:
    """The packages .ci/run installs, read by .ci/run's own function from the README's apt-get line."""
    script = f'cd "{ROOT}" && source <(sed -n "/^readme_qt_packages()/,/^}}/p" .ci/run) && readme_qt_packages'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    return result.stdout.split()


def _debian_package_of(soname: str) -> str:
    """Debian's name for the package of a shared library: libxcb-icccm.so.4 -> libxcb-icccm4,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a dash when the name ends in a digit)."""
    name, _, version = soname.partition(".so.")
    name = name.lower()
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def test_readme_apt_line_names_every_library_qt_windows_load() -> None:
    import PySide6

    packages = _readme_qt_packages()
    qt = Path(PySide6.__file__).parent / "Qt"
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    readelf = subprocess.run(["readelf", "-d", str(plugin)], capture_output=True, text=True)
    if readelf.returncode != 0 or not plugin.exists():  # pragma: no cover - not a Linux wheel
        raise AssertionError(f"cannot read {plugin}")
    needed = [line.split("[")[1].rstrip("]") for line in readelf.stdout.splitlines() if "(NEEDED)" in line]
    bundled = {path.name for path in (qt / "lib").iterdir()}
    system_xcb = [
        name for name in needed if name.startswith(("libxcb", "libxkbcommon", "libX11")) and name not in bundled
    ]
    assert "libxcb-icccm.so.4" in system_xcb  # the one a bare Debian lacked
    missing = [name for name in system_xcb if _debian_package_of(name) not in packages]
    assert not missing, f"README's apt-get line lacks the packages of {missing}"
    # One list: .ci/run keeps none of its own.
    assert "QT_DEB_PACKAGES=(" not in (ROOT / ".ci" / "run").read_text()
