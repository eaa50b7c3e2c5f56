"""Simple charts for the board paper, laid out once as shapes and text and drawn by each format its own way.

A chart is a ``Chart``: a size in points and a list of rectangles, lines and pieces of text, with y growing
downwards from the top. The PDF draws them with ReportLab as vector graphics (``draw_on_canvas``); the Word
document embeds a PNG that Pillow paints from the same shapes (``png_bytes``). Qt is not used here: only the
``ui`` package may import it.

Texts are measured with Helvetica's widths (Arial's), the font both formats ask for.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from locality.exchange.text_width import BOLD, REGULAR, WordWidths

Colour = tuple[int, int, int]

TEXT: Colour = (38, 50, 56)
AXIS: Colour = (120, 144, 156)
GRID: Colour = (225, 230, 233)
# The dashboard's colours: RAG tints dark enough to tell apart, light enough for black text.
RED: Colour = (229, 115, 115)
AMBER: Colour = (255, 192, 77)
GREEN: Colour = (129, 199, 132)
NOT_RATED: Colour = (207, 216, 220)
STATUS: Colour = (77, 182, 172)
SPEND: tuple[Colour, Colour, Colour] = ((144, 164, 174), (77, 182, 172), (0, 121, 107))

TITLE_SIZE = 10.0
LABEL_SIZE = 7.5


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: Colour
    outline: Colour | None = None


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: Colour = AXIS


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # the text's baseline
    text: str
    size: float = LABEL_SIZE
    bold: bool = False
    anchor: str = "start"  # "start", "middle" or "end"


@dataclass
class Chart:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)


_REGULAR = WordWidths(REGULAR, 1.0)
_BOLD = WordWidths(BOLD, 1.0)


def text_width(text: str, size: float = LABEL_SIZE, bold: bool = False) -> float:
    return (_BOLD if bold else _REGULAR).of(text) * size


def _fit(text: str, room: float, size: float = LABEL_SIZE) -> str:
    """``text`` cut with an ellipsis to fit ``room`` points."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _nice_top(largest: float) -> tuple[float, float]:
    """A round top for an axis reaching ``largest``, and the step between its gridlines (four or five)."""
    if largest <= 0:
        return 1.0, 1.0
    rough = largest / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    return step * math.ceil(largest / step), step


def _legend(chart: Chart, items: Sequence[tuple[str, Colour]], y: float) -> None:
    x = 0.0
    for name, colour in items:
        chart.boxes.append(Box(x, y - 7, 8, 8, colour, TEXT))
        chart.labels.append(Label(x + 11, y, name))
        x += 11 + text_width(name) + 14


@dataclass(frozen=True)
class Bar:
    value: float
    colour: Colour
    label: str  # printed after the bar ("470", "£1.2m"); "" for none


def bar_chart(
    title: str,
    groups: Sequence[tuple[str, Sequence[Bar]]],
    width: float,
    *,
    legend: Sequence[tuple[str, Colour]] = (),
    axis_format: Callable[[float], str] = lambda value: f"{value:,.0f}",
) -> Chart:
    """Horizontal bars, one group of bars per category (top to bottom in the order given), a title above."""
    bar_height = 11.0
    gap = 6.0
    label_room = min(max((text_width(name) for name, _bars in groups), default=0) + 8, width * 0.35)
    # Room for the widest figure after its bar, wide enough for a font a little wider than Arial.
    value_room = max((text_width(bar.label) for _name, bars in groups for bar in bars), default=0) * 1.2 + 6
    plot_left = label_room
    plot_width = max(width - plot_left - value_room, 20)
    top = TITLE_SIZE + 10
    rows_height = sum(len(bars) * bar_height + gap for _name, bars in groups)
    legend_height = 16 if legend else 0
    height = top + rows_height + 14 + legend_height
    chart = Chart(width, height)
    chart.labels.append(Label(0, TITLE_SIZE, title, TITLE_SIZE, bold=True))
    largest = max((bar.value for _name, bars in groups for bar in bars), default=0)
    axis_top, step = _nice_top(largest)
    scale = plot_width / axis_top
    bottom = top + rows_height
    tick = 0.0
    while tick <= axis_top + step / 2:
        x = plot_left + tick * scale
        chart.rules.append(Rule(x, top, x, bottom, GRID))
        chart.labels.append(Label(x, bottom + 9, axis_format(tick), 6.5, anchor="middle"))
        tick += step
    y = top + gap / 2
    for name, bars in groups:
        group_height = len(bars) * bar_height
        chart.labels.append(Label(plot_left - 4, y + group_height / 2 + 2.5, _fit(name, label_room - 8), anchor="end"))
        for bar in bars:
            length = bar.value * scale
            if length > 0:
                chart.boxes.append(Box(plot_left, y + 1, max(length, 0.8), bar_height - 2, bar.colour, TEXT))
            if bar.label:
                chart.labels.append(Label(plot_left + length + 3, y + bar_height / 2 + 2.5, bar.label))
            y += bar_height
        y += gap
    chart.rules.append(Rule(plot_left, top, plot_left, bottom))
    if legend:
        _legend(chart, legend, height - 3)
    return chart


def stacked_columns(
    title: str,
    columns: Sequence[tuple[str, Sequence[tuple[float, Colour]]]],
    width: float,
    height: float,
    *,
    legend: Sequence[tuple[str, Colour]] = (),
) -> Chart:
    """Vertical columns, each a stack of coloured parts with their counts inside, labels beneath, title above."""
    chart = Chart(width, height)
    chart.labels.append(Label(0, TITLE_SIZE, title, TITLE_SIZE, bold=True))
    top = TITLE_SIZE + 12
    axis_room = 30.0
    bottom = height - (16 if legend else 0) - 16
    plot_width = width - axis_room
    largest = max((sum(value for value, _colour in parts) for _name, parts in columns), default=0)
    axis_top, step = _nice_top(largest)
    scale = (bottom - top) / axis_top
    tick = 0.0
    while tick <= axis_top + step / 2:
        y = bottom - tick * scale
        chart.rules.append(Rule(axis_room, y, width, y, GRID))
        chart.labels.append(Label(axis_room - 4, y + 2.5, f"{tick:,.0f}", 6.5, anchor="end"))
        tick += step
    slot = plot_width / max(len(columns), 1)
    column_width = min(slot * 0.6, 48)
    for index, (name, parts) in enumerate(columns):
        centre = axis_room + slot * (index + 0.5)
        y = bottom
        for value, colour in parts:
            height_of = value * scale
            if height_of <= 0:
                continue
            chart.boxes.append(Box(centre - column_width / 2, y - height_of, column_width, height_of, colour, TEXT))
            if height_of >= 9 and text_width(f"{value:,.0f}", 6.5) < column_width:
                chart.labels.append(Label(centre, y - height_of / 2 + 2.3, f"{value:,.0f}", 6.5, anchor="middle"))
            y -= height_of
        chart.labels.append(Label(centre, bottom + 10, _fit(name, slot - 2, 6.5), 6.5, anchor="middle"))
    chart.rules.append(Rule(axis_room, bottom, width, bottom))
    if legend:
        _legend(chart, legend, height - 3)
    return chart


# --------------------------------------------------------------------------- drawing


def draw_on_canvas(chart: Chart, canvas: Any, x: float, y: float) -> None:
    """Draws ``chart`` on a ReportLab canvas with its top-left corner at (x, y) in PDF coordinates."""

    def colour(value: Colour) -> tuple[float, float, float]:
        return value[0] / 255, value[1] / 255, value[2] / 255

    canvas.saveState()
    canvas.setLineWidth(0.5)
    for rule in chart.rules:
        canvas.setStrokeColorRGB(*colour(rule.colour))
        canvas.line(x + rule.x1, y - rule.y1, x + rule.x2, y - rule.y2)
    for box in chart.boxes:
        canvas.setFillColorRGB(*colour(box.fill))
        canvas.setStrokeColorRGB(*colour(box.outline or box.fill))
        canvas.rect(x + box.x, y - box.y - box.height, box.width, box.height, stroke=1, fill=1)
    canvas.setFillColorRGB(*colour(TEXT))
    for label in chart.labels:
        canvas.setFont(BOLD if label.bold else REGULAR, label.size)
        draw = {"start": canvas.drawString, "middle": canvas.drawCentredString, "end": canvas.drawRightString}
        draw[label.anchor](x + label.x, y - label.y, label.text)
    canvas.restoreState()


def _pil_font(size: float, bold: bool) -> Any:
    from PIL import ImageFont

    names = (
        ("arialbd.ttf", "Arial Bold.ttf", "DejaVuSans-Bold.ttf")
        if bold
        else ("arial.ttf", "Arial.ttf", "DejaVuSans.ttf")
    )
    for name in (*names, "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def png_bytes(chart: Chart, scale: float = 3.0) -> bytes:
    """``chart`` painted as a PNG, ``scale`` pixels a point (3: 216 dots an inch, sharp when printed)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (math.ceil(chart.width * scale) + 2, math.ceil(chart.height * scale) + 2), "white")
    draw = ImageDraw.Draw(image)
    for rule in chart.rules:
        draw.line(
            [(rule.x1 * scale, rule.y1 * scale), (rule.x2 * scale, rule.y2 * scale)],
            fill=rule.colour,
            width=max(1, round(scale / 2)),
        )
    for box in chart.boxes:
        draw.rectangle(
            [box.x * scale, box.y * scale, (box.x + box.width) * scale, (box.y + box.height) * scale],
            fill=box.fill,
            outline=box.outline,
            width=max(1, round(scale / 2)),
        )
    fonts: dict[tuple[float, bool], Any] = {}
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for label in chart.labels:
        key = (label.size, label.bold)
        if key not in fonts:
            fonts[key] = _pil_font(label.size * scale, label.bold)
        font = fonts[key]
        # The layout measured the text in Arial; a wider font (DejaVu Sans, where Arial is not installed) would run
        # past the room it was given (a bar's name over the chart's left edge), so it is drawn a little smaller.
        measured = text_width(label.text, label.size, label.bold) * scale
        drawn = font.getlength(label.text) if hasattr(font, "getlength") else 0.0
        if drawn > measured * 1.02 > 0:
            font = _pil_font(label.size * scale * measured / drawn, label.bold)
        draw.text((label.x * scale, label.y * scale), label.text, fill=TEXT, font=font, anchor=anchors[label.anchor])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
