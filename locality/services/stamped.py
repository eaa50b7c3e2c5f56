"""Small read results kept while the workspace has not changed: the lists an editor's pickers offer.

Opening an action's editor asks for the organisations, the themes and three kinds of terms, a query each; they
change rarely, and the editor is opened again and again. ``Stamped`` keeps each result with the workspace's data
stamp (``UnitOfWork.data_stamp``, which moves with every write, from this program or another) and reads it again
only when the stamp has moved: one small query instead of the list's, inside the caller's read transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from locality.store.unit_of_work import UnitOfWork

V = TypeVar("V")


class Stamped(Generic[V]):
    """Values by key, each kept with the data stamp it was read at. Keep only values nobody changes (tuples)."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[tuple[object, ...], V]] = {}
        self._lock = threading.Lock()  # services are called from worker threads too

    def get(self, unit: UnitOfWork, key: Hashable, read: Callable[[], V]) -> V:
        """The value kept for ``key`` if the workspace has not changed since, else ``read()`` (kept)."""
        stamp = unit.data_stamp()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = read()
        with self._lock:
            self._kept[key] = (stamp, value)
        return value
