"""The Windows installer script, the bundle's entry script and the release workflow, read (and the entry script
run) here; the release workflow itself runs on GitHub's Windows, macOS and Linux machines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "packaging" / "windows-installer.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def inno_sections(path: Path) -> dict[str, list[str]]:
    """The script's lines by [Section], without comments, preprocessor lines and blank lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):  # comments and preprocessor lines
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            sections.setdefault(current, [])
        elif current:
            sections[current].append(line)
    return sections


def setup_values() -> dict[str, str]:
    return dict(line.split("=", 1) for line in inno_sections(INSTALLER)["Setup"])


def registry_entries() -> list[dict[str, str]]:
    """Each [Registry] line as its parameters: Root, Subkey, ValueName, ValueData…"""
    entries = []
    for line in inno_sections(INSTALLER)["Registry"]:
        parameters = {}
        for part in re.findall(r'(\w+): ("(?:[^"]|"")*"|[^;]*)', line):
            name, value = part
            parameters[name] = value.strip()[1:-1].replace('""', '"') if value.startswith('"') else value.strip()
        entries.append(parameters)
    return entries


def test_installer_is_per_user_without_administrator_rights() -> None:
    setup = setup_values()
    assert setup["PrivilegesRequired"] == "lowest"
    # An administrator may still choose an all-users install, in the wizard or with /ALLUSERS.
    assert setup["PrivilegesRequiredOverridesAllowed"].split() == ["dialog", "commandline"]
    # {autopf} is %LOCALAPPDATA%\Programs when installing for the current user.
    assert setup["DefaultDirName"] == r"{autopf}\{#AppName}"
    assert setup["ChangesAssociations"] == "yes"
    assert "AppId" in setup


def test_installer_adds_a_start_menu_shortcut() -> None:
    icons = inno_sections(INSTALLER)["Icons"]
    assert any(line.startswith(r'Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"') for line in icons)
    assert any("{uninstallexe}" in line for line in icons)


def test_installer_associates_workspace_files_in_the_users_classes() -> None:
    entries = registry_entries()
    # HKA is HKEY_CURRENT_USER in a per-user install (HKEY_LOCAL_MACHINE only when installed for all users).
    assert {entry["Root"] for entry in entries} == {"HKA"}
    keys = {(entry["Subkey"], entry["ValueName"]): entry["ValueData"] for entry in entries}
    assert keys[(r"Software\Classes\.locality", "")] == "Locality.Workspace"
    assert (r"Software\Classes\.locality\OpenWithProgids", "Locality.Workspace") in keys
    assert keys[(r"Software\Classes\Locality.Workspace", "")] == "Locality workspace"
    command = keys[(r"Software\Classes\Locality.Workspace\shell\open\command", "")]
    assert command == r'"{app}\{#AppExe}" --db "%1"'
    assert all(entry.get("Tasks") == "association" for entry in entries), "the association can be declined"


def test_windowed_bundle_commands_run_without_a_console(tmp_path: Path) -> None:
    """The bundle's entry script, started as a windowed Windows build starts it (no sys.stdout or sys.stderr),
    still runs a command to the end: without its guard, ``demo`` failed on its first print, exit status 1."""
    workspace = tmp_path / "demo.locality"
    code = (
        "import sys\n"
        "sys.stdout = sys.stderr = None\n"
        f"sys.argv = ['Locality', 'demo', '--db', {str(workspace)!r}, '--size', 'small']\n"
        f"exec(compile(open({str(ROOT / 'packaging' / 'launch.py')!r}).read(), 'launch.py', 'exec'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert workspace.is_file()


def test_release_workflow_builds_each_system_on_a_version_tag() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert triggers["push"]["tags"] == ["v*"]
    jobs = workflow["jobs"]
    assert set(jobs) == {"version", "windows", "macos", "linux", "publish"}
    assert jobs["windows"]["runs-on"] == "windows-latest"
    assert jobs["macos"]["runs-on"] == "macos-latest"
    assert jobs["linux"]["runs-on"].startswith("ubuntu")
    assert jobs["publish"]["needs"] == ["version", "windows", "macos", "linux"]

    def commands(job: str) -> str:
        return "\n".join(step.get("run", "") for step in jobs[job]["steps"])

    assert "pyinstaller --noconfirm packaging/locality.spec" in commands("windows")
    assert "choco install innosetup" in commands("windows") and "iscc.exe" in commands("windows")
    assert "packaging\\windows-installer.iss" in commands("windows")
    assert "/CURRENTUSER" in commands("windows"), "the installer is tried without administrator rights"
    assert "hdiutil create" in commands("macos")
    assert "bash packaging/build-linux.sh" in commands("linux")
    assert "bash packaging/smoke-test.sh" in commands("linux")
    uploads = [
        step["with"]["path"]
        for name in ("windows", "macos", "linux")
        for step in jobs[name]["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact")
    ]
    assert uploads == ["dist/Locality-*-setup.exe", "dist/Locality-*-macos.dmg", "dist/locality_*_amd64.deb"]


def test_release_workflow_uses_the_pyinstaller_build_linux_uses() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    pinned = re.search(r'PYINSTALLER_REQUIREMENT="([^"]+)"', (ROOT / "packaging" / "build-linux.sh").read_text())
    assert pinned and workflow["env"]["PYINSTALLER"] == pinned.group(1)
    assert os.path.basename(WORKFLOW) == "release.yml"
