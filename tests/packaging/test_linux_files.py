"""The files the Debian package installs (packaging/linux), checked without building it: the real build and its
installation are exercised by packaging/build-linux.sh and packaging/smoke-test.sh in .ci/run."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from locality.paths import DEFAULT_WORKSPACE_NAME

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.locality.Locality"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME = LINUX / "locality-mime.xml"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
WORKSPACE_TYPE = "application/x-locality-workspace"


def desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    assert parser.sections() == ["Desktop Entry"], f"{path.name}: one [Desktop Entry] group"
    return dict(parser["Desktop Entry"])


def mime_type_element() -> ElementTree.Element:
    root = ElementTree.parse(MIME).getroot()
    assert root.tag == f"{MIME_NS}mime-info"
    types = root.findall(f"{MIME_NS}mime-type")
    assert [element.get("type") for element in types] == [WORKSPACE_TYPE]
    return types[0]


def filled_metainfo(tmp_path: Path) -> Path:
    """The metainfo as build-linux.sh installs it, with the version and release date filled in."""
    text = METAINFO.read_text(encoding="utf-8").replace("@VERSION@", "0.1.0").replace("@DATE@", "2026-12-07")
    path = tmp_path / METAINFO.name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", [DESKTOP, ROOT / "packaging" / "locality.desktop"], ids=lambda path: path.name)
def test_desktop_entries_are_valid(path: Path) -> None:
    entry = desktop_entry(path)
    for key in ("Type", "Name", "Exec", "Icon", "Categories"):
        assert entry.get(key), f"{path.name} lacks {key}"
    assert entry["Type"] == "Application"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and "error" not in result.stdout.lower(), result.stdout + result.stderr


def test_package_desktop_entry_opens_workspace_files() -> None:
    entry = desktop_entry(DESKTOP)
    assert entry["MimeType"] == f"{WORKSPACE_TYPE};"
    program, *arguments = entry["Exec"].split()
    assert arguments == ["%f"], "a double-clicked file reaches the launcher as its one argument"
    assert program == "/usr/libexec/locality/open-workspace"
    assert entry["Icon"] == APP_ID
    assert entry["TryExec"] == "/opt/locality/Locality"


def test_launcher_opens_the_file_given_or_else_the_default_workspace(tmp_path: Path) -> None:
    """open-workspace with a stand-in for the bundle's executable that records its arguments."""
    recorder = tmp_path / "Locality"
    recorder.write_text('#!/bin/sh\nfor arg in "$@"; do printf "[%s]" "$arg"; done\n', encoding="utf-8")
    recorder.chmod(0o755)
    launcher = tmp_path / "open-workspace"
    text = (LINUX / "open-workspace").read_text(encoding="utf-8")
    assert text.count("/opt/locality/Locality") == 2
    launcher.write_text(text.replace("/opt/locality/Locality", str(recorder)), encoding="utf-8")
    launcher.chmod(0o755)

    def launch(*arguments: str) -> str:
        return subprocess.run([str(launcher), *arguments], capture_output=True, text=True, check=True).stdout

    assert launch("/home/jo/My plans/west shire.locality") == "[--db][/home/jo/My plans/west shire.locality]"
    assert launch() == ""
    assert launch("") == ""  # an empty %f from a desktop that substitutes one
    assert (LINUX / "open-workspace").stat().st_mode & 0o111, "the launcher is executable in the repository"


def test_metainfo_names_the_application(tmp_path: Path) -> None:
    root = ElementTree.parse(filled_metainfo(tmp_path)).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == "Locality"
    summary = root.findtext("summary") or ""
    assert summary and not summary.endswith(".") and len(summary) <= 80
    description = root.find("description")
    assert description is not None and description.find("p") is not None
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("provides/mediatype") == WORKSPACE_TYPE
    assert root.findtext("icon") == desktop_entry(DESKTOP)["Icon"]
    release = root.find("releases/release")
    assert release is not None and release.get("version") == "0.1.0"


def test_metainfo_passes_appstreamcli(tmp_path: Path) -> None:
    if not shutil.which("appstreamcli"):
        pytest.skip("appstreamcli is not installed")
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(filled_metainfo(tmp_path))], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mime_type_recognises_workspaces_by_name_and_contents(workspace_path: Path) -> None:
    mime_type = mime_type_element()
    assert mime_type.findtext(f"{MIME_NS}comment") == "Locality workspace"
    globs = [glob.get("pattern") for glob in mime_type.findall(f"{MIME_NS}glob")]
    assert globs == ["*" + Path(DEFAULT_WORKSPACE_NAME).suffix] == ["*.locality"]
    parent = mime_type.find(f"{MIME_NS}sub-class-of")
    assert parent is not None and parent.get("type") == "application/vnd.sqlite3"
    magic = mime_type.find(f"{MIME_NS}magic")
    assert magic is not None and int(magic.get("priority", "50")) < 50  # below SQLite's own type
    matches = magic.findall(f"{MIME_NS}match")
    assert len(matches) == 1 and matches[0].get("type") == "string"
    offset, value = int(matches[0].get("offset", "")), (matches[0].get("value") or "").encode()
    header = workspace_path.read_bytes()[: offset + len(value)]
    assert header[offset:] == value, "a real workspace starts with the bytes the magic looks for"


def test_mime_database_compiles_the_type(tmp_path: Path, workspace_path: Path) -> None:
    if not shutil.which("update-mime-database"):
        pytest.skip("update-mime-database (shared-mime-info) is not installed")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME, packages / "locality.xml")
    result = subprocess.run(
        ["update-mime-database", str(tmp_path / "mime")],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path)},  # else it notes that the folder is not searched
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert (tmp_path / "mime" / "application" / "x-locality-workspace.xml").is_file()
    assert f"{WORKSPACE_TYPE}:*.locality" in (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")


@pytest.mark.parametrize("script", ["postinst", "postrm", "open-workspace"])
def test_package_shell_scripts_parse(script: str) -> None:
    path = LINUX / script
    assert path.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    assert path.stat().st_mode & 0o111, f"{script} is executable"
    subprocess.run(["sh", "-n", str(path)], check=True)


def test_render_icons_paints_each_size(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(LINUX / "render_icons.py"),
            str(ROOT / "resources" / "icons" / "locality.svg"),
            str(tmp_path),
            APP_ID,
            "16",
            "48",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    for size in (16, 48):
        image = QImage(str(tmp_path / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        centre = image.pixelColor(size // 2, size // 2)
        assert centre.alpha() == 255, "the icon is painted, not left transparent"
