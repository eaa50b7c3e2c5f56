"""An action's dialog reads its progress history and makes its History table only when those tabs are first shown
(opening an action is under 50 ms on the large workspace because it does not), and shows them in full then."""

from __future__ import annotations

from locality.services.actions import ActionDraft
from locality.services.progress import ProgressDraft
from locality.ui.action_dialog import ActionDialog
from locality.ui.main_window import MainWindow


def _tab(dialog: ActionDialog, title: str) -> int:
    titles = [dialog.tabs.tabText(number).replace("&", "") for number in range(dialog.tabs.count())]
    return titles.index(title)


def test_progress_and_history_are_read_when_their_tabs_are_first_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    action = services.actions.create(ActionDraft(title="Youth outreach"))
    services.progress.log(ProgressDraft(action.id, percent_complete=20, note="Venue found"))
    services.progress.log(ProgressDraft(action.id, percent_complete=30, note="First session"))
    dialog = ActionDialog(window.env, services.actions.get(action.id), window)
    qtbot.addWidget(dialog)
    read: list[object] = []
    history = services.progress.history
    services.progress.history = lambda action_id: read.append(action_id) or history(action_id)  # type: ignore[method-assign]
    dialog.show()

    assert dialog.progress_table.rowCount() == 0 and read == []
    assert dialog.history is not None and dialog.history._view is None  # noqa: SLF001

    dialog.tabs.setCurrentIndex(_tab(dialog, "Progress"))
    assert dialog.progress_table.rowCount() == 2
    assert {dialog.progress_table.item(row, 5).text() for row in range(2)} == {"Venue found", "First session"}
    dialog.tabs.setCurrentIndex(0)
    dialog.tabs.setCurrentIndex(_tab(dialog, "Progress"))
    assert read == [action.id]  # once, not at every visit

    # Shown again after the action is loaded afresh while the tab is open (a value put back, progress logged).
    services.progress.log(ProgressDraft(action.id, note="Second session"))
    dialog.load(services.actions.get(action.id))
    assert dialog.progress_table.rowCount() == 3

    dialog.tabs.setCurrentIndex(_tab(dialog, "History"))
    qtbot.waitUntil(lambda: dialog.history is not None and dialog.history.model.rowCount() > 0)
    assert dialog.history.count_label.text().endswith("changes")


def test_a_new_action_has_an_empty_progress_tab(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(_tab(dialog, "Progress"))
    assert dialog.progress_table.rowCount() == 0
    assert not dialog.log_button.isEnabled()
