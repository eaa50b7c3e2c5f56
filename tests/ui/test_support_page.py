"""Journeys on the Support directory page: add a provider and an offer through their dialogs, filter as you type
and by picker, edit, delete and undo, and the offer's web address opened only when it is a web page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from locality.app import build_main_window
from locality.domain.support import OfferDraft, ProviderDraft
from locality.domain.vocabulary import VocabularyKind, seeded_id
from locality.ui.main_window import MainWindow
from locality.ui.support import SupportPage
from locality.ui.support import page as page_module
from locality.ui.support.dialogs import OfferDialog, ProviderDialog
from tests.ui.helpers import answer_message_box, when_dialog_opens

HOUSING = seeded_id("theme", "Housing")
MENTORING = seeded_id(VocabularyKind.SUPPORT_TYPE, "Mentoring")
PEER_COUNCILS = seeded_id(VocabularyKind.PROVIDER, "Peer councils")


@pytest.fixture
def window(qtbot, workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    qtbot.addWidget(built)
    built.resize(1366, 768)
    built.show()
    yield built
    built.close()


@pytest.fixture
def page(window: MainWindow) -> SupportPage:
    shown = window.show_page("supportPage")
    assert isinstance(shown, SupportPage)
    return shown


def offer_titles(page: SupportPage) -> list[str]:
    return [page.offers.model.row_at(number).title for number in range(page.offers.model.rowCount())]


def test_a_provider_and_its_offer_are_added_through_their_dialogs(qtbot, window: MainWindow, page: SupportPage) -> None:  # type: ignore[no-untyped-def]
    def add_provider(dialog: QDialog) -> None:
        assert isinstance(dialog, ProviderDialog)
        dialog.name.setText("Barset Borough Council")
        dialog.kind.setCurrentIndex(dialog.kind.findData(PEER_COUNCILS))
        dialog.website.setText("www.barset.gov.uk")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(add_provider)
    page.providers.new_button.click()
    failure.check()
    qtbot.waitUntil(lambda: page.providers.model.rowCount() == 1)
    assert page.providers.selected_rows()[0].name == "Barset Borough Council"

    def add_offer(dialog: QDialog) -> None:
        assert isinstance(dialog, OfferDialog)
        assert dialog.provider.currentText() == "Barset Borough Council"  # the provider chosen on the page
        dialog.title.setText("Mentoring for housing leads")
        dialog.support_type.setCurrentIndex(dialog.support_type.findData(MENTORING))
        for number in range(dialog.themes.count()):
            if dialog.themes.item(number).data(Qt.ItemDataRole.UserRole) == HOUSING:
                dialog.themes.item(number).setCheckState(Qt.CheckState.Checked)
        dialog.cost.setText("£2,500")
        dialog.duration.setValue(3)
        dialog.url.setText("https://www.barset.gov.uk/mentoring")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(add_offer)
    page.offers.new_button.click()
    failure.check()

    [offer] = window.services.support.offers()
    assert (offer.title, offer.theme_names, offer.typical_cost_pence, offer.duration_days) == (
        "Mentoring for housing leads",
        ("Service improvement: Housing",),
        250_000,
        3,
    )
    qtbot.waitUntil(lambda: offer_titles(page) == ["Mentoring for housing leads"])
    assert page.offers.selected_rows()[0].id == offer.id
    assert "https://www.barset.gov.uk/mentoring</a>" in page.details.text()
    assert page.offers.model.data(page.offers.model.index(0, 5)) == "£2,500.00"
    assert page.providers.model.data(page.providers.model.index(0, 4)) == "1"


def test_a_bad_web_address_is_refused_beside_its_field(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    provider = window.services.support.create_provider(ProviderDraft("Barset Borough Council"))
    dialog = OfferDialog(window.env, None, window, provider_id=provider.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title.setText("Links")
    dialog.url.setText("javascript:alert(1)")

    dialog.try_save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "http:// or https://" in dialog.form.error_text("url")
    dialog.url.setText("https://www.barset.gov.uk")
    dialog.cost.setText("a lot")
    dialog.try_save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.form.error_text("typical_cost_pence")
    assert window.services.support.offers() == []
    dialog.done(QDialog.DialogCode.Rejected.value)


def fill_directory(window: MainWindow) -> None:
    support = window.services.support
    barset = support.create_provider(ProviderDraft("Barset Borough Council", kind_id=PEER_COUNCILS))
    idea = support.create_provider(ProviderDraft("IDeA", kind_id=seeded_id(VocabularyKind.PROVIDER, "IDeA")))
    support.create_offer(OfferDraft(barset.id, "Mentoring for housing leads", MENTORING, theme_ids=(HOUSING,)))
    support.create_offer(OfferDraft(idea.id, "Leadership academy", eligibility="Councillors of any council"))
    support.create_offer(
        OfferDraft(idea.id, "Corporate peer challenge", seeded_id(VocabularyKind.SUPPORT_TYPE, "Peer challenge"))
    )


def test_offers_filter_as_you_type_by_picker_and_by_the_provider_chosen(
    qtbot, window: MainWindow, page: SupportPage
) -> None:  # type: ignore[no-untyped-def]
    fill_directory(window)
    qtbot.waitUntil(lambda: len(offer_titles(page)) == 3)

    page.offers.search.setText("councillors")  # eligibility is searched too
    qtbot.waitUntil(lambda: offer_titles(page) == ["Leadership academy"])
    page.offers.search.clear()
    qtbot.waitUntil(lambda: len(offer_titles(page)) == 3)

    service_improvement = seeded_id("theme", "Service improvement")
    page.offers.set_filter("theme", service_improvement)  # a theme keeps offers for its service areas
    assert offer_titles(page) == ["Mentoring for housing leads"]
    page.offers.set_filter("theme", None)

    page.providers.select_where(lambda provider: provider.name == "IDeA")
    assert sorted(offer_titles(page)) == ["Corporate peer challenge", "Leadership academy"]
    assert page.offers.count_label.text() == "2 of 3 offers"
    page.offers.set_filter("support_type", "Peer challenge")
    assert offer_titles(page) == ["Corporate peer challenge"]


def test_edit_then_delete_an_offer_and_undo_both(qtbot, window: MainWindow, page: SupportPage) -> None:  # type: ignore[no-untyped-def]
    fill_directory(window)
    qtbot.waitUntil(lambda: len(offer_titles(page)) == 3)
    page.offers.select_where(lambda offer: offer.title == "Leadership academy")

    def rename(dialog: QDialog) -> None:
        assert isinstance(dialog, OfferDialog)
        dialog.title.setText("Leadership academy for members")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(rename)
    page.offers.edit_button.click()
    failure.check()
    qtbot.waitUntil(lambda: "Leadership academy for members" in offer_titles(page))

    answer_message_box(QMessageBox.StandardButton.Yes)
    page.offers.select_where(lambda offer: offer.title == "Leadership academy for members")
    page.offers.delete_button.click()
    qtbot.waitUntil(lambda: len(offer_titles(page)) == 2)

    window.env.undo_stack.undo()  # the delete
    qtbot.waitUntil(lambda: "Leadership academy for members" in offer_titles(page))
    window.env.undo_stack.undo()  # the edit
    qtbot.waitUntil(lambda: "Leadership academy" in offer_titles(page))
    assert sorted(offer.title for offer in window.services.support.offers()) == [
        "Corporate peer challenge",
        "Leadership academy",
        "Mentoring for housing leads",
    ]


def test_deleting_a_provider_takes_its_offers_off_the_page_and_undo_brings_them_back(
    qtbot, window: MainWindow, page: SupportPage
) -> None:  # type: ignore[no-untyped-def]
    fill_directory(window)
    qtbot.waitUntil(lambda: page.providers.model.rowCount() == 2 and len(offer_titles(page)) == 3)
    page.providers.select_where(lambda provider: provider.name == "IDeA")

    answer_message_box(QMessageBox.StandardButton.Yes)
    page.providers.delete_button.click()

    qtbot.waitUntil(lambda: offer_titles(page) == ["Mentoring for housing leads"])
    assert [p.name for p in window.services.support.providers()] == ["Barset Borough Council"]
    window.env.undo_stack.undo()
    qtbot.waitUntil(lambda: len(window.services.support.offers()) == 3)


def test_only_a_web_page_address_is_ever_handed_to_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(page_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)

    assert page_module.open_web_address("https://www.local.gov.uk/peer-challenge")
    assert not page_module.open_web_address("javascript:alert(1)")
    assert not page_module.open_web_address("file:///etc/passwd")
    assert opened == ["https://www.local.gov.uk/peer-challenge"]


def test_offer_details_escape_what_they_show() -> None:
    from locality.domain.support import SupportOffer

    offer = SupportOffer(
        id=HOUSING,
        version=1,
        provider_id=HOUSING,
        provider_name="<b>Evil</b> & Co",
        provider_kind_id=None,
        provider_kind_name="",
        provider_active=True,
        title="<script>",
        support_type_id=None,
        support_type_name="",
        delivery_level_id=None,
        delivery_level_name="",
        theme_ids=(),
        theme_names=(),
        typical_cost_pence=None,
        duration_days=None,
        eligibility="",
        url="javascript:alert(1)",  # merged in from an older copy: shown, never a link
        notes="",
        active=True,
    )

    shown = page_module.offer_details_html(offer)

    assert "<script>" not in shown and "&lt;script&gt;" in shown and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in shown
    assert "<a " not in shown


def test_export_writes_the_offers_as_csv_in_the_import_columns(
    qtbot, window: MainWindow, page: SupportPage, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from locality.exchange.import_columns import KINDS
    from locality.ui.support.export_dialog import DirectoryExportDialog

    fill_directory(window)
    target = tmp_path / "offers.csv"

    def write(dialog: QDialog) -> None:
        assert isinstance(dialog, DirectoryExportDialog)
        dialog.part.setCurrentIndex(dialog.part.findData("offers"))
        dialog.format.setCurrentIndex(dialog.format.findData("csv"))
        assert not dialog.include_contacts.isEnabled()  # offers hold no personal data
        dialog.target.setText(str(target))
        answer_message_box(QMessageBox.StandardButton.Close)  # "Open it now?"
        dialog.write_button.click()

    failure = when_dialog_opens(write, kind=DirectoryExportDialog)
    page.export_button.click()
    failure.check()

    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join(KINDS["offers"])
    assert len(lines) == 4
