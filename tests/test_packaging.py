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
    revisions = {path.name for path in (ROOT / "migrations" / "versions").glob("*.py")}
    for revision in revisions:
        assert f"locality/_migrations/versions/{revision}" in names
    assert "locality/_migrations/env.py" in names
    assert "locality/_migrations/script.py.mako" in names
    icons = {path.name for path in (ROOT / "resources" / "icons").glob("*.svg")}
    assert icons and all(f"locality/_resources/icons/{icon}" in names for icon in icons)
    assert "locality/_resources/style.qss" in names
