"""The needs map's network tab: which organisations work together, drawn as circles joined by lines.

A circle is an organisation (sized by its needs plus actions, coloured by sector, labelled with its short name);
a line joins two organisations that share live needs or live actions, thicker the more they share. Reading the
data and laying it out runs off the GUI thread; drawing the scene happens on it once the positions are known.
"""

from __future__ import annotations

import html
import uuid
from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGraphicsScene,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.text import plural
from locality.domain.vocabulary import VocabularyKind
from locality.files import atomic_path
from locality.services.network import (
    WATCHED_ENTITIES,
    Network,
    OrganisationDetail,
    Positions,
    layout,
    linked_only,
    suggested_minimum,
    with_minimum,
)
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.flow_layout import FlowLayout, together
from locality.ui.forms import find_data
from locality.ui.loader import BackgroundLoader
from locality.ui.needs_map.network_scene import (
    DIMMED,
    DIMMED_LINK,
    NO_SECTOR_COLOUR,
    SECTOR_COLOURS,
    LinkItem,
    NetworkView,
    NodeItem,
    draw_legend,
    draw_network,
)
from locality.ui.needs_map.network_wording import empty_text, status_text

MOST_LINKS_AT_FIRST = 300


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
        self.loader = BackgroundLoader(self, self.refresh)
        self.loader.stale = False  # loaded as it is built; the needs map page reloads it when stale
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
        picture = "Network of organisations, linked by the needs and actions they share"
        self.view.setAccessibleName(picture)
        self.view.viewport().setAccessibleName(picture)
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
        self.status.setText("Drawing the network…")
        minimum = self.minimum.value() if self._minimum_chosen else None
        type_id = self.type_filter.currentData()
        sector_id = self.sector_filter.currentData()
        service = self.env.services.network

        hide_unlinked = self.hide_unlinked.isChecked()

        def work() -> tuple[Network, Network, Positions]:
            network = service.network(
                type_ids=None if type_id is None else [type_id],
                sector_ids=None if sector_id is None else [sector_id],
            )
            chosen = minimum if minimum is not None else suggested_minimum(network, most_links=MOST_LINKS_AT_FIRST)
            network = with_minimum(network, chosen)
            drawn = linked_only(network) if hide_unlinked else network
            return network, drawn, layout(drawn)

        # A request made while one is running waits for it, and only the newest result is drawn.
        self.loader.start(work, self._loaded, self._failed)

    @property
    def loading(self) -> bool:
        return self.loader.busy

    def _failed(self, error: BaseException) -> None:
        self.status.setText("The network could not be read.")
        show_error(self, error, "Network")

    def _loaded(self, result: tuple[Network, Network, Positions]) -> None:
        everyone, network, positions = result
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
            assert self.everyone is not None
            self.message.setText(empty_text(self.everyone))
            self.legend.setText("")
            return
        self.stack.setCurrentWidget(self.view)
        colours = self.sector_colours()
        self.nodes, self.links = draw_network(self.scene, network, self.positions, colours)
        self.legend.setText(draw_legend(self.scene, network, colours))
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.view.fit()

    def _describe(self) -> None:
        assert self.network is not None and self.everyone is not None
        self.status.setText(status_text(self.network, self.everyone, len(self.links)))

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
        self.heading.setText(f"<b>{html.escape(organisation.name, quote=False)}</b>")
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
