"""The organisations page: the councils and partners of the partnership."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from locality.domain.entities import Entity
from locality.domain.vocabulary import VocabularyKind
from locality.services.organisations import Organisation, OrganisationDraft
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.empty_state import NextStep, import_step
from locality.ui.env import UiEnv
from locality.ui.forms import select_data
from locality.ui.list_page import ListPage
from locality.ui.style import scaled
from locality.ui.table_model import Column
from locality.ui.undo import push_deleted, save_with_undo


class OrganisationDialog(EditDialog):
    def __init__(self, env: UiEnv, organisation: Organisation | None, parent: QWidget | None = None) -> None:
        super().__init__("Edit organisation" if organisation else "New organisation", parent)
        self.is_new = organisation is None
        self.env = env
        self.organisation = organisation
        vocabulary = env.services.vocabulary
        self.name = self.form.add_field("name", "&Name:", QLineEdit())
        self.short_name = self.form.add_field("short_name", "&Short name:", QLineEdit())
        self.type = self.form.add_field("type_id", "&Type:", QComboBox())
        self.sector = self.form.add_field("sector_id", "Secto&r:", QComboBox())
        for combo, kind in ((self.type, VocabularyKind.ORGANISATION_TYPE), (self.sector, VocabularyKind.SECTOR)):
            combo.addItem("(not set)", None)
            for term in vocabulary.terms(kind):
                combo.addItem(term.name, term.id)
        self.contact_name = self.form.add_field("contact_name", "&Contact name:", QLineEdit())
        self.contact_email = self.form.add_field("contact_email", "Contact &e-mail:", QLineEdit())
        self.notes = self.form.add_field("notes", "N&otes:", QPlainTextEdit())
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(scaled(80))
        self.active = self.form.add_field("active", "", QCheckBox("&Active partner"))
        self.active.setChecked(True)
        if organisation is not None:
            self.add_history(env, Entity.ORGANISATION, organisation.id)
        self.finish_layout()
        if organisation is not None:
            self.load(organisation)

    def load(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.name.setText(organisation.name)
        self.short_name.setText(organisation.short_name)
        select_data(self.type, organisation.type_id)
        select_data(self.sector, organisation.sector_id)
        self.contact_name.setText(organisation.contact_name)
        self.contact_email.setText(organisation.contact_email)
        self.notes.setPlainText(organisation.notes)
        self.active.setChecked(organisation.active)

    def draft(self) -> OrganisationDraft:
        return OrganisationDraft(
            name=self.name.text(),
            short_name=self.short_name.text(),
            type_id=self.type.currentData(),
            sector_id=self.sector.currentData(),
            contact_name=self.contact_name.text(),
            contact_email=self.contact_email.text(),
            notes=self.notes.toPlainText(),
            active=self.active.isChecked(),
        )

    def save(self) -> Organisation:
        organisations = self.env.services.organisations
        return save_with_undo(
            self.env.undo_stack,
            self.organisation,
            self.draft(),
            create=organisations.create,
            update=organisations.update,
            delete=organisations.delete,
            restore=organisations.restore,
            describe=lambda verb, organisation: f"{verb} {organisation.name}",
            parent=self.parentWidget(),
        )


class OrganisationsPage(ListPage[Organisation]):
    title = "Organisations"
    noun = "organisation"
    changes = Entity.ORGANISATION
    plural = "organisations"

    def empty_sentence(self) -> str:
        return (
            "No organisations yet. Add the council and each partner — police, health, fire and rescue, housing, "
            "the voluntary and community sector — or import the partner list from a spreadsheet."
        )

    def empty_steps(self) -> list[NextStep]:
        return [*super().empty_steps(), import_step(self.env, self, "organisations")]

    watches = frozenset(
        {Entity.ORGANISATION, Entity.NEED_ORGANISATION, Entity.ACTION, Entity.ACTION_PARTNER, Entity.VOCABULARY_TERM}
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        vocabulary = env.services.vocabulary

        def names(kind: VocabularyKind) -> list[tuple[str, str]]:
            return [(term.name, term.name) for term in vocabulary.terms(kind)]

        self.add_filter("type", "Types", lambda: names(VocabularyKind.ORGANISATION_TYPE))
        self.add_filter("sector", "Sectors", lambda: names(VocabularyKind.SECTOR))
        self.add_filter("active", "Partners (active or not)", [("Active", True), ("Not active", False)])

    def columns(self) -> Sequence[Column[Organisation]]:
        return [
            Column("Name", lambda o: o.name, width=260),
            Column("Short name", lambda o: o.short_name, width=115),
            Column("Type", lambda o: o.type_name, width=150),
            Column("Sector", lambda o: o.sector_name, width=100),
            Column(
                "Needs", lambda o: f"{o.needs_count:,}", sort_key=lambda o: o.needs_count, align_right=True, width=70
            ),
            Column(
                "Leads",
                lambda o: f"{o.actions_led_count:,}",
                sort_key=lambda o: o.actions_led_count,
                align_right=True,
                width=70,
            ),
            Column(
                "Partner in",
                lambda o: f"{o.partner_in_count:,}",
                sort_key=lambda o: o.partner_in_count,
                align_right=True,
                width=100,
            ),
            Column("Contact", lambda o: o.contact_name, width=150),
            Column("Active", lambda o: "Yes" if o.active else "No", width=60),
        ]

    def load_rows(self) -> list[Organisation]:
        return self.services.organisations.list()

    def search_text(self, row: Organisation) -> str:
        return f"{row.name} {row.short_name}".casefold()

    def matches(self, row: Organisation) -> bool:
        kind = self.filter_value("type")
        if kind is not None and row.type_name != kind:
            return False
        sector = self.filter_value("sector")
        if sector is not None and row.sector_name != sector:
            return False
        active = self.filter_value("active")
        return active is None or row.active == active

    def describe(self, row: Organisation) -> str:
        return row.name

    def open_editor(self, row: Organisation | None) -> None:
        current = self.services.organisations.get(row.id) if row is not None else None
        saved = run_dialog(OrganisationDialog(self.env, current, self))
        if saved is not None:
            self.select_where(lambda o: o.id == saved.id)

    def delete_rows(self, rows: list[Organisation]) -> None:
        organisations = self.services.organisations
        ids = [row.id for row in rows]
        deleted = organisations.delete(ids)
        text = f"delete {rows[0].name}" if len(rows) == 1 else f"delete {len(rows)} organisations"
        push_deleted(self.env.undo_stack, text, ids, deleted, organisations.delete, organisations.restore, self)
