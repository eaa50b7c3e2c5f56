"""Help inside the app, offline: the user guide (HTML pages in ``resources/help/``, their order and titles in
``contents.json``) in a window with a contents list, back and forward and a find box, and the keyboard shortcut
sheet, made from the window's own actions so that it never lists a key the window does not have."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from locality.paths import resource

#: How the guide's pages look: plain, readable type and screenshots that fit the pane.
GUIDE_STYLE = """
body { font-size: 11pt; line-height: 140%; }
h1 { font-size: 18pt; color: #00695c; }
h2 { font-size: 14pt; color: #00695c; margin-top: 18px; }
p.tip { background-color: #e0f2f1; padding: 6px; }
td, th { padding: 4px 8px; }
th { text-align: left; background-color: #eceff1; }
kbd { font-family: monospace; background-color: #eceff1; }
"""


@dataclass(frozen=True)
class GuidePage:
    file: str
    title: str


def help_dir() -> Path:
    return resource("help")


def guide_contents() -> list[GuidePage]:
    """The guide's pages in reading order, as ``contents.json`` lists them."""
    entries = json.loads((help_dir() / "contents.json").read_text(encoding="utf-8"))
    return [GuidePage(entry["file"], entry["title"]) for entry in entries]


class HelpWindow(QWidget):
    """The user guide: contents on the left, the page on the right, with back, forward and find."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("helpWindow")
        self.setWindowTitle("Locality user guide")
        self.pages = guide_contents()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.back_button = QPushButton("◀ &Back")
        self.back_button.setObjectName("helpBack")
        self.back_button.setAccessibleName("Back")
        self.forward_button = QPushButton("&Forward ▶")
        self.forward_button.setObjectName("helpForward")
        self.forward_button.setAccessibleName("Forward")
        bar.addWidget(self.back_button)
        bar.addWidget(self.forward_button)
        bar.addStretch(1)
        self.find_box = QLineEdit()
        self.find_box.setObjectName("helpFind")
        self.find_box.setPlaceholderText("Find in this page…")
        self.find_box.setAccessibleName("Find in this page")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setMinimumWidth(220)
        self.find_box.returnPressed.connect(self.find_next)
        self.find_box.textChanged.connect(lambda _text: self.find_next(from_top=True))
        self.find_note = QLabel()
        self.find_note.setObjectName("helpFindNote")
        bar.addWidget(self.find_box)
        bar.addWidget(self.find_note)
        layout.addLayout(bar)

        self.contents = QListWidget()
        self.contents.setObjectName("helpContents")
        self.contents.setAccessibleName("Contents of the user guide")
        for page in self.pages:
            item = QListWidgetItem(page.title)
            item.setData(Qt.ItemDataRole.UserRole, page.file)
            self.contents.addItem(item)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setAccessibleName("User guide page")
        self.browser.setSearchPaths([str(help_dir())])
        self.browser.document().setDefaultStyleSheet(GUIDE_STYLE)
        # Links to other guide pages open here; a web address opens in the browser.
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 760])
        layout.addWidget(splitter, 1)

        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.browser.sourceChanged.connect(self._source_changed)
        self.contents.currentRowChanged.connect(self._contents_chosen)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        self.resize(1000, 680)
        self.open_page(self.pages[0].file)

    def open_page(self, file: str) -> None:
        self.browser.setSource(QUrl.fromLocalFile(str(help_dir() / file)))
        self._source_changed(self.browser.source())

    def current_file(self) -> str:
        return Path(self.browser.source().toLocalFile()).name

    def _contents_chosen(self, row: int) -> None:
        if 0 <= row < len(self.pages) and self.pages[row].file != self.current_file():
            self.open_page(self.pages[row].file)

    def _source_changed(self, _url: QUrl) -> None:
        current = self.current_file()
        for row, page in enumerate(self.pages):
            if page.file == current:
                self.contents.blockSignals(True)
                self.contents.setCurrentRow(row)
                self.contents.blockSignals(False)
                self.setWindowTitle(f"{page.title} — Locality user guide")
        self.find_note.clear()

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        self.browser.setSource(url)
        self._source_changed(url)

    def find_next(self, *, from_top: bool = False) -> bool:
        """Selects the next place the find box's text appears in the page (wrapping round to the top)."""
        text = self.find_box.text()
        if not text:
            self.find_note.clear()
            return False
        if from_top:
            self.browser.moveCursor(self.browser.textCursor().MoveOperation.Start)
        found = self.browser.find(text)
        if not found:
            self.browser.moveCursor(self.browser.textCursor().MoveOperation.Start)
            found = self.browser.find(text)
        self.find_note.setText("" if found else "Not found in this page")
        return found


def show_user_guide(parent: QWidget, file: str | None = None) -> HelpWindow:
    """Brings the window's user guide to the front (one a main window), at ``file`` when given."""
    owner = parent.window()
    guide = owner.findChild(HelpWindow)
    if guide is None:
        guide = HelpWindow(owner)
    if file is not None:
        guide.open_page(file)
    # Shown again rather than raised: a window shown anew comes to the front on every platform (and raise_() is
    # not supported by some, offscreen among them).
    guide.hide()
    guide.show()
    guide.activateWindow()
    return guide


# ---------------------------------------------------------------------------------------------- shortcuts

#: Keys that work without a menu command: on every list and in the tables.
TABLE_KEYS: tuple[tuple[str, str], ...] = (
    ("Open the selected row", "Enter"),
    ("Delete the selected rows (asks first)", "Delete"),
    ("Move between fields in a dialog", "Tab, Shift+Tab"),
    ("Open a date field's calendar", "Alt+Down"),
    ("Close a dialog (asks before losing what was typed)", "Esc"),
)


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every command of the window's menus that has a keyboard shortcut, menu by menu: (menu, [(command, key)])."""
    native = QKeySequence.SequenceFormat.NativeText
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        rows = [
            (_command_text(action), action.shortcut().toString(native))
            for action in _menu_actions(menu)
            if not action.shortcut().isEmpty()
        ]
        if rows:
            groups.append((top.text().replace("&", ""), rows))
    return groups


def _menu_actions(menu: QMenu) -> list[QAction]:
    found: list[QAction] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            found.extend(_menu_actions(sub))
        elif not action.isSeparator():
            found.append(action)
    return found


def _command_text(action: QAction) -> str:
    # Undo's text names what it would undo ("Undo add need …"): the sheet says just what the key does.
    text = action.text().replace("&", "").rstrip("…").strip()
    for fixed in ("Undo", "Redo"):
        if text.startswith(fixed):
            return fixed
    return text


def shortcut_sheet_html(window: QMainWindow) -> str:
    """The shortcut sheet as a page that reads and prints well: one table a menu, then the keys of lists."""
    parts = ["<h1>Keyboard shortcuts</h1>"]
    for menu, rows in [*menu_shortcuts(window), ("Lists, tables and dialogs", list(TABLE_KEYS))]:
        parts.append(f"<h2>{html.escape(menu)}</h2><table cellspacing='0' width='100%'>")
        parts.append("<tr><th width='65%'>Command</th><th>Key</th></tr>")
        for command, key in rows:
            parts.append(f"<tr><td>{html.escape(command)}</td><td><b>{html.escape(key)}</b></td></tr>")
        parts.append("</table>")
    return "".join(parts)


class ShortcutSheet(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.document().setDefaultStyleSheet(GUIDE_STYLE)
        self.text.setHtml(shortcut_sheet_html(window))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = buttons.addButton("&Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_sheet)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 620)

    def print_sheet(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            document = QTextDocument()
            document.setDefaultStyleSheet(GUIDE_STYLE)
            document.setHtml(self.text.toHtml())
            document.print_(printer)
