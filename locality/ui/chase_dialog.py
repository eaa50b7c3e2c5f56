"""What needs chasing: overdue and soon-due actions and milestones with whom to ask, as a dialog (filter, open
an action, export a CSV, write e-mail drafts, e-mail one lead) and as a slim banner that says how much there is.

The list is read off the GUI thread: on a large partnership it takes about half a second.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from locality.domain.errors import LocalityError
from locality.domain.text import noun_for
from locality.domain.values import format_date
from locality.exchange.chase_export import mailto_url, write_chase_csv, write_email_drafts
from locality.services.chase import MAX_DAYS_AHEAD, ChaseItem, ChaseList, ChaseSummary, period_words
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import find_data
from locality.ui.loader import BackgroundLoader
from locality.ui.rag import RAG_BACKGROUND, RAG_FOREGROUND, rag_text
from locality.ui.style import set_tone
from locality.ui.table_model import Column, RowTableModel
from locality.ui.workers import run_in_background

OVERDUE_COLOUR = QColor("#7f1d1d")


def _overdue_by(item: ChaseItem) -> str:
    if item.days_overdue:
        return f"{item.days_overdue} {noun_for(item.days_overdue, 'day')}"
    return item.timing


def _contact(item: ChaseItem) -> str:
    """Whom to ask, and whether it is the action's owner or the organisation's general contact."""
    name = item.contact_name or item.contact_email
    if not name:
        return "No contact recorded"
    return f"{name} (owner)" if item.contact_is_owner else f"{name} (organisation)"


def _contact_tooltip(item: ChaseItem) -> str:
    if item.contact_email:
        address = f"{item.contact_name} <{item.contact_email}>" if item.contact_name else item.contact_email
        if item.contact_is_owner:
            return f"The action's owner: {address}"
        unreachable = f"{item.owner_name}, its owner, has no e-mail recorded; " if item.owner_name else ""
        return f"{unreachable}{item.lead_organisation_name}'s general contact: {address}"
    return f"{item.lead_organisation_name or 'This action'} has no contact e-mail recorded"


def chase_columns() -> list[Column[ChaseItem]]:
    return [
        Column("Kind", lambda item: item.kind.value, width=150),
        Column("Action", lambda item: item.action_title, width=300, tooltip=lambda item: item.action_title),
        Column("Milestone", lambda item: item.milestone_title, width=165, tooltip=lambda item: item.milestone_title),
        Column(
            "Lead",
            lambda item: item.lead_organisation_name or "No lead organisation",
            width=175,
            tooltip=lambda item: item.lead_organisation_name,
        ),
        Column("Contact", _contact, width=170, tooltip=_contact_tooltip),
        Column("Due", lambda item: format_date(item.due_on), sort_key=lambda item: item.due_on, width=90),
        Column(
            "Overdue by",
            _overdue_by,
            sort_key=lambda item: item.days_overdue - item.days_until_due,
            align_right=True,
            foreground=lambda item: OVERDUE_COLOUR if item.overdue else None,
            width=95,
        ),
        Column(
            "%",
            lambda item: f"{item.percent_complete}%",
            sort_key=lambda item: item.percent_complete,
            align_right=True,
            width=50,
        ),
        Column(
            "RAG",
            lambda item: rag_text(item.rag),
            sort_key=lambda item: ("Red", "Amber", "Green", "").index(item.rag.value if item.rag else ""),
            tooltip=lambda item: item.rag_reason,
            background=lambda item: RAG_BACKGROUND.get(item.rag) if item.rag else None,
            foreground=lambda item: RAG_FOREGROUND.get(item.rag) if item.rag else None,
            width=70,
        ),
    ]


class ChaseDialog(QDialog):
    """The list of what needs chasing, filtered by organisation and horizon, with ways to send it on."""

    loaded = Signal()

    def __init__(self, env: UiEnv, parent: QWidget | None = None, *, organisation_id: uuid.UUID | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle("What needs chasing")
        self.setMinimumSize(1000, 560)
        self.resize(1320, 680)
        self.chase: ChaseList | None = None
        self.loading = False
        self.done_message = ""
        # Reads the list; a reload asked for while one runs supersedes it (the one rule of ui/loader.py).
        self.loader = BackgroundLoader(self, self.reload)
        self.loader.stale = False

        self.organisation = QComboBox()
        self.organisation.setObjectName("organisationCombo")
        self.organisation.setAccessibleName("Organisation")
        self.organisation.addItem("All organisations", None)
        for oid, name in env.services.organisations.names():
            self.organisation.addItem(name, oid)
        self.organisation.setMinimumContentsLength(28)
        self.organisation.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        if organisation_id is not None and find_data(self.organisation, organisation_id) >= 0:
            self.organisation.setCurrentIndex(find_data(self.organisation, organisation_id))
        self.days = QSpinBox()
        self.days.setObjectName("daysSpin")
        self.days.setAccessibleName("Due within this many days")
        self.days.setRange(0, MAX_DAYS_AHEAD)
        self.days.setSuffix(" days")
        try:
            self.days.setValue(env.services.chase.default_days())
        except LocalityError:  # the workspace could not be read; the list below will say why
            self.days.setValue(14)
        self.partners = QCheckBox("Include actions it is a partner in")
        self.partners.setObjectName("partnersCheck")

        filters = QHBoxLayout()
        organisation_label = QLabel("&Organisation:")
        organisation_label.setBuddy(self.organisation)
        days_label = QLabel("&Due within:")
        days_label.setBuddy(self.days)
        filters.addWidget(organisation_label)
        filters.addWidget(self.organisation)
        filters.addSpacing(12)
        filters.addWidget(days_label)
        filters.addWidget(self.days)
        filters.addSpacing(12)
        filters.addWidget(self.partners)
        filters.addStretch(1)

        self.summary = QLabel()
        self.summary.setObjectName("chaseSummary")
        self.summary.setWordWrap(True)

        self.model: RowTableModel[ChaseItem] = RowTableModel(chase_columns(), self)
        self.table = QTableView()
        self.table.setObjectName("chaseTable")
        self.table.setAccessibleName("What needs chasing")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for number, column in enumerate(self.model.columns):
            header.resizeSection(number, column.width)
        # Every column keeps its width (a stretched Action column was squeezed to nothing in a narrow dialog);
        # a narrow dialog scrolls sideways instead.
        header.setStretchLastSection(False)
        header.setSortIndicator(5, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(self._open_row)
        self.table.setToolTip("Double-click a row to open its action.")

        self.empty = QLabel()
        self.empty.setObjectName("chaseEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_tone(self.empty, "muted", "padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.include_contacts = QCheckBox("Include contact names and e-mail addresses in the CSV")
        self.include_contacts.setObjectName("includeContactsCheck")
        self.include_contacts.setToolTip("Contact details are personal data: leave them out of files you share.")
        self.export_button = QPushButton("Export &CSV…")
        self.export_button.setObjectName("exportCsvButton")
        self.export_button.clicked.connect(self.export_csv)
        self.drafts_button = QPushButton("Write e-&mail drafts…")
        self.drafts_button.setObjectName("emailDraftsButton")
        self.drafts_button.setToolTip(
            "One draft per action owner with an e-mail address, and one per lead organisation for its other "
            "actions, for Outlook or another mail program"
        )
        self.drafts_button.clicked.connect(self.write_drafts)
        self.mail_button = QPushButton("E-mail &this lead")
        self.mail_button.setObjectName("emailLeadButton")
        self.mail_button.clicked.connect(self.email_lead)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)

        buttons = QHBoxLayout()
        buttons.addWidget(self.include_contacts)
        buttons.addStretch(1)
        for button in (self.export_button, self.drafts_button, self.mail_button, close):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

        self.organisation.currentIndexChanged.connect(self._filters_changed)
        self.days.valueChanged.connect(lambda _value: self.reload())
        self.partners.toggled.connect(lambda _checked: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._filters_changed()

    # ------------------------------------------------------------------ loading

    def organisation_id(self) -> uuid.UUID | None:
        value = self.organisation.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _filters_changed(self) -> None:
        one = self.organisation_id() is not None
        self.partners.setEnabled(one)
        self.partners.setToolTip("" if one else "Choose one organisation to include the actions it is a partner in")
        self.reload()

    def reload(self) -> None:
        """Reads the list again with the filters shown, off the GUI thread."""
        organisation_id = self.organisation_id()
        days = self.days.value()
        partners = self.partners.isChecked() and organisation_id is not None
        self.loading = True
        self.summary.setText("Looking for overdue and soon-due actions…")
        self._update_buttons()
        chase = self.env.services.chase

        def failed(error: BaseException) -> None:
            self.loading = False
            self.summary.setText("The list could not be read.")
            self._update_buttons()
            show_error(self, error, self.windowTitle())

        self.loader.start(
            lambda: chase.chase_list(organisation_id, days, include_partners=partners), self._show, failed
        )

    def _show(self, chase: ChaseList) -> None:
        self.chase = chase
        self.loading = False
        self.model.set_rows(chase.items)
        summary = chase.summary
        who = ""
        if chase.organisation_id is not None:
            name = self.organisation.currentText()
            who = f"For actions {name} leads{' or is a partner in' if chase.include_partners else ''}: "
        sentence = summary.sentence
        self.summary.setText(who + (sentence[0].lower() + sentence[1:] if who else sentence))
        if chase.items:
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.setText(self._empty_text(summary))
            self.stack.setCurrentWidget(self.empty)
        self._update_buttons()
        self.loaded.emit()

    def _empty_text(self, summary: ChaseSummary) -> str:
        when = period_words(summary.due_within_days)
        whose = "" if self.organisation_id() is None else f" among the actions {self.organisation.currentText()} leads"
        return (
            f"Nothing needs chasing{whose}: no open action or milestone is overdue or due {when}.\n\n"
            "Overdue actions and milestones appear here as their due dates pass; raise the number of days above "
            "to see what falls due later."
        )

    # ------------------------------------------------------------------ selection and buttons

    def selected_item(self) -> ChaseItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _lead_to_email(self) -> tuple[uuid.UUID | None, str]:
        """The lead organisation "E-mail this lead" writes about, and to whom (or why not when there is none)."""
        if self.chase is None or not self.chase.items:
            return None, "There is nothing to chase"
        item = self.selected_item()
        if item is not None:
            if item.lead_organisation_id is None:
                return None, "This action has no lead organisation"
            if not item.contact_email.strip():
                return None, f"{item.lead_organisation_name} has no contact e-mail; add one on the Organisations page"
            if item.contact_is_owner:
                return (
                    item.lead_organisation_id,
                    f"Write to {item.contact_email}, the owner, about the actions they own at "
                    f"{item.lead_organisation_name}",
                )
            return (
                item.lead_organisation_id,
                f"Write to {item.contact_email}, {item.lead_organisation_name}'s general contact, about what it "
                "leads with no owner's e-mail",
            )
        chosen = self.organisation_id()
        if chosen is not None:
            # With no row selected, the link goes to the first of the lead's recipients (as mailto_url chooses).
            recipients = self.chase.recipients(chosen)
            if not recipients:
                return None, "Select a row to e-mail the lead of that action"
            first = recipients[0][0]
            if not first.contact_email.strip():
                return None, f"{first.lead_organisation_name} has no contact e-mail; add one on the Organisations page"
            return chosen, f"Write to {first.contact_email} about what {first.lead_organisation_name} leads"
        return None, "Select a row to e-mail the lead of that action"

    def _update_buttons(self) -> None:
        ready = not self.loading and self.chase is not None and bool(self.chase.items)
        self.export_button.setEnabled(ready)
        self.drafts_button.setEnabled(ready)
        lead, why = self._lead_to_email() if ready else (None, "There is nothing to chase")
        self.mail_button.setEnabled(lead is not None)
        self.mail_button.setToolTip(why)

    def _open_row(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        item = self.model.row_at(index.row())
        if open_action(self.env, item.action_id, self) is not None:
            self.reload()

    # ------------------------------------------------------------------ sending it on

    def _partnership(self) -> str:
        try:
            return self.env.services.workspace.details().partnership_name
        except LocalityError:  # the name is a nicety; the drafts still make sense without it
            return ""

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], title: str) -> None:
        self.loading = True
        self._update_buttons()
        self.setCursor(Qt.CursorShape.BusyCursor)

        def finished(result: Any) -> None:
            self.loading = False
            self.unsetCursor()
            self._update_buttons()
            done(result)

        def failed(error: BaseException) -> None:
            self.loading = False
            self.unsetCursor()
            self._update_buttons()
            show_error(self, error, title)

        run_in_background(work, finished, failed, self)

    def export_csv(self) -> None:
        chase = self.chase
        if chase is None or not chase.items:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export what needs chasing", str(Path.home() / "What needs chasing.csv"), "CSV files (*.csv)"
        )
        if not path:
            return
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(".csv")
        contacts = self.include_contacts.isChecked()

        def done(rows: Any) -> None:
            self.done_message = f"Wrote {rows} {noun_for(rows, 'row')} to {target}."
            QMessageBox.information(self, "Export CSV", self.done_message)

        self._run(lambda: write_chase_csv(chase, target, include_contacts=contacts), done, "Export CSV")

    def write_drafts(self) -> None:
        chase = self.chase
        if chase is None or not chase.items:
            return
        folder = QFileDialog.getExistingDirectory(self, "Write the e-mail drafts into this folder", str(Path.home()))
        if not folder:
            return
        partnership = self._partnership()
        sender = self.env.services.context.user

        def done(result: Any) -> None:
            self.done_message = result.message
            if result.complete:
                QMessageBox.information(self, "E-mail drafts", self.done_message)
            else:  # some drafts were written and some not: the message names each
                QMessageBox.warning(self, "E-mail drafts", self.done_message)

        self._run(
            lambda: write_email_drafts(chase, Path(folder), partnership=partnership, sender=sender),
            done,
            "E-mail drafts",
        )

    def email_lead(self) -> None:
        lead, why = self._lead_to_email()
        if lead is None or self.chase is None:
            QMessageBox.information(self, "E-mail this lead", why + ".")
            return
        item = self.selected_item()
        url = mailto_url(
            self.chase,
            lead,
            partnership=self._partnership(),
            sender=self.env.services.context.user,
            contact_email=item.contact_email if item is not None and item.lead_organisation_id == lead else None,
        )
        if url is None:
            led = self.chase.for_lead(lead)
            name = led[0].lead_organisation_name if led else "This organisation"
            QMessageBox.information(
                self,
                "E-mail this lead",
                f"{name} has no valid e-mail address (it must be one address, like name@example.org); "
                "correct it on the Organisations page.",
            )
            return
        if not QDesktopServices.openUrl(QUrl(url)):
            QMessageBox.information(
                self,
                "E-mail this lead",
                "No e-mail program opened the message. Set one up as this computer's default for e-mail, or use "
                "“Write e-mail drafts…” and open the draft yourself.",
            )


class ChaseBanner(QFrame):
    """A slim strip saying how much is overdue or due soon, with a way to see it; hidden when there is nothing,
    and once closed stays closed until ``show_again``."""

    loaded = Signal()

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("chaseBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#chaseBanner { background: #fff4e0; border: 1px solid #f0c36d; border-radius: 4px; }"
            "QLabel#chaseBannerText { color: #4e3500; }"
        )
        self.summary: ChaseSummary | None = None
        self.dismissed = False
        self.loading = False
        self.loader = BackgroundLoader(self, self.refresh)
        self.loader.stale = False
        self.text = QLabel()
        self.text.setObjectName("chaseBannerText")
        self.text.setWordWrap(True)
        self.show_button = QPushButton("Show what needs chasing")
        self.show_button.setObjectName("showChaseButton")
        self.show_button.clicked.connect(self.open_dialog)
        close = QToolButton()
        close.setObjectName("closeChaseBanner")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName("Close")
        close.setToolTip("Hide this message")
        close.clicked.connect(self.dismiss)
        self.close_button = close
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(close)
        self.hide()

    def sentence(self) -> str:
        return self.text.text()

    def refresh(self) -> None:
        """Counts again (off the GUI thread); shows the banner when something is overdue or due soon."""
        if self.dismissed:
            return
        self.loading = True
        chase = self.env.services.chase

        def done(summary: Any) -> None:
            self.loading = False
            self.summary = summary
            self.text.setText(summary.sentence)
            self.setVisible(summary.total > 0 and not self.dismissed)
            self.loaded.emit()

        def failed(_error: BaseException) -> None:
            # A banner is a hint, not a report: when the count cannot be made, it simply stays out of the way.
            self.loading = False
            self.hide()
            self.loaded.emit()

        self.loader.start(chase.summary, done, failed)

    def dismiss(self) -> None:
        self.dismissed = True
        self.hide()

    def show_again(self) -> None:
        self.dismissed = False
        self.refresh()

    def open_dialog(self) -> None:
        ChaseDialog(self.env, self.window()).exec()
        self.refresh()
