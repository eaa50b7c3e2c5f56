"""Help inside the app: the user guide's pages, pictures and links all exist, the Help menu opens the guide
offline, and the keyboard shortcut sheet lists exactly the shortcuts the window's commands have."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtGui import QAction

from locality.services.organisations import OrganisationDraft
from locality.ui.empty_state import EmptyState
from locality.ui.help_window import HelpWindow, ShortcutSheet, guide_contents, help_dir, menu_shortcuts
from locality.ui.import_dialog import ImportDialog
from locality.ui.main_window import MainWindow
from tests.ui.helpers import when_shown


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and values.get("src"):
            self.images.append(str(values["src"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))


def references(page: Path) -> _References:
    parser = _References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


GUIDE_PAGES = [page.file for page in guide_contents()]


def test_the_contents_name_the_six_chapters_and_each_page_exists() -> None:
    titles = [page.title for page in guide_contents()]
    assert titles == [
        "Getting started",
        "Mapping needs",
        "Actions and progress",
        "Workshops and merging",
        "Exports and board papers",
        "A shared server",
    ]
    for file in GUIDE_PAGES:
        assert (help_dir() / file).is_file(), file
    # and no page is left out of the contents, unreachable
    assert sorted(path.name for path in help_dir().glob("*.html")) == sorted(GUIDE_PAGES)


@pytest.mark.parametrize("file", GUIDE_PAGES)
def test_every_picture_and_link_of_a_page_exists(file: str) -> None:
    found = references(help_dir() / file)
    for image in found.images:
        assert (help_dir() / image).is_file(), f"{file} shows {image}, which is missing"
    for link in found.links:
        if not re.match(r"^(https?|mailto):", link):
            assert (help_dir() / link.split("#")[0]).is_file(), f"{file} links to {link}, which is missing"


def test_every_screenshot_is_used_and_small() -> None:
    used = {image for file in GUIDE_PAGES for image in references(help_dir() / file).images}
    for image in (help_dir() / "images").glob("*.png"):
        assert f"images/{image.name}" in used, f"{image.name} is not shown by any page"
        assert image.stat().st_size < 150_000, f"{image.name} is too large for the guide"


def test_help_user_guide_opens_the_guide_and_moves_between_pages(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    guide_action = next(a for a in help_menu.actions() if a.text() == "&User guide")  # type: ignore[union-attr]
    guide_action.trigger()
    guide = window.findChild(HelpWindow)
    assert guide is not None and guide.isVisible()
    assert guide.contents.count() == 6 and guide.contents.currentRow() == 0
    assert "Explore the demo partnership" in guide.browser.toPlainText()
    guide.grab().save("/tmp/welcome-help-guide.png")

    guide.contents.setCurrentRow(2)
    assert guide.current_file() == "actions-and-progress.html"
    assert "RAG ratings" in guide.browser.toPlainText()
    assert guide.back_button.isEnabled()
    guide.back_button.click()
    assert guide.current_file() == "getting-started.html" and guide.contents.currentRow() == 0
    guide.forward_button.click()
    assert guide.current_file() == "actions-and-progress.html"

    guide.find_box.setText("milestones")
    assert guide.browser.textCursor().selectedText().casefold() == "milestones"
    guide.find_box.setText("no such words anywhere")
    assert guide.find_note.text() == "Not found in this page"

    # Asking again brings the same window forward rather than opening a second.
    window.user_guide_action.trigger()
    assert len(window.findChildren(HelpWindow)) == 1


def test_a_link_to_another_chapter_opens_it_in_the_guide(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.show_user_guide()
    guide = window.findChild(HelpWindow)
    assert guide is not None
    guide.browser.anchorClicked.emit(guide.browser.source().resolved("mapping-needs.html"))
    assert guide.current_file() == "mapping-needs.html" and guide.contents.currentRow() == 1


def test_the_shortcut_sheet_lists_every_shortcut_the_window_has(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    listed = {key for _menu, rows in menu_shortcuts(window) for _command, key in rows}
    actual = {
        action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
        for action in window.findChildren(QAction)
        if not action.shortcut().isEmpty()
    }
    assert listed == actual
    assert "Ctrl+E" in listed and "Ctrl+Shift+C" in listed

    def read(sheet) -> None:  # type: ignore[no-untyped-def]
        text = sheet.text.toPlainText()
        for key in actual:
            assert key in text
        assert "Export the plan" in text and "Undo" in text and "Delete" in text
        assert sheet.print_button.isEnabled()
        sheet.grab().save("/tmp/welcome-help-shortcuts.png")
        sheet.close()

    failure = when_shown(ShortcutSheet, read)
    window.shortcuts_action.trigger()
    failure.check()


def test_an_empty_page_offers_its_next_steps(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("organisationsPage")
    qtbot.waitUntil(lambda: page.table_area.currentWidget() is page.empty_state)  # type: ignore[attr-defined]
    state = page.findChild(EmptyState)
    assert state is not None and state.isVisible()
    assert state.sentence.text().startswith("No organisations yet.")
    assert state.step_texts() == ["New organisation…", "Import from a spreadsheet…"]
    window.grab().save("/tmp/welcome-help-empty-organisations.png")

    def check_kind(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.kind.currentData() == "organisations"
        dialog.reject()

    failure = when_shown(ImportDialog, check_kind)
    state.buttons[1].click()
    failure.check()

    # A search that finds nothing still shows the table; only a page with no rows at all says where to begin.
    assert window.services is not None
    window.services.organisations.create(OrganisationDraft(name="Eastvale Police"))
    qtbot.waitUntil(lambda: page.table_area.currentWidget() is page.table)  # type: ignore[attr-defined]
    page.search.setText("no such partner")  # type: ignore[attr-defined]
    page.apply_filters()  # type: ignore[attr-defined]
    assert page.table_area.currentWidget() is page.table  # type: ignore[attr-defined]


def test_no_two_commands_share_a_key(window: MainWindow) -> None:
    # A key two actions share does neither (Qt calls it ambiguous): each must be one command's alone.
    keys = [action.shortcut().toString() for action in window.findChildren(QAction) if not action.shortcut().isEmpty()]
    assert sorted(keys) == sorted(set(keys))
