"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from locality import __version__
from locality.paths import resource
from locality.services.context import Changes
from locality.services.registry import Services
from locality.ui.errors import show_error
from locality.ui.pages import PAGES, Page


class ChangeBridge(QObject):
    """Turns the services' change notifications into a Qt signal, delivered on the GUI thread."""

    changed = Signal(object)


def icon(name: str) -> QIcon:
    path = resource("icons", name)
    return QIcon(str(path)) if path.exists() else QIcon()


class MainWindow(QMainWindow):
    def __init__(self, services: Services) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.services = services
        self._bridge = ChangeBridge(self)
        self._bridge.changed.connect(self._on_changes)
        services.context.subscribe(self._bridge.changed.emit)
        self.setWindowIcon(icon("locality.svg"))
        self.resize(1200, 780)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Pages")
        self.navigation.setFixedWidth(190)
        self.stack = QStackedWidget()
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.pages: dict[str, Page] = {}
        for spec in PAGES:
            page = spec.build(services)
            page.setObjectName(spec.object_name)
            self.pages[spec.object_name] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.object_name)
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)

        self._status = QLabel()
        self.statusBar().addPermanentWidget(self._status)
        self._build_menus()
        self._update_title_and_status()

    # ------------------------------------------------------------------ navigation

    def show_page(self, object_name: str) -> Page:
        index = list(self.pages).index(object_name)
        self.navigation.setCurrentRow(index)
        return self.pages[object_name]

    def current_page(self) -> Page:
        return self.stack.currentWidget()  # type: ignore[return-value]

    # ------------------------------------------------------------------ menus

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open workspace…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._open_workspace_dialog)
        file_menu.addAction(open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        for index, spec in enumerate(PAGES):
            action = QAction(spec.title, self)
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, name=spec.object_name: self.show_page(name))
            view_menu.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Locality", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Locality",
            f"<b>Locality {__version__}</b><p>Map the improvement needs a locality partnership shares, agree "
            "joint capacity-building actions, track their progress and export joint action plans.</p>",
        )

    def _open_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open workspace", "", "Locality workspaces (*.locality *.sqlite *.db);;All files (*)"
        )
        if path:
            self.open_workspace(path)

    def open_workspace(self, target: str) -> bool:
        """Switches to another workspace; on failure the current one stays open and the user is told why."""
        try:
            services = Services.open(target, self.services.context.user, create_missing=False)
        except Exception as error:  # shown in one place, the current workspace untouched
            show_error(self, error, "Open workspace")
            return False
        replacement = MainWindow(services)
        replacement.setGeometry(self.geometry())
        replacement.show()
        self._replacement = replacement
        self.close()
        return True

    # ------------------------------------------------------------------ changes

    def _on_changes(self, changes: Changes) -> None:
        for page in self.pages.values():
            page.on_changes(changes)
        self._update_title_and_status()

    def _update_title_and_status(self) -> None:
        details = self.services.workspace.details()
        name = details.partnership_name or "New partnership"
        self.setWindowTitle(f"{name} — Locality")
        counts = dict(self.services.workspace.counts())
        self._status.setText(
            f"{self.services.location}   ·   {counts['organisations']:,} organisations · "
            f"{counts['needs']:,} needs · {counts['actions']:,} actions"
        )

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt override
        self.services.context.unsubscribe(self._bridge.changed.emit)
        self.services.close()
        super().closeEvent(event)
