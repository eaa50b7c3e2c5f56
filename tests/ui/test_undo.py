"""Undo and redo of edits through the undo stack."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QUndoStack

from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.ui.undo import push_updated


def _edit(stack: QUndoStack, services: Services, organisation_id, name: str) -> None:  # type: ignore[no-untyped-def]
    current = services.organisations.get(organisation_id)
    after = replace(current.as_draft(), name=name)
    saved = services.organisations.update(organisation_id, after, current.version)
    push_updated(
        stack,
        f"rename to {name}",
        organisation_id,
        current.as_draft(),
        after,
        saved.version,
        services.organisations.update,
    )


def test_two_edits_of_one_row_undo_and_redo_in_turn(qtbot, services: Services, shown_warnings: list[str]) -> None:  # type: ignore[no-untyped-def]
    stack = QUndoStack()
    organisation = services.organisations.create(OrganisationDraft(name="Westshire Police"))
    _edit(stack, services, organisation.id, "Westshire Constabulary")
    _edit(stack, services, organisation.id, "Westshire Police and Crime")
    name = lambda: services.organisations.get(organisation.id).name  # noqa: E731

    stack.undo()
    assert name() == "Westshire Constabulary"
    stack.undo()
    assert name() == "Westshire Police"
    stack.redo()
    stack.redo()
    assert name() == "Westshire Police and Crime"
    assert shown_warnings == []


def test_undo_after_someone_else_changed_the_row_overwrites_nothing(
    qtbot, services: Services, shown_warnings: list[str]
) -> None:  # type: ignore[no-untyped-def]
    stack = QUndoStack()
    organisation = services.organisations.create(OrganisationDraft(name="Westshire Police"))
    _edit(stack, services, organisation.id, "Westshire Constabulary")
    current = services.organisations.get(organisation.id)
    services.organisations.update(
        organisation.id, replace(current.as_draft(), name="Renamed elsewhere"), current.version
    )

    stack.undo()
    assert services.organisations.get(organisation.id).name == "Renamed elsewhere"
    assert len(shown_warnings) == 1
