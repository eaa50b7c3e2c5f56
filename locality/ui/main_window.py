"""The main window: navigation on the left, one page at a time on the right, menus, toolbar and status bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QPainter, QPixmap, QUndoStack
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from locality import __version__
from locality.domain.entities import Entity
from locality.domain.text import plural
from locality.paths import is_demo_workspace, resource
from locality.services.context import Changes, User
from locality.services.registry import Services
from locality.ui.chase_dialog import ChaseDialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import ErrorForm
from locality.ui.outside_poll import OutsideChangesPoll
from locality.ui.page_stack import LazyPages
from locality.ui.pages import PAGES
from locality.ui.settings import AppSettings
from locality.ui.style import apply_style, high_contrast
from locality.ui.workspace_settings_dialog import edit_workspace_settings

WORKSPACE_FILTER = "Locality workspaces (*.locality *.sqlite *.db);;All files (*)"


#: Where a navigation item keeps its icon's file name, to draw it again when the theme changes.
ICON_NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def set_icon(action: QAction, name: str) -> None:
    """Gives ``action`` the icon ``name``, remembered so that switching high contrast can draw it again."""
    action.setProperty("iconName", name)
    action.setIcon(icon(name))


class ChangeBridge(QObject):
    """Turns the services' change notifications into a Qt signal, delivered on the GUI thread."""

    changed = Signal(object)


def icon(name: str) -> QIcon:
    """An icon from resources/icons for the current theme (see ``themed_icon``)."""
    return themed_icon(name, high_contrast())


@cache
def themed_icon(name: str, contrast: bool) -> QIcon:
    """An icon from resources/icons, with a white variant for selected rows (dark strokes vanish on teal); in high
    contrast, white strokes on the black window and black ones on the yellow of a selected row."""
    path = resource("icons", name)
    if not path.exists():
        return QIcon()
    svg = path.read_text(encoding="utf-8")
    if not contrast:
        result = QIcon(str(path))
        _add_pixmaps(result, svg.replace("#37474f", "#ffffff"), QIcon.Mode.Selected)
        return result
    result = QIcon()
    _add_pixmaps(result, svg.replace("#37474f", "#ffffff"), QIcon.Mode.Normal)
    _add_pixmaps(result, svg.replace("#37474f", "#000000"), QIcon.Mode.Selected)
    _add_pixmaps(result, svg.replace("#37474f", "#8c8c8c"), QIcon.Mode.Disabled)
    return result


def _add_pixmaps(result: QIcon, svg: str, mode: QIcon.Mode) -> None:
    drawing = QByteArray(svg.encode("utf-8"))
    for size in (16, 24, 32, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        renderer = QSvgRenderer(drawing)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        result.addPixmap(pixmap, mode)


class UserDialog(QDialog):
    """Asked once: who is editing, written on the change log and on progress updates."""

    def __init__(self, user: User | None, parent: QWidget | None = None, organisations: Sequence[str] = ()) -> None:
        """``organisations``: the partnership's organisations, one of which is the user's; a name kept from
        another workspace stays choosable, marked as not in this one."""
        super().__init__(parent)
        self.setWindowTitle("About you")
        layout = QVBoxLayout(self)
        intro = QLabel("Locality writes your name and organisation on every change and progress update you make.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = ErrorForm()
        self.name = self.form.add_field("name", "Your &name:", QLineEdit(user.name if user else ""))
        self.organisation = self.form.add_field("organisation", "Your &organisation:", QComboBox())
        self.organisation.addItem("(not set)", "")
        for name in organisations:
            self.organisation.addItem(name, name)
        current = user.organisation if user else ""
        if current and current not in organisations:
            self.organisation.addItem(f"{current} (not in this partnership)", current)
        self.organisation.setCurrentIndex(max(self.organisation.findData(current), 0))
        layout.addLayout(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.form.show_errors({"name": "Enter your name"})
            return
        self.accept()

    def user(self) -> User:
        return User(self.name.text().strip(), str(self.organisation.currentData() or ""))


class MainWindow(QMainWindow):
    def __init__(self, services: Services, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings or AppSettings()
        self.undo_stack = QUndoStack(self)
        self._bridge = ChangeBridge(self)
        # Pages hear of a change at once (so a row just saved can be selected); only pages on screen reload,
        # the others when next shown.
        self._bridge.changed.connect(self._on_changes)
        self.setWindowIcon(icon("locality.svg"))
        self.resize(1280, 800)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Pages")
        # Wide enough for the longest page name at the system's text size (at 150% "Organisations" was cut off).
        self.navigation.ensurePolished()
        longest = max(self.navigation.fontMetrics().horizontalAdvance(spec.title) for spec in PAGES)
        self.navigation.setMinimumWidth(max(170, longest + 80))  # icon, item padding and margins, frame
        self.stack = QStackedWidget()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 1090])
        # Says when the workspace could only be opened read-only, or was recovered after a crash.
        self.workspace_banner = QLabel()
        self.workspace_banner.setObjectName("workspaceBanner")
        self.workspace_banner.setWordWrap(True)
        self.workspace_banner.setStyleSheet(
            "QLabel#workspaceBanner { background: #fff4ce; color: #3b2f00; border-bottom: 1px solid #c9a227;"
            " padding: 6px 10px; }"
        )
        self.workspace_banner.hide()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.workspace_banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.navigation.currentRowChanged.connect(self._show_row)

        self._status = QLabel()
        #: The counts the status bar shows, kept between changes: an edit recounts only the kinds it touched
        #: (counting 20,000 actions three times over was a third of the time an edit took to save and show).
        self._counts: dict[Entity, int] = {}
        self._status.setObjectName("workspaceStatus")
        self.statusBar().addPermanentWidget(self._status)
        self.pages: LazyPages  # made by set_services, just below
        self.services: Services | None = None
        self.outside_poll: OutsideChangesPoll | None = None
        apply_style(contrast=self.settings.high_contrast())
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.set_services(services)
        self._restore_geometry()

    # ------------------------------------------------------------------ workspace

    @property
    def env(self) -> UiEnv:
        assert self.services is not None
        return UiEnv(self.services, self.undo_stack, self.settings, self.show_page)

    def set_services(self, services: Services) -> None:
        """Shows ``services``' workspace, replacing (and closing) the one shown before."""
        if self.services is not None:
            self._save_tables()
            self._stop_outside_poll()
            self.services.context.unsubscribe(self._bridge.changed.emit)
            self.services.close()
            self.pages.clear()
        self.services = services
        services.context.subscribe(self._bridge.changed.emit)
        # Another app's changes to the same file or server show here too, as they are made.
        self.outside_poll = OutsideChangesPoll(services, self)
        self.undo_stack.clear()
        self.navigation.clear()
        # Pages are built when first shown or asked for; a workspace opens on its dashboard.
        self.pages = LazyPages(PAGES, self.env, self.stack)
        for spec in PAGES:
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setData(ICON_NAME_ROLE, spec.icon)
            item.setData(Qt.ItemDataRole.UserRole, spec.object_name)
            self.navigation.addItem(item)
        # A workspace opens on its dashboard, which leads with what needs chasing.
        self.navigation.setCurrentRow(0)
        # A server is remembered without its password, which libpq then finds in ~/.pgpass or a service entry.
        self.settings.remember_workspace(services.context.workspace.reopen_as)
        self._rebuild_recent_menu()
        self._counts.clear()
        self._update_title_and_status()
        self._update_banner()

    def _update_banner(self) -> None:
        assert self.services is not None
        workspace = self.services.context.workspace
        notes = []
        if workspace.read_only_reason:
            notes.append(workspace.read_only_reason)
        if workspace.recovered:
            notes.append(
                "A change that was interrupted when Locality or the computer stopped has been rolled back; "
                "everything saved before it is here."
            )
        # Nothing can be saved to a read-only workspace: say so by greying out what would add, import or delete.
        writable = not workspace.read_only
        for action in (self.new_item_action, self.delete_action, self.import_action, self.merge_action):
            action.setEnabled(writable)
            action.setToolTip(action.text().replace("&", "") if writable else "The workspace is read-only")
        self.workspace_banner.setText("\n".join(notes))
        self.workspace_banner.setAccessibleName(" ".join(notes))
        self.workspace_banner.setVisible(bool(notes))

    def open_workspace(self, target: str, *, create: bool = False) -> bool:
        """Switches to another workspace; on failure the current one stays open and the user is told why."""
        assert self.services is not None
        try:
            services = Services.open(target, self.services.context.user, create_missing=create)
        except Exception as error:  # shown in one place; the current workspace stays as it was
            show_error(self, error, "Open workspace")
            return False
        self.set_services(services)
        return True

    # ------------------------------------------------------------------ navigation

    def show_page(self, object_name: str) -> QWidget:
        self.navigation.setCurrentRow(self.pages.index(object_name))
        return self.pages[object_name]

    def _show_row(self, row: int) -> None:
        self.pages.show(row)

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    # ------------------------------------------------------------------ actions and menus

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            set_icon(action, icon_name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.new_workspace_action = self._action("&New workspace…", self._new_workspace, QKeySequence.StandardKey.New)
        self.open_action = self._action("&Open workspace…", self._open_dialog, QKeySequence.StandardKey.Open)
        self.save_copy_action = self._action("Save a &copy as…", self._save_copy, QKeySequence.StandardKey.SaveAs)
        self.workshop_copy_action = self._action("Save a copy for a wor&kshop…", self._save_workshop_copy)
        self.workshop_copy_action.setStatusTip("A copy to take out on a laptop, merged back later with Merge from…")
        self.merge_action = self._action("&Merge from…", self._merge_from)
        self.merge_action.setStatusTip("Bring back the work done on a copy of this workspace, deciding any conflicts")
        self.import_action = self._action("&Import from a spreadsheet…", self._import, "Ctrl+I", "import.svg")
        self.export_action = self._action("&Export the plan…", self._export, "Ctrl+E", "export.svg")
        self.board_report_action = self._action("&Board report…", self._board_report)
        self.board_report_action.setObjectName("boardReportAction")
        self.board_report_action.setStatusTip("A short exception report for the partnership board, as PDF or Word")
        self.evidence_paper_action = self._action("E&vidence paper…", self._evidence_paper)
        self.evidence_paper_action.setObjectName("evidencePaperAction")
        self.evidence_paper_action.setStatusTip("What was invested, what it bought and which kinds of support did best")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        set_icon(self.undo_action, "undo.svg")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        set_icon(self.redo_action, "redo.svg")
        self.find_action = self._action("&Find…", self._find, QKeySequence.StandardKey.Find, "search.svg")
        self.new_item_action = self._action("New &item…", self._new_item, "Ctrl+Shift+N", "add.svg")
        self.edit_item_action = self._action("&Edit selected…", self._edit_item, None, "edit.svg")
        self.delete_action = self._action("&Delete selected", self._delete, None, "delete.svg")
        self.about_action = self._action("&About Locality", self._about)
        self.user_guide_action = self._action(
            "&User guide", self.show_user_guide, QKeySequence.StandardKey.HelpContents
        )
        self.user_guide_action.setObjectName("userGuideAction")
        self.shortcuts_action = self._action("&Keyboard shortcuts", self._shortcuts)
        self.identity_action = self._action("Your &name and organisation…", self.ask_user)
        self.workspace_settings_action = self._action("&Workspace settings and RAG rule…", self._workspace_settings)
        self.chase_action = self._action("What needs &chasing…", self._chase, "Ctrl+Shift+C", "timeline.svg")
        self.high_contrast_action = QAction("&High contrast", self)
        self.high_contrast_action.setObjectName("highContrastAction")
        self.high_contrast_action.setCheckable(True)
        self.high_contrast_action.setChecked(self.settings.high_contrast())
        self.high_contrast_action.setStatusTip("White and yellow on black, for those who need stronger contrast")
        self.high_contrast_action.toggled.connect(self.set_high_contrast)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_workspace_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addAction(self.save_copy_action)
        file_menu.addSeparator()
        file_menu.addAction(self.workshop_copy_action)
        file_menu.addAction(self.merge_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.board_report_action)
        file_menu.addAction(self.evidence_paper_action)
        file_menu.addSeparator()
        file_menu.addAction(self.workspace_settings_action)
        file_menu.addAction(self.identity_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        for action in (self.undo_action, self.redo_action):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        for action in (self.new_item_action, self.edit_item_action, self.delete_action, self.find_action):
            edit_menu.addAction(action)

        view_menu = self.menuBar().addMenu("&View")
        for index, spec in enumerate(PAGES):
            action = QAction(spec.title, self)
            set_icon(action, spec.icon)
            if index < 10:  # Ctrl+1 … Ctrl+0; an eleventh page would take Ctrl+1 again, and neither would work
                action.setShortcut(QKeySequence(f"Ctrl+{(index + 1) % 10}"))
            action.triggered.connect(lambda _checked=False, name=spec.object_name: self.show_page(name))
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.chase_action)
        view_menu.addSeparator()
        view_menu.addAction(self.high_contrast_action)

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.user_guide_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_item_action, self.edit_item_action, self.delete_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        # The toolbar's buttons say just "Undo" and "Redo" (what they would undo is in their tooltips and the Edit
        # menu): "Undo add spend to Community conversation on …" would push the other buttons off the toolbar.
        self.undo_button_action = self._short_twin(self.undo_action, "Undo")
        self.redo_button_action = self._short_twin(self.redo_action, "Redo")
        toolbar.addAction(self.undo_button_action)
        toolbar.addAction(self.redo_button_action)
        toolbar.addSeparator()
        toolbar.addAction(self.find_action)
        toolbar.addSeparator()
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.export_action)
        toolbar.addSeparator()
        toolbar.addAction(self.chase_action)
        self.addToolBar(toolbar)

    def _short_twin(self, action: QAction, text: str) -> QAction:
        """A copy of ``action`` with a short fixed text, following its enabled state and using its text as the
        tooltip."""
        twin = QAction(text, self)
        if action.property("iconName"):
            set_icon(twin, str(action.property("iconName")))
        twin.triggered.connect(action.trigger)

        def follow() -> None:
            if not (isValid(twin) and isValid(action)):
                return  # the window is being taken down
            twin.setEnabled(action.isEnabled())
            twin.setToolTip(action.text().replace("&", "") + f" ({action.shortcut().toString()})")

        action.changed.connect(follow)
        follow()
        return twin

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = str(self.services.context.workspace.path) if self.services else ""
        recent = [item for item in self.settings.recent_workspaces() if item != current]
        for location in recent:
            action = self.recent_menu.addAction(location)
            action.triggered.connect(lambda _checked=False, where=location: self.open_workspace(where))
        self.recent_menu.setEnabled(bool(recent))

    # ------------------------------------------------------------------ commands

    def _page_call(self, name: str) -> None:
        method = getattr(self.current_page(), name, None)
        if callable(method):
            method()
        else:
            self.statusBar().showMessage("That does not apply to this page.", 3000)

    def _find(self) -> None:
        self._page_call("focus_search")

    def _new_item(self) -> None:
        open_editor = getattr(self.current_page(), "open_editor", None)
        if callable(open_editor):
            open_editor(None)
        else:
            self.statusBar().showMessage("That does not apply to this page.", 3000)

    def _edit_item(self) -> None:
        self._page_call("edit_selected")

    def _delete(self) -> None:
        self._page_call("delete_selected")

    def _workspace_settings(self) -> None:
        edit_workspace_settings(self.env, self)

    def _chase(self) -> None:
        ChaseDialog(self.env, self).exec()

    def _import(self) -> None:
        from locality.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.env, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.report is not None:
            self.statusBar().showMessage(" ".join(dialog.report.lines()), 8000)

    def _export(self) -> None:
        from locality.ui.export_dialog import ExportDialog

        dialog = ExportDialog(self.env, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.written is not None:
            self.statusBar().showMessage(f"Saved the plan as {dialog.written}", 8000)

    def _board_report(self) -> None:
        from locality.ui.board_report_dialog import BoardReportDialog

        dialog = BoardReportDialog(self.env, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.written is not None:
            self.statusBar().showMessage(f"Saved the board report as {dialog.written}", 8000)

    def _evidence_paper(self) -> None:
        from locality.ui.evidence.paper_dialog import EvidencePaperDialog

        dialog = EvidencePaperDialog(self.env, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.written is not None:
            self.statusBar().showMessage(f"Saved the evidence paper as {dialog.written}", 8000)

    def _save_workshop_copy(self) -> None:
        from locality.ui.workshop_copy_dialog import WorkshopCopyDialog, copy_sentence

        dialog = WorkshopCopyDialog(self.env, self)
        dialog.exec()
        if dialog.written is not None:
            self.statusBar().showMessage(copy_sentence(dialog.written), 8000)

    def _merge_from(self) -> None:
        from locality.ui.merge_dialog import MergeDialog

        dialog = MergeDialog(self.env, self)
        dialog.exec()
        if dialog.merged is not None:
            self.statusBar().showMessage(dialog.merged.summary, 8000)

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open workspace", self._folder(), WORKSPACE_FILTER)
        if path:
            self.open_workspace(path)

    def _new_workspace(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New workspace", self._folder(), WORKSPACE_FILTER)
        if not path:
            return
        if not Path(path).suffix:
            path += ".locality"
        if Path(path).exists():
            QMessageBox.warning(self, "New workspace", f"{Path(path).name} already exists; choose a new name.")
            return
        self.open_workspace(path, create=True)

    def _save_copy(self) -> None:
        assert self.services is not None
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy as", self._folder(), WORKSPACE_FILTER)
        if not path:
            return
        try:
            self.services.workspace.save_copy(path)
        except Exception as error:
            show_error(self, error, "Save a copy")
            return
        self.statusBar().showMessage(f"Saved a copy as {path}", 5000)

    def _folder(self) -> str:
        path = self.services.context.workspace.path if self.services else None
        return str(path.parent) if path else ""

    def ask_user(self) -> None:
        assert self.services is not None
        names = [organisation.name for organisation in self.services.organisations.list()]
        dialog = UserDialog(self.settings.user() or self.services.context.user, self, sorted(names, key=str.casefold))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            user = dialog.user()
            self.settings.set_user(user)
            self.services.context.user = user

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Locality",
            f"<b>Locality {__version__}</b><p>Map the improvement needs a locality partnership shares, agree "
            "joint capacity-building actions, track their progress and export joint action plans.</p>",
        )

    def show_user_guide(self) -> None:
        from locality.ui.help_window import show_user_guide

        show_user_guide(self)

    def _shortcuts(self) -> None:
        from locality.ui.help_window import ShortcutSheet

        ShortcutSheet(self).exec()

    # ------------------------------------------------------------------ changes

    def set_high_contrast(self, on: bool) -> None:
        """Switches the high-contrast theme on or off, remembered for next time; pages draw their colours again."""
        self.settings.set_high_contrast(on)
        if self.high_contrast_action.isChecked() != on:
            self.high_contrast_action.setChecked(on)  # toggled again: this runs once more and finds it done
            return
        if on == high_contrast():
            return
        apply_style(contrast=on)
        self._refresh_icons()
        # Charts, the matrix and the timeline chose their colours when they drew: they draw again.
        self._on_changes(Changes(frozenset(Entity)))

    def _refresh_icons(self) -> None:
        """The icons again, drawn for the theme just chosen."""
        for action in self.findChildren(QAction):
            name = action.property("iconName")
            if name:
                action.setIcon(icon(str(name)))
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            item.setIcon(icon(str(item.data(ICON_NAME_ROLE))))

    def _on_changes(self, changes: Changes) -> None:
        for page in self.pages.built():
            handler = getattr(page, "on_changes", None)
            if handler is not None:
                handler(changes)
        self._update_title_and_status(changes)

    def workspace_is_empty(self) -> bool:
        """No organisations, needs or actions yet: the welcome is offered, and the pages say where to begin."""
        return not any(self._counts.get(entity) for entity in (Entity.ORGANISATION, Entity.NEED, Entity.ACTION))

    def _update_title_and_status(self, changes: Changes | None = None) -> None:
        """The partnership's name in the title and the counts in the status bar; after ``changes``, only what
        they touched is read again."""
        assert self.services is not None
        if changes is None or changes.touches(Entity.WORKSPACE_META):
            details = self.services.workspace.details()
            # The demo says so, so that nobody takes Westshire's figures for their own.
            demo = " (demo partnership)" if is_demo_workspace(self.services.context.workspace.path) else ""
            self.setWindowTitle(f"{details.partnership_name or 'New partnership'}{demo} — Locality")
        for entity in (Entity.ORGANISATION, Entity.NEED, Entity.ACTION):
            # An edit of existing records (``Changes.edited``) leaves their count as it was.
            recount = changes is None or (changes.touches(entity) and changes.edited_only(entity) is None)
            if recount or entity not in self._counts:
                self._counts[entity] = self.services.workspace.count(entity)
        counts = self._counts
        self._status.setText(
            f"{self.services.location}   ·   {plural(counts[Entity.ORGANISATION], 'organisation')} · "
            f"{plural(counts[Entity.NEED], 'need')} · {plural(counts[Entity.ACTION], 'action')}"
        )

    # ------------------------------------------------------------------ remembered layout

    def _restore_geometry(self) -> None:
        geometry = self.settings.bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.bytes("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.bytes("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def _save_tables(self) -> None:
        for page in self.pages.built():
            saver = getattr(page, "save_table_state", None)
            if saver is not None:
                saver()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.settings.set_bytes("window/geometry", self.saveGeometry())
        self.settings.set_bytes("window/state", self.saveState())
        self.settings.set_bytes("window/splitter", self.splitter.saveState())
        self._save_tables()
        self.settings.sync()
        if self.services is not None:
            self._stop_outside_poll()
            self.services.context.unsubscribe(self._bridge.changed.emit)
            self.services.close()
            self.services = None
        super().closeEvent(event)

    def _stop_outside_poll(self) -> None:
        if self.outside_poll is not None:
            self.outside_poll.stop()
            self.outside_poll = None
