"""Sending long lists of ids in slices."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

# SQLite refuses statements with too many bound parameters; long id lists are sent in slices of this size.
_CHUNK = 900


def id_chunks(ids: Sequence[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])
