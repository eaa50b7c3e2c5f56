"""The Workshops page: the list of workshops with add, edit and delete (undoable), and a workshop's board run the
way a facilitator runs it — capture, drag to another theme, dot-voting until refused, a typed tally, the live
ranking, an agreed action and the workshop record — with presentation mode worked from the keyboard alone."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont, QFontMetricsF, QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from locality.app import build_main_window
from locality.services.registry import Services
from locality.services.workshops import WorkshopDraft
from locality.ui.actions_page import ActionsPage
from locality.ui.env import UiEnv
from locality.ui.forms import find_data
from locality.ui.settings import AppSettings
from locality.ui.workshops import WorkshopsPage
from locality.ui.workshops.board import WorkshopBoard
from locality.ui.workshops.board_dialogs import AgreeActionDialog, NoteDialog, TallyDialog
from locality.ui.workshops.note_columns import LINKED_NOTE, NOTE_MIME, NoteList
from locality.ui.workshops.presentation import _fitting
from locality.ui.workshops.record_dialog import WorkshopRecordDialog
from locality.ui.workshops.workshop_list import WorkshopDialog
from tests.ui.helpers import shown_page, when_dialog_opens, when_shown


@pytest.fixture
def env(demo_services: Services) -> UiEnv:
    return UiEnv(demo_services, QUndoStack(), AppSettings())


@pytest.fixture
def page(qtbot, env: UiEnv):  # type: ignore[no-untyped-def]
    yield from shown_page(
        qtbot, WorkshopsPage(env), (1300, 850), lambda shown: shown.list._loaded and not shown.list.loading
    )


def _theme(services: Services, name: str) -> uuid.UUID:
    return next(theme.id for theme in services.vocabulary.themes() if theme.name == name)


def _organisations(services: Services) -> list[uuid.UUID]:
    return [organisation_id for organisation_id, _name in services.organisations.names()]


def _open_board(qtbot, page: WorkshopsPage, workshop_id: uuid.UUID) -> WorkshopBoard:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.list.select_where(lambda w: w.id == workshop_id))
    page.list.open_selected_board()
    board = page.board
    qtbot.waitUntil(lambda: board.isVisible() and board.state is not None and board.state.workshop.id == workshop_id)
    return board


def _note_item(board: WorkshopBoard, title: str):  # type: ignore[no-untyped-def]
    for column in board.columns.values():
        for row in range(column.notes.count()):
            item = column.notes.item(row)
            if item.text().split("\n")[0] == title:
                return column.notes, item
    raise AssertionError(f"no note {title!r} on the board")


def _click(  # type: ignore[no-untyped-def]
    qtbot,
    board: WorkshopBoard,
    title: str,
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
    keys: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    notes, item = _note_item(board, title)
    notes.scrollToItem(item)
    qtbot.mouseClick(notes.viewport(), button, keys, notes.visualItemRect(item).center())


def _used(board: WorkshopBoard, participant_id: uuid.UUID) -> int:
    dots = board.dots_of(participant_id)
    assert dots is not None
    return dots.used


# --------------------------------------------------------------------------- the list


def test_the_list_shows_every_workshop_with_its_date_venue_and_organisations(page: WorkshopsPage, env: UiEnv) -> None:
    workshops = env.services.workshops.list()
    assert workshops, "the demo has workshops"
    model = page.list.model
    assert model.rowCount() == len(workshops)
    titles = [model.columns[c].title for c in range(len(model.columns))]
    for workshop in workshops:
        row = model.index_where(lambda w, wanted=workshop.id: w.id == wanted)
        assert row is not None
        shown = {title: model.data(model.index(row, c)) for c, title in enumerate(titles)}
        assert shown["Title"] == workshop.title
        assert shown["Date"] == (workshop.held_on.strftime("%d/%m/%Y") if workshop.held_on else "")
        assert shown["Venue"] == workshop.venue
        assert shown["Organisations"] == "; ".join(workshop.organisations)
    assert page.list.count_label.text().startswith(f"{len(workshops)} workshop")
    # Column widths are kept between sessions, as on every list page (the window asks the page when it closes).
    page.list.table.setColumnWidth(1, 333)
    page.save_table_state()
    again = WorkshopsPage(env)
    again.setObjectName(page.objectName())
    again.list._restore_header()
    assert again.list.table.columnWidth(1) == 333
    again.deleteLater()


def test_a_workshop_is_added_with_its_participants_then_edited_and_deleted_each_undoable(
    qtbot, page: WorkshopsPage, env: UiEnv
) -> None:  # type: ignore[no-untyped-def]
    services = env.services
    first, second = _organisations(services)[:2]

    def fill_in(dialog: QDialog) -> None:
        assert isinstance(dialog, WorkshopDialog)
        dialog.title.setText("Market town needs day")
        dialog.held_on.edit.setText("14/05/2008")
        dialog.venue.setText("Corn Exchange")
        dialog.purpose.setText("Find the needs the partners share")
        dialog.facilitator.setText("Priya Shah")
        dialog.dots.setValue(4)
        table = dialog.participants
        for name, organisation in (("Alex Smith", first), ("Sam Jones", second)):
            row = table.add_row({"name": name, "organisation_id": organisation})
            assert table.rows()[row]["organisation_id"] == organisation
        dialog.try_save()

    opened = when_dialog_opens(fill_in)
    page.list.new_button.click()
    opened.check()
    added = next(w for w in services.workshops.list() if w.title == "Market town needs day")
    assert (added.held_on, added.venue, added.purpose, added.facilitator) == (
        date(2008, 5, 14),
        "Corn Exchange",
        "Find the needs the partners share",
        "Priya Shah",
    )
    assert added.dots_per_participant == 4
    assert sorted(p.name for p in services.workshops.participants(added.id)) == ["Alex Smith", "Sam Jones"]
    qtbot.waitUntil(lambda: page.list.select_where(lambda w: w.id == added.id))

    # Edit: one participant goes, one comes.
    def edit(dialog: QDialog) -> None:
        assert isinstance(dialog, WorkshopDialog)
        rows = dialog.participants.rows()
        assert [r["name"] for r in rows] == ["Alex Smith", "Sam Jones"]
        dialog.participants.table.selectRow(1)
        dialog.participants.remove_selected()
        dialog.participants.add_row({"name": "Chris Ward", "organisation_id": None})
        dialog.venue.setText("Guildhall")
        dialog.try_save()

    edited = when_dialog_opens(edit)
    page.list.edit_button.click()
    edited.check()
    assert services.workshops.get(added.id).venue == "Guildhall"
    assert sorted(p.name for p in services.workshops.participants(added.id)) == ["Alex Smith", "Chris Ward"]

    # The edit is one step on the undo stack: undone, the venue and the people are as they were.
    env.undo_stack.undo()
    assert services.workshops.get(added.id).venue == "Corn Exchange"
    assert sorted(p.name for p in services.workshops.participants(added.id)) == ["Alex Smith", "Sam Jones"]
    env.undo_stack.redo()
    assert sorted(p.name for p in services.workshops.participants(added.id)) == ["Alex Smith", "Chris Ward"]

    qtbot.waitUntil(lambda: page.list.select_where(lambda w: w.id == added.id))
    when_dialog_opens(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), kind=QMessageBox)
    page.list.delete_button.click()
    assert added.id not in {w.id for w in services.workshops.list()}
    qtbot.waitUntil(lambda: page.list.model.index_where(lambda w: w.id == added.id) is None)
    env.undo_stack.undo()
    assert added.id in {w.id for w in services.workshops.list()}
    qtbot.waitUntil(lambda: page.list.model.index_where(lambda w: w.id == added.id) is not None)


def test_a_workshop_without_a_title_is_refused_beside_the_field(qtbot, page: WorkshopsPage, env: UiEnv) -> None:  # type: ignore[no-untyped-def]
    before = len(env.services.workshops.list())
    seen: list[str] = []

    def save_blank(dialog: QDialog) -> None:
        assert isinstance(dialog, WorkshopDialog)
        dialog.try_save()
        seen.append(dialog.error_text("title"))
        dialog.reject()

    opened = when_dialog_opens(save_blank)
    page.list.new_button.click()
    opened.check()
    assert seen and seen[0].startswith("Title")
    assert len(env.services.workshops.list()) == before
    assert env.undo_stack.count() == 0  # no empty step left to "undo"


# --------------------------------------------------------------------------- the board


@pytest.fixture
def workshop(env: UiEnv) -> dict[str, uuid.UUID]:
    services = env.services
    first, second = _organisations(services)[:2]
    created = services.workshops.create(
        WorkshopDraft(
            "Safer streets workshop",
            date(2008, 5, 20),
            "Town hall",
            "Priya Shah",
            purpose="Needs on community safety",
            dots_per_participant=3,
        )
    )
    alex = services.workshops.add_participant(created.id, "Alex Smith", first)
    sam = services.workshops.add_participant(created.id, "Sam Jones", second)
    return {"workshop": created.id, "alex": alex.id, "sam": sam.id, "first": first, "second": second}


def test_the_whole_workshop_journey_on_the_board(  # type: ignore[no-untyped-def]
    qtbot, page: WorkshopsPage, env: UiEnv, workshop, tmp_path: Path
) -> None:
    services = env.services
    safety, health = _theme(services, "Community safety"), _theme(services, "Health")
    board = _open_board(qtbot, page, workshop["workshop"])
    page.window().activateWindow()

    # Capture three needs, each with Enter; the title field keeps the keyboard for the next.
    captured = [
        ("Street lighting on the estate", safety),
        ("Youth diversion after school", safety),
        ("Falls among older people", safety),
    ]
    for number, (title, theme) in enumerate(captured, start=1):
        board.capture_bar.organisation.select(workshop["first"])
        board.capture_bar.theme.select(theme)
        board.capture_title.setFocus()
        qtbot.keyClicks(board.capture_title, title)
        qtbot.keyClick(board.capture_title, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda n=number: len(services.workshops.notes(workshop["workshop"])) == n)
        assert board.capture_title.text() == ""
        assert QApplication.focusWidget() is board.capture_title
    qtbot.waitUntil(lambda: board.columns.get(safety) is not None and board.columns[safety].notes.count() == 3)
    notes = {n.title: n for n in services.workshops.notes(workshop["workshop"])}
    assert all(n.need_id is not None and not n.linked_existing for n in notes.values())
    assert services.needs.get(notes["Falls among older people"].need_id).title == "Falls among older people"

    # Drag "Falls…" to the Health column: the column is shown on asking, and the drop re-themes the note.
    board.column_picker.setCurrentIndex(find_data(board.column_picker, health))
    board.column_picker.activated.emit(board.column_picker.currentIndex())
    assert board.columns[health].notes.count() == 0
    # What a drag from the Community safety column carries, dropped on the Health column (entered, then dropped,
    # as a real drag does).
    source, item = _note_item(board, "Falls among older people")
    mime = source.mimeData([item])
    assert mime.hasFormat(NOTE_MIME)
    target: NoteList = board.columns[health].notes
    point = QPoint(20, 20)
    action, button, no_keys = Qt.DropAction.MoveAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    assert QApplication.sendEvent(target.viewport(), QDragEnterEvent(point, action, mime, button, no_keys))
    assert QApplication.sendEvent(target.viewport(), QDropEvent(QPointF(point), action, mime, button, no_keys))
    moved = next(n for n in services.workshops.notes(workshop["workshop"]) if n.title == "Falls among older people")
    assert moved.theme_id == health
    assert services.needs.get(moved.need_id).theme_id == health
    qtbot.waitUntil(lambda: board.columns[health].notes.count() == 1 and board.columns[safety].notes.count() == 2)

    # Vote as Alex (3 dots) by clicking notes until refused; the refusal is a sentence on the board.
    board.choose_voter(workshop["alex"])
    assert "3 dots left" in board.dots_left.text()
    for title, used in (
        ("Street lighting on the estate", 1),
        ("Street lighting on the estate", 2),
        ("Youth diversion after school", 3),
    ):
        _click(qtbot, board, title)
        qtbot.waitUntil(lambda u=used: _used(board, workshop["alex"]) == u)
    _click(qtbot, board, "Falls among older people")
    qtbot.waitUntil(lambda: "used all 3 dots" in board.message.text())
    assert "Alex Smith" in board.message.text()
    assert _used(board, workshop["alex"]) == 3
    assert "0 dots left" in board.dots_left.text()
    # Shift+click takes one off again, and right-click another.
    _click(qtbot, board, "Street lighting on the estate", keys=Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _used(board, workshop["alex"]) == 2)
    _click(qtbot, board, "Street lighting on the estate", button=Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: _used(board, workshop["alex"]) == 1)
    _click(qtbot, board, "Street lighting on the estate")
    qtbot.waitUntil(lambda: _used(board, workshop["alex"]) == 2)
    # From the keyboard: Space on the current note places a dot, Backspace takes it off.
    notes, item = _note_item(board, "Youth diversion after school")
    notes.setCurrentItem(item)
    qtbot.keyClick(notes, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _used(board, workshop["alex"]) == 3)
    notes, item = _note_item(board, "Youth diversion after school")
    notes.setCurrentItem(item)
    qtbot.keyClick(notes, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: _used(board, workshop["alex"]) == 2)

    # A paper wall's tally for the second organisation: 4 dots on "Falls…".
    falls_need = moved.need_id

    def type_tally(dialog: QDialog) -> None:
        assert isinstance(dialog, TallyDialog)
        dialog.organisation.select(workshop["second"])
        dialog.spins[falls_need].setValue(4)
        dialog.try_save()

    typed = when_dialog_opens(type_tally)
    board.tally_button.click()
    typed.check()

    # The live ranking: Falls (4 typed), Street lighting (1), Youth diversion (1), in the service's order.
    expected = [(t.rank, t.need_title, t.total_dots) for t in services.workshops.tally(workshop["workshop"])]
    assert expected[0] == (1, "Falls among older people", 4)
    assert {title for _rank, title, dots in expected[1:] if dots == 1} == {
        "Street lighting on the estate",
        "Youth diversion after school",
    }
    qtbot.waitUntil(lambda: board.ranking.count() == len(expected))
    shown = [board.ranking.item(n).text() for n in range(board.ranking.count())]
    assert shown == [f"{rank}. {title} — {dots} dot{'s' if dots != 1 else ''}" for rank, title, dots in expected]

    # Agree an action from the top of the ranking, without leaving the board.
    board.ranking.item(0).setSelected(True)

    def agree(dialog: QDialog) -> None:
        assert isinstance(dialog, AgreeActionDialog)
        assert dialog.checked(dialog.needs) == [falls_need]
        dialog.title.setText("Falls prevention classes")
        dialog.lead.select(workshop["first"])
        dialog.set_checked(dialog.partners, {workshop["second"]})
        dialog.due_on.set_value(date(2008, 9, 30))
        dialog.try_save()

    agreed = when_dialog_opens(agree)
    board.agree_button.click()
    agreed.check()
    assert page.stack.currentWidget() is board
    qtbot.waitUntil(lambda: board.actions_list.item(0).text().startswith("Falls prevention classes"))
    assert "due 30/09/2008" in board.actions_list.item(0).text()
    action = next(a for a in services.actions.list() if a.title == "Falls prevention classes")
    full = services.actions.get(action.id)
    assert full.lead_organisation_id == workshop["first"]
    assert full.need_ids == (falls_need,)
    assert [partner.organisation_id for partner in full.partners] == [workshop["second"]]
    assert (full.due_on, full.status.value) == (date(2008, 9, 30), "Planned")
    actions_page = ActionsPage(env)
    qtbot.addWidget(actions_page)
    actions_page.show()
    qtbot.waitUntil(lambda: actions_page.model.index_where(lambda row: row.id == action.id) is not None)
    actions_page.hide()
    # Agreeing is undone like any edit: the action goes from the workshop's list and from the plan, and comes back.
    env.undo_stack.undo()
    assert services.workshops.agreed_actions(workshop["workshop"]) == []
    assert action.id not in {a.id for a in services.actions.list()}
    env.undo_stack.redo()
    assert [a.action_id for a in services.workshops.agreed_actions(workshop["workshop"])] == [action.id]
    assert action.id in {a.id for a in services.actions.list()}


def test_a_title_like_an_existing_need_offers_same_as_and_links_instead_of_duplicating(  # type: ignore[no-untyped-def]
    qtbot, page: WorkshopsPage, env: UiEnv, workshop
) -> None:
    services = env.services
    existing = services.needs.list()[0]
    board = _open_board(qtbot, page, workshop["workshop"])
    needs_before = len(services.needs.list())
    board.capture_title.setFocus()
    qtbot.keyClicks(board.capture_title, existing.title)
    qtbot.waitUntil(lambda: board.capture_bar.similar_buttons[0].isVisible())
    assert board.capture_bar.similar_buttons[0].text().startswith("Same as")
    assert any(similar.need_id == existing.id for similar in board.capture_bar.similar)
    number = next(n for n, similar in enumerate(board.capture_bar.similar) if similar.need_id == existing.id)
    board.capture_bar.similar_buttons[number].click()
    notes = services.workshops.notes(workshop["workshop"])
    assert [(n.need_id, n.linked_existing) for n in notes] == [(existing.id, True)]
    qtbot.waitUntil(lambda: sum(c.notes.count() for c in board.columns.values()) == 1)
    _notes, item = _note_item(board, existing.title)
    assert LINKED_NOTE in item.text().split("\n")
    assert len(services.needs.list()) == needs_before
    assert board.capture_title.text() == ""
    assert not board.capture_bar.similar_buttons[0].isVisible()


def test_an_empty_capture_is_said_on_the_board_and_nothing_is_added(  # type: ignore[no-untyped-def]
    qtbot, page: WorkshopsPage, env: UiEnv, workshop
) -> None:
    board = _open_board(qtbot, page, workshop["workshop"])
    qtbot.keyClick(board.capture_title, Qt.Key.Key_Return)
    assert board.message.text()
    assert env.services.workshops.notes(workshop["workshop"]) == []


def test_capture_move_and_dots_are_undone_from_the_undo_stack(  # type: ignore[no-untyped-def]
    qtbot, page: WorkshopsPage, env: UiEnv, workshop
) -> None:
    services = env.services
    board = _open_board(qtbot, page, workshop["workshop"])
    board.capture_title.setText("Graffiti removal")
    board.capture()
    note = services.workshops.notes(workshop["workshop"])[0]
    board.choose_voter(workshop["sam"])
    assert board.place_dot(note.need_id)
    assert services.workshops.tally(workshop["workshop"])[0].total_dots == 1
    env.undo_stack.undo()
    assert services.workshops.tally(workshop["workshop"]) == []
    env.undo_stack.undo()
    assert services.workshops.notes(workshop["workshop"]) == []
    env.undo_stack.redo()
    assert [n.title for n in services.workshops.notes(workshop["workshop"])] == ["Graffiti removal"]


# --------------------------------------------------------------------------- presentation mode


def test_presentation_mode_is_worked_from_the_keyboard(qtbot, page: WorkshopsPage, env: UiEnv, workshop) -> None:  # type: ignore[no-untyped-def]
    services = env.services
    board = _open_board(qtbot, page, workshop["workshop"])
    safety, health = _theme(services, "Community safety"), _theme(services, "Health")
    for title, theme in (("Knife crime", safety), ("Speeding", safety), ("Obesity", health)):
        board.capture_bar.theme.select(theme)
        board.capture_title.setText(title)
        assert board.capture() is not None
    qtbot.waitUntil(lambda: sum(c.notes.count() for c in board.columns.values()) == 3)
    board.countdown_minutes.setValue(2)
    board.present_button.click()
    view = board.presentation
    assert view is not None and view.isFullScreen()
    qtbot.waitExposed(view)
    assert view.focused_note().title in {"Knife crime", "Obesity"}
    first_column = view.columns[0][0]
    # Down moves within the column, Right to the next, Left back.
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.column == 1
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.column == 0 and view.columns[0][0] == first_column
    safety_column = next(n for n, (_name, notes) in enumerate(view.columns) if notes[0].theme_id == safety)
    while view.column != safety_column:
        qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.focused_note().title == "Speeding"
    # Space with nobody voting says so; Page Down chooses the first participant; Space then places a dot.
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert "Choose who is voting" in board.message.text()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert board.voter() == workshop["alex"]
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.focused_note() is not None and view.focused_note().dots == 2)
    assert view.focused_note().title == "Speeding"  # the focus stays on the note voted for
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: view.focused_note().dots == 1)
    assert "Alex Smith" in view.status_text() and "2 dots left" in view.status_text()
    # T starts the countdown.
    assert view.timer_text().startswith("2:00")
    qtbot.keyClick(view, Qt.Key.Key_T)
    assert view.timer.isActive()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: board.presentation is None)


# --------------------------------------------------------------------------- a small screen


def test_the_board_and_its_dialogs_fit_a_1366_by_768_screen(qtbot, page: WorkshopsPage, env: UiEnv, workshop) -> None:  # type: ignore[no-untyped-def]
    width, height = 1366 - 16 - 200, 768 - 40 - 32  # less the window's navigation, taskbar and frame
    board = _open_board(qtbot, page, workshop["workshop"])
    needed = page.minimumSizeHint()
    assert needed.width() <= width and needed.height() <= height, f"the board needs {needed}"
    state = board.state
    assert state is not None
    dialogs = [
        WorkshopDialog(env, state.workshop, page),
        TallyDialog(env, state.workshop.id, state.notes, {}, page),
        AgreeActionDialog(env, state.workshop.id, state.ranking, state.notes, set(), page),
        WorkshopRecordDialog(env, state.workshop, page),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        size = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
        assert size.width() <= 1366 - 16 and size.height() <= 768 - 72, f"{dialog.windowTitle()} needs {size}"
        dialog.hide()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_workshop_record_is_written_in_the_background_and_read_back(  # type: ignore[no-untyped-def]
    qtbot, page: WorkshopsPage, env: UiEnv, workshop, tmp_path: Path, fmt: str
) -> None:
    services = env.services
    workshops = services.workshops
    falls = workshops.capture_note(workshop["workshop"], "Falls among older people", workshop["first"])
    workshops.place_dot(workshop["workshop"], falls.need_id, workshop["alex"])
    workshops.agree_action(
        workshop["workshop"], [falls.need_id], "Falls prevention classes", workshop["first"], due_on=date(2008, 9, 30)
    )
    board = _open_board(qtbot, page, workshop["workshop"])
    target = tmp_path / f"record.{fmt}"

    def write(dialog: QWidget) -> None:
        assert isinstance(dialog, WorkshopRecordDialog)
        dialog.format.setCurrentIndex(find_data(dialog.format, fmt))
        assert dialog.target.text().endswith(f".{fmt}")
        dialog.target.setText(str(target))
        dialog.write_button.click()  # written in the background, with progress and Cancel

    filled = when_shown(WorkshopRecordDialog, write)
    answered = when_shown(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Close).click())
    board.record_button.click()  # returns once the dialog has closed
    filled.check()
    answered.check()
    assert target.exists()
    if fmt == "pdf":
        assert target.read_bytes().startswith(b"%PDF")
        return
    import docx

    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for expected in ("Safer streets workshop", "Alex Smith", "Falls among older people", "Falls prevention classes"):
        assert expected in text


# --------------------------------------------------------------------------- notes edited, changes followed


def test_a_note_is_edited_by_double_click_and_deleted_by_the_delete_key_with_undo(  # type: ignore[no-untyped-def]
    qtbot, page: WorkshopsPage, env: UiEnv, workshop
) -> None:
    services = env.services
    note = services.workshops.capture_note(workshop["workshop"], "Grafiti on the underpass", workshop["first"])
    board = _open_board(qtbot, page, workshop["workshop"])
    qtbot.waitUntil(lambda: sum(c.notes.count() for c in board.columns.values()) == 1)

    def correct(dialog: QDialog) -> None:
        assert isinstance(dialog, NoteDialog)
        dialog.title.setText("Graffiti on the underpass")
        dialog.organisation.select(workshop["second"])
        dialog.try_save()

    corrected = when_dialog_opens(correct)
    notes, item = _note_item(board, "Grafiti on the underpass")
    centre = notes.visualItemRect(item).center()
    qtbot.mouseClick(notes.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # a double-click starts with a click
    qtbot.mouseDClick(notes.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    corrected.check()
    [edited] = services.workshops.notes(workshop["workshop"])
    assert (edited.title, edited.organisation_id) == ("Graffiti on the underpass", workshop["second"])
    assert services.needs.get(note.need_id).title == "Graffiti on the underpass"  # the need it made follows
    qtbot.waitUntil(lambda: _note_item(board, "Graffiti on the underpass") is not None)

    notes, item = _note_item(board, "Graffiti on the underpass")
    notes.setCurrentItem(item)
    qtbot.keyClick(notes, Qt.Key.Key_Delete)
    assert services.workshops.notes(workshop["workshop"]) == []
    assert "Undo" in board.message.text()
    env.undo_stack.undo()
    assert [n.title for n in services.workshops.notes(workshop["workshop"])] == ["Graffiti on the underpass"]
    qtbot.waitUntil(lambda: sum(c.notes.count() for c in board.columns.values()) == 1)


def test_the_board_follows_changes_made_elsewhere_and_catches_up_when_shown_again(  # type: ignore[no-untyped-def]
    qtbot, page: WorkshopsPage, env: UiEnv, workshop
) -> None:
    workshops = env.services.workshops
    board = _open_board(qtbot, page, workshop["workshop"])
    workshops.capture_note(workshop["workshop"], "Fly-tipping behind the shops")  # as the other app would
    qtbot.waitUntil(lambda: sum(c.notes.count() for c in board.columns.values()) == 1)
    # On the list, the board is hidden: it only notes that it is out of date, and catches up when opened.
    board.back_button.click()
    assert page.stack.currentWidget() is page.list
    workshops.capture_note(workshop["workshop"], "Dog fouling on the green")
    assert board.loader.stale
    assert sum(c.notes.count() for c in board.columns.values()) == 1
    qtbot.waitUntil(
        lambda: page.list.model.index_where(lambda w: w.id == workshop["workshop"] and w.notes_count == 2) is not None
    )
    _open_board(qtbot, page, workshop["workshop"])
    qtbot.waitUntil(lambda: sum(c.notes.count() for c in board.columns.values()) == 2)
    # Deleted meanwhile, the workshop's board gives way to the list.
    workshops.delete(workshop["workshop"])
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.list)


def test_presentation_type_shrinks_until_every_word_fits_its_column(qtbot) -> None:  # type: ignore[no-untyped-def]
    font = QFont()
    font.setPixelSize(40)
    words = ["Leadership and governance", "Corporate effectiveness and efficiencies"]
    fitted = _fitting(font, 150, words)
    metrics = QFontMetricsF(fitted)
    assert 14 <= fitted.pixelSize() < 40
    assert all(metrics.horizontalAdvance(word) <= 150 for text in words for word in text.split())
    assert _fitting(font, 2000, words).pixelSize() == 40  # room enough: the type stays large


@pytest.fixture
def window(qtbot, demo_workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    built.services.context.today = lambda: date(2008, 6, 1)
    qtbot.addWidget(built)
    built.resize(1366 - 16, 768 - 72)
    built.show()
    yield built
    built.close()


def test_the_demo_board_opens_in_the_window_on_a_small_screen_and_the_toolbar_acts_on_it(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("workshopPage")
    assert isinstance(page, WorkshopsPage)
    services = window.services
    with_notes = next(w for w in services.workshops.list() if w.notes_count)
    board = _open_board(qtbot, page, with_notes.id)
    themes = {note.theme_id for note in services.workshops.notes(with_notes.id)}
    assert set(board.columns) == themes
    assert sum(column.notes.count() for column in board.columns.values()) == with_notes.notes_count
    assert board.actions_list.count() == len(services.workshops.agreed_actions(with_notes.id))
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert minimum.width() <= 1366 - 16 and minimum.height() <= 768 - 72, f"the window needs {minimum}"
    assert window.width() == 1366 - 16
    # Find on the board goes to the capture line; Find on the list to its search box.
    board.notes_area.setFocus()
    page.focus_search()
    assert board.capture_title.hasFocus() or QApplication.focusWidget() is board.capture_title
    board.back_button.click()
    page.focus_search()
    assert QApplication.focusWidget() is page.list.search


def test_a_board_slow_to_read_loads_in_the_background_and_says_so(
    qtbot, page: WorkshopsPage, env: UiEnv, workshop
) -> None:  # type: ignore[no-untyped-def]
    board = _open_board(qtbot, page, workshop["workshop"])
    board.loader.last_seconds = 1.0  # as if the last read had taken a second
    env.services.workshops.capture_note(workshop["workshop"], "Parking outside the school gates")
    qtbot.waitUntil(lambda: board.loading)
    assert board.message.text() == "Loading the board…"
    qtbot.waitUntil(lambda: not board.loading and sum(c.notes.count() for c in board.columns.values()) == 1)
    assert board.message.text() == ""
