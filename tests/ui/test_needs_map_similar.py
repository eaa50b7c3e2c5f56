"""The Similar needs tab: pairs found in the background, merged through the dialog, undone with the undo stack."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog

from locality.domain.vocabulary import NeedRole, Priority
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.registry import Services
from locality.services.workshops import WorkshopDraft
from locality.ui.env import UiEnv
from locality.ui.needs_map.similar import MergeNeedsDialog, SimilarNeedsTab
from locality.ui.settings import AppSettings
from tests.ui.helpers import when_dialog_opens


def _tab(qtbot, services: Services) -> SimilarNeedsTab:  # type: ignore[no-untyped-def]
    env = UiEnv(services, QUndoStack(), AppSettings())
    tab = SimilarNeedsTab(env)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitUntil(lambda: not tab.running, timeout=20000)
    return tab


@pytest.fixture
def duplicates(demo_services: Services) -> tuple[uuid.UUID, uuid.UUID]:
    """The same need raised by two organisations of the demo, with workshop dots on each."""
    organisations = demo_services.organisations.list()
    police, council = organisations[0].id, organisations[1].id
    first = demo_services.needs.create(
        NeedDraft(
            title="Safer night-time economy in Westbridge town centre",
            organisations=(NeedLinkDraft(police, NeedRole.RAISED_BY, Priority.HIGH),),
        )
    ).id
    second = demo_services.needs.create(
        NeedDraft(
            title="A safer night time economy in Westbridge town centre",
            organisations=(NeedLinkDraft(council, NeedRole.RAISED_BY, Priority.MEDIUM),),
        )
    ).id
    workshop = demo_services.workshops.create(WorkshopDraft(title="Community safety workshop")).id
    demo_services.workshops.cast_votes(workshop, first, police, 3)
    demo_services.workshops.cast_votes(workshop, second, council, 2)
    return first, second


def _dots(services: Services) -> dict[uuid.UUID, int]:
    return {tally.need_id: tally.total_dots for tally in services.workshops.total_dots_by_need()}


def test_merge_from_the_tab_then_undo(qtbot, demo_services: Services, duplicates) -> None:  # type: ignore[no-untyped-def]
    first, second = duplicates
    tab = _tab(qtbot, demo_services)
    assert tab.model.total() >= 1
    assert tab.select_pair(first, second)
    dots_before = _dots(demo_services)
    live_before = {need.id for need in demo_services.needs.list()}
    shown: dict[str, str] = {}

    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, MergeNeedsDialog)
        dialog.choose_keep(second)
        shown["summary"] = dialog.summary.text()
        dialog.merge_button.click()

    failure = when_dialog_opens(act)
    tab.merge_button.click()
    failure.check()

    assert (
        "1 organisation link, 0 actions and 3 workshop dots move to “A safer night time economy" in (shown["summary"])
    )
    live = {need.id for need in demo_services.needs.list()}
    assert live == live_before - {first}
    kept = demo_services.needs.get(second)
    assert len(kept.links) == 2
    assert _dots(demo_services)[second] == dots_before[first] + dots_before[second]
    assert sum(_dots(demo_services).values()) == sum(dots_before.values())
    assert not tab.select_pair(first, second)  # the pair is gone from the table
    assert tab.env.undo_stack.canUndo()

    tab.env.undo_stack.undo()

    assert {need.id for need in demo_services.needs.list()} == live_before
    assert len(demo_services.needs.get(second).links) == 1
    assert _dots(demo_services) == dots_before

    tab.env.undo_stack.redo()
    assert first not in {need.id for need in demo_services.needs.list()}


def test_not_the_same_hides_a_pair_for_the_session(qtbot, demo_services: Services, duplicates) -> None:  # type: ignore[no-untyped-def]
    first, second = duplicates
    tab = _tab(qtbot, demo_services)
    shown = tab.model.total()
    assert tab.select_pair(first, second)
    tab.not_same_button.click()
    assert not tab.select_pair(first, second)
    assert tab.model.total() == shown - 1
    tab.refresh()  # finding again keeps it hidden
    qtbot.waitUntil(lambda: not tab.running, timeout=20000)
    assert not tab.select_pair(first, second)
    tab.show_hidden_button.click()
    assert tab.select_pair(first, second)


def test_scores_shown_are_at_least_the_minimum(qtbot, demo_services: Services, duplicates) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, demo_services)
    tab.min_score.setValue(95)
    tab.find_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=20000)
    scores = [tab.model.row_at(row).score for row in range(tab.model.total())]
    assert all(score >= 95 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_empty_state_says_what_would_appear(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, services)
    assert tab.stack.currentWidget() is tab.message
    assert "not yet two needs to compare" in tab.message.text()
    assert not tab.merge_button.isEnabled()


def test_a_pairs_titles_are_shown_whole(qtbot, demo_services: Services, duplicates) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, demo_services)
    table = tab.table
    model = tab.model
    metrics = table.fontMetrics()
    for row in range(min(model.rowCount(), 20)):
        for column in (1, 3):  # Need A, Need B
            title = str(model.index(row, column).data())
            space = QRect(0, 0, table.columnWidth(column) - 8, 10_000)
            needed = metrics.boundingRect(space, Qt.TextFlag.TextWordWrap, title).height()
            assert table.rowHeight(row) >= needed, f"{title!r} is cut short in row {row}"
