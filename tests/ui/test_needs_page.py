"""Journeys on the needs page: a need shared by two organisations, filters, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QMessageBox

from locality.app import build_main_window
from locality.domain.vocabulary import NeedRole, NeedStatus, Priority
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.ui.forms import find_data
from locality.ui.need_dialog import NeedDialog
from tests.ui.helpers import answer_message_box, when_dialog_opens


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()


@pytest.fixture
def partners(window):  # type: ignore[no-untyped-def]
    organisations = window.services.organisations
    return [
        organisations.create(OrganisationDraft(name="Westshire County Council")),
        organisations.create(OrganisationDraft(name="Westshire Constabulary")),
        organisations.create(OrganisationDraft(name="Westshire PCT")),
    ]


def test_create_a_need_shared_by_two_organisations(qtbot, window, partners) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("needsPage")
    council, police, _health = partners

    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, NeedDialog)
        dialog.title_edit.setText("Stronger, more credible scrutiny of community safety")
        dialog.theme.setCurrentIndex(dialog.theme.findText("    Community safety"))
        dialog.priority.setCurrentIndex(find_data(dialog.priority, Priority.HIGH))
        first = dialog.organisations.add_row({"organisation_id": council.id, "role": NeedRole.RAISED_BY})
        second = dialog.organisations.add_row({})
        combo = dialog.organisations.editor(second, "organisation_id")
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(find_data(combo, police.id))
        assert first == 0
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    window.show_page("needsPage")
    window.show()
    failure = when_dialog_opens(act)
    page.new_button.click()
    failure.check()

    needs = window.services.needs.list()
    assert len(needs) == 1
    need = window.services.needs.get(needs[0].id)
    assert need.theme_name == "Community safety"
    assert {link.organisation_name for link in need.links} == {"Westshire County Council", "Westshire Constabulary"}
    assert need.is_shared
    assert page.count_label.text() == "1 need"
    page.set_filter("gap", "shared")
    assert page.model.total() == 1
    page.set_filter("organisation", partners[2].id)
    assert page.model.total() == 0, "the PCT does not share this need"


def test_a_row_without_an_organisation_is_reported_beside_the_table(qtbot, window, partners) -> None:  # type: ignore[no-untyped-def]
    dialog = NeedDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("Joined-up commissioning")
    dialog.organisations.add_row({"organisation_id": partners[0].id})
    dialog.organisations.add_row({"organisation_id": partners[0].id})
    dialog.try_save()
    assert "twice" in dialog.form.error_text("organisations") or "more than once" in dialog.form.error_text(
        "organisations"
    )
    assert window.services.needs.list() == []


def test_empty_title_is_shown_beside_the_title(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    dialog = NeedDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.try_save()
    assert "Title" in dialog.form.error_text("title")
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_filters_by_theme_status_and_search(qtbot, window, partners) -> None:  # type: ignore[no-untyped-def]
    needs = window.services.needs
    housing = window.services.vocabulary.resolve_theme("Housing")
    leadership = window.services.vocabulary.resolve_theme("Leadership and governance")
    needs.create(NeedDraft(title="Homelessness prevention skills", theme_id=housing, status=NeedStatus.AGREED))
    needs.create(NeedDraft(title="Visionary political leadership", theme_id=leadership))
    page = window.show_page("needsPage")
    page.refresh()
    assert page.model.total() == 2
    service_improvement = window.services.vocabulary.resolve_theme("Service improvement")
    page.set_filter("theme", service_improvement)
    assert [n.title for n in page.model.all_rows()] == ["Homelessness prevention skills"], "children of a theme"
    page.set_filter("theme", None)
    page.set_filter("status", NeedStatus.IDENTIFIED)
    assert [n.title for n in page.model.all_rows()] == ["Visionary political leadership"]
    page.set_filter("status", None)
    page.search.setText("HOMELESS")
    page.apply_filters()
    assert page.count_label.text() == "1 of 2 needs"


def test_delete_and_undo_bring_back_the_links(qtbot, window, partners) -> None:  # type: ignore[no-untyped-def]
    needs = window.services.needs
    created = needs.create(
        NeedDraft(
            title="Shared approach to workforce skills",
            organisations=(NeedLinkDraft(partners[0].id), NeedLinkDraft(partners[1].id)),
        )
    )
    page = window.show_page("needsPage")
    page.refresh()
    page.table.selectRow(0)
    answer_message_box(QMessageBox.StandardButton.Yes)
    page.delete_selected()
    assert needs.list() == []
    window.undo_action.trigger()
    assert needs.get(created.id).organisation_count == 2
    assert page.model.total() == 1
