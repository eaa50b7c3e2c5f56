"""Find support in the window: from a shared need on the Gaps tab (or the Needs page, or the need dialog) to the
offers that fit it, and a joint action commissioned from one, saved with its offer, lead, partners and need."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from locality.domain.vocabulary import VocabularyKind
from locality.services.registry import Services
from locality.ui.action_dialog import ActionDialog, open_action
from locality.ui.env import UiEnv
from locality.ui.find_support import FindSupportDialog
from locality.ui.need_dialog import NeedDialog
from locality.ui.needs_map.gaps import GapsTab
from locality.ui.needs_page import NeedsPage
from locality.ui.settings import AppSettings
from tests.support_directory_builder import Partnership
from tests.ui.helpers import when_dialog_opens


def _env(services: Services) -> UiEnv:
    return UiEnv(services, QUndoStack(), AppSettings())


def _loaded(qtbot: Any, dialog: FindSupportDialog) -> FindSupportDialog:
    qtbot.waitUntil(
        lambda: dialog.support is not None and dialog.shared_offers is not None and not dialog.loading, timeout=10_000
    )
    return dialog


def test_from_a_gap_to_an_offer_to_a_saved_joint_action(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    partnership = Partnership(services)
    env = _env(services)
    tab = GapsTab(env)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitUntil(lambda: not tab.loading)
    assert not tab.find_support_button.isEnabled(), "nothing is selected yet"
    [row] = [n for n in range(tab.needs.model.rowCount()) if tab.needs.model.row_at(n).id == partnership.shared_need]
    tab.needs.table.selectRow(row)
    assert tab.find_support_button.isEnabled()
    seen: dict[str, Any] = {}

    def in_action_dialog(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog) and dialog.action is None
        seen["title"] = dialog.title_edit.text()
        seen["offer"] = dialog.offer_label.text()
        seen["budget"] = dialog.budget.text()
        seen["type"] = dialog.type.currentText()
        seen["provider"] = dialog.provider.currentText()
        seen["level"] = dialog.level.currentText()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def in_find_support(dialog: QDialog) -> None:
        assert isinstance(dialog, FindSupportDialog)
        _loaded(qtbot, dialog)
        seen["heading"] = dialog.heading.text()
        seen["rows"] = [dialog.matches.model.row_at(n).match.title for n in range(dialog.matches.model.rowCount())]
        seen["why"] = dialog.matches.model.row_at(0).match.why
        seen["details"] = dialog.details.text()
        seen["tabs"] = (dialog.tabs.tabText(0), dialog.tabs.tabText(1))
        seen["shared"] = [dialog.shared.model.row_at(n).title for n in range(dialog.shared.model.rowCount())]
        dialog.grab().save("/tmp/find-support-dialog.png")
        assert dialog.selected_match() is not None  # the best offer is chosen when the list arrives
        assert dialog.start_button.isEnabled()
        failure = when_dialog_opens(in_action_dialog, kind=ActionDialog)
        dialog.start_button.click()
        failure.check()
        seen["saved"] = dialog.saved_label.text()
        _loaded(qtbot, dialog)
        seen["after"] = dialog.matches.model.row_at(0).match.also_fits
        dialog.reject()

    failure = when_dialog_opens(in_find_support, kind=FindSupportDialog)
    tab.find_support_button.click()
    failure.check()

    assert seen["heading"] == "Support for \u201cSafer streets at night\u201d"
    assert seen["rows"] == ["Safer communities peer challenge", "Service improvement diagnostic"]
    assert seen["why"] == "serves Community safety; sub-regional — suits a need shared by 2 partners; cost known"
    assert (
        "Also fits &#x27;Wardens on estates&#x27; raised by Council B: commissioning once serves both"
        in (seen["details"])
    )
    assert '<a href="https://www.idea.gov.uk/safer-communities">' in seen["details"]
    assert seen["tabs"] == ("Offers for this need (2)", "Serving several partners (1)")
    assert seen["shared"] == ["Safer communities peer challenge"]
    assert seen["title"] == "Safer communities peer challenge — Safer streets at night"
    assert seen["offer"] == "Safer communities peer challenge (IDeA)"
    assert (seen["type"], seen["provider"], seen["level"]) == ("Peer challenge or review", "IDeA", "Sub-regional")
    assert seen["budget"] in ("£12,000.00", "12,000.00", "£12,000")
    assert "Saved the joint action" in seen["saved"]

    # Saved through the action service with the offer, the lead, the partners and the need.
    [summary] = services.actions.list(search="Safer communities peer challenge")
    action = services.actions.get(summary.id)
    assert action.offer_id == partnership.exact
    assert action.lead_organisation_id == partnership.council_a
    assert [partner.organisation_id for partner in action.partners] == [partnership.police]
    assert action.need_ids == (partnership.shared_need,)
    assert action.budget_pence == 1_200_000
    kinds = {term.name: term.id for term in services.vocabulary.terms(VocabularyKind.PROVIDER)}
    assert action.provider_id == kinds["IDeA"]
    # The need is no longer a gap, and undo takes the action back.
    qtbot.waitUntil(lambda: not tab.loading)
    assert partnership.shared_need not in {line.id for line in tab.needs.model.all_rows()}
    env.undo_stack.undo()
    assert services.actions.list(search="Safer communities peer challenge") == []


def test_the_action_dialog_shows_the_offer_and_keeps_it_on_save(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    partnership = Partnership(services)
    env = _env(services)
    found = services.support_matching.find_support(partnership.shared_need)
    action = services.actions.create(services.support_matching.joint_action(found, found.matches[0]).draft)

    def edit(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        assert dialog.offer_label.text() == "Safer communities peer challenge"
        assert dialog.offer_label.isVisibleTo(dialog)
        dialog.title_edit.setText("Peer challenge of night-time safety")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(edit, kind=ActionDialog)
    open_action(env, action.id, None)
    failure.check()
    saved = services.actions.get(action.id)
    assert saved.title == "Peer challenge of night-time safety" and saved.offer_id == partnership.exact

    def plain(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        assert not dialog.offer_label.isVisibleTo(dialog)  # an action from no offer shows no offer row
        dialog.reject()

    failure = when_dialog_opens(plain, kind=ActionDialog)
    open_action(env, None, None)
    failure.check()


def test_find_support_from_the_needs_page_and_the_need_dialog(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    partnership = Partnership(services)
    env = _env(services)
    page = NeedsPage(env)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    assert not page.find_support_button.isEnabled()
    page.select_where(lambda need: need.id == partnership.housing_need)
    assert page.find_support_button.isEnabled()
    titles: list[str] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, FindSupportDialog)
        _loaded(qtbot, dialog)
        titles.append(dialog.heading.text())
        titles.extend(dialog.matches.model.row_at(n).match.title for n in range(dialog.matches.model.rowCount()))
        dialog.reject()

    failure = when_dialog_opens(look, kind=FindSupportDialog)
    page.find_support_button.click()
    failure.check()
    # Housing: the safety offer (a service area beside it) and the diagnostic (the theme above) both fit nearly.
    assert titles[0] == "Support for \u201cEmpty homes\u201d"
    assert set(titles[1:]) == {"Safer communities peer challenge", "Service improvement diagnostic"}

    need = services.needs.get(partnership.other_partner_need)
    dialog = NeedDialog(env, need)
    qtbot.addWidget(dialog)
    assert dialog.find_support_button.isEnabled()
    titles.clear()
    failure = when_dialog_opens(look, kind=FindSupportDialog)
    dialog.find_support_button.click()
    failure.check()
    assert titles == [
        "Support for \u201cWardens on estates\u201d",
        "Safer communities peer challenge",
        "Service improvement diagnostic",
    ]
    new_need = NeedDialog(env, None)
    qtbot.addWidget(new_need)
    assert not new_need.find_support_button.isEnabled()


def test_an_empty_directory_says_where_to_add_offers(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    from locality.services.needs import NeedDraft

    need = services.needs.create(NeedDraft("Anything")).id
    dialog = FindSupportDialog(_env(services), need)
    qtbot.addWidget(dialog)
    dialog.show()
    _loaded(qtbot, dialog)
    assert dialog.matches.stack.currentWidget() is dialog.matches.message
    assert "no active offers yet" in dialog.matches.message.text()
    assert not dialog.start_button.isEnabled()
