"""Adding and editing the support directory's providers and offers."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.support import MAX_DURATION_DAYS, OfferDraft, ProviderDraft, SupportOffer, SupportProvider
from locality.domain.vocabulary import VocabularyKind
from locality.ui.checklist import checked_values, checklist
from locality.ui.edit_dialog import EditDialog
from locality.ui.env import UiEnv
from locality.ui.forms import MoneyField, select_data
from locality.ui.undo import save_with_undo


def _notes_box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(64)
    return box


def _term_combo(env: UiEnv, kind: VocabularyKind) -> QComboBox:
    combo = QComboBox()
    combo.addItem("(not set)", None)
    for term in env.services.vocabulary.terms(kind):
        combo.addItem(term.name, term.id)
    return combo


class ProviderDialog(EditDialog):
    def __init__(self, env: UiEnv, provider: SupportProvider | None, parent: QWidget | None = None) -> None:
        super().__init__("Edit provider" if provider else "New provider", parent)
        self.is_new = provider is None
        self.env = env
        self.provider = provider
        self.name = self.form.add_field("name", "&Name:", QLineEdit())
        self.kind = self.form.add_field("kind_id", "&Kind:", _term_combo(env, VocabularyKind.PROVIDER))
        self.region = self.form.add_field("region", "&Region:", QLineEdit())
        self.region.setPlaceholderText("East Midlands, or blank for national")
        self.website = self.form.add_field("website", "&Website:", QLineEdit())
        self.website.setPlaceholderText("https://…")
        self.contact_name = self.form.add_field("contact_name", "&Contact name:", QLineEdit())
        self.contact_email = self.form.add_field("contact_email", "Contact &e-mail:", QLineEdit())
        self.notes = self.form.add_field("notes", "N&otes:", _notes_box())
        self.active = self.form.add_field("active", "", QCheckBox("&Active: its offers can be chosen"))
        self.active.setChecked(True)
        if provider is not None:
            self.add_history(env, Entity.SUPPORT_PROVIDER, provider.id)
        self.finish_layout()
        if provider is not None:
            self.load(provider)

    def load(self, provider: SupportProvider) -> None:
        self.provider = provider
        self.name.setText(provider.name)
        select_data(self.kind, provider.kind_id)
        self.region.setText(provider.region)
        self.website.setText(provider.website)
        self.contact_name.setText(provider.contact_name)
        self.contact_email.setText(provider.contact_email)
        self.notes.setPlainText(provider.notes)
        self.active.setChecked(provider.active)

    def draft(self) -> ProviderDraft:
        return ProviderDraft(
            name=self.name.text(),
            kind_id=self.kind.currentData(),
            region=self.region.text(),
            website=self.website.text(),
            contact_name=self.contact_name.text(),
            contact_email=self.contact_email.text(),
            notes=self.notes.toPlainText(),
            active=self.active.isChecked(),
        )

    def save(self) -> SupportProvider:
        support = self.env.services.support
        return save_with_undo(
            self.env.undo_stack,
            self.provider,
            self.draft(),
            create=support.create_provider,
            update=support.update_provider,
            delete=support.delete_providers,
            restore=support.restore,
            describe=lambda verb, provider: f"{verb} provider {provider.name}",
            parent=self.parentWidget(),
        )


class OfferDialog(EditDialog):
    """An offer; a new one starts with ``provider_id`` chosen (the provider selected on the page)."""

    def __init__(
        self,
        env: UiEnv,
        offer: SupportOffer | None,
        parent: QWidget | None = None,
        *,
        provider_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__("Edit offer" if offer else "New offer", parent)
        self.setMinimumWidth(620)  # the themes' full names
        self.is_new = offer is None
        self.env = env
        self.offer = offer
        services = env.services
        self.provider = self.form.add_field("provider_id", "&Provider:", QComboBox())
        for provider in services.support.providers():
            if provider.active or (offer is not None and offer.provider_id == provider.id):
                self.provider.addItem(provider.name, provider.id)
        self.title = self.form.add_field("title", "&Title:", QLineEdit())
        self.support_type = self.form.add_field(
            "support_type_id", "Kind of &support:", _term_combo(env, VocabularyKind.SUPPORT_TYPE)
        )
        self.themes = self.form.add_field(
            "theme_ids",
            "T&hemes served:",
            checklist([(theme.full_name, theme.id) for theme in services.vocabulary.themes()], "Themes served"),
        )
        self.level = self.form.add_field(
            "delivery_level_id", "&Delivery level:", _term_combo(env, VocabularyKind.DELIVERY_LEVEL)
        )
        self.cost = self.form.add_field("typical_cost_pence", "Typical &cost:", MoneyField())
        self.duration = self.form.add_field("duration_days", "D&uration (days):", QSpinBox())
        self.duration.setRange(0, MAX_DURATION_DAYS)
        self.duration.setSpecialValueText("(not set)")
        self.eligibility = self.form.add_field("eligibility", "&Eligibility:", QLineEdit())
        self.eligibility.setPlaceholderText("Who may have it: any council, districts only…")
        self.url = self.form.add_field("url", "&Web address:", QLineEdit())
        self.url.setPlaceholderText("https://…")
        self.notes = self.form.add_field("notes", "N&otes:", _notes_box())
        self.active = self.form.add_field("active", "", QCheckBox("&Active: can be chosen for an action"))
        self.active.setChecked(True)
        if offer is not None:
            self.add_history(env, Entity.SUPPORT_OFFER, offer.id)
        self.finish_layout()
        if offer is not None:
            self.load(offer)
        elif provider_id is not None:
            select_data(self.provider, provider_id)

    def load(self, offer: SupportOffer) -> None:
        self.offer = offer
        select_data(self.provider, offer.provider_id)
        self.title.setText(offer.title)
        select_data(self.support_type, offer.support_type_id)
        for number in range(self.themes.count()):
            item = self.themes.item(number)
            ticked = item.data(Qt.ItemDataRole.UserRole) in offer.theme_ids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        select_data(self.level, offer.delivery_level_id)
        self.cost.set_pence(offer.typical_cost_pence)
        self.duration.setValue(offer.duration_days or 0)
        self.eligibility.setText(offer.eligibility)
        self.url.setText(offer.url)
        self.notes.setPlainText(offer.notes)
        self.active.setChecked(offer.active)

    def draft(self) -> OfferDraft:
        provider_id = self.provider.currentData()
        if provider_id is None:
            raise ValidationError({"provider_id": "Add the provider to the directory first, then its offers"})
        return OfferDraft(
            provider_id=provider_id,
            title=self.title.text(),
            support_type_id=self.support_type.currentData(),
            delivery_level_id=self.level.currentData(),
            theme_ids=tuple(value for value in checked_values(self.themes) if isinstance(value, uuid.UUID)),
            typical_cost_pence=self.cost.pence("typical_cost_pence"),
            duration_days=self.duration.value() or None,
            eligibility=self.eligibility.text(),
            url=self.url.text(),
            notes=self.notes.toPlainText(),
            active=self.active.isChecked(),
        )

    def save(self) -> SupportOffer:
        support = self.env.services.support
        return save_with_undo(
            self.env.undo_stack,
            self.offer,
            self.draft(),
            create=support.create_offer,
            update=support.update_offer,
            delete=support.delete_offers,
            restore=support.restore,
            describe=lambda verb, offer: f"{verb} offer {offer.title}",
            parent=self.parentWidget(),
        )
