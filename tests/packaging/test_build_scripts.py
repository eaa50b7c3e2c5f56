"""packaging/build-linux.sh and packaging/smoke-test.sh, read and partly run without building anything (the
build takes minutes: .ci/run runs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "build-linux.sh"
SMOKE = ROOT / "packaging" / "smoke-test.sh"
CI = ROOT / ".ci" / "run"


def shell_function(script: Path, name: str) -> str:
    """The text of one function of a bash script, to source on its own."""
    match = re.search(rf"^{name}\(\) {{\n.*?^}}\n", script.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    assert match, f"{script.name} has no function {name}"
    return match.group(0)


def run_function(script: Path, name: str, *arguments: str) -> str:
    source = shell_function(script, name) + f'{name} "$@"\n'
    result = subprocess.run(
        ["bash", "-c", source, name, *arguments], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.mark.parametrize("script", [BUILD, SMOKE], ids=lambda path: path.name)
def test_scripts_stop_at_the_first_failure(script: Path) -> None:
    lines = script.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines, f"{script.name} must stop at the first failure"
    assert script.stat().st_mode & 0o111, f"{script.name} is executable"
    subprocess.run(["bash", "-n", str(script)], check=True)
    if shutil.which("shellcheck"):
        result = subprocess.run(["shellcheck", "-S", "warning", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


def test_package_depends_on_the_readme_qt_libraries_that_ci_installs() -> None:
    """The .deb's Depends and .ci/run read one list, the README's "System libraries for Qt" line, with one
    function: build-linux.sh takes .ci/run's, as its own lines do it."""
    text = BUILD.read_text(encoding="utf-8")
    assert not re.search(r"^readme_qt_packages\(\)", text, re.MULTILINE), "no copy of its own"
    loader = next(line for line in text.splitlines() if line.startswith("source <(") and ".ci/run" in line)
    result = subprocess.run(
        ["bash", "-c", f"{loader}\nreadme_qt_packages"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    packages = result.stdout.split()
    assert packages == run_function(CI, "readme_qt_packages").split()
    assert "libxcb-cursor0" in packages and "libegl1" in packages


def test_glibc_version_is_the_newest_any_library_asks_for(tmp_path: Path) -> None:
    if not shutil.which("objdump"):
        pytest.skip("objdump (binutils) is not installed")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    shutil.copy(shutil.which("sh") or "/bin/sh", bundle / "sh")
    (bundle / "launch").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")  # not ELF: ignored
    (bundle / "launch").chmod(0o755)
    version = run_function(BUILD, "bundle_glibc_version", str(bundle)).strip()
    assert re.fullmatch(r"2\.\d+(\.\d+)?", version), version
    wanted = subprocess.run(["objdump", "-T", str(bundle / "sh")], capture_output=True, text=True).stdout
    versions = {tuple(map(int, found.split("."))) for found in re.findall(r"GLIBC_([0-9.]+[0-9])", wanted)}
    assert tuple(map(int, version.split("."))) == max(versions)


def test_build_script_makes_what_the_package_needs() -> None:
    text = BUILD.read_text(encoding="utf-8")
    assert "dpkg-deb --root-owner-group" in text
    assert "packaging/locality.spec" in text
    assert 'ln -s /opt/locality/Locality "$STAGE/usr/bin/locality"' in text
    for installed in (
        "/usr/share/applications/$APP_ID.desktop",
        "/usr/share/mime/packages/locality.xml",
        "/usr/share/metainfo",
        "scalable/apps/$APP_ID.svg",
        "DEBIAN/control",
    ):
        assert installed in text


def test_ci_builds_and_smoke_tests_the_package() -> None:
    text = CI.read_text(encoding="utf-8")
    build, smoke = text.find("bash packaging/build-linux.sh"), text.find("bash packaging/smoke-test.sh")
    assert 0 < build < smoke, "CI builds, then smoke-tests"
    assert text.find('run_check "mypy"') < build, "after the tests and linters"
    assert text.find('section "Summary"') > smoke, "a failure shows in the summary and fails the run"
