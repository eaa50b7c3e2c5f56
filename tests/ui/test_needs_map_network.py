"""The network tab as a user meets it: circles for organisations, lines for what they share, a click to see one
organisation's needs and actions, a minimum to thin out weak links, and pictures saved as PNG and SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtWidgets import QDialog, QFileDialog

from locality.services.network import linked_only, with_minimum
from locality.services.registry import Services
from locality.ui.env import UiEnv
from locality.ui.needs_map.network import NetworkTab
from locality.ui.settings import AppSettings
from tests.ui.helpers import when_dialog_opens


def make_tab(qtbot, services: Services) -> NetworkTab:  # type: ignore[no-untyped-def]
    tab = NetworkTab(UiEnv(services, QUndoStack(), AppSettings()))
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitUntil(lambda: not tab.loading, timeout=10000)
    return tab


def wait_for_reload(qtbot, tab: NetworkTab, change) -> None:  # type: ignore[no-untyped-def]
    generation = tab.loader.generation
    change()
    qtbot.waitUntil(lambda: tab.loader.generation > generation and not tab.loading, timeout=10000)


@pytest.fixture
def tab(qtbot, demo_services: Services) -> NetworkTab:  # type: ignore[no-untyped-def]
    return make_tab(qtbot, demo_services)


def test_draws_a_circle_per_linked_organisation_and_a_line_per_link(tab: NetworkTab, demo_services: Services) -> None:
    network = demo_services.network.network()
    assert tab.title == "Network" and "need_organisation" in tab.watches
    assert set(tab.nodes) == {o.id for o in linked_only(network).organisations}
    assert len(tab.links) == len(network.links)
    labels = {node.label.text() for node in tab.nodes.values()}
    assert {o.short_name or o.name for o in linked_only(network).organisations} == labels
    assert tab.stack.currentWidget() is tab.view
    assert f"{len(network.links)} links" in tab.status.text()
    # A line's tooltip names both organisations and both parts of the weight.
    strongest = max(tab.links, key=lambda item: item.link.weight)
    one = network.organisation(strongest.link.source_id)
    other = network.organisation(strongest.link.target_id)
    assert one is not None and other is not None
    assert strongest.toolTip().startswith(f"{one.name} – {other.name}: ")
    assert f"{strongest.link.shared_needs} shared need" in strongest.toolTip()
    assert f"{strongest.link.shared_actions} shared action" in strongest.toolTip()
    thinnest = min(tab.links, key=lambda item: item.link.weight)
    assert strongest.pen().widthF() > thinnest.pen().widthF()
    # Bigger organisations get bigger circles.
    big = max(tab.nodes.values(), key=lambda node: node.organisation.size)
    small = min(tab.nodes.values(), key=lambda node: node.organisation.size)
    assert big.radius > small.radius
    assert "Public" in tab.legend.text()


def test_clicking_an_organisation_lists_its_needs_and_actions_and_dims_the_rest(
    qtbot, tab: NetworkTab, demo_services: Services
) -> None:  # type: ignore[no-untyped-def]
    assert not tab.needs_list.isVisible()
    assert "No organisation selected" in tab.heading.text()
    # The organisation with the fewest partners, so that some others are dimmed.
    chosen_id = min(tab.nodes, key=lambda oid: len(tab.network.neighbours(oid)))  # type: ignore[union-attr]
    node = tab.nodes[chosen_id]
    point = tab.view.mapFromScene(node.scenePos())
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert tab.selected_id == chosen_id
    assert tab.picker.currentData() == chosen_id

    detail = demo_services.network.organisation_detail(chosen_id)
    listed_needs = [tab.needs_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(tab.needs_list.count())]
    listed_actions = [tab.actions_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(tab.actions_list.count())]
    assert (
        set(listed_needs)
        == {need.id for need in detail.needs}
        == {need.id for need in demo_services.needs.list(organisation_id=chosen_id)}
    )
    assert (
        set(listed_actions)
        == {action.id for action in detail.actions}
        == {action.id for action in demo_services.actions.list(organisation_id=chosen_id)}
    )
    assert tab.needs_list.isVisible() and tab.actions_list.isVisible()

    neighbours = tab.network.neighbours(chosen_id)  # type: ignore[union-attr]
    assert len(neighbours) < len(tab.nodes) - 1, "the demo has an organisation not linked to everyone"
    for node_id, other in tab.nodes.items():
        expected = 1.0 if node_id == chosen_id or node_id in neighbours else pytest.approx(0.15)
        assert other.opacity() == expected
    for item in tab.links:
        assert (item.opacity() == 1.0) == item.link.touches(chosen_id)

    # Choosing "(choose an organisation)" clears it all.
    tab.picker.setCurrentIndex(0)
    assert tab.selected_id is None
    assert all(node.opacity() == 1.0 for node in tab.nodes.values())
    assert not tab.needs_list.isVisible()


def test_the_picker_selects_too_and_double_click_opens_the_need(qtbot, tab: NetworkTab) -> None:  # type: ignore[no-untyped-def]
    chosen = tab.everyone.organisations[3]  # type: ignore[union-attr]
    tab.picker.setCurrentIndex(tab.picker.findText(chosen.name))
    assert tab.selected_id == chosen.id
    assert chosen.name in tab.heading.text()
    assert tab.nodes[chosen.id].pen().widthF() > 2
    first = tab.needs_list.item(0)
    need_id = first.data(Qt.ItemDataRole.UserRole)
    seen: list[str] = []

    def look(dialog: QDialog) -> None:
        seen.append(dialog.windowTitle())
        seen.append(dialog.title_edit.text())  # type: ignore[attr-defined]
        dialog.reject()

    failure = when_dialog_opens(look)
    tab.needs_list.itemActivated.emit(first)
    failure.check()
    assert seen == ["Edit need", tab.env.services.needs.get(need_id).title]

    action_item = tab.actions_list.item(0)
    failure = when_dialog_opens(lambda dialog: (seen.append(dialog.windowTitle()), dialog.reject()))
    tab.actions_list.itemActivated.emit(action_item)
    failure.check()
    assert seen[-1] == "Edit action"


def test_minimum_shared_hides_weak_links(qtbot, tab: NetworkTab, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    network = demo_services.network.network()
    weights = sorted(link.weight for link in network.links)
    minimum = weights[len(weights) // 2]
    wait_for_reload(qtbot, tab, lambda: tab.minimum.setValue(minimum))
    assert {item.link for item in tab.links} == set(with_minimum(network, minimum).links)
    assert all(item.link.weight >= minimum for item in tab.links)
    assert "weaker link" in tab.status.text()
    # Above the strongest link nothing is left to draw, and the box says what to do.
    wait_for_reload(qtbot, tab, lambda: tab.minimum.setValue(network.max_weight + 1))
    assert tab.links == []
    assert tab.stack.currentWidget() is tab.message
    assert "Lower “Minimum shared”" in tab.message.text()
    # Showing unlinked organisations brings every circle back, without lines.
    wait_for_reload(qtbot, tab, lambda: tab.hide_unlinked.setChecked(False))
    assert len(tab.nodes) == len(network.organisations) and tab.links == []


def test_sector_filter_keeps_only_that_sector(qtbot, tab: NetworkTab) -> None:  # type: ignore[no-untyped-def]
    wait_for_reload(qtbot, tab, lambda: tab.sector_filter.setCurrentIndex(tab.sector_filter.findText("Public")))
    assert tab.nodes
    assert {node.organisation.sector_name for node in tab.nodes.values()} == {"Public"}


def test_zoom_buttons_and_fit(tab: NetworkTab) -> None:
    start = tab.view.transform().m11()
    tab.zoom_in_button.click()
    assert tab.view.transform().m11() == pytest.approx(start * 1.25)
    tab.zoom_out_button.click()
    tab.zoom_out_button.click()
    assert tab.view.transform().m11() < start
    tab.fit_button.click()
    assert tab.view.transform().m11() == pytest.approx(start, rel=0.05)


def test_export_writes_a_png_and_an_svg(tab: NetworkTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path = tmp_path / "pictures"
    tmp_path.mkdir()
    png = tab.export_image(tmp_path / "network.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 500
    assert image.pixelColor(0, 0).name() == "#ffffff"

    svg = tab.export_image(tmp_path / "network.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = " ".join(root.itertext())
    for node in tab.nodes.values():
        assert node.organisation.label in text
        assert node.organisation.name in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.png", "network.svg"]  # no temporary left

    # Through the button: the file dialog's choice of SVG adds the suffix.
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / "board"), "SVG drawing (*.svg)")
    )
    tab.export_button.click()
    assert (tmp_path / "board.svg").exists()
    assert "board.svg" in tab.status.text()


def test_fewer_than_two_organisations_says_what_to_do(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    tab = make_tab(qtbot, services)
    assert tab.stack.currentWidget() is tab.message
    assert "at least two organisations" in tab.message.text()
    assert tab.nodes == {}


def test_refreshes_when_a_link_is_added(qtbot, tab: NetworkTab, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    from locality.services.needs import NeedDraft, NeedLinkDraft

    one, other = tab.everyone.organisations[:2]  # type: ignore[union-attr]
    before = next(
        (item.link.shared_needs for item in tab.links if item.link.touches(one.id) and item.link.touches(other.id)),
        0,
    )
    demo_services.needs.create(
        NeedDraft("Newly shared", organisations=(NeedLinkDraft(one.id), NeedLinkDraft(other.id)))
    )
    wait_for_reload(qtbot, tab, tab.refresh)
    after = next(
        item.link.shared_needs for item in tab.links if item.link.touches(one.id) and item.link.touches(other.id)
    )
    assert after == before + 1
