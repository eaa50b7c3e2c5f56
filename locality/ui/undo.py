"""Undo and redo for edits made through the services.

The first time an edit is made, it is made directly (so a validation error can be shown beside the field and
nothing is pushed); only a successful edit is pushed onto the undo stack, as a command that knows how to reverse
and repeat it. If reversing fails because someone else changed the record meanwhile, the user is told and the
command is dropped rather than overwriting their change.

A step that writes thousands of rows (undoing a board snapshot: 20,000 recorded positions) is pushed with a
``background`` label: its undo and redo then run on a worker thread with ``LongWork``'s progress dialog, one at a
time in the order asked, so the window never freezes.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from locality.domain.errors import StaleRecordError
from locality.ui.errors import show_error
from locality.ui.long_work import LongWork


class SavedRecord(Protocol):
    """What a service's create and update return: a frozen record that can give back its own draft."""

    @property
    def id(self) -> Any: ...

    @property
    def version(self) -> int: ...

    def as_draft(self) -> Any: ...


Saved = TypeVar("Saved", bound=SavedRecord)


class ServiceCommand(QUndoCommand):
    def __init__(
        self,
        text: str,
        redo: Callable[[], object],
        undo: Callable[[], object],
        parent_widget: QWidget | None = None,
    ) -> None:
        super().__init__(text)
        self._redo = redo
        self._undo = undo
        self._parent_widget = parent_widget
        self._first_redo = True  # the edit itself was already made before pushing

    def redo(self) -> None:
        if self._first_redo:
            self._first_redo = False
            return
        self._run(self._redo, "Redo")

    def undo(self) -> None:
        self._run(self._undo, "Undo")

    def _run(self, step: Callable[[], object], title: str) -> None:
        try:
            step()
        except Exception as error:  # shown in one place; the command can no longer be trusted
            self.setObsolete(True)
            show_error(self._parent_widget, error, f"{title} {self.text()}")


class _Step:
    """One undo or redo of a ``BackgroundCommand``, waiting its turn or running."""

    def __init__(self, command: BackgroundCommand, step: Callable[[], object], title: str) -> None:
        self.command = command
        self.step = step
        self.title = f"{title} {command.text()}"  # "Undo record board snapshot March board"
        self.label = f"{title}ing {command.text()}…"
        self.window = command.window


class _StepQueue:
    """The background steps of one undo stack, run one after another in the order they were asked for (a redo
    pressed while its undo still runs must not overtake it)."""

    def __init__(self) -> None:
        self.waiting: deque[_Step] = deque()
        self.running: LongWork | None = None

    def add(self, step: _Step) -> None:
        self.waiting.append(step)
        if self.running is None:
            self._next()

    def _next(self) -> None:
        self.running = None
        while self.waiting and not isValid(self.waiting[0].window):
            self.waiting.popleft()  # its window was closed: nobody is left to undo for
        if not self.waiting:
            return
        step = self.waiting.popleft()
        # The window, which lives as long as the stack, shows the progress (the tab that pushed the command may
        # have gone with its workspace).
        work = LongWork(step.window, step.title, step.label)
        self.running = work

        def done(_result: object) -> None:
            self._next()

        def failed(error: BaseException) -> None:
            if isValid(step.command):
                step.command.setObsolete(True)  # the command can no longer be trusted
            show_error(step.window, error, step.title)
            self._next()

        work.start(lambda _progress, _cancelled: step.step(), done, failed)


_queues: weakref.WeakKeyDictionary[QUndoStack, _StepQueue] = weakref.WeakKeyDictionary()


class BackgroundCommand(ServiceCommand):
    """A ``ServiceCommand`` whose undo and redo run on a worker thread (see the module's docstring)."""

    def __init__(
        self,
        stack: QUndoStack,
        text: str,
        redo: Callable[[], object],
        undo: Callable[[], object],
        parent_widget: QWidget,
    ) -> None:
        super().__init__(text, redo, undo, parent_widget)
        self.window = parent_widget.window()
        self._queue = _queues.setdefault(stack, _StepQueue())

    def _run(self, step: Callable[[], object], title: str) -> None:
        self._queue.add(_Step(self, step, title))


def push_done(
    stack: QUndoStack,
    text: str,
    redo: Callable[[], object],
    undo: Callable[[], object],
    parent_widget: QWidget | None = None,
    background: bool = False,
) -> None:
    """Records an edit that has just been made so that it can be undone and redone; with ``background``, its
    undo and redo run on a worker thread with a progress dialog (``parent_widget`` is then required)."""
    if background:
        assert parent_widget is not None, "a background step shows its progress over a window"
        stack.push(BackgroundCommand(stack, text, redo, undo, parent_widget))
    else:
        stack.push(ServiceCommand(text, redo, undo, parent_widget))


@contextmanager
def one_undo_step(stack: QUndoStack, text: str) -> Iterator[None]:
    """Groups the edits pushed inside it into one step of ``stack`` (a workshop saved with its participants);
    when the first edit fails, nothing was done, and no empty step is left behind to "undo"."""
    stack.beginMacro(text)
    try:
        yield
    finally:
        stack.endMacro()
        step = stack.command(stack.index() - 1)
        if step is not None and step.childCount() == 0:
            step.setObsolete(True)  # undoing an obsolete step drops it from the stack
            stack.undo()


def push_created(
    stack: QUndoStack,
    text: str,
    record_id: object,
    delete: Callable[[list[Any]], Any],
    restore: Callable[[Any], object],
    parent_widget: QWidget | None = None,
    background: bool = False,
) -> None:
    """Records the creation of a record: undo deletes it (keeping what ``delete`` returns), redo restores that."""
    state: dict[str, Any] = {}
    push_done(
        stack,
        text,
        redo=lambda: restore(state["deleted"]),
        undo=lambda: state.update(deleted=delete([record_id])),
        parent_widget=parent_widget,
        background=background,
    )


def push_deleted(
    stack: QUndoStack,
    text: str,
    record_ids: list[Any],
    deleted: Any,
    delete: Callable[[list[Any]], Any],
    restore: Callable[[Any], object],
    parent_widget: QWidget | None = None,
    background: bool = False,
) -> None:
    """Records a delete that has just been made: undo restores the records, redo deletes them again."""
    state = {"deleted": deleted}
    push_done(
        stack,
        text,
        redo=lambda: state.update(deleted=delete(record_ids)),
        undo=lambda: restore(state["deleted"]),
        parent_widget=parent_widget,
        background=background,
    )


def push_updated(
    stack: QUndoStack,
    text: str,
    record_id: object,
    before: Any,
    after: Any,
    version: int,
    update: Callable[[Any, Any, int], Any],
    parent_widget: QWidget | None = None,
) -> None:
    """Records an edit: undo saves the ``before`` draft, redo the ``after`` one, each checking the version the
    previous step left so that a change made meanwhile by someone else is never overwritten.

    The version is shared by every command on ``stack`` that edits the same record: after two edits of one row,
    undoing the second moves the row on a version, and undoing the first must expect that version, not the one
    it saw when it was recorded.

    Deleting and restoring a record (undoing and redoing its creation) also moves its version on; when the record
    still holds exactly the values this step expects to replace, nobody else changed it, and the step goes ahead
    at the record's current version."""
    versions = _versions.setdefault(stack, {})
    versions[record_id] = version

    def apply(values: Any, expected: Any) -> None:
        try:
            versions[record_id] = update(record_id, values, versions[record_id]).version
        except StaleRecordError as error:
            current = error.current
            as_draft = getattr(current, "as_draft", None)
            if as_draft is None or as_draft() != expected:
                raise  # someone else changed it: shown to the user, nothing overwritten
            versions[record_id] = update(record_id, values, current.version).version

    push_done(
        stack,
        text,
        redo=lambda: apply(after, expected=before),
        undo=lambda: apply(before, expected=after),
        parent_widget=parent_widget,
    )


def save_with_undo(
    stack: QUndoStack,
    current: SavedRecord | None,
    draft: Any,
    *,
    create: Callable[[Any], Saved],
    update: Callable[[Any, Any, int], Saved],
    delete: Callable[[list[Any]], Any],
    restore: Callable[[Any], object],
    describe: Callable[[str, Saved], str],
    parent: QWidget | None = None,
) -> Saved:
    """Saves ``draft`` through a service and puts the edit on ``stack``; returns the saved record.

    With no ``current`` record the draft is created (undo deletes the new record, redo restores it); otherwise
    ``current`` is updated from it at the version it was read at (undo saves ``current``'s own draft back).
    Redo uses the saved record's own draft rather than ``draft``: records added by the edit (an action's new
    milestones, say) carry their new ids in it, so undo removes them and redo brings back those same records.
    ``describe(verb, saved)`` gives the undo text for ``verb`` "add" or "edit", such as "add action Repairs"."""
    if current is None:
        created = create(draft)
        push_created(stack, describe("add", created), created.id, delete, restore, parent)
        return created
    updated = update(current.id, draft, current.version)
    push_updated(
        stack,
        describe("edit", updated),
        current.id,
        current.as_draft(),
        updated.as_draft(),
        updated.version,
        update,
        parent,
    )
    return updated


#: The latest version of each record edited through an undo stack, as that stack's own commands left it.
_versions: weakref.WeakKeyDictionary[QUndoStack, dict[object, int]] = weakref.WeakKeyDictionary()
