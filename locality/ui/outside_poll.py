"""Looking every second or two for another program's writes to the open workspace, so that a second running app
shows the first one's changes without being restarted (see ``services.outside_changes``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from locality.services.outside_changes import OutsideChangesWatch
from locality.services.registry import Services

#: How often to look: soon enough that a colleague's change shows while it is talked about; a look costs
#: microseconds when nothing has changed.
POLL_MILLISECONDS = 1500


class OutsideChangesPoll(QObject):
    """Looks on a timer while it lives; ``stop`` before the workspace is closed."""

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watch = OutsideChangesWatch(services.context)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MILLISECONDS)
        self.timer.timeout.connect(self.watch.check)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.watch.close()
