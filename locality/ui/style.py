"""How the app looks as a whole: the style sheet, sized from the system's font, and the high-contrast theme.

A style sheet's ``font-size`` wins over the font the system gives the application, so a style sheet that pinned
text at 10pt would ignore a user who raised the system's text size to 150%. The sizes in ``style.qss`` are the
sizes at the design's base text size (10pt); here they are scaled by how much larger than that the system's
font is, and again whenever the application's font changes.

High contrast (View › High contrast, remembered in the settings) swaps the palette for white and yellow on
black and lays ``style-high-contrast.qss`` over the normal style sheet; colours drawn in code (RAG pills, charts,
the needs matrix, the timeline) ask ``high_contrast()`` or take the palette.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from locality.paths import resource

#: The text size style.qss is written for; a system font larger than this makes every size larger alike.
BASE_POINTS = 10.0

_FONT_SIZE = re.compile(r"font-size:\s*([0-9.]+)pt")


def text_scale() -> float:
    """How much larger than the design's base text the system's text is (never smaller: 1.0 at most sizes)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return 1.0
    points = app.font().pointSizeF()
    return max(1.0, points / BASE_POINTS) if points > 0 else 1.0


def text_points(points: float) -> str:
    """``points`` (a size at the base text size) as a rich-text or style-sheet size scaled like the rest."""
    return f"{points * text_scale():.3g}pt"


def scaled_style_sheet(text: str, scale: float) -> str:
    return _FONT_SIZE.sub(lambda match: f"font-size: {float(match[1]) * scale:.3g}pt", text)


_high_contrast = False


def high_contrast() -> bool:
    """Whether the high-contrast theme is on (drawn colours pick their high-contrast variants)."""
    return _high_contrast


def high_contrast_palette() -> QPalette:
    """White text on black, yellow for what is selected or a link: the usual high-contrast scheme."""
    palette = QPalette()
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00")
    grey = QColor("#c0c0c0")
    for role, colour in (
        (QPalette.ColorRole.Window, black),
        (QPalette.ColorRole.WindowText, white),
        (QPalette.ColorRole.Base, black),
        (QPalette.ColorRole.AlternateBase, QColor("#1a1a1a")),
        (QPalette.ColorRole.Text, white),
        (QPalette.ColorRole.Button, black),
        (QPalette.ColorRole.ButtonText, white),
        (QPalette.ColorRole.BrightText, yellow),
        (QPalette.ColorRole.Highlight, yellow),
        (QPalette.ColorRole.HighlightedText, black),
        (QPalette.ColorRole.ToolTipBase, black),
        (QPalette.ColorRole.ToolTipText, white),
        (QPalette.ColorRole.PlaceholderText, grey),
        (QPalette.ColorRole.Link, yellow),
        (QPalette.ColorRole.LinkVisited, QColor("#ffb0ff")),
        (QPalette.ColorRole.Light, white),
        (QPalette.ColorRole.Midlight, grey),
        (QPalette.ColorRole.Mid, grey),
        (QPalette.ColorRole.Dark, white),
        (QPalette.ColorRole.Shadow, white),
    ):
        palette.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8c8c8c"))
    return palette


class _StyleFollowsFont(QWidget):
    """Sizes the style sheet again when the application's font changes (the system's text size raised).

    A hidden window of its own, never shown: Qt tells every window of a font change, so this one hears of it
    without watching every event of the application (a filter on the application ran for each of the tens of
    thousands of events that building a dialog sends, a tenth of the time an action's dialog took to open)."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationFontChange:
            apply_style()
        return super().event(event)


_follower: _StyleFollowsFont | None = None
_applied: tuple[float, bool] | None = None
_normal_palette: QPalette | None = None


def apply_style(*, contrast: bool | None = None) -> None:
    """Sets the application's style sheet (and palette) for the system's text size and ``contrast`` (the
    current choice when None); follows later font changes by itself."""
    global _follower, _applied, _high_contrast, _normal_palette
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if contrast is not None and contrast != _high_contrast:
        if contrast:
            _normal_palette = app.palette()
        _high_contrast = contrast
        app.setPalette(high_contrast_palette() if contrast else (_normal_palette or QPalette()))
    if _follower is None:
        _follower = _StyleFollowsFont()
    wanted = (text_scale(), _high_contrast)
    if wanted == _applied:
        return  # setting a style sheet restyles every widget: not for nothing
    _applied = wanted
    sheets = [resource("style.qss")] + ([resource("style-high-contrast.qss")] if _high_contrast else [])
    text = "\n".join(sheet.read_text(encoding="utf-8") for sheet in sheets if sheet.exists())
    app.setStyleSheet(scaled_style_sheet(text, wanted[0]))


def set_tone(widget: QWidget, tone: str, style: str = "") -> None:
    """Gives ``widget``'s text a tone ("muted", "error", "success"; "" for plain) whose colour the application's
    style sheet sets, so that it follows high contrast; ``style`` is the rest of the widget's own style (padding,
    borders), which must not set a colour."""
    widget.setProperty("tone", tone)
    widget.setStyleSheet(style)
    widget.style().unpolish(widget)  # a property the style sheet selects on is read only when polished
    widget.style().polish(widget)


def alarm_colour() -> QColor:
    """Text that warns (overspent, off track): dark red, or light red on high contrast's black."""
    return QColor("#ff9e9e") if _high_contrast else QColor("#b00020")


def good_colour() -> QColor:
    """Text that reassures (target met): dark green, or light green on high contrast's black."""
    return QColor("#9effa8") if _high_contrast else QColor("#1b5e20")


def scaled(pixels: int) -> int:
    """A size in pixels chosen for the base text size, grown with the system's text (a 60-pixel description box
    holds three lines at any size)."""
    return round(pixels * text_scale())
