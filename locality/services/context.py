"""What every service shares: the open workspace, who is editing, today's date, and change notification."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from locality.store.unit_of_work import UnitOfWork
from locality.store.workspace import Workspace


@dataclass(frozen=True)
class User:
    """Who is editing: written on the change log and on progress updates."""

    name: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Changes:
    """What a service call changed, by entity name (the table name, for example ``"action"``)."""

    entities: frozenset[str] = field(default_factory=frozenset)

    def touches(self, *entities: str) -> bool:
        return bool(self.entities.intersection(entities))


ChangeListener = Callable[[Changes], None]


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

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, changes: Changes) -> None:
        if changes.entities:
            for listener in list(self._listeners):
                listener(changes)

    @contextmanager
    def edit(self, *entities: str) -> Iterator[UnitOfWork]:
        """One user edit as one transaction; listeners hear of ``entities`` once it has committed."""
        with self.workspace.transaction(author=self.user.name, author_organisation=self.user.organisation) as unit:
            yield unit
        self.notify(Changes(frozenset(entities)))

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        with self.workspace.reading() as unit:
            yield unit
