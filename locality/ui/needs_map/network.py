"""The needs map's network tab: which organisations work together, drawn as circles joined by lines.

A circle is an organisation (sized by its needs plus actions, coloured by sector, labelled with its short name);
a line joins two organisations that share live needs or live actions, thicker the more they share. Reading the
data and laying it out runs off the GUI thread; drawing the scene happens on it once the positions are known.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from locality.domain.text import plural
from locality.domain.vocabulary import VocabularyKind
from locality.files import atomic_path
from locality.services.network import (
    WATCHED_ENTITIES,
    Network,
    NetworkLink,
    NetworkOrganisation,
    OrganisationDetail,
    Positions,
    layout,
    linked_only,
    node_radius,
    picture_scale,
    suggested_minimum,
    with_minimum,
)
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.flow_layout import FlowLayout, together
from locality.ui.forms import find_data
from locality.ui.workers import run_in_background

# Colour-blind-safe colours (Okabe and Ito) for sectors, in the order the sectors are listed; grey for none.
SECTOR_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#8c6d31", "#5e3c99")
NO_SECTOR_COLOUR = "#9e9e9e"
LINK_COLOUR = "#78909c"
HIGHLIGHT_LINK_COLOUR = "#37474f"
DIMMED = 0.15
DIMMED_LINK = 0.06
MOST_LINKS_AT_FIRST = 300
#: The most lines drawn at once (the strongest); beyond this the picture is a hairball and drawing it would
#: hold up the window for seconds on a large partnership.
MOST_LINKS_DRAWN = 1500


def link_description(network: Network, link: NetworkLink) -> str:
    """ "Westshire Police – Westshire Fire: 5 shared needs, 3 shared actions"."""
    one = network.organisation(link.source_id)
    other = network.organisation(link.target_id)
    names = f"{one.name if one else '?'} – {other.name if other else '?'}"
    return f"{names}: {plural(link.shared_needs, 'shared need')}, {plural(link.shared_actions, 'shared action')}"


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


class NetworkTab(QWidget):
    """Organisations and the needs and actions they share; see the module's description."""

    title = "Network"
    watches = WATCHED_ENTITIES

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.network: Network | None = None  # what is drawn
        self.everyone: Network | None = None  # every organisation of the type and sector chosen
        self.positions: Positions = {}
        self.nodes: dict[uuid.UUID, NodeItem] = {}
        self.links: list[LinkItem] = []
        self.selected_id: uuid.UUID | None = None
        self.detail: OrganisationDetail | None = None
        self.loading = False
        self._generation = 0
        self._minimum_chosen = False  # until the user sets it, the minimum is suggested to keep the picture clear
        self._selecting = False
        self._export_folder = Path.home()

        self.minimum = QSpinBox()
        self.minimum.setRange(1, 9999)
        self.minimum.setAccessibleName("Minimum shared")
        self.minimum.setToolTip("Hide links between organisations that share fewer needs and actions than this")
        self.type_filter = QComboBox()
        self.type_filter.setAccessibleName("Organisation type")
        self.sector_filter = QComboBox()
        self.sector_filter.setAccessibleName("Sector")
        self.hide_unlinked = QCheckBox("&Hide unlinked")
        self.hide_unlinked.setChecked(True)
        self.hide_unlinked.setToolTip("Leave out organisations with no link at the minimum shared chosen")
        self.picker = QComboBox()
        self.picker.setAccessibleName("Organisation")
        self.picker.setMinimumContentsLength(18)
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.zoom_in_button = QPushButton("Zoom in")
        self.zoom_out_button = QPushButton("Zoom out")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Show the whole network")
        self.export_button = QPushButton("Export image…")
        self.export_button.setToolTip("Save the picture as a PNG image or an SVG drawing")

        controls = FlowLayout()
        minimum_label = QLabel("&Minimum shared:")
        minimum_label.setBuddy(self.minimum)
        type_label = QLabel("&Type:")
        type_label.setBuddy(self.type_filter)
        sector_label = QLabel("S&ector:")
        sector_label.setBuddy(self.sector_filter)
        picker_label = QLabel("&Organisation:")
        picker_label.setBuddy(self.picker)
        for widget in (
            together(minimum_label, self.minimum),
            together(type_label, self.type_filter),
            together(sector_label, self.sector_filter),
            self.hide_unlinked,
            together(self.zoom_in_button, self.zoom_out_button, self.fit_button),
            self.export_button,
        ):
            controls.addWidget(widget)

        self.status = QLabel("Drawing the network…")
        self.status.setObjectName("networkStatus")
        self.status.setWordWrap(True)

        self.scene = QGraphicsScene(self)
        self.view = NetworkView(self.scene)
        self.message = QLabel()
        self.message.setObjectName("networkEmpty")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMargin(40)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("networkHeading")
        self.heading.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.needs_label = QLabel("Needs")
        self.needs_list = QListWidget()
        self.needs_list.setAccessibleName("Needs of the selected organisation")
        self.needs_list.setToolTip("Double-click a need to open it")
        self.actions_label = QLabel("Actions")
        self.actions_list = QListWidget()
        self.actions_list.setAccessibleName("Actions of the selected organisation")
        self.actions_list.setToolTip("Double-click an action to open it")
        for widget in (self.needs_list, self.actions_list):
            widget.setWordWrap(True)
            widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            widget.setAlternatingRowColors(True)
        picker_row = QHBoxLayout()
        picker_row.addWidget(picker_label)
        picker_row.addWidget(self.picker, 1)
        side_layout.addLayout(picker_row)
        side_layout.addWidget(self.heading)
        side_layout.addWidget(self.summary)
        side_layout.addWidget(self.needs_label)
        side_layout.addWidget(self.needs_list, 1)
        side_layout.addWidget(self.actions_label)
        side_layout.addWidget(self.actions_list, 2)
        side_layout.addWidget(self.legend)
        side_layout.addStretch(0)  # takes the room only while the lists are hidden

        self.splitter = QSplitter()
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([780, 400])

        outer = QVBoxLayout(self)
        outer.addLayout(controls)
        outer.addWidget(self.status)
        outer.addWidget(self.splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)

        self.minimum.valueChanged.connect(self._minimum_changed)
        self.type_filter.currentIndexChanged.connect(lambda _index: self.refresh())
        self.sector_filter.currentIndexChanged.connect(lambda _index: self.refresh())
        self.hide_unlinked.toggled.connect(lambda _checked: self.refresh())
        self.picker.currentIndexChanged.connect(self._picked)
        self.zoom_in_button.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out_button.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.fit_button.clicked.connect(self.view.fit)
        self.export_button.clicked.connect(self.choose_export)
        self.scene.selectionChanged.connect(self._scene_selection_changed)
        self.needs_list.itemActivated.connect(self._open_need)
        self.actions_list.itemActivated.connect(self._open_action)

        self._fill_filters()
        self._show_detail()
        self.refresh()

    # ------------------------------------------------------------------ loading

    def _fill_filters(self) -> None:
        vocabulary = self.env.services.vocabulary
        for combo, kind, everything in (
            (self.type_filter, VocabularyKind.ORGANISATION_TYPE, "All types"),
            (self.sector_filter, VocabularyKind.SECTOR, "All sectors"),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for term in vocabulary.terms(kind):
                combo.addItem(term.name, term.id)
            index = find_data(combo, current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def _minimum_changed(self, _value: int) -> None:
        self._minimum_chosen = True
        self._debounce.start()

    def refresh(self) -> None:
        """Reads the network again and lays it out on a worker thread; the picture is redrawn when it is done."""
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.status.setText("Drawing the network…")
        minimum = self.minimum.value() if self._minimum_chosen else None
        type_id = self.type_filter.currentData()
        sector_id = self.sector_filter.currentData()
        service = self.env.services.network

        hide_unlinked = self.hide_unlinked.isChecked()

        def work() -> tuple[int, Network, Network, Positions]:
            network = service.network(
                type_ids=None if type_id is None else [type_id],
                sector_ids=None if sector_id is None else [sector_id],
            )
            chosen = minimum if minimum is not None else suggested_minimum(network, most_links=MOST_LINKS_AT_FIRST)
            network = with_minimum(network, chosen)
            drawn = linked_only(network) if hide_unlinked else network
            return generation, network, drawn, layout(drawn)

        run_in_background(work, self._loaded, self._failed, self)

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self.status.setText("The network could not be read.")
        show_error(self, error, "Network")

    def _loaded(self, result: tuple[int, Network, Network, Positions]) -> None:
        generation, everyone, network, positions = result
        if generation != self._generation:
            return  # a newer request is on its way
        self.loading = False
        self.everyone = everyone
        self.network = network
        self.positions = positions
        if not self._minimum_chosen:
            self.minimum.blockSignals(True)
            self.minimum.setValue(network.minimum_weight)
            self.minimum.blockSignals(False)
        self._fill_picker()
        self._draw()
        self._describe()
        still_there = self.selected_id is not None and everyone.organisation(self.selected_id) is not None
        self.select_organisation(self.selected_id if still_there else None)

    def _fill_picker(self) -> None:
        assert self.everyone is not None
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItem("(choose an organisation)", None)
        for organisation in self.everyone.organisations:
            self.picker.addItem(organisation.name, organisation.id)
        self.picker.blockSignals(False)

    # ------------------------------------------------------------------ drawing

    def sector_colours(self) -> dict[str, QColor]:
        """Colour by sector name, in the order the sectors are listed; "" (no sector) is grey."""
        colours = {"": QColor(NO_SECTOR_COLOUR)}
        names = [term.name for term in self.env.services.vocabulary.terms(VocabularyKind.SECTOR)]
        if self.network is not None:
            names += sorted({o.sector_name for o in self.network.organisations if o.sector_name} - set(names))
        for index, name in enumerate(names):
            colours[name] = QColor(SECTOR_COLOURS[index % len(SECTOR_COLOURS)])
        return colours

    def _draw(self) -> None:
        assert self.network is not None
        network = self.network
        self._selecting = True  # clearing the old picture is not the user choosing "nobody"
        try:
            self.scene.clearSelection()
            self.scene.clear()
        finally:
            self._selecting = False
        self.nodes = {}
        self.links = []
        if len(network.organisations) < 2:
            self.stack.setCurrentWidget(self.message)
            self.message.setText(self._empty_text())
            self.legend.setText("")
            return
        self.stack.setCurrentWidget(self.view)
        spread = picture_scale(len(network.organisations))
        strongest = network.max_weight or 1
        colours = self.sector_colours()
        points: dict[uuid.UUID, QPointF] = {}
        for organisation in network.organisations:
            x, y = self.positions.get(organisation.id, (0.0, 0.0))
            points[organisation.id] = QPointF(x * spread, y * spread)
        drawn = network.links
        if len(drawn) > MOST_LINKS_DRAWN:
            drawn = tuple(sorted(drawn, key=lambda link: -link.weight)[:MOST_LINKS_DRAWN])
        for link in drawn:
            width = 1.0 + 7.0 * link.weight / strongest
            item = LinkItem(
                link, points[link.source_id], points[link.target_id], width, link_description(network, link)
            )
            self.scene.addItem(item)
            self.links.append(item)
        for organisation in network.organisations:
            radius = node_radius(network, organisation)
            node = NodeItem(organisation, radius, colours.get(organisation.sector_name, QColor(NO_SECTOR_COLOUR)))
            node.setPos(points[organisation.id])
            self.scene.addItem(node)
            self.nodes[organisation.id] = node
        self._draw_legend(colours)
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.view.fit()

    def _draw_legend(self, colours: dict[str, QColor]) -> None:
        """The sectors shown, in the picture (so an exported image carries it) and beside it."""
        assert self.network is not None
        present = {organisation.sector_name for organisation in self.network.organisations}
        entries = [(name or "No sector recorded", colour) for name, colour in colours.items() if name in present]
        entries.sort(key=lambda entry: entry[0] == "No sector recorded")
        bounds = self.scene.itemsBoundingRect()
        x, y = bounds.left(), bounds.top() - 24 * len(entries) - 16
        title = self.scene.addSimpleText("Sector")
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
            self.scene.addItem(swatch)
            text = self.scene.addSimpleText(name)
            text.setPos(x + 20, y + 24 * index - 1)
            html.append(f"<span style='color:{colour.name()}; font-size:14pt'>●</span> {name}<br>")
        html.append("Circle size: needs plus actions. Line width: needs and actions shared.")
        self.legend.setText("".join(html))

    def _empty_text(self) -> str:
        """Why there is no picture, and what to do about it."""
        everyone = self.everyone
        assert everyone is not None
        if everyone.total_organisations < 2:
            return (
                "The network shows which organisations share needs and actions. It needs at least two "
                "organisations: add them on the Organisations page, then link them to the same needs or make one "
                "a partner in another's action."
            )
        if len(everyone.organisations) < 2:
            return (
                "Fewer than two organisations are of the type and sector chosen. Choose “All types” or “All "
                "sectors” above to see more of the partnership."
            )
        if everyone.total_links == 0:
            return (
                f"None of these {len(everyone.organisations):,} organisations shares a need or an action yet. Link "
                "two of them to the same need, or add a partner to an action, and the line between them appears "
                "here; untick “Hide unlinked” to see the organisations anyway."
            )
        return (
            f"No two of these organisations share {everyone.minimum_weight:,} or more needs and actions (the most "
            f"any two share is {everyone.strongest_weight:,}). Lower “Minimum shared”, or untick “Hide unlinked” "
            "to see the organisations anyway."
        )

    def _describe(self) -> None:
        network, everyone = self.network, self.everyone
        assert network is not None and everyone is not None
        if len(network.organisations) < 2:
            self.status.setText("Nothing to draw; the box below says why.")
            return
        shown = len(network.links)
        text = plural(len(network.organisations), "organisation")
        hidden_organisations = len(everyone.organisations) - len(network.organisations)
        if hidden_organisations:
            text += f" ({hidden_organisations:,} without links hidden)"
        if network.total_links == 0:
            self.status.setText(
                f"{text}, none sharing a need or an action yet: link two organisations to the same need, or add a "
                "partner to an action, and the line between them appears here."
            )
            return
        if shown == 0:
            self.status.setText(
                f"{text}. No two share {network.minimum_weight:,} or more needs and actions, so the "
                f"{plural(network.total_links, 'link')} are hidden: lower “Minimum shared” to see them."
            )
            return
        text += (
            f", {plural(shown, 'link')} of at least "
            f"{plural(network.minimum_weight, 'shared need or action', 'shared needs and actions')}"
        )
        if shown > len(self.links):
            text += f"; only the {len(self.links):,} strongest are drawn, so raise “Minimum shared” to see them all"
        hidden = network.total_links - shown
        if hidden:
            text += f" ({plural(hidden, 'weaker link')} hidden: lower “Minimum shared” to see them)"
        self.status.setText(text + ". Click an organisation to see its partners, needs and actions.")

    # ------------------------------------------------------------------ selection

    def _scene_selection_changed(self) -> None:
        if self._selecting:
            return
        chosen = [item for item in self.scene.selectedItems() if isinstance(item, NodeItem)]
        self.select_organisation(chosen[0].organisation.id if chosen else None)

    def _picked(self, _index: int) -> None:
        if not self._selecting:
            self.select_organisation(self.picker.currentData())

    def select_organisation(self, organisation_id: uuid.UUID | None) -> None:
        """Highlights the organisation and its links and partners (the rest dimmed) and lists its needs and
        actions; None clears the selection."""
        self._selecting = True
        try:
            self.selected_id = organisation_id
            neighbours = self.network.neighbours(organisation_id) if self.network and organisation_id else set()
            for node_id, node in self.nodes.items():
                chosen = node_id == organisation_id
                wanted = 1.0 if organisation_id is None or chosen or node_id in neighbours else DIMMED
                if node.opacity() != wanted:
                    node.setOpacity(wanted)
                node.set_emphasis(chosen)
                if node.isSelected() != chosen:
                    node.setSelected(chosen)
            for item in self.links:
                touches = organisation_id is not None and item.link.touches(organisation_id)
                wanted = 1.0 if organisation_id is None or touches else DIMMED_LINK
                if item.opacity() != wanted:
                    item.setOpacity(wanted)
                item.set_emphasis(touches)
            index = find_data(self.picker, organisation_id) if organisation_id is not None else 0
            self.picker.setCurrentIndex(max(index, 0))
        finally:
            self._selecting = False
        self.detail = None
        if organisation_id is not None:
            try:
                self.detail = self.env.services.network.organisation_detail(organisation_id)
            except Exception as error:  # deleted a moment ago, for example
                show_error(self, error, "Network")
        self._show_detail()

    def _show_detail(self) -> None:
        self.needs_list.clear()
        self.actions_list.clear()
        detail = self.detail
        if detail is None:
            self.heading.setText("<b>No organisation selected</b>")
            self.summary.setText(
                "Click an organisation in the picture, or choose one in “Organisation” just above, to see its partners "
                "and list its needs and actions here."
            )
            for widget in (self.needs_label, self.needs_list, self.actions_label, self.actions_list):
                widget.setVisible(False)
            return
        organisation = detail.organisation
        self.heading.setText(f"<b>{_escape(organisation.name)}</b>")
        details = " · ".join(part for part in (organisation.type_name, organisation.sector_name) if part)
        partners = self.network.links_of(organisation.id) if self.network else ()
        summary = [details or "No type or sector recorded"]
        if partners:
            strongest = max(partners, key=lambda link: link.weight)
            other = self.network.organisation(strongest.other(organisation.id)) if self.network else None
            summary.append(
                f"Linked to {plural(len(partners), 'organisation')} here; most with {other.name if other else '?'} "
                f"({plural(strongest.shared_needs, 'need')}, {plural(strongest.shared_actions, 'action')})."
            )
        else:
            summary.append("Not linked to anyone at the minimum shared chosen.")
        self.summary.setText("\n".join(summary))
        for widget in (self.needs_label, self.needs_list, self.actions_label, self.actions_list):
            widget.setVisible(True)
        self.needs_label.setText(f"Needs ({len(detail.needs):,}) — double-click to open")
        self.actions_label.setText(f"Actions ({len(detail.actions):,}) — double-click to open")
        for need in detail.needs:
            item = QListWidgetItem(f"{need.title} — {need.status.value}")
            item.setData(Qt.ItemDataRole.UserRole, need.id)
            item.setToolTip(f"{need.title}\n{need.status.value}; {organisation.label}'s role: {need.role}")
            self.needs_list.addItem(item)
        if not detail.needs:
            self._placeholder(self.needs_list, "No needs: link it to a need on the Needs page.")
        for action in detail.actions:
            item = QListWidgetItem(f"{action.title} — {action.role.lower()}, {action.status.value.lower()}")
            item.setData(Qt.ItemDataRole.UserRole, action.id)
            item.setToolTip(f"{action.title}\n{action.status.value}; {organisation.label} is the {action.role.lower()}")
            self.actions_list.addItem(item)
        if not detail.actions:
            self._placeholder(self.actions_list, "No actions: make it the lead or a partner on the Actions page.")

    @staticmethod
    def _placeholder(widget: QListWidget, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        widget.addItem(item)

    def _open_need(self, item: QListWidgetItem) -> None:
        need_id = item.data(Qt.ItemDataRole.UserRole)
        if need_id is not None:
            from locality.ui.need_dialog import open_need

            open_need(self.env, need_id, self)

    def _open_action(self, item: QListWidgetItem) -> None:
        action_id = item.data(Qt.ItemDataRole.UserRole)
        if action_id is not None:
            from locality.ui.action_dialog import open_action

            open_action(self.env, action_id, self)

    # ------------------------------------------------------------------ export

    def choose_export(self) -> None:
        if not self.nodes:
            self.status.setText("There is no picture to export yet: the network needs at least two organisations.")
            return
        start = str(self._export_folder / "partnership-network.png")
        path, chosen_filter = QFileDialog.getSaveFileName(
            self, "Export the network image", start, "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".png", ".svg"):
            target = target.with_suffix(".svg" if "svg" in chosen_filter.lower() else ".png")
        try:
            self.export_image(target)
        except Exception as error:
            show_error(self, error, "Export image")
            return
        self._export_folder = target.parent
        self.status.setText(f"The network was saved as {target}.")

    def _export_geometry(self) -> tuple[QRectF, QSize]:
        source = self.scene.itemsBoundingRect().adjusted(-30, -30, 30, 30)
        scale = min(3.0, 2400 / max(source.width(), source.height(), 1.0))
        return source, QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))

    def export_image(self, path: Path | str) -> Path:
        """Saves the picture as it is shown (selection included): SVG for a .svg name, otherwise PNG; the file is
        written whole or not at all."""
        target = Path(path)
        source, size = self._export_geometry()
        with atomic_path(target) as temporary:
            if target.suffix.lower() == ".svg":
                from PySide6.QtSvg import QSvgGenerator  # here: loading Qt SVG costs ~80 ms at start-up

                generator = QSvgGenerator()
                generator.setFileName(str(temporary))
                generator.setSize(size)
                generator.setViewBox(QRect(0, 0, size.width(), size.height()))
                generator.setTitle("Partnership network")
                names = "; ".join(node.organisation.name for node in self.nodes.values())
                generator.setDescription(f"Organisations linked by the needs and actions they share: {names}")
                painter = QPainter(generator)
                self._render(painter, source, size)
                if not painter.end():
                    raise OSError(f"{target.name} could not be written")
            else:
                image = QImage(size, QImage.Format.Format_ARGB32)
                image.fill(QColor("#ffffff"))
                painter = QPainter(image)
                self._render(painter, source, size)
                painter.end()
                # PySide6 takes the format as str at run time (bytes raise ValueError); its stub says bytes.
                if not image.save(str(temporary), "PNG"):  # type: ignore[call-overload]
                    raise OSError(f"{target.name} could not be written")
        return target

    def _render(self, painter: QPainter, source: QRectF, size: QSize) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor("#ffffff"))
        self.scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["LinkItem", "NetworkTab", "NetworkView", "NodeItem", "link_description"]
