"""The guard in ``tests/conftest.py``: a warning or critical message box fails a test unless the test asks for
``shown_warnings``, which is how it says that it expects one."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")


def test_an_unexpected_message_box_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nqt_api = pyside6\n")
    pytester.makepyfile(
        test_boxes="""
        from PySide6.QtWidgets import QMessageBox


        def test_unexpected_warning(qtbot):
            QMessageBox.warning(None, "Locality", "That action has been deleted")


        def test_unexpected_critical():
            QMessageBox.critical(None, "Locality", "Something broke")


        def test_expected_warning(shown_warnings):
            QMessageBox.warning(None, "Locality", "That file is not a workspace")
            assert shown_warnings == ["That file is not a workspace"]


        def test_no_box():
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(["*unexpected warning/critical message box*", "*That action has been deleted*"])
    result.stdout.fnmatch_lines(["*Something broke*"])
