"""The layering of DESIGN.md is a checked contract: import-linter's contracts live in pyproject.toml."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename='pyproject.toml'))"


def test_import_contracts_hold() -> None:
    result = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    summary = re.search(r"Contracts: (\d+) kept, (\d+) broken", output)
    assert summary is not None, output
    assert int(summary.group(1)) >= 4 and summary.group(2) == "0", output


def test_every_page_module_is_in_the_independence_contract() -> None:
    """A new page must join the contract, or it could quietly import another page."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    independent = next(c for c in contracts if c["type"] == "independence")
    pages = {
        f"locality.ui.{path.stem}" for path in (ROOT / "locality" / "ui").glob("*_page.py") if path.stem != "list_page"
    }
    assert pages | {"locality.ui.needs_map"} <= set(independent["modules"])
