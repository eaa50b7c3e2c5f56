"""What the pages watch: every watch names a kind of record that edits report, so each one can fire."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import locality.ui
from locality.app import build_main_window
from locality.domain.entities import Entity
from locality.domain.vocabulary import VocabularyKind
from locality.services.organisations import OrganisationDraft


def _classes_with_watches() -> list[type]:
    found: list[type] = []
    for module_info in pkgutil.walk_packages(locality.ui.__path__, "locality.ui."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "watches" in vars(cls):
                found.append(cls)
    return found


def test_every_watch_is_an_entity() -> None:
    # A page that watched "vocabulary" (no table) never refreshed for it; text in a watch is now a slip found here
    # (and by mypy).
    classes = _classes_with_watches()
    assert {cls.__name__ for cls in classes} >= {"FundingPage", "OrganisationsPage", "NeedsPage", "ActionsPage"}
    for cls in classes:
        strays = [watch for watch in cls.watches if not isinstance(watch, Entity)]  # type: ignore[attr-defined]
        assert strays == [], f"{cls.__name__} watches {strays}, which no edit reports"


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()


def test_organisations_page_shows_a_renamed_type_at_once(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    police = services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "Police")
    services.organisations.create(OrganisationDraft(name="Westshire Constabulary", type_id=police))
    page = window.show_page("organisationsPage")
    qtbot.waitUntil(lambda: [row.type_name for row in page.model.all_rows()] == ["Police"])

    services.vocabulary.rename_term(police, "Police force")

    qtbot.waitUntil(lambda: [row.type_name for row in page.model.all_rows()] == ["Police force"])
    type_filter = page.filters["type"]
    offered = [type_filter.itemText(index) for index in range(type_filter.count())]
    assert "Police force" in offered and "Police" not in offered


def test_a_hidden_page_watching_terms_refreshes_when_next_shown(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    police = services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "Police")
    services.organisations.create(OrganisationDraft(name="Westshire Constabulary", type_id=police))
    page = window.show_page("organisationsPage")
    qtbot.waitUntil(lambda: [row.type_name for row in page.model.all_rows()] == ["Police"])
    window.show_page("needsPage")

    services.vocabulary.rename_term(police, "Police force")
    window.show_page("organisationsPage")

    qtbot.waitUntil(lambda: [row.type_name for row in page.model.all_rows()] == ["Police force"])
