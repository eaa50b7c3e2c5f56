"""The network tab's picture: organisations as circles, shared needs and actions as lines, the sector legend, and
the view that zooms about the pointer."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from locality.domain.text import plural
from locality.services.network import Network, NetworkLink, NetworkOrganisation, Positions, node_radius, picture_scale
from locality.ui.needs_map.network_wording import drawn_links, line_width, link_description

# Colour-blind-safe colours (Okabe and Ito) for sectors, in the order the sectors are listed; grey for none.
SECTOR_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#8c6d31", "#5e3c99")
NO_SECTOR_COLOUR = "#9e9e9e"
LINK_COLOUR = "#78909c"
HIGHLIGHT_LINK_COLOUR = "#37474f"
DIMMED = 0.15
DIMMED_LINK = 0.06
MOST_LINKS_AT_FIRST = 300


class NameItem(QGraphicsSimpleTextItem):
    """An organisation's name on a pale backing, readable where lines cross it."""

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.fillRect(self.boundingRect().adjusted(-2, 0, 2, 0), QColor(255, 255, 255, 210))
        # Qt passes no widget when the scene is rendered to an image; the stub's QWidget is too narrow.
        super().paint(painter, option, widget)  # type: ignore[arg-type]


class NodeItem(QGraphicsEllipseItem):
    """One organisation; clicking it selects it."""

    def __init__(self, organisation: NetworkOrganisation, radius: float, colour: QColor) -> None:
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.organisation = organisation
        self.radius = radius
        self.colour = colour
        self.setBrush(QBrush(colour))
        self.setPen(QPen(colour.darker(140), 1.5))
        self.setZValue(2)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        details = " · ".join(part for part in (organisation.type_name, organisation.sector_name) if part)
        self.setToolTip(
            f"{organisation.name}\n{details or 'No type or sector recorded'}\n"
            f"{plural(organisation.needs_count, 'need')}, {plural(organisation.actions_count, 'action')}"
        )
        self.emphasised = False
        # The name is its own item above every circle (a child would be painted over by the next circle), kept
        # under its circle and dimmed with it.
        self.label = NameItem(organisation.label)
        font = QFont()
        font.setPointSizeF(8.5)
        self.label.setFont(font)
        self.label.setBrush(QBrush(QColor("#212121")))
        self.label.setZValue(3)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, True)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802 - Qt override
        if change == QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged and self.scene() is not None:
            self.scene().addItem(self.label)
            self._place_label()
        elif change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self._place_label()
        elif change == QGraphicsItem.GraphicsItemChange.ItemOpacityHasChanged:
            self.label.setOpacity(self.opacity())
        return super().itemChange(change, value)

    def _place_label(self) -> None:
        bounds = self.label.boundingRect()
        self.label.setPos(self.pos().x() - bounds.width() / 2, self.pos().y() + self.radius + 2)

    def set_emphasis(self, selected: bool) -> None:
        if selected == self.emphasised:
            return
        self.emphasised = selected
        width = 4.0 if selected else 1.5
        self.setPen(QPen(QColor("#000000") if selected else self.colour.darker(140), width))
        font = self.label.font()
        font.setBold(selected)
        self.label.setFont(font)
        self._place_label()  # bold is wider: keep it centred

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # Selection is shown by the outline and the dimming, not by Qt's dashed box.
        option.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, option, widget)


class LinkItem(QGraphicsLineItem):
    def __init__(self, link: NetworkLink, start: QPointF, end: QPointF, width: float, tooltip: str) -> None:
        super().__init__(start.x(), start.y(), end.x(), end.y())
        self.link = link
        self.width = width
        self.emphasised = False
        self.setPen(self._pen(LINK_COLOUR))
        self.setZValue(1)
        self.setToolTip(tooltip)

    def _pen(self, colour: str) -> QPen:
        pen = QPen(QColor(colour), self.width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        return pen

    def set_emphasis(self, highlighted: bool) -> None:
        if highlighted == self.emphasised:
            return
        self.emphasised = highlighted
        self.setPen(self._pen(HIGHLIGHT_LINK_COLOUR if highlighted else LINK_COLOUR))
        self.setZValue(1.5 if highlighted else 1)


class NetworkView(QGraphicsView):
    """The picture: the wheel zooms about the pointer; it fits itself to the window until the user zooms."""

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))
        self.setMinimumSize(300, 260)
        self.auto_fit = True

    def zoom_by(self, factor: float) -> None:
        current = self.transform().m11()
        wanted = min(max(current * factor, 0.05), 20.0)
        if current > 0:
            self.auto_fit = False
            self.scale(wanted / current, wanted / current)

    def fit(self) -> None:
        rect = self.sceneRect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self.auto_fit = True

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.15**steps)
        event.accept()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()


def draw_network(
    scene: QGraphicsScene, network: Network, positions: Positions, colours: dict[str, QColor]
) -> tuple[dict[uuid.UUID, NodeItem], list[LinkItem]]:
    """Adds ``network``'s circles and lines to ``scene``, circles at ``positions`` and coloured by sector."""
    spread = picture_scale(len(network.organisations))
    strongest = network.max_weight or 1
    points: dict[uuid.UUID, QPointF] = {}
    for organisation in network.organisations:
        x, y = positions.get(organisation.id, (0.0, 0.0))
        points[organisation.id] = QPointF(x * spread, y * spread)
    links: list[LinkItem] = []
    for link in drawn_links(network):
        item = LinkItem(
            link,
            points[link.source_id],
            points[link.target_id],
            line_width(link, strongest),
            link_description(network, link),
        )
        scene.addItem(item)
        links.append(item)
    nodes: dict[uuid.UUID, NodeItem] = {}
    for organisation in network.organisations:
        radius = node_radius(network, organisation)
        node = NodeItem(organisation, radius, colours.get(organisation.sector_name, QColor(NO_SECTOR_COLOUR)))
        node.setPos(points[organisation.id])
        scene.addItem(node)
        nodes[organisation.id] = node
    return nodes, links


def draw_legend(scene: QGraphicsScene, network: Network, colours: dict[str, QColor]) -> str:
    """Draws the sectors shown into the picture (so an exported image carries it) and returns them as rich text
    for beside it."""
    present = {organisation.sector_name for organisation in network.organisations}
    entries = [(name or "No sector recorded", colour) for name, colour in colours.items() if name in present]
    entries.sort(key=lambda entry: entry[0] == "No sector recorded")
    bounds = scene.itemsBoundingRect()
    x, y = bounds.left(), bounds.top() - 24 * len(entries) - 16
    title = scene.addSimpleText("Sector")
    title.setPos(x, y - 20)
    font = title.font()
    font.setBold(True)
    title.setFont(font)
    html = ["<b>Sector</b><br>"]
    for index, (name, colour) in enumerate(entries):
        swatch = QGraphicsEllipseItem(0, 0, 14, 14)
        swatch.setBrush(QBrush(colour))
        swatch.setPen(QPen(colour.darker(140), 1))
        swatch.setPos(x, y + 24 * index)
        scene.addItem(swatch)
        text = scene.addSimpleText(name)
        text.setPos(x + 20, y + 24 * index - 1)
        html.append(f"<span style='color:{colour.name()}; font-size:14pt'>●</span> {name}<br>")
    html.append("Circle size: needs plus actions. Line width: needs and actions shared.")
    return "".join(html)
