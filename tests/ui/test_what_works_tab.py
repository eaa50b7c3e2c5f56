"""The dashboard's "What works" tab and File › Evidence paper…, driven as a user drives them: the tab shows the
service's figures for the grouping chosen, a double-click on a figure lists the actions behind it and opens one,
and the menu item writes the paper in the background."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from locality.app import build_main_window
from locality.domain.vocabulary import ActionStatus
from locality.services.what_works import Figure, Grouping
from locality.ui.action_dialog import ActionDialog
from locality.ui.dashboard_page import DashboardPage
from locality.ui.evidence.paper_dialog import EvidencePaperDialog
from locality.ui.evidence.what_works_tab import WhatWorksTab
from locality.ui.forms import find_data
from locality.ui.workers import background_work_pending
from tests.ui.helpers import when_shown


@pytest.fixture
def window(qtbot, demo_workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    qtbot.addWidget(built)
    built.resize(1366, 768)
    built.show()
    yield built
    built.close()


def _what_works(qtbot, window) -> WhatWorksTab:  # type: ignore[no-untyped-def]
    dashboard = window.show_page("dashboardPage")
    assert isinstance(dashboard, DashboardPage)
    tab = dashboard.what_works
    assert tab.evidence is None  # read only once its tab is shown
    dashboard.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.table_data is not None, timeout=10_000)
    return tab


def _cells(tab: WhatWorksTab, row: int) -> list[str]:
    return [tab.table.item(row, column).text() for column in range(tab.table.columnCount())]


def test_the_tab_shows_the_figures_for_the_grouping_chosen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    tab = _what_works(qtbot, window)
    expected = window.services.what_works.what_works(Grouping.ACTION_TYPE)
    assert tab.table.rowCount() == len(expected.rows) + 1  # and the total
    assert [tab.table.item(i, 0).text() for i in range(len(expected.rows))] == [row.name for row in expected.rows]
    total = _cells(tab, len(expected.rows))
    assert total[0] == "All completed actions" and total[1] == f"{expected.total.count}"
    assert (
        total[2] == f"{len(expected.total.on_time_ids)} of {len(expected.total.dated_ids)} (" + total[2].split("(")[1]
    )
    assert tab.table.horizontalHeaderItem(0).text() == "Action type"
    # A group of fewer than five says so, in the Trust column.
    small = next(i for i, row in enumerate(expected.rows) if row.count < 5)
    assert _cells(tab, small)[-1] == expected.rows[small].warning
    assert "too few to trust" in expected.rows[small].warning

    tab.grouping.setCurrentIndex(find_data(tab.grouping, Grouping.PROVIDER))
    assert background_work_pending()  # regrouped on a worker thread: the window does not wait for it
    by_provider = window.services.what_works.what_works(Grouping.PROVIDER)
    qtbot.waitUntil(lambda: tab.table.horizontalHeaderItem(0).text() == "Provider", timeout=10_000)
    assert [tab.table.item(i, 0).text() for i in range(len(by_provider.rows))] == [r.name for r in by_provider.rows]
    window.grab().save("/tmp/evidence-what-works.png")


def test_a_double_click_on_a_figure_lists_the_actions_behind_it_and_opens_one(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    tab = _what_works(qtbot, window)
    data = tab.table_data
    assert data is not None
    last = tab.table.rowCount() - 1  # all completed actions
    on_time = tab.table.item(last, 2)
    tab.table.itemActivated.emit(on_time)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    listed = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    assert len(listed) == len(data.total.dated_ids)
    titles = {data.evidence.action(action_id).title for action_id in data.total.dated_ids}
    assert {item.text(0) for item in listed} == titles
    assert all(": on time" in item.text(1) or "late" in item.text(1) for item in listed)
    dialog.grab().save("/tmp/evidence-drill-down.png")

    seen: list[str] = []

    def look(action_dialog: QWidget) -> None:
        assert isinstance(action_dialog, ActionDialog)
        seen.append(action_dialog.title_edit.text())
        action_dialog.reject()

    failure = when_shown(ActionDialog, look)
    dialog.tree.itemActivated.emit(listed[0], 0)  # runs the action's dialog until it closes
    failure.check()
    assert seen == [listed[0].text(0)]
    dialog.reject()

    tab.drill_down(last, Figure.MOVEMENT)
    assert tab.dialog is not None
    assert tab.dialog.tree.topLevelItemCount() == len(data.total.movement_ids)
    tab.dialog.reject()


def test_the_tab_reads_again_after_a_change(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    tab = _what_works(qtbot, window)
    before = tab.table_data
    assert before is not None
    completed = window.services.actions.get(before.total.action_ids[0])
    window.services.actions.update(
        completed.id,
        replace(completed.as_draft(), status=ActionStatus.IN_PROGRESS, completed_on=None),
        completed.version,
    )
    qtbot.waitUntil(
        lambda: tab.table_data is not before and tab.table_data.total.count == before.total.count - 1, timeout=10_000
    )
    assert completed.id not in tab.table_data.total.action_ids
    assert tab.table.item(tab.table.rowCount() - 1, 1).text() == f"{before.total.count - 1}"
    # The dashboard's own figures are worked out again too. (Waited for here: pytest-qt deletes the window before
    # the fixture's teardown runs, so waiting there would find it gone.)
    dashboard = window.pages["dashboardPage"]
    qtbot.waitUntil(lambda: not dashboard.busy and not background_work_pending(), timeout=10_000)


def test_the_menu_item_writes_the_evidence_paper(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file_menu = window.menuBar().actions()[0].menu()
    assert window.evidence_paper_action in file_menu.actions()
    target = tmp_path / "evidence.docx"

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, EvidencePaperDialog)
        dialog.format.setCurrentIndex(find_data(dialog.format, "docx"))
        dialog.target.setText(str(target))
        dialog.write_button.click()  # written in the background, with progress and Cancel

    filled = when_shown(EvidencePaperDialog, fill_in)
    answered = when_shown(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Close).click())
    window.evidence_paper_action.trigger()  # returns once the dialog has closed

    filled.check()
    answered.check()
    assert "Saved the evidence paper" in window.statusBar().currentMessage()
    import docx

    texts = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "Evidence of what works" in texts and "Which kinds of support did best" in texts


def test_a_missing_folder_is_refused_beside_the_field(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = EvidencePaperDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.target.setText(str(tmp_path / "no-such-folder" / "evidence.pdf"))
    dialog.write()
    assert "does not exist" in dialog.form.error_text("target")
    assert dialog.work is None
