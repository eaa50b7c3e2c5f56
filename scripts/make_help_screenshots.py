"""Makes the user guide's screenshots (resources/help/images/) from the demo partnership, so they never go stale.

    QT_QPA_PLATFORM=offscreen python scripts/make_help_screenshots.py

Builds the small demo in a scratch folder (the user's own data and settings are not touched), opens each page in
a 1366×768 window offscreen, and saves it scaled to at most 900 pixels wide as a small indexed-colour PNG. Run it
again after changing what a page looks like, and commit the images.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SCRATCH = Path(tempfile.mkdtemp(prefix="locality-help-"))
os.environ["LOCALITY_DATA_DIR"] = str(SCRATCH / "data")  # keeps the user's own workspace and settings out
os.environ["XDG_CONFIG_HOME"] = str(SCRATCH / "config")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

IMAGES = ROOT / "resources" / "help" / "images"
WINDOW_SIZE = (1366, 768)
MAX_WIDTH = 900


def settle(until: Callable[[], bool] = lambda: True, seconds: float = 30.0) -> None:
    """Lets the event loop run (background loads hand back their results) until ``until()`` or time runs out."""
    app = QApplication.instance()
    assert app is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until():
            break
        time.sleep(0.02)
    for _ in range(20):  # a last few passes for the paint that follows a load
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, name: str) -> Path:
    image = widget.grab().toImage()
    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    # 256 colours keep a screenshot of text and flat colours readable at a fraction of the size.
    small = image.convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither)
    target = IMAGES / f"{name}.png"
    if not small.save(str(target), "PNG", 0):
        raise SystemExit(f"could not write {target}")
    print(f"{target.relative_to(ROOT)}: {small.width()}×{small.height()}, {target.stat().st_size // 1024} KB")
    return target


def main() -> int:
    from locality.app import application, build_main_window
    from locality.paths import demo_workspace_path
    from locality.services.context import User
    from locality.services.demo_workspace import make_demo_workspace
    from locality.ui.action_dialog import ActionDialog
    from locality.ui.export_dialog import ExportDialog
    from locality.ui.welcome import WelcomeDialog

    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(SCRATCH / "config"))
    application()
    IMAGES.mkdir(parents=True, exist_ok=True)

    welcome = WelcomeDialog()
    welcome.show()
    settle()
    save(welcome, "welcome")
    welcome.close()

    demo = make_demo_workspace(demo_workspace_path(), User("Sam Patel", "Westshire County Council"))
    window = build_main_window(str(demo))
    window.settings.set_user(User("Sam Patel", "Westshire County Council"))
    window.resize(*WINDOW_SIZE)
    window.show()

    def loaded(page: QWidget) -> Callable[[], bool]:
        return lambda: not getattr(getattr(page, "loader", None), "busy", False) and not getattr(page, "busy", False)

    dashboard = window.show_page("dashboardPage")
    settle(lambda: getattr(dashboard, "figures", None) is not None and loaded(dashboard)())
    save(window, "dashboard")
    for object_name, image in (
        ("organisationsPage", "organisations"),
        ("needsPage", "needs"),
        ("actionsPage", "actions"),
        ("timelinePage", "timeline"),
        ("indicatorsPage", "indicators"),
        ("workshopPage", "workshops"),
    ):
        page = window.show_page(object_name)
        settle(loaded(page), 10)
        if object_name == "indicatorsPage":
            page.table.selectRow(0)  # type: ignore[attr-defined]
            settle()
        save(window, image)

    needs_map = window.show_page("needsMapPage")
    for tab, image in (("matrixTab", "needs-map"), ("gapsTab", "needs-map-gaps")):
        shown = needs_map.tab(tab)  # type: ignore[attr-defined]
        settle(loaded(shown), 15)
        settle(lambda: not getattr(needs_map.slots[needs_map.tabs.currentIndex()].loader, "busy", False), 15)  # type: ignore[attr-defined]
        save(window, image)

    assert window.services is not None
    first = window.services.actions.list()[0]
    dialog = ActionDialog(window.env, window.services.actions.get(first.id), window)
    dialog.show()
    settle()
    save(dialog, "action-dialog")
    dialog.close()

    export = ExportDialog(window.env, window)
    export.show()
    settle()
    save(export, "export-dialog")
    export.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
