"""Every path the application uses, in one place.

The top-level ``migrations/`` and ``resources/`` folders are found the same way whether Locality runs from a
source tree, an installed wheel (where they ship as ``locality/_migrations`` and ``locality/_resources``) or a
PyInstaller bundle (where the spec copies them beside the executable's unpacked files).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Locality"
APP_AUTHOR = "Locality"
DEFAULT_WORKSPACE_NAME = "workspace.locality"
#: The demo partnership the welcome offers, made beside the default workspace; a workspace with this file name
#: says in the window title that it is the demo.
DEMO_WORKSPACE_NAME = "Demo partnership.locality"

# Lets tests and developers keep their data away from the real user folder.
DATA_DIR_OVERRIDE_ENV = "LOCALITY_DATA_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped_dir(source_name: str, packaged_name: str) -> Path:
    bundle_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle_root:
        candidates.append(Path(bundle_root) / source_name)
    candidates.append(_PACKAGE_DIR / packaged_name)
    candidates.append(_PACKAGE_DIR.parent / source_name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Locality's {source_name} folder is missing from this installation.")


def migrations_dir() -> Path:
    return _shipped_dir("migrations", "_migrations")


def resources_dir() -> Path:
    return _shipped_dir("resources", "_resources")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def user_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_OVERRIDE_ENV)
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_workspace_path() -> Path:
    return user_data_dir() / DEFAULT_WORKSPACE_NAME


def demo_workspace_path() -> Path:
    return user_data_dir() / DEMO_WORKSPACE_NAME


def is_demo_workspace(path: Path | None) -> bool:
    return path is not None and path.name == DEMO_WORKSPACE_NAME


def log_dir() -> Path:
    path = user_data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
