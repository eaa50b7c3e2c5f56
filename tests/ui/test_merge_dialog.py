"""File › Save a copy for a workshop and File › Merge from…: a copy goes out, both sides edit, the copy comes back
with its conflicts shown side by side and decided by the user before anything is written."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from locality.app import build_main_window
from locality.domain.entities import Entity
from locality.services.actions import ActionDraft
from locality.services.context import User
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.progress import ProgressDraft
from locality.services.registry import Services
from locality.sync.merge import Conflict, MergePlan, apply_merge
from locality.ui import merge_dialog
from locality.ui.main_window import MainWindow
from locality.ui.merge_dialog import KEEP, MINE, NOTHING_TO_MERGE, THEIRS, MergeDialog
from locality.ui.workshop_copy_dialog import WorkshopCopyDialog

TODAY = date(2008, 6, 1)
OFFICE = User("Olive Office", "Westshire County Council")
LAPTOP = User("Leo Laptop", "Westshire Constabulary")


@pytest.fixture
def window(qtbot, workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    built.services.context.today = lambda: TODAY
    built.services.context.user = OFFICE
    qtbot.addWidget(built)
    built.show()
    yield built
    if built.services is not None:
        built.close()


@pytest.fixture
def partnership(window: MainWindow) -> dict[str, uuid.UUID]:
    """Two organisations, a need under "Community safety", one under "Health", and an action on the first."""
    services = window.services
    assert services is not None
    themes = {theme.name: theme.id for theme in services.vocabulary.themes()}
    council = services.organisations.create(OrganisationDraft(name="Westshire County Council"))
    police = services.organisations.create(OrganisationDraft(name="Westshire Constabulary"))
    safety = services.needs.create(
        NeedDraft(
            title="Shared data protocol",
            description="Agree what partners share",
            theme_id=themes["Community safety"],
            organisations=(NeedLinkDraft(council.id), NeedLinkDraft(police.id)),
        )
    )
    health = services.needs.create(NeedDraft(title="Joint health scrutiny", theme_id=themes["Health"]))
    action = services.actions.create(
        ActionDraft(title="Data sharing workshop", lead_organisation_id=council.id, need_ids=(safety.id,))
    )
    return {
        "safety": safety.id,
        "health": health.id,
        "action": action.id,
        "community safety": themes["Community safety"],
    }


def save_copy(qtbot, window: MainWindow, target: Path, theme_ids: list[uuid.UUID] | None = None) -> WorkshopCopyDialog:  # type: ignore[no-untyped-def]
    dialog = WorkshopCopyDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.target.setText(str(target))
    if theme_ids is not None:
        dialog.some_themes.setChecked(True)
        for number in range(dialog.themes.count()):
            item = dialog.themes.item(number)
            if item.data(Qt.ItemDataRole.UserRole) in theme_ids:
                item.setCheckState(Qt.CheckState.Checked)
    dialog.save_button.click()
    if dialog.work is not None:  # None when the choices were refused before any writing began
        qtbot.waitUntil(lambda: dialog.work.finished, timeout=20_000)
    return dialog


def edit_need(services: Services, need_id: uuid.UUID, **changes: object) -> None:
    need = services.needs.get(need_id)
    services.needs.update(need_id, dataclasses.replace(need.as_draft(), **changes), need.version)  # type: ignore[arg-type]


def open_merge(qtbot, window: MainWindow, source: Path) -> MergeDialog:  # type: ignore[no-untyped-def]
    dialog = MergeDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(source))
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.work is not None and dialog.work.finished, timeout=20_000)
    return dialog


def run_merge(qtbot, dialog: MergeDialog) -> None:  # type: ignore[no-untyped-def]
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: dialog.work is not None and dialog.work.finished, timeout=20_000)


@pytest.fixture
def laptop_copy(qtbot, window: MainWindow, partnership, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A workshop copy on which the laptop changed the safety need's title and area and the health need's
    description; the office changed the same title and description meanwhile: two conflicts, and the area
    changed on one side only."""
    target = tmp_path / "laptop.locality"
    save_copy(qtbot, window, target)
    laptop = Services.open(target, LAPTOP, today=lambda: TODAY)
    try:
        edit_need(laptop, partnership["safety"], title="Shared data protocol (agreed at the workshop)", area="North")
        edit_need(laptop, partnership["health"], description="Raised by the PCT")
    finally:
        laptop.close()
    services = window.services
    assert services is not None
    edit_need(services, partnership["safety"], title="Shared data protocol for partners")
    edit_need(services, partnership["health"], description="Raised by the council")
    return target


# --------------------------------------------------------------------------- save a copy


def test_a_workshop_copy_of_every_theme_is_written_and_said_in_a_sentence(qtbot, window, partnership, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "workshop.locality"
    dialog = save_copy(qtbot, window, target)
    assert target.exists()
    assert dialog.written is not None and dialog.written.needs == 2 and dialog.written.actions == 1
    sentence = dialog.outcome.text()
    assert sentence.startswith("Saved a workshop copy as workshop.locality with 2 needs and 1 action"), sentence
    assert not dialog.save_button.isVisible()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Close"
    copy = Services.open(target, LAPTOP)
    try:
        assert {need.title for need in copy.needs.list()} == {"Shared data protocol", "Joint health scrutiny"}
    finally:
        copy.close()


def test_a_workshop_copy_of_some_themes_holds_only_their_needs(qtbot, window, partnership, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "safety.locality"
    dialog = save_copy(qtbot, window, target, [partnership["community safety"]])
    assert dialog.written is not None and dialog.written.needs == 1 and dialog.written.actions == 1
    copy = Services.open(target, LAPTOP)
    try:
        assert [need.title for need in copy.needs.list()] == ["Shared data protocol"]
        assert [action.title for action in copy.actions.list()] == ["Data sharing workshop"]
    finally:
        copy.close()


def test_some_themes_with_none_ticked_is_refused_beside_the_list(qtbot, window, partnership, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "nothing.locality"
    dialog = save_copy(qtbot, window, target, [])
    assert "Tick at least one theme" in dialog.form.error_text("themes")
    assert dialog.work is None and not target.exists()


def test_a_copy_is_never_written_over_a_workspace(qtbot, window, partnership, workspace_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = workspace_path.read_bytes()
    dialog = save_copy(qtbot, window, workspace_path)
    assert dialog.written is None and dialog.work is None, "refused before anything is written"
    assert "is a Locality workspace" in dialog.form.error_text("target")
    assert workspace_path.read_bytes() == before


# --------------------------------------------------------------------------- merge from


def test_conflicts_are_shown_side_by_side_and_decided_per_field(qtbot, window, partnership, laptop_copy) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    page = window.show_page("needsPage")
    dialog = open_merge(qtbot, window, laptop_copy)
    assert dialog.plan is not None and not dialog.plan.is_empty
    assert dialog.merge_button.isEnabled()
    said = dialog.summary.text()
    assert said.startswith("What merging laptop.locality would do: 1 need updated"), said
    assert "2 conflicts to decide below. Nothing is written until you choose Merge." in said, said
    assert "Conflict:" not in said, "the conflicts are in the table, not in the sentence"
    assert dialog.table.rowCount() == 2, [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    title_row = next(row for row in range(2) if "Shared data protocol" in dialog.table.item(row, 0).text())
    other_row = 1 - title_row
    mine = dialog.table.item(title_row, MINE).text()
    theirs = dialog.table.item(title_row, THEIRS).text()
    assert "Shared data protocol for partners" in mine and "Olive Office" in mine, mine
    assert "Shared data protocol (agreed at the workshop)" in theirs and "Leo Laptop" in theirs, theirs
    assert dialog.table.item(title_row, KEEP).text() == "This workspace's", "ours is kept unless the user says"
    assert services.needs.get(partnership["safety"]).title == "Shared data protocol for partners", "dry run"

    dialog.table.selectRow(title_row)
    dialog.take_theirs_button.click()
    assert dialog.table.item(title_row, KEEP).text() == "The copy's"
    assert dialog.table.item(other_row, KEEP).text() == "This workspace's"
    run_merge(qtbot, dialog)

    assert dialog.merged is not None
    safety = services.needs.get(partnership["safety"])
    assert safety.title == "Shared data protocol (agreed at the workshop)", "the copy's value, as chosen"
    assert safety.area == "North", "changed on the copy only"
    assert safety.description == "Agree what partners share"
    assert services.needs.get(partnership["health"]).description == "Raised by the council", "ours kept"
    assert dialog.summary.text().startswith("Merged laptop.locality: ")
    assert "2 conflicts decided" in dialog.summary.text()
    assert not dialog.merge_button.isVisible()
    assert not dialog.check_button.isEnabled() and dialog.path.isReadOnly(), "the dialog now only reports"
    assert dialog.conflict_box.title() == "2 conflicts decided"
    kept = {dialog.table.item(row, 0).text(): dialog.table.item(row, KEEP).text() for row in range(2)}
    assert kept == {
        "Need: Shared data protocol for partners": "The copy's",
        "Need: Joint health scrutiny": "This workspace's",
    }, kept
    # Every page hears of the merge: the needs page shows the merged title without being asked.
    qtbot.waitUntil(
        lambda: "Shared data protocol (agreed at the workshop)" in {need.title for need in page.model.all_rows()},
        timeout=10_000,
    )


def test_take_all_theirs_then_merge_again_changes_nothing(qtbot, window, partnership, laptop_copy) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    dialog = open_merge(qtbot, window, laptop_copy)
    dialog.take_all_theirs_button.click()
    assert {dialog.table.item(row, KEEP).text() for row in range(dialog.table.rowCount())} == {"The copy's"}
    run_merge(qtbot, dialog)
    assert services.needs.get(partnership["health"]).description == "Raised by the PCT"
    again = open_merge(qtbot, window, laptop_copy)
    assert again.summary.text() == NOTHING_TO_MERGE
    assert not again.merge_button.isEnabled()


def test_cancel_during_the_merge_leaves_the_workspace_unchanged(
    qtbot, window, partnership, laptop_copy, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    before = services.needs.get(partnership["safety"])
    dialog = open_merge(qtbot, window, laptop_copy)
    dialog.take_all_theirs_button.click()
    # The merge of so small a workspace would be over before a click could land: the engine's first check for
    # Cancel waits until the user has pressed the progress dialog's Cancel button.
    pressed = threading.Event()

    def apply_once_cancel_is_pressed(*args, cancelled, **kwargs):  # type: ignore[no-untyped-def]
        def cancel_pressed() -> bool:
            pressed.wait(20)
            return bool(cancelled())

        return apply_merge(*args, cancelled=cancel_pressed, **kwargs)

    monkeypatch.setattr(merge_dialog, "apply_merge", apply_once_cancel_is_pressed)
    dialog.merge_button.click()
    assert dialog.work is not None
    cancel = dialog.work.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()
    pressed.set()
    qtbot.waitUntil(lambda: dialog.work.finished, timeout=20_000)
    assert dialog.merged is None
    assert dialog.summary.text() == "Merge cancelled: this workspace is unchanged."
    after = services.needs.get(partnership["safety"])
    assert (after.title, after.area, after.version) == (before.title, before.area, before.version)
    assert dialog.merge_button.isEnabled(), "the merge can be tried again"


def test_a_file_that_is_not_a_workspace_is_refused_in_one_sentence(qtbot, window, partnership, tmp_path) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.locality"
    notes.write_text("minutes of the last workshop", encoding="utf-8")
    dialog = open_merge(qtbot, window, notes)
    sentence = dialog.summary.text()
    assert sentence and "\n" not in sentence and sentence.endswith("."), sentence
    assert "workspace" in sentence
    assert dialog.plan is None and not dialog.merge_button.isEnabled()
    assert dialog.table.rowCount() == 0
    assert notes.read_text(encoding="utf-8") == "minutes of the last workshop"


def test_the_workspace_itself_is_refused_in_one_sentence(qtbot, window, partnership, workspace_path) -> None:  # type: ignore[no-untyped-def]
    dialog = open_merge(qtbot, window, workspace_path)
    sentence = dialog.summary.text()
    assert sentence == "workspace.locality is this workspace itself; choose a copy of it to merge."
    assert dialog.plan is None and not dialog.merge_button.isEnabled()


def test_an_untouched_copy_has_nothing_to_merge(qtbot, window, partnership, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "untouched.locality"
    save_copy(qtbot, window, target)
    dialog = open_merge(qtbot, window, target)
    assert dialog.summary.text() == NOTHING_TO_MERGE
    assert not dialog.merge_button.isEnabled()
    assert not dialog.conflict_box.isVisible()


def test_the_conflicts_are_decided_and_merged_with_the_keyboard_alone(qtbot, window, partnership, laptop_copy) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    dialog = MergeDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.path, "the dialog opens on the copy's file name"
    qtbot.keyClicks(dialog.path, str(laptop_copy))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # Enter shows what would change
    qtbot.waitUntil(lambda: dialog.work is not None and dialog.work.finished, timeout=20_000)
    assert dialog.table.rowCount() == 2
    # The offscreen platform may leave no window active once the progress dialog has closed (a desktop gives
    # the activation back to the dialog beneath): give it back, as the window manager would.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    # With conflicts to decide, the dry run leaves the focus on them, on the first row.
    assert dialog.focusWidget() is dialog.table
    health_row = next(row for row in range(2) if "Joint health scrutiny" in dialog.table.item(row, 0).text())
    if health_row:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.table.currentRow() == health_row
    qtbot.keyClick(dialog.table, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    # Alt+letter "animates" the button's click: it lands a moment later.
    qtbot.waitUntil(lambda: dialog.table.item(health_row, KEEP).text() == "The copy's")
    assert dialog.table.item(1 - health_row, KEEP).text() == "This workspace's"
    checks = dialog.work
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter looks again, keeping the choices; it never merges
    qtbot.waitUntil(lambda: dialog.work is not checks and dialog.work is not None and dialog.work.finished)
    assert dialog.merged is None and dialog.isVisible()
    assert dialog.table.item(health_row, KEEP).text() == "The copy's"
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.merged is not None, timeout=20_000)
    assert services.needs.get(partnership["health"]).description == "Raised by the PCT"
    assert services.needs.get(partnership["safety"]).title == "Shared data protocol for partners"


def test_the_menu_opens_both_dialogs(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.helpers import when_dialog_opens

    seen: list[str] = []
    for action in (window.workshop_copy_action, window.merge_action):
        failure = when_dialog_opens(lambda dialog: (seen.append(dialog.windowTitle()), dialog.reject()))
        action.trigger()
        failure.check()
    assert seen == ["Save a copy for a workshop", "Merge from a copy"]


def test_a_long_list_of_conflicts_is_shown_and_decided_quickly(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Qt sizing every row again at each new cell took minutes for 200 conflicts; sized once, 1,000 take ~1 s."""
    at = datetime(2008, 6, 1, 14, 5, tzinfo=UTC)
    conflicts = [
        Conflict(
            f"need:{number}:title",
            Entity.NEED,
            uuid.uuid4(),
            f"Need: Shared data protocol {number}",
            "title",
            "title",
            "Shared data protocol for every partner across the whole county",
            "Shared data protocol (agreed at the workshop)",
            "Olive Office",
            at,
            "Leo Laptop",
            at,
        )
        for number in range(1000)
    ]
    dialog = MergeDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    started = time.perf_counter()
    dialog.show_plan(MergePlan("laptop.locality", conflicts=conflicts), Path("laptop.locality"))
    dialog.choose_all("theirs")
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    assert dialog.table.rowCount() == 1000 and dialog.decisions["need:999:title"] == "theirs"
    assert elapsed < 8, f"{elapsed:.1f} s to show and decide 1,000 conflicts"


def test_a_copy_of_one_theme_is_chosen_and_saved_with_the_keyboard_alone(qtbot, window, partnership, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "keyboard.locality"
    dialog = WorkshopCopyDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.target
    dialog.target.selectAll()
    qtbot.keyClicks(dialog.target, str(target))
    qtbot.keyClick(dialog.target, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.some_themes.isChecked)  # Alt+letter on a tick box ticks it
    assert dialog.themes.isEnabled()
    qtbot.keyClick(dialog.some_themes, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.themes
    row = next(
        number
        for number in range(dialog.themes.count())
        if dialog.themes.item(number).data(Qt.ItemDataRole.UserRole) == partnership["community safety"]
    )
    dialog.themes.setCurrentRow(0)
    for _ in range(row):
        qtbot.keyClick(dialog.themes, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.themes, Qt.Key.Key_Space)
    assert dialog.chosen_theme_ids() == [partnership["community safety"]]
    qtbot.keyClick(dialog.themes, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20_000)
    assert dialog.written.needs == 1 and target.exists()


def test_two_laptops_merged_in_turn_keep_every_edit_and_merging_again_changes_nothing(  # type: ignore[no-untyped-def]
    qtbot, window, partnership, tmp_path
) -> None:
    services = window.services
    first, second = tmp_path / "hall.locality", tmp_path / "library.locality"
    save_copy(qtbot, window, first)
    save_copy(qtbot, window, second)
    for path, title, percent in ((first, "Youth diversion places", 20), (second, "Shared CCTV review", 35)):
        laptop = Services.open(path, LAPTOP, today=lambda: TODAY)
        try:
            laptop.needs.create(NeedDraft(title=title))
            note = f"From {path.name}"
            laptop.progress.log(ProgressDraft(partnership["action"], percent_complete=percent, note=note))
        finally:
            laptop.close()
    page = window.show_page("needsPage")
    dialog = open_merge(qtbot, window, first)
    assert not dialog.conflict_box.isVisible(), "the first laptop back changes nothing the office changed"
    run_merge(qtbot, dialog)
    # The second laptop reported another percentage for the same action: the one real conflict.
    dialog = open_merge(qtbot, window, second)
    assert dialog.table.rowCount() == 1
    assert "Data sharing workshop" in dialog.table.item(0, 0).text()
    assert "20" in dialog.table.item(0, MINE).text() and "35" in dialog.table.item(0, THEIRS).text()
    dialog.take_all_theirs_button.click()
    run_merge(qtbot, dialog)
    assert dialog.merged is not None, dialog.summary.text()
    assert services.actions.get(partnership["action"]).percent_complete == 35
    titles = {need.title for need in services.needs.list()}
    assert {"Youth diversion places", "Shared CCTV review"} <= titles
    notes = {update.note for update in services.progress.history(partnership["action"])}
    assert {"From hall.locality", "From library.locality"} <= notes, "progress updates are appended, not replaced"
    both = {"Youth diversion places", "Shared CCTV review"}
    qtbot.waitUntil(lambda: both <= {need.title for need in page.model.all_rows()})
    for path in (first, second):
        assert open_merge(qtbot, window, path).summary.text() == NOTHING_TO_MERGE
