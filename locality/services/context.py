"""What every service shares: the open workspace, who is editing, today's date, and change notification.

A service call is one transaction (``edit``) unless it is made inside a ``batch``: then every call joins the
batch's one transaction, and listeners hear once, when the whole batch has committed.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from locality.domain.entities import Entity
from locality.store.unit_of_work import UnitOfWork
from locality.store.workspace import Workspace


@dataclass(frozen=True)
class User:
    """Who is editing: written on the change log and on progress updates."""

    name: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Changes:
    """What a service call changed: the kinds of record it wrote."""

    entities: frozenset[Entity] = field(default_factory=frozenset)
    #: When the call only edited existing records of one kind — none of that kind added or deleted — that kind
    #: and the edited records' ids, so a list can read again just those rows and a count of that kind stays as
    #: it is (saving one action must not re-read and re-rate 20,000). None: records of any of ``entities`` may
    #: have been added, edited or deleted.
    edited: tuple[Entity, frozenset[uuid.UUID]] | None = None

    def edited_only(self, entity: Entity) -> frozenset[uuid.UUID] | None:
        """The ids of the ``entity`` records edited, when that is all that changed of that kind; else None."""
        return self.edited[1] if self.edited is not None and self.edited[0] == entity else None

    def touches(self, *entities: Entity) -> bool:
        return bool(self.entities.intersection(entities))


ChangeListener = Callable[[Changes], None]


@dataclass
class _Batch:
    """The open transaction of a ``ServiceContext.batch`` and what the calls inside it have changed so far."""

    unit: UnitOfWork
    touched: set[Entity] = field(default_factory=set)
    failed: BaseException | None = None  # the first call inside that raised: the batch cannot commit


class ServiceContext:
    def __init__(
        self,
        workspace: Workspace,
        user: User | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.workspace = workspace
        self.user = user or User()
        self.today = today
        self._listeners: list[ChangeListener] = []
        # Per thread: a batch run by a background import must not capture the GUI thread's own calls.
        self._local = threading.local()

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, changes: Changes) -> None:
        if changes.entities:
            for listener in list(self._listeners):
                listener(changes)

    def _open_batch(self) -> _Batch | None:
        batch: _Batch | None = getattr(self._local, "batch", None)
        return batch

    @contextmanager
    def batch(self) -> Iterator[UnitOfWork]:
        """Every service call made in the block, on this thread, as ONE transaction: all or nothing.

        Each call checks its input exactly as it does alone, and reads what earlier calls in the batch wrote.
        When the block ends the transaction commits and listeners hear once of every entity the calls touched;
        if it raises, everything is rolled back and nobody is notified. A call that fails inside the batch may
        have written part of its change, so it spoils the batch: even if the caller catches the error and
        carries on, the batch ends by rolling everything back and raising that error again. (Undoing only the
        failed call would take a savepoint around every call, which costs a bulk import dearly.) A batch
        opened inside a batch joins it. Yields the batch's unit of work, for the store's batch helpers
        (``records.Batch``)."""
        outer = self._open_batch()
        if outer is not None:
            yield outer.unit
            return
        with self.workspace.transaction(author=self.user.name, author_organisation=self.user.organisation) as unit:
            batch = _Batch(unit)
            self._local.batch = batch
            try:
                yield unit
                if batch.failed is not None:
                    raise batch.failed
            finally:
                self._local.batch = None
        self.notify(Changes(frozenset(batch.touched)))

    @contextmanager
    def edit(
        self, *entities: Entity, edited: tuple[Entity, Collection[uuid.UUID]] | None = None
    ) -> Iterator[UnitOfWork]:
        """One user edit as one transaction; listeners hear of ``entities`` once it has committed, and of
        ``edited`` (see ``Changes.edited``) when the edit only changed those existing records of that kind.
        Inside a ``batch``: part of the batch's transaction, and listeners hear when the batch commits (of the
        kinds only: a batch may add and delete too)."""
        batch = self._open_batch()
        if batch is not None:
            try:
                yield batch.unit
            except BaseException as error:
                if batch.failed is None:
                    batch.failed = error
                raise
            batch.touched.update(entities)
            return
        with self.workspace.transaction(author=self.user.name, author_organisation=self.user.organisation) as unit:
            yield unit
        named = (edited[0], frozenset(edited[1])) if edited is not None else None
        self.notify(Changes(frozenset(entities), named))

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        """Reads; inside a ``batch``, through its transaction, so that what the batch wrote is seen."""
        batch = self._open_batch()
        if batch is not None:
            yield batch.unit
            return
        with self.workspace.reading() as unit:
            yield unit
