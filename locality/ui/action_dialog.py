"""The action and log-progress dialogs, and opening an action from any page."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import LocalityError, ValidationError
from locality.domain.text import noun_for
from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus, Rag, VocabularyKind
from locality.services.actions import Action, ActionDraft, MilestoneDraft, PartnerDraft
from locality.services.progress import ProgressDraft, ProgressUpdate
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import DateField, ErrorForm, MoneyField, choice_combo, select_data
from locality.ui.link_table import LinkColumn, LinkTable
from locality.ui.pickers import organisation_choices, theme_choices
from locality.ui.rag import RAG_BACKGROUND, RAG_FOREGROUND, rag_style, rag_text
from locality.ui.undo import push_done, save_with_undo


def _combo(items: Sequence[tuple[str, object]], none_text: str | None = "(not set)") -> QComboBox:
    return choice_combo(items, none_text)


class LogProgressDialog(EditDialog):
    """Log progress on an action: percent, status, RAG as reported, and a note."""

    def __init__(self, env: UiEnv, action: Action, parent: QWidget | None = None) -> None:
        super().__init__(f"Log progress — {action.title}", parent)
        self.env = env
        self.action = action
        self.reported_on = self.form.add_field("reported_on", "&Date:", DateField(optional=False))
        self.reported_on.set_value(env.services.context.today())
        self.percent = self.form.add_field("percent_complete", "&Percent complete:", QSpinBox())
        self.percent.setRange(0, 100)
        self.percent.setSuffix("%")
        self.percent.setValue(action.percent_complete)
        self.status = self.form.add_field(
            "status", "&Status:", _combo([(s.value, s) for s in ActionStatus], none_text=None)
        )
        select_data(self.status, action.status)
        self.rag = self.form.add_field("rag", "&RAG as reported:", _combo([(r.value, r) for r in Rag], "(not given)"))
        self.note = self.form.add_field("note", "&Note:", QPlainTextEdit())
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(90)
        self.confidential = self.form.add_field("confidential", "", QCheckBox("Note is &confidential"))
        self.finish_layout()
        self.initial_focus = self.note

    def draft(self) -> ProgressDraft:
        percent = self.percent.value()
        status = ActionStatus(self.status.currentData())
        return ProgressDraft(
            action_id=self.action.id,
            reported_on=self.reported_on.value(),
            percent_complete=percent if percent != self.action.percent_complete else None,
            status=status if status != self.action.status else None,
            rag=Rag(self.rag.currentData()) if self.rag.currentData() else None,
            note=self.note.toPlainText(),
            confidential=self.confidential.isChecked(),
        )

    def save(self) -> ProgressUpdate:
        progress = self.env.services.progress
        logged = progress.log(self.draft())
        state: dict[str, object] = {}
        push_done(
            self.env.undo_stack,
            f"log progress on {self.action.title}",
            redo=lambda: progress.reinstate(state["retracted"]),  # type: ignore[arg-type]
            undo=lambda: state.update(retracted=progress.retract(logged.id)),
            parent_widget=self.parentWidget(),
        )
        return logged


class ActionDialog(EditDialog):
    tabs: QTabWidget

    def __init__(
        self,
        env: UiEnv,
        action: Action | None,
        parent: QWidget | None = None,
        *,
        need_ids: Sequence[uuid.UUID] = (),
        lead_organisation_id: uuid.UUID | None = None,
        partner_ids: Sequence[uuid.UUID] = (),
        theme_id: uuid.UUID | None = None,
        start: ActionDraft | None = None,
        offer_label: str = "",
    ) -> None:
        """``need_ids``, ``lead_organisation_id``, ``partner_ids`` and ``theme_id`` start a new action with those
        needs ticked, that lead, those partners and that theme (a joint action planned from the needs map's
        gaps). ``start`` starts it from a whole draft instead (a joint action commissioned from a support offer,
        ``offer_label`` naming the offer)."""
        super().__init__("Edit action" if action else "New action", parent)
        self.is_new = action is None
        self.env = env
        self.action = action
        # The support offer the action was commissioned from: not edited here, but kept on every save.
        self.offer_id = action.offer_id if action is not None else (start.offer_id if start else None)
        if start is not None:
            need_ids = start.need_ids
            lead_organisation_id = start.lead_organisation_id
            partner_ids = [partner.organisation_id for partner in start.partners]
            theme_id = start.theme_id
        self.setMinimumSize(820, 640)
        vocabulary = env.services.vocabulary
        organisations = organisation_choices(env)

        self.rag_label = QLabel()
        self.rag_label.setObjectName("ragLabel")
        self.rag_label.setWordWrap(True)
        self.outer.insertWidget(0, self.rag_label)
        self.progress_saved = QLabel()
        self.progress_saved.setObjectName("progressSaved")
        self.progress_saved.setWordWrap(True)
        self.progress_saved.hide()

        # The first form (details) lives on the first tab rather than directly in the dialog.
        self.tabs = self.put_form_on_tabs("&Details")

        self.title_edit = self.form.add_field("title", "&Title:", QLineEdit())
        self.description = self.form.add_field("description", "Desc&ription:", QPlainTextEdit())
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(60)
        self.lead = self.form.add_field("lead_organisation_id", "&Lead organisation:", _combo(organisations))
        # The named owner, a person at the lead organisation: name, e-mail and telephone on one row, each field's
        # message shown under it (as the dates below).
        owner = QWidget()
        owner_row = QHBoxLayout(owner)
        owner_row.setContentsMargins(0, 0, 0, 0)
        self.owner_name = QLineEdit()
        self.owner_name.setObjectName("ownerNameEdit")
        self.owner_name.setPlaceholderText("Name (none if empty)")
        self.owner_email = QLineEdit()
        self.owner_email.setObjectName("ownerEmailEdit")
        self.owner_email.setAccessibleName("Owner's e-mail")
        self.owner_email.setPlaceholderText("E-mail")
        self.owner_phone = QLineEdit()
        self.owner_phone.setObjectName("ownerPhoneEdit")
        self.owner_phone.setAccessibleName("Owner's telephone")
        self.owner_phone.setPlaceholderText("Telephone")
        owner_row.addWidget(self.owner_name, 3)
        owner_row.addWidget(self.owner_email, 4)
        owner_row.addWidget(self.owner_phone, 2)
        self.form.add_field("owner_name", "O&wner:", owner)
        label_item = self.form.itemAt(self.form.rowCount() - 1, QFormLayout.ItemRole.LabelRole)
        owner_label = label_item.widget() if label_item is not None else None
        assert isinstance(owner_label, QLabel)  # the caption add_field made
        self.owner_label = owner_label
        self.owner_label.setBuddy(self.owner_name)
        for name, field in (("owner_email", self.owner_email), ("owner_phone", self.owner_phone)):
            self.form._fields[name] = field  # its message shows under the same row
            self.form._errors[name] = self.form._errors["owner_name"]
        self.lead.currentIndexChanged.connect(lambda _index: self._show_owner_organisation())
        self._show_owner_organisation()
        self.theme = self.form.add_field(
            "theme_id",
            "T&heme:",
            _combo(theme_choices(env, action.theme_id if action else theme_id, in_use_only=True), "(no theme)"),
        )
        self.type = self.form.add_field(
            "type_id", "T&ype:", _combo([(t.name, t.id) for t in vocabulary.terms(VocabularyKind.ACTION_TYPE)])
        )
        self.provider = self.form.add_field(
            "provider_id",
            "Support &provider:",
            _combo([(t.name, t.id) for t in vocabulary.terms(VocabularyKind.PROVIDER)]),
        )
        self.level = self.form.add_field(
            "delivery_level_id",
            "Deli&very level:",
            _combo([(t.name, t.id) for t in vocabulary.terms(VocabularyKind.DELIVERY_LEVEL)]),
        )
        # Shown, not chosen here: one line, read-only (a long offer name scrolls rather than squeezing the form).
        offer_text = offer_label or (action.offer_title if action is not None else "")
        self.offer_label = QLineEdit(offer_text)
        self.offer_label.setObjectName("offerLabel")
        self.offer_label.setReadOnly(True)
        self.offer_label.setToolTip(offer_text)
        self.offer_label.setAccessibleName("Support offer it was commissioned from")
        self.offer_label.setCursorPosition(0)
        if self.offer_id is not None:  # only an action commissioned from the support directory has one
            self.form.add_field("offer_id", "Support offer:", self.offer_label)
        dates = QWidget()
        row = QHBoxLayout(dates)
        row.setContentsMargins(0, 0, 0, 0)
        self.start_on = DateField()
        self.start_on.setAccessibleName("Start date")
        self.due_on = DateField()
        self.due_on.setAccessibleName("Due date")
        row.addWidget(self.start_on)
        row.addWidget(QLabel("due"))
        row.addWidget(self.due_on)
        self.form.add_field("start_on", "&Start:", dates)
        self.form._fields["due_on"] = self.due_on  # its message shows under the same row
        self.form._errors["due_on"] = self.form._errors["start_on"]
        self.completed_on = self.form.add_field("completed_on", "Compl&eted on:", DateField())
        self.status = self.form.add_field(
            "status", "Stat&us:", _combo([(s.value, s) for s in ActionStatus], none_text=None)
        )
        self.percent = self.form.add_field("percent_complete", "Percent &complete:", QSpinBox())
        self.percent.setRange(0, 100)
        self.percent.setSuffix("%")
        self.budget = self.form.add_field("budget_pence", "&Budget:", MoneyField())
        self.rag_override = self.form.add_field(
            "rag_override", "RAG &fixed by hand:", _combo([(r.value, r) for r in Rag], "(worked out from progress)")
        )
        self.rag_reason = self.form.add_field("rag_override_reason", "Reason for setting it:", QLineEdit())
        self.notes = self.form.add_field("notes", "N&otes:", QPlainTextEdit())
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(50)
        self.confidential = self.form.add_field(
            "notes_confidential", "", QCheckBox("Notes are confidential (left out of exports)")
        )

        partners_form = self.add_form()
        self.partners = LinkTable(
            [
                LinkColumn("organisation_id", "Partner", choices=organisations, width=260),
                LinkColumn("cash_pence", "Cash", kind="money", width=110),
                LinkColumn("staff_days", "Staff days", kind="number", width=90),
                LinkColumn("in_kind", "In kind", kind="text", width=220),
            ],
            "partner",
        )
        partners_form.add_field("partners", "Partners and what they contribute:", self.partners)
        self._add_tab(partners_form, "P&artners")

        needs_form = self.add_form()
        needs_box = QWidget()
        needs_layout = QVBoxLayout(needs_box)
        needs_layout.setContentsMargins(0, 0, 0, 0)
        self.need_search = QLineEdit()
        self.need_search.setPlaceholderText("Find a need…")
        self.need_search.setAccessibleName("Find a need")
        self.need_search.setClearButtonEnabled(True)
        self.needs_list = QListWidget()
        self.needs_list.setAccessibleName("Needs this action addresses")
        self.need_search.textChanged.connect(self._filter_needs)
        needs_layout.addWidget(self.need_search)
        needs_layout.addWidget(self.needs_list)
        needs_form.add_field("need_ids", "Needs it addresses (tick):", needs_box)
        self._add_tab(needs_form, "&Needs")
        # Thousands of needs: the list is filled the first time the tab is opened (or the dialog saved).
        self._needs_filled = False
        self._chosen_needs: set[uuid.UUID] = set()
        self.tabs.currentChanged.connect(lambda index: self._fill_needs() if index == 2 else None)

        milestones_form = self.add_form()
        self.milestones = LinkTable(
            [
                LinkColumn("title", "Milestone", kind="text", width=320),
                LinkColumn("due_on", "Due", kind="date", width=170),
                LinkColumn("done_on", "Done on", kind="date", width=170),
            ],
            "milestone",
        )
        milestones_form.add_field("milestones", "Milestones:", self.milestones)
        self._add_tab(milestones_form, "&Milestones")

        progress_tab = QWidget()
        progress_layout = QVBoxLayout(progress_tab)
        self.progress_table = QTableWidget(0, 6)
        self.progress_table.setAccessibleName("Progress history")
        self.progress_table.setHorizontalHeaderLabels(["Date", "By", "Percent", "Status", "RAG", "Note"])
        self.progress_table.verticalHeader().hide()
        self.progress_table.horizontalHeader().setStretchLastSection(True)
        self.progress_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        progress_layout.addWidget(self.progress_table)
        self.log_button = QPushButton("&Log progress…")
        self.log_button.clicked.connect(self.log_progress)
        progress_layout.addWidget(self.log_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(progress_tab, "Pro&gress")
        # The progress history is read when its tab is first shown (and again after each load while it shows).
        self._progress_tab = progress_tab
        self._progress_stale = True
        self.tabs.currentChanged.connect(lambda _index: self._show_progress_if_visible())

        self.outer.addWidget(self.progress_saved)
        if action is not None:
            self.add_history(env, Entity.ACTION, action.id)
        self.finish_layout()
        if action is not None:
            self.load(action)
        else:
            self.rag_label.setText("The RAG rating is worked out once the action is saved.")
            self.start_on.set_value(env.services.context.today())
            self._chosen_needs = set(need_ids)
            select_data(self.lead, lead_organisation_id)
            if theme_id is not None:
                select_data(self.theme, theme_id)
            for partner_id in partner_ids:
                self.partners.add_row({"organisation_id": partner_id})
            if start is not None:
                self._fill_from(start)
            if need_ids:
                if start is None:
                    self.title_edit.setText(self._suggested_title(need_ids))
                self.title_edit.selectAll()  # typing replaces the suggestion
                count = len(self._chosen_needs)
                self.rag_label.setText(
                    f"A new joint action for {count} {noun_for(count, 'need')} (ticked on the Needs tab). "
                    "The RAG rating is worked out once the action is saved."
                )
            self.log_button.setEnabled(False)
            self.log_button.setToolTip("Save the action first")
        self._grey_out_what_the_account_may_not_change()

    def _grey_out_what_the_account_may_not_change(self) -> None:
        """A partner's account on a server changes only its own actions' progress, milestones and status, which
        the server enforces; here what it may not change is greyed out, saying why."""
        rights = self.env.services.rights
        if not rights.limited:
            return
        action = self.action
        theirs = action is not None and rights.may_change_action(
            action.lead_organisation_id, [partner.organisation_id for partner in action.partners]
        )
        fixed: list[QWidget] = [
            self.title_edit,
            self.description,
            self.lead,
            self.owner_name,
            self.owner_email,
            self.owner_phone,
            self.theme,
            self.type,
            self.provider,
            self.level,
            self.start_on,
            self.due_on,
            self.budget,
            self.rag_override,
            self.rag_reason,
            self.notes,
            self.confidential,
            self.partners,
            self.need_search,
            self.needs_list,
        ]
        if not theirs:
            fixed += [self.completed_on, self.status, self.percent, self.milestones, self.log_button]
            save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
            save.setEnabled(False)
            save.setToolTip(rights.reason)
        for widget in fixed:
            widget.setEnabled(False)
            widget.setToolTip(rights.reason)
        self.account_note = QLabel(rights.reason)
        self.account_note.setObjectName("accountNote")
        self.account_note.setWordWrap(True)
        self.outer.insertWidget(1, self.account_note)

    def _fill_from(self, start: ActionDraft) -> None:
        """A new action's fields from the draft it starts from (the needs, lead, partners and theme are set as
        for a joint action planned from the gaps)."""
        self.title_edit.setText(start.title)
        self.description.setPlainText(start.description)
        select_data(self.type, start.type_id)
        select_data(self.provider, start.provider_id)
        select_data(self.level, start.delivery_level_id)
        self.budget.set_pence(start.budget_pence)

    def _suggested_title(self, need_ids: Sequence[uuid.UUID]) -> str:
        """A joint action planned from needs starts titled after them, for the user to improve."""
        try:
            first = self.env.services.needs.get(need_ids[0])
        except LocalityError:  # deleted meanwhile, or the file busy: no suggestion rather than no dialog
            return ""
        others = len(need_ids) - 1
        return first.title if not others else f"{first.title} (and {others} more {noun_for(others, 'need')})"

    def state(self) -> tuple[object, ...]:
        return (*super().state(), frozenset(self.chosen_need_ids()))

    def _show_owner_organisation(self) -> None:
        """Says whose the owner is: a person at the lead organisation (kept as it is when the lead changes)."""
        lead = self.lead.currentText() if self.lead.currentData() is not None else ""
        self.owner_label.setText(f"O&wner (at {lead}):" if lead else "O&wner:")
        self.owner_name.setAccessibleName(f"Owner's name (at {lead})" if lead else "Owner's name")

    def _add_tab(self, form: ErrorForm, title: str) -> None:
        form.setRowWrapPolicy(ErrorForm.RowWrapPolicy.WrapAllRows)  # the table gets the tab's full width
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(form.general_error)
        self.tabs.addTab(page, title)

    def reveal(self, form: ErrorForm) -> None:
        index = self.forms.index(form)
        self.tabs.setCurrentIndex(index)

    def _fill_needs(self) -> None:
        if self._needs_filled:
            return
        self._needs_filled = True
        self.needs_list.setUpdatesEnabled(False)
        # The ticked needs come first, so a need chosen on the needs map is not buried in hundreds of others.
        needs = sorted(self.env.services.needs.list(), key=lambda need: need.id not in self._chosen_needs)
        for need in needs:
            item = QListWidgetItem(f"{need.title}  ({need.organisation_names or 'no organisation'})")
            item.setData(Qt.ItemDataRole.UserRole, need.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = need.id in self._chosen_needs
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.needs_list.addItem(item)
        self.needs_list.setUpdatesEnabled(True)

    def chosen_need_ids(self) -> tuple[uuid.UUID, ...]:
        if not self._needs_filled:
            return tuple(self._chosen_needs)
        return tuple(
            self.needs_list.item(number).data(Qt.ItemDataRole.UserRole)
            for number in range(self.needs_list.count())
            if self.needs_list.item(number).checkState() == Qt.CheckState.Checked
        )

    def _filter_needs(self, text: str) -> None:
        wanted = text.strip().casefold()
        for number in range(self.needs_list.count()):
            item = self.needs_list.item(number)
            item.setHidden(bool(wanted) and wanted not in item.text().casefold())

    # ------------------------------------------------------------------ load and save

    def load(self, action: Action) -> None:
        self.action = action
        self.rag_label.setText(f"{rag_text(action.rag.rag)}: {action.rag.reason}")
        self.rag_label.setStyleSheet(rag_style(action.rag.rag))
        self.rag_label.setAccessibleName(f"RAG {rag_text(action.rag.rag)}: {action.rag.reason}")
        self.title_edit.setText(action.title)
        self.description.setPlainText(action.description)
        select_data(self.lead, action.lead_organisation_id)
        self.owner_name.setText(action.owner_name)
        self.owner_email.setText(action.owner_email)
        self.owner_phone.setText(action.owner_phone)
        select_data(self.theme, action.theme_id)
        select_data(self.type, action.type_id)
        select_data(self.provider, action.provider_id)
        select_data(self.level, action.delivery_level_id)
        self.start_on.set_value(action.start_on)
        self.due_on.set_value(action.due_on)
        self.completed_on.set_value(action.completed_on)
        select_data(self.status, action.status)
        self.percent.setValue(action.percent_complete)
        self.budget.set_pence(action.budget_pence)
        select_data(self.rag_override, action.rag_override)
        self.rag_reason.setText(action.rag_override_reason)
        self.notes.setPlainText(action.notes)
        self.confidential.setChecked(action.notes_confidential)
        self.partners.set_rows(
            [
                {
                    "organisation_id": p.organisation_id,
                    "cash_pence": p.cash_pence,
                    "staff_days": p.staff_days,
                    "in_kind": p.in_kind,
                }
                for p in action.partners
            ]
        )
        self._chosen_needs = set(action.need_ids)
        for number in range(self.needs_list.count()):
            item = self.needs_list.item(number)
            checked = item.data(Qt.ItemDataRole.UserRole) in self._chosen_needs
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.milestones.set_rows(
            [{"id": m.id, "title": m.title, "due_on": m.due_on, "done_on": m.done_on} for m in action.milestones]
        )
        self._progress_stale = True
        self._show_progress_if_visible()

    def _show_progress_if_visible(self) -> None:
        if self._progress_stale and self.tabs.currentWidget() is self._progress_tab:
            self._load_progress()

    def _load_progress(self) -> None:
        if self.action is None:
            return
        self._progress_stale = False
        history = self.env.services.progress.history(self.action.id)
        self.progress_table.setRowCount(len(history))
        for number, update in enumerate(history):
            cells = [
                format_date(update.reported_on),
                update.author + (f" ({update.author_organisation})" if update.author_organisation else ""),
                "" if update.percent_complete is None else f"{update.percent_complete}%",
                update.status.value if update.status else "",
                update.rag.value if update.rag else "",
                ("[confidential] " if update.confidential else "") + update.note,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4 and update.rag is not None:
                    item.setBackground(RAG_BACKGROUND[update.rag])
                    item.setForeground(RAG_FOREGROUND[update.rag])
                self.progress_table.setItem(number, column, item)
        self.progress_table.resizeColumnsToContents()

    def log_progress(self) -> None:
        """Progress is saved as soon as it is logged. Changes already typed here are saved first (with the
        user's say-so), so that reloading the action afterwards loses nothing; Cancel then becomes Close and
        the dialog says the progress is kept."""
        if self.action is None:
            return
        if self.has_unsaved_changes():
            answer = QMessageBox.question(
                self,
                "Log progress",
                "Logging progress saves it at once. Save your changes to this action first?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer != QMessageBox.StandardButton.Save or not self.save_in_place():
                return
        logged = run_dialog(LogProgressDialog(self.env, self.action, self))
        if logged is None:
            return
        self.load(self.env.services.actions.get(self.action.id))
        self.mark_clean()
        self.progress_saved.setText(
            f"Progress logged for {format_date(logged.reported_on)} is saved. Close keeps it; "
            "changes you make here now still need Save."
        )
        self.progress_saved.show()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")

    def save_in_place(self) -> bool:
        """Saves the form without closing the dialog; False (with the messages shown) if it could not be."""
        self.try_save(close=False)
        if self.saved is None:
            return False
        self.load(self.saved)
        self.mark_clean()
        return True

    def draft(self) -> ActionDraft:
        problems: dict[str, str] = {}
        try:
            budget = self.budget.pence("budget_pence")
        except ValidationError as error:
            problems.update(error.field_errors)
            budget = None
        partners = []
        try:
            for row in self.partners.rows():
                partners.append(
                    PartnerDraft(row["organisation_id"], row["cash_pence"] or 0, row["staff_days"], row["in_kind"])
                )
        except ValidationError as error:
            problems["partners"] = " ".join(error.field_errors.values())
        milestones = tuple(
            MilestoneDraft(row["id"], row["title"], row["due_on"], row["done_on"]) for row in self.milestones.rows()
        )
        if problems:
            raise ValidationError(problems)
        need_ids = self.chosen_need_ids()
        override = self.rag_override.currentData()
        return ActionDraft(
            title=self.title_edit.text(),
            description=self.description.toPlainText(),
            theme_id=self.theme.currentData(),
            type_id=self.type.currentData(),
            delivery_level_id=self.level.currentData(),
            provider_id=self.provider.currentData(),
            offer_id=self.offer_id,
            lead_organisation_id=self.lead.currentData(),
            owner_name=self.owner_name.text(),
            owner_email=self.owner_email.text(),
            owner_phone=self.owner_phone.text(),
            start_on=self.start_on.value(),
            due_on=self.due_on.value(),
            completed_on=self.completed_on.value(),
            status=ActionStatus(self.status.currentData()),
            percent_complete=self.percent.value(),
            rag_override=Rag(override) if override else None,
            rag_override_reason=self.rag_reason.text(),
            budget_pence=budget,
            notes=self.notes.toPlainText(),
            notes_confidential=self.confidential.isChecked(),
            partners=tuple(partners),
            need_ids=need_ids,
            milestones=milestones,
        )

    def save(self) -> Action:
        actions = self.env.services.actions
        # Redo uses the saved action's own draft (save_with_undo does so): milestones added by this edit carry
        # their new ids, so undo removes them and redo brings back those same records.
        return save_with_undo(
            self.env.undo_stack,
            self.action,
            self.draft(),
            create=actions.create,
            update=actions.update,
            delete=actions.delete,
            restore=actions.restore,
            describe=lambda verb, action: f"{verb} action {action.title}",
            parent=self.parentWidget(),
        )


def open_action(
    env: UiEnv,
    action_id: uuid.UUID | None,
    parent: QWidget | None,
    *,
    need_ids: Sequence[uuid.UUID] = (),
    lead_organisation_id: uuid.UUID | None = None,
    partner_ids: Sequence[uuid.UUID] = (),
    theme_id: uuid.UUID | None = None,
    start: ActionDraft | None = None,
    offer_label: str = "",
) -> Action | None:
    """Opens the action's dialog (a new action when ``action_id`` is None) from any page; returns what was saved,
    or None if the user cancelled or the action could not be read (the user has been told why). A new action
    can start with ``need_ids`` ticked, ``lead_organisation_id`` as its lead, ``partner_ids`` as partners and
    ``theme_id`` as its theme, or from a whole draft, ``start`` (commissioned from the offer ``offer_label``)."""
    try:
        current = env.services.actions.get(action_id) if action_id is not None else None
    except Exception as error:  # e.g. deleted by someone else a moment ago
        show_error(parent, error)
        return None
    if current is not None:
        return run_dialog(ActionDialog(env, current, parent))
    return run_dialog(
        ActionDialog(
            env,
            None,
            parent,
            need_ids=need_ids,
            lead_organisation_id=lead_organisation_id,
            partner_ids=partner_ids,
            theme_id=theme_id,
            start=start,
            offer_label=offer_label,
        )
    )
