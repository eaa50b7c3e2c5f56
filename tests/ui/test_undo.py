"""Undo and redo of edits through the undo stack."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QUndoStack

from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.ui.undo import push_updated, save_with_undo


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


def test_save_with_undo_creates_then_edits_and_each_step_undoes(
    qtbot, services: Services, shown_warnings: list[str]
) -> None:  # type: ignore[no-untyped-def]
    stack = QUndoStack()
    organisations = services.organisations

    def save(current, draft):  # type: ignore[no-untyped-def]
        return save_with_undo(
            stack,
            current,
            draft,
            create=organisations.create,
            update=organisations.update,
            delete=organisations.delete,
            restore=organisations.restore,
            describe=lambda verb, saved: f"{verb} {saved.name}",
        )

    created = save(None, OrganisationDraft(name="Westshire Police"))
    assert stack.undoText() == "add Westshire Police"
    edited = save(created, replace(created.as_draft(), name="Westshire Constabulary"))
    assert stack.undoText() == "edit Westshire Constabulary"
    assert organisations.get(created.id).name == edited.name == "Westshire Constabulary"

    stack.undo()
    assert organisations.get(created.id).name == "Westshire Police"
    stack.undo()
    assert created.id not in {o.id for o in organisations.list()}
    stack.redo()
    assert organisations.get(created.id).name == "Westshire Police"
    assert stack.redoText() == "edit Westshire Constabulary"
    assert shown_warnings == []


def test_add_then_edit_undone_and_redone_in_full(qtbot, services: Services, shown_warnings: list[str]) -> None:  # type: ignore[no-untyped-def]
    # Undoing the add deletes the record and redoing it restores it, which moves its version on: the edit's
    # redo must still apply, since nobody else touched the record.
    stack = QUndoStack()
    organisations = services.organisations
    created = save_with_undo(
        stack,
        None,
        OrganisationDraft(name="Westshire Police"),
        create=organisations.create,
        update=organisations.update,
        delete=organisations.delete,
        restore=organisations.restore,
        describe=lambda verb, saved: f"{verb} {saved.name}",
    )
    _edit(stack, services, created.id, "Westshire Constabulary")

    stack.undo()
    stack.undo()
    stack.redo()
    stack.redo()

    assert organisations.get(created.id).name == "Westshire Constabulary"
    stack.undo()
    assert organisations.get(created.id).name == "Westshire Police"
    assert shown_warnings == []
