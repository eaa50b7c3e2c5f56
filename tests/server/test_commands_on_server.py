"""Every command and the window on a PostgreSQL workspace (``--db postgresql+psycopg://…``), as on a file: the
demo, check, upgrade, import, every export format, the board report and copy, and every page of the window.
Nothing printed carries the password. Runs against the test server (tests/postgres_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from locality import cli
from locality.app import build_main_window
from locality.ui.pages import PAGES
from locality.ui.workers import background_work_pending
from tests.postgres_server import server_schema


@pytest.fixture(scope="module")
def demo_on_server() -> Iterator[str]:
    """The small demo partnership on the server, made once for this module's tests (which only read it, or
    change it in ways the others do not look at)."""
    with server_schema() as url:
        assert cli.main(["demo", "--db", url, "--size", "small", "--seed", "1"]) == 0
        yield url


def _secret(url: str) -> str:
    return f":{make_url(url).password}@"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    output = capsys.readouterr()
    return code, output.out + output.err


def test_check_and_upgrade_on_a_server(demo_on_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, printed = _run(capsys, "check", "--db", demo_on_server)
    assert code == 0, printed
    assert "Integrity: ok" in printed and "  actions: " in printed
    code, printed = _run(capsys, "upgrade", "--db", demo_on_server)
    assert code == 0 and "latest schema" in printed
    assert _secret(demo_on_server) not in printed


@pytest.mark.parametrize("export_format", ["xlsx", "docx", "pdf", "csv", "html"])
def test_every_export_format_from_a_server(
    demo_on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], export_format: str
) -> None:
    out = tmp_path / f"plan.{export_format}"
    code, printed = _run(capsys, "export", "--db", demo_on_server, "--format", export_format, "--out", str(out))
    assert code == 0, printed
    assert out.stat().st_size > 1_000
    if export_format == "xlsx":
        assert load_workbook(out, read_only=True).sheetnames
    if export_format == "docx":
        assert any("Joint action plan" in paragraph.text for paragraph in Document(str(out)).paragraphs)


def test_the_board_report_from_a_server(
    demo_on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "board.pdf"
    code, printed = _run(
        capsys, "report", "--db", demo_on_server, "--kind", "board", "--format", "pdf", "--out", str(out)
    )
    assert code == 0, printed
    assert out.read_bytes().startswith(b"%PDF")


def test_import_into_a_server_all_or_nothing(
    demo_on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "organisations.csv"
    good.write_text("name,type,sector\nServer Import Housing Trust,Housing,Third sector\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,type,sector\nAnother Trust,Not a type,Public\n", encoding="utf-8")
    code, printed = _run(capsys, "import", "--db", demo_on_server, "--kind", "organisations", str(bad))
    assert code == 1 and "row 2" in printed
    code, printed = _run(capsys, "import", "--db", demo_on_server, "--kind", "organisations", str(good))
    assert code == 0, printed
    code, printed = _run(capsys, "check", "--db", demo_on_server)
    assert _secret(demo_on_server) not in printed


def test_a_demo_on_a_server_prints_no_password(capsys: pytest.CaptureFixture[str]) -> None:
    with server_schema() as url:
        code, printed = _run(capsys, "demo", "--db", url, "--size", "small")
        assert code == 0, printed
        assert "postgresql+psycopg://" in printed and _secret(url) not in printed


def test_copy_from_a_server_to_a_file(demo_on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "from-server.locality"
    code, printed = _run(capsys, "copy", "--from", demo_on_server, "--to", str(copy))
    assert code == 0, printed
    assert _secret(demo_on_server) not in printed
    _code, on_server = _run(capsys, "check", "--db", demo_on_server)
    _code, on_file = _run(capsys, "check", "--db", str(copy))
    assert on_file.split("Counts:")[1] == on_server.split("Counts:")[1]


def test_every_page_of_the_window_on_a_server(qtbot: QtBot, demo_on_server: str) -> None:
    window = build_main_window(demo_on_server)
    qtbot.addWidget(window)
    window.show()
    for row, spec in enumerate(PAGES):
        window.navigation.setCurrentRow(row)
        assert window.stack.currentWidget().objectName() == spec.object_name
        qtbot.wait(50)
    assert _secret(demo_on_server) not in window._status.text()
    # Every page's background load finished before the window and its schema go, so none fails afterwards.
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=60_000)
    window.close()
