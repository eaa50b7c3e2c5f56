"""The window contract: build_main_window, pages with stable object names reachable through the navigation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from locality.app import build_main_window
from locality.paths import default_workspace_path
from locality.services.actions import ActionDraft
from locality.services.organisations import OrganisationDraft

PAGE_NAMES = [
    "dashboardPage",
    "organisationsPage",
    "needsPage",
    "actionsPage",
    "needsMapPage",
    "timelinePage",
    "indicatorsPage",
    "fundingPage",
    "workshopPage",
    "supportPage",
    "historyPage",
]


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()


def test_every_page_is_reachable_through_the_navigation(window) -> None:  # type: ignore[no-untyped-def]
    for row, name in enumerate(PAGE_NAMES):
        window.navigation.setCurrentRow(row)
        assert window.stack.currentWidget().objectName() == name
        assert window.findChild(type(window.stack.currentWidget()), name) is not None


def test_title_and_status_bar_name_the_workspace(window, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.windowTitle().endswith("— Locality")
    status = window.statusBar().findChildren(QLabel)
    assert any(str(workspace_path) in label.text() for label in status)


def test_dashboard_figures_follow_changes_made_anywhere(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    dashboard = window.pages["dashboardPage"]
    qtbot.waitUntil(lambda: dashboard.figures is not None and not dashboard.busy)
    assert dashboard.overview.tiles["actions"].value_text == "0"
    window.services.actions.create(ActionDraft(title="Joint scrutiny training"))
    qtbot.waitUntil(lambda: dashboard.overview.tiles["actions"].value_text == "1")
    window.services.organisations.create(OrganisationDraft(name="Westshire Fire and Rescue Service"))
    assert any("1 organisation ·" in label.text() for label in window.statusBar().findChildren(QLabel))


def test_status_bar_counts_agree_with_their_nouns(window) -> None:  # type: ignore[no-untyped-def]
    def status() -> str:
        return " ".join(label.text() for label in window.statusBar().findChildren(QLabel))

    assert "0 organisations · 0 needs · 0 actions" in status()
    window.services.organisations.create(OrganisationDraft(name="Westshire Fire and Rescue Service"))
    window.services.actions.create(ActionDraft(title="Joint scrutiny training"))
    assert "1 organisation · 0 needs · 1 action" in status()
    assert "1 organisations" not in status()
    window.services.organisations.create(OrganisationDraft(name="Westshire Police"))
    assert "2 organisations ·" in status()


def test_default_workspace_is_created_on_first_run(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert not default_workspace_path().exists()
    built = build_main_window()
    qtbot.addWidget(built)
    assert default_workspace_path().exists()
    assert str(default_workspace_path()) in built.services.location
    built.close()


def test_opening_a_bad_file_keeps_the_current_workspace(window, tmp_path: Path, shown_warnings: list[str]) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "budget.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workspace")
    assert window.open_workspace(str(bad)) is False
    assert shown_warnings and "not a Locality workspace" in shown_warnings[0]
    assert window.isVisible()
    assert window.services.organisations.list() == []
    assert bad.read_bytes() == b"PK\x03\x04 not a workspace"


def test_toolbar_undo_button_stays_short_and_undoes(window) -> None:  # type: ignore[no-untyped-def]
    button = window.undo_button_action
    assert button.text() == "Undo" and not button.isEnabled()
    organisations = window.pages["organisationsPage"]
    name = "Westshire Community Rail Partnership and Heritage Trust"
    created = window.services.organisations.create(OrganisationDraft(name=name))
    from locality.ui.undo import push_created

    push_created(
        window.undo_stack,
        f"add organisation {name}",
        created.id,
        window.services.organisations.delete,
        window.services.organisations.restore,
        organisations,
    )
    assert button.text() == "Undo" and button.isEnabled()
    assert name in button.toolTip()
    button.trigger()
    assert name not in {o.name for o in window.services.organisations.list()}


def test_title_and_counts_follow_only_what_changed(window) -> None:  # type: ignore[no-untyped-def]
    """An edit recounts only the kinds of record it touched; each count and the title still follow their own."""
    services = window.services
    services.organisations.create(OrganisationDraft(name="Westshire Constabulary"))
    action = services.actions.create(ActionDraft(title="Joint scrutiny training"))
    services.actions.update(
        action.id, replace(action.as_draft(), title="Joint scrutiny training for members"), action.version
    )
    assert "1 organisation · 0 needs · 1 action" in window._status.text()
    details = services.workspace.details()
    services.workspace.update_details(
        partnership_name="Westshire Partnership",
        area=details.area,
        plan_start=details.plan_start,
        plan_end=details.plan_end,
        owner_organisation_id=details.owner_organisation_id,
        expected_version=details.version,
    )
    assert window.windowTitle() == "Westshire Partnership — Locality"
    services.actions.delete([action.id])
    assert "1 organisation · 0 needs · 0 actions" in window._status.text()
