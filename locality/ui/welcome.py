"""The first run: a welcome shown while the workspace is empty, offering the demo partnership, a guided set-up of
the user's own partnership, or another workspace.

It is shown by the ``locality`` command once its event loop runs (``app.run``), never by ``build_main_window``,
so the tests and anything else that builds a window are not held up by a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from locality.paths import demo_workspace_path
from locality.ui.errors import show_error
from locality.ui.long_work import LongWork

if TYPE_CHECKING:
    from locality.ui.main_window import MainWindow


class WelcomeChoice(Enum):
    DEMO = "demo"
    SET_UP = "set up"
    OPEN = "open"


class WelcomeDialog(QDialog):
    """Three big buttons; ``choice`` says which was pressed (None: the user closed it to start on the empty
    workspace as it is)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("Welcome to Locality")
        self.choice: WelcomeChoice | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel("Welcome to Locality")
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)
        intro = QLabel(
            "Locality maps the improvement needs your partners share, records the joint actions you agree, "
            "tracks their progress and writes the joint action plan for your board. How would you like to begin?"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.demo_button = self._choice_button(
            "demoButton",
            "Explore the &demo partnership",
            "Westshire Locality Partnership: a made-up county with its partners, needs, actions and progress, "
            "to try everything out. It is kept in a file of its own, apart from your work.",
            WelcomeChoice.DEMO,
        )
        self.set_up_button = self._choice_button(
            "setUpButton",
            "&Start our partnership",
            "A few questions: your partnership's name, area and plan period, its partner organisations and the "
            "themes you work on.",
            WelcomeChoice.SET_UP,
        )
        self.open_button = self._choice_button(
            "openButton",
            "&Open a workspace…",
            "A workspace someone has given you, a copy from a workshop, or one you saved elsewhere.",
            WelcomeChoice.OPEN,
        )
        for button in (self.demo_button, self.set_up_button, self.open_button):
            layout.addWidget(button)
        note = QLabel("This welcome shows while the workspace is empty; the user guide is under Help › User guide.")
        note.setWordWrap(True)
        note.setObjectName("welcomeNote")
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.empty_button = QPushButton("Start with an &empty workspace")
        self.empty_button.setObjectName("emptyButton")
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.demo_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choice_button(self, name: str, text: str, description: str, choice: WelcomeChoice) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAccessibleDescription(description)

        def chosen() -> None:
            self.choice = choice
            self.accept()

        button.clicked.connect(chosen)
        return button


def act_on(window: MainWindow, choice: WelcomeChoice | None, then: Callable[[], None] = lambda: None) -> None:
    """Does what the welcome's button offered, then ``then`` (once the demo is open, when it is being made)."""
    if choice is WelcomeChoice.DEMO:
        if explore_demo(window, then) is None:
            then()
        return
    if choice is WelcomeChoice.SET_UP:
        from locality.ui.setup_wizard import SetUpWizard

        SetUpWizard(window.env, window).exec()
    elif choice is WelcomeChoice.OPEN:
        window.open_action.trigger()
    then()


def explore_demo(window: MainWindow, then: Callable[[], None] = lambda: None) -> LongWork | None:
    """Opens the demo partnership, making it first (off the GUI thread, with progress and Cancel) when it does not
    exist yet. Returns the work while the demo is being made (a test waits on it)."""
    # Imported only now: the demo's composers are no part of every start-up's cost.
    from locality.services.demo import DemoCancelled
    from locality.services.demo_workspace import make_demo_workspace

    target = demo_workspace_path()
    if target.exists():
        window.open_workspace(str(target))
        return None
    assert window.services is not None
    user = window.services.context.user
    work = LongWork(window, "Demo partnership", "Making the demo partnership…")

    def made(path: Path) -> None:
        window.open_workspace(str(path))
        then()

    def failed(error: BaseException) -> None:
        if isinstance(error, DemoCancelled):
            window.statusBar().showMessage("The demo partnership was not made; nothing was written.", 8000)
        else:
            show_error(window, error, "Demo partnership")
        then()

    work.start(lambda progress, cancelled: make_demo_workspace(target, user, progress, cancelled), made, failed)
    return work


def greet(window: MainWindow) -> None:
    """What the ``locality`` command does once its window is on screen: the welcome while the workspace is empty,
    then (once only) who is editing."""

    def ask_user() -> None:
        if window.settings.user() is None:
            window.ask_user()  # asked once; written on the change log and progress updates

    if not window.workspace_is_empty():
        ask_user()
        return
    dialog = WelcomeDialog(window)
    dialog.exec()
    act_on(window, dialog.choice, ask_user)
