"""The coordinator's whole journey: partners, a shared need, a joint action addressing it, progress, finding it
again, undo and redo, and everything still there after reopening the workspace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox

from locality.app import build_main_window
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.actions import ActionDraft, MilestoneDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.ui.action_dialog import ActionDialog, LogProgressDialog
from locality.ui.forms import find_data
from tests.ui.helpers import answer_message_box, when_dialog_opens


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    built.services.context.today = lambda: date(2008, 6, 1)
    qtbot.addWidget(built)
    built.show()
    yield built
    if built.services is not None:
        built.close()


@pytest.fixture
def partnership(window):  # type: ignore[no-untyped-def]
    organisations = window.services.organisations
    council = organisations.create(OrganisationDraft(name="Westshire County Council"))
    police = organisations.create(OrganisationDraft(name="Westshire Constabulary"))
    need = window.services.needs.create(
        NeedDraft(
            title="Stronger scrutiny of community safety",
            organisations=(NeedLinkDraft(council.id), NeedLinkDraft(police.id)),
        )
    )
    return council, police, need


def save(dialog: QDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_joint_action_journey_persists(qtbot, window, partnership, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    council, police, need = partnership
    page = window.show_page("actionsPage")

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        dialog.title_edit.setText("Joint scrutiny training for councillors and police")
        dialog.lead.setCurrentIndex(find_data(dialog.lead, council.id))
        dialog.start_on.set_value(date(2008, 4, 1))
        dialog.due_on.set_value(date(2009, 3, 31))
        dialog.status.setCurrentIndex(find_data(dialog.status, ActionStatus.IN_PROGRESS))
        dialog.budget.setText("£12,500")
        dialog.partners.add_row({"organisation_id": police.id, "cash_pence": 250_000, "in_kind": "Venue"})
        dialog.tabs.setCurrentIndex(2)  # the needs list is filled when its tab is first opened
        for number in range(dialog.needs_list.count()):
            item = dialog.needs_list.item(number)
            if item.data(Qt.ItemDataRole.UserRole) == need.id:
                item.setCheckState(Qt.CheckState.Checked)
        dialog.milestones.add_row({"title": "Training needs agreed", "due_on": date(2008, 7, 1)})
        save(dialog)

    failure = when_dialog_opens(fill)
    page.new_button.click()
    failure.check()

    [summary] = window.services.actions.list()
    action = window.services.actions.get(summary.id)
    assert action.lead_organisation_name == "Westshire County Council"
    assert [p.organisation_name for p in action.partners] == ["Westshire Constabulary"]
    assert action.partners[0].cash_pence == 250_000
    assert action.budget_pence == 1_250_000
    assert [n.title for n in action.needs] == ["Stronger scrutiny of community safety"]
    assert [m.title for m in action.milestones] == ["Training needs agreed"]
    assert window.services.needs.get(need.id).action_count == 1
    assert page.count_label.text() == "1 action"

    # Log progress from the page.
    page.table.selectRow(0)

    def log(dialog: QDialog) -> None:
        assert isinstance(dialog, LogProgressDialog)
        dialog.percent.setValue(40)
        dialog.note.setPlainText("Two of five sessions delivered.")
        save(dialog)

    failure = when_dialog_opens(log)
    page.log_button.click()
    failure.check()
    updated = window.services.actions.get(summary.id)
    assert updated.percent_complete == 40
    assert updated.latest_progress_note == "Two of five sessions delivered."
    history = window.services.progress.history(summary.id)
    assert history[0].author == window.services.context.user.name

    # Filter and find it.
    page.set_filter("organisation", police.id)
    assert page.model.total() == 1, "the police are a partner"
    page.set_filter("organisation", None)
    page.search.setText("scrutiny")
    page.apply_filters()
    assert page.model.total() == 1
    page.search.setText("housing")
    page.apply_filters()
    assert page.model.total() == 0
    page.search.clear()
    page.apply_filters()

    # Undo the progress, then redo it.
    window.undo_action.trigger()
    assert window.services.actions.get(summary.id).percent_complete == 0
    window.redo_action.trigger()
    assert window.services.actions.get(summary.id).percent_complete == 40

    # Reopen: everything persisted.
    window.close()
    reopened = build_main_window(str(workspace_path))
    qtbot.addWidget(reopened)
    again = reopened.services.actions.get(summary.id)
    assert again.percent_complete == 40
    assert again.partner_names == "Westshire Constabulary"
    assert reopened.services.needs.get(need.id).is_shared
    reopened.close()


def test_due_before_start_is_shown_beside_the_dates(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("Shared revenues and benefits service")
    dialog.start_on.set_value(date(2008, 9, 1))
    dialog.due_on.set_value(date(2008, 4, 1))
    dialog.try_save()
    assert "due date" in dialog.error_text("due_on").lower()
    assert window.services.actions.list() == []


def test_bad_money_and_bad_partner_rows_are_reported_on_their_tab(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("Peer challenge of the partnership")
    dialog.budget.setText("twelve pounds")
    dialog.partners.add_row({"organisation_id": partnership[0].id})
    dialog.partners.add_row({"organisation_id": partnership[0].id})
    dialog.try_save()
    assert dialog.error_text("budget_pence")
    assert window.services.actions.list() == []
    dialog.budget.setText("£5,000")
    dialog.try_save()
    assert dialog.error_text("partners"), "the same partner twice"
    assert dialog.tabs.currentIndex() == 1, "the partners tab is brought into view"


def test_rag_override_without_reason_is_refused_and_reason_shown(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("Member development programme")
    dialog.rag_override.setCurrentIndex(find_data(dialog.rag_override, Rag.RED))
    dialog.try_save()
    assert "reason" in dialog.error_text("rag_override_reason").lower()


def test_action_dialog_shows_why_it_is_red(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    council = partnership[0]
    created = window.services.actions.create(
        ActionDraft(
            title="Leadership academy",
            lead_organisation_id=council.id,
            start_on=date(2007, 4, 1),
            due_on=date(2008, 3, 31),
            status=ActionStatus.IN_PROGRESS,
            percent_complete=40,
            milestones=(MilestoneDraft(title="Cohort one", due_on=date(2008, 1, 1)),),
        )
    )
    dialog = ActionDialog(window.env, window.services.actions.get(created.id), window)
    qtbot.addWidget(dialog)
    text = dialog.rag_label.text()
    assert text.startswith("Red")
    assert "31/03/2008" in text and "40%" in text


def test_delete_action_then_undo(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    council, _police, need = partnership
    window.services.actions.create(
        ActionDraft(title="Shared HR service", lead_organisation_id=council.id, need_ids=(need.id,))
    )
    page = window.show_page("actionsPage")
    page.refresh()
    page.table.selectRow(0)
    answer_message_box(QMessageBox.StandardButton.Yes)
    page.delete_selected()
    assert window.services.actions.list() == []
    assert window.services.needs.get(need.id).action_count == 0
    window.undo_action.trigger()
    assert [a.title for a in window.services.actions.list()] == ["Shared HR service"]
    assert window.services.needs.get(need.id).action_count == 1


def test_edit_with_a_new_milestone_undoes_and_redoes(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    created = window.services.actions.create(ActionDraft(title="Toolkit for community engagement"))
    dialog = ActionDialog(window.env, window.services.actions.get(created.id), window)
    qtbot.addWidget(dialog)
    dialog.milestones.add_row({"title": "Draft toolkit", "due_on": date(2008, 9, 1)})
    dialog.try_save()
    assert [m.title for m in window.services.actions.get(created.id).milestones] == ["Draft toolkit"]
    window.undo_action.trigger()
    assert window.services.actions.get(created.id).milestones == ()
    window.redo_action.trigger()
    assert [m.title for m in window.services.actions.get(created.id).milestones] == ["Draft toolkit"]


def test_overdue_and_no_need_filters(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    actions = window.services.actions
    actions.create(ActionDraft(title="Late action", due_on=date(2008, 1, 1), status=ActionStatus.IN_PROGRESS))
    actions.create(ActionDraft(title="Future action", due_on=date(2009, 1, 1), need_ids=(partnership[2].id,)))
    page = window.show_page("actionsPage")
    page.refresh()
    page.set_filter("timing", "overdue")
    assert [a.title for a in page.model.all_rows()] == ["Late action"]
    page.set_filter("timing", "no_need")
    assert [a.title for a in page.model.all_rows()] == ["Late action"]
    page.set_filter("timing", None)
    page.set_filter("rag", Rag.RED)
    assert [a.title for a in page.model.all_rows()] == ["Late action"]


def test_a_slow_list_loads_in_the_background(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    window.services.actions.create(ActionDraft(title="Shared procurement service"))
    page = window.show_page("actionsPage")
    page._last_load_seconds = 1.0  # as if the last load had taken a second
    page.refresh()
    assert page.loading
    assert page.count_label.text() == "Loading actions…"
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert [a.title for a in page.model.all_rows()] == ["Shared procurement service"]
    assert page.count_label.text() == "1 action"


def test_a_background_load_arrives_in_the_order_shown_even_if_the_sort_changed_meanwhile(
    qtbot, window, partnership
) -> None:  # type: ignore[no-untyped-def]
    for title in ("Beta scheme", "Alpha scheme", "Gamma scheme"):
        window.services.actions.create(ActionDraft(title=title))
    page = window.show_page("actionsPage")
    qtbot.waitUntil(lambda: not page.loading and page.model.total() == 3, timeout=5000)
    title_column = next(number for number, column in enumerate(page.model.columns) if column.title == "Title")
    page.table.sortByColumn(title_column, Qt.SortOrder.DescendingOrder)

    # Sorted and folded for searching on the worker, in the order shown.
    page._last_load_seconds = 1.0
    page.refresh()
    assert page.loading
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert [a.title for a in page.model.all_rows()] == ["Gamma scheme", "Beta scheme", "Alpha scheme"]
    page.search.setText("ALPHA")
    page.apply_filters()
    assert [a.title for a in page.model.all_rows()] == ["Alpha scheme"]
    page.search.clear()
    page.apply_filters()

    # A header clicked while the rows load: they are sorted again as they arrive.
    page._last_load_seconds = 1.0
    page.refresh()
    assert page.loading
    page.table.sortByColumn(title_column, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert [a.title for a in page.model.all_rows()] == ["Alpha scheme", "Beta scheme", "Gamma scheme"]


def test_a_failed_background_load_is_reported(qtbot, window, partnership, shown_warnings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from locality.domain.errors import WorkspaceError

    page = window.show_page("actionsPage")

    def broken(**_filters):  # type: ignore[no-untyped-def]
        raise WorkspaceError("The workspace is busy in another program, so the change was not saved; try again.")

    monkeypatch.setattr(window.services.actions, "list", broken)
    page._last_load_seconds = 1.0
    page.refresh()
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert shown_warnings and "busy in another program" in shown_warnings[0]


def test_saving_without_visiting_the_partner_and_milestone_tabs_keeps_them(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    from locality.services.actions import PartnerDraft

    council, police, _need = partnership
    created = window.services.actions.create(
        ActionDraft(
            title="Joint scrutiny training",
            lead_organisation_id=council.id,
            partners=(PartnerDraft(police.id, cash_pence=250_000, staff_days=3, in_kind="Venue"),),
            milestones=(MilestoneDraft(title="Trainer booked", due_on=date(2008, 7, 1)),),
        )
    )
    dialog = ActionDialog(window.env, window.services.actions.get(created.id), window)
    qtbot.addWidget(dialog)
    dialog.show()
    # The rows of tabs not yet shown are built only when needed (they were most of the cost of opening).
    assert dialog.partners.table.rowCount() == 0
    dialog.title_edit.setText("Joint scrutiny training for members")
    dialog.try_save()

    saved = window.services.actions.get(created.id)
    assert saved.title == "Joint scrutiny training for members"
    assert [(p.organisation_id, p.cash_pence, p.staff_days, p.in_kind) for p in saved.partners] == [
        (police.id, 250_000, 3, "Venue")
    ]
    assert [(m.title, m.due_on) for m in saved.milestones] == [("Trainer booked", date(2008, 7, 1))]


def owner_cells(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What the actions list shows in its Owner column, top to bottom."""
    model = page.model
    column = next(n for n in range(model.columnCount()) if model.headerData(n, Qt.Orientation.Horizontal) == "Owner")
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_naming_an_owner_shows_in_the_list_and_undo_restores(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    council, _police, _need = partnership
    window.services.actions.create(ActionDraft(title="Shared HR service", lead_organisation_id=council.id))
    page = window.show_page("actionsPage")
    page.refresh()
    assert owner_cells(page) == [""]
    page.table.selectRow(0)

    def name_the_owner(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        assert dialog.owner_label.text().replace("&", "") == "Owner (at Westshire County Council):"
        qtbot.keyClicks(dialog.owner_name, "  Janet Hughes ")
        qtbot.keyClicks(dialog.owner_email, "janet at westshire")
        save(dialog)
        # A bad address is refused beside the owner's fields, in a sentence, and nothing is saved.
        message = dialog.findChild(QLabel, "owner_nameError")
        assert message is not None and message.isVisible()
        assert "is not an e-mail address" in message.text()
        dialog.owner_email.clear()
        qtbot.keyClicks(dialog.owner_email, "janet.hughes@westshire.gov.uk")
        qtbot.keyClicks(dialog.owner_phone, "01632 960123")
        save(dialog)

    failure = when_dialog_opens(name_the_owner)
    page.edit_button.click()
    failure.check()

    assert owner_cells(page) == ["Janet Hughes"]
    action = window.services.actions.list()[0]
    saved = window.services.actions.get(action.id)
    assert (saved.owner_email, saved.owner_phone) == ("janet.hughes@westshire.gov.uk", "01632 960123")

    window.undo_action.trigger()
    page.refresh()
    assert owner_cells(page) == [""]
    assert window.services.actions.get(action.id).owner_email == ""
    window.redo_action.trigger()
    page.refresh()
    assert owner_cells(page) == ["Janet Hughes"]


def test_the_owner_label_follows_the_lead_and_the_owner_is_kept(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    council, police, _need = partnership
    created = window.services.actions.create(
        ActionDraft(title="Joint patrols", lead_organisation_id=council.id, owner_name="Janet Hughes")
    )
    dialog = ActionDialog(window.env, window.services.actions.get(created.id), window)
    qtbot.addWidget(dialog)
    assert dialog.owner_name.text() == "Janet Hughes"
    dialog.lead.setCurrentIndex(find_data(dialog.lead, police.id))
    assert dialog.owner_label.text().replace("&", "") == "Owner (at Westshire Constabulary):"
    dialog.try_save()
    moved = window.services.actions.get(created.id)
    assert (moved.lead_organisation_name, moved.owner_name) == ("Westshire Constabulary", "Janet Hughes")
