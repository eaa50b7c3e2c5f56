"""Another program's writes to the open workspace (a colleague's app on the same file, another user of the same
server), made known as every service call's are: listeners hear of a change to every kind of record, and each
page reloads what it shows. The caller looks every second or two (``check``); the store makes a look cheap."""

from __future__ import annotations

from locality.domain.entities import Entity
from locality.services.context import Changes, ServiceContext
from locality.store.outside_changes import OutsideChanges

#: What another program may have changed: anything.
EVERYTHING = Changes(frozenset(Entity))


class OutsideChangesWatch:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._changes = OutsideChanges(context.workspace)

    def check(self) -> bool:
        """Tells the context's listeners of a change to everything if another program has written since the
        last look; True if it had."""
        if not self._changes.check():
            return False
        self._context.notify(EVERYTHING)
        return True

    def close(self) -> None:
        self._changes.close()
