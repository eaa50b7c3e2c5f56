"""The welcome's "Start our partnership": a short guided set-up of a new workspace — the partnership's name, area
and plan period, its partner organisations (typed, or imported from a spreadsheet) and the themes it works on.

Everything typed is written when Finish is pressed, through the services, as one transaction and one step that
Edit › Undo takes back; a problem is said in a sentence on the page and nothing typed is lost.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from locality.domain.errors import ValidationError
from locality.services.organisations import DeletedOrganisations
from locality.services.partnership_setup import PartnershipSetUp, typed_names
from locality.services.workspace_info import WorkspaceDetails
from locality.ui.checklist import checked_values, checklist
from locality.ui.env import UiEnv
from locality.ui.errors import user_message
from locality.ui.forms import ERROR_STYLE, DateField, ErrorForm
from locality.ui.pickers import theme_choices
from locality.ui.undo import push_done


class PartnershipPage(QWizardPage):
    def __init__(self, details: WorkspaceDetails) -> None:
        super().__init__()
        self.setObjectName("partnershipPage")
        self.setTitle("Your partnership")
        self.setSubTitle("Its name and area go on the window's title and on every plan and board paper.")
        self.form = ErrorForm(self)
        self.name = self.form.add_field("partnership_name", "Partnership &name:", QLineEdit(details.partnership_name))
        self.name.setPlaceholderText("for example Eastvale Locality Partnership")
        self.area = self.form.add_field("area", "&Area:", QLineEdit(details.area))
        self.area.setPlaceholderText("for example Eastvale district")
        self.plan_start = self.form.add_field("plan_start", "Plan &starts on:", DateField())
        self.plan_end = self.form.add_field("plan_end", "Plan &ends on:", DateField())
        self.plan_start.set_value(details.plan_start)
        self.plan_end.set_value(details.plan_end)
        self.form.addRow(self.form.general_error)

    def values(self) -> tuple[str, str, date | None, date | None]:
        """The page's values; ``ValidationError`` for a missing name or a date that is wrong."""
        errors: dict[str, str] = {}
        name = self.name.text().strip()
        if not name:
            errors["partnership_name"] = "Enter the partnership's name"
        dates: dict[str, date | None] = {}
        for key, field in (("plan_start", self.plan_start), ("plan_end", self.plan_end)):
            try:
                dates[key] = field.value()
            except ValidationError as error:
                errors.update(error.field_errors)
        start, end = dates.get("plan_start"), dates.get("plan_end")
        if start and end and end < start:
            errors["plan_end"] = "The plan cannot end before it starts"
        if errors:
            raise ValidationError(errors)
        return name, self.area.text().strip(), start, end

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        try:
            self.values()
        except ValidationError as error:
            self.form.show_errors(error.field_errors)
            return False
        self.form.clear_errors()
        return True


class PartnersPage(QWizardPage):
    def __init__(self, env: UiEnv) -> None:
        super().__init__()
        self.env = env
        self.setObjectName("partnersPage")
        self.setTitle("Partner organisations")
        self.setSubTitle(
            "Type the council and each partner, one a line. Their types and contacts can be added later on the "
            "Organisations page."
        )
        layout = QVBoxLayout(self)
        self.names = QPlainTextEdit()
        self.names.setObjectName("partnerNames")
        self.names.setAccessibleName("Partner organisations, one a line")
        self.names.setPlaceholderText("Eastvale District Council\nEastvale Police\nEastvale Health\n…")
        self.names.setTabChangesFocus(True)
        layout.addWidget(self.names, 1)
        self.error = QLabel()
        self.error.setObjectName("partnersError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.names.textChanged.connect(self.error.hide)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.import_button = QPushButton("&Import from a spreadsheet…")
        self.import_button.setObjectName("importPartnersButton")
        self.import_button.setToolTip("A CSV or Excel file with a name column, and optionally type, sector, contact")
        self.import_button.clicked.connect(self.import_spreadsheet)
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.existing = QLabel()
        self.existing.setObjectName("existingPartners")
        self.existing.setWordWrap(True)
        layout.addWidget(self.existing)
        self.show_existing()

    def import_spreadsheet(self) -> None:
        """The File › Import dialog, set to organisations; what it imports is written at once (and listed)."""
        from locality.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.env, self)
        dialog.kind.setCurrentIndex(max(dialog.kind.findData("organisations"), 0))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.show_existing()

    def show_existing(self) -> None:
        names = [organisation.name for organisation in self.env.services.organisations.list()]
        self.existing.setText(
            f"Already in the workspace: {', '.join(sorted(names, key=str.casefold))}." if names else ""
        )
        self.existing.setVisible(bool(names))

    def values(self) -> list[str]:
        return typed_names(self.names.toPlainText())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        try:
            self.values()
        except ValidationError as error:
            self.error.setText(str(error))
            self.error.show()
            return False
        return True


class ThemesPage(QWizardPage):
    def __init__(self, env: UiEnv) -> None:
        super().__init__()
        self.setObjectName("themesPage")
        self.setTitle("Themes of improvement")
        self.setSubTitle(
            "Tick the themes your partnership works on. The others are kept, but left out of the lists you choose "
            "a need's or an action's theme from."
        )
        layout = QVBoxLayout(self)
        self.themes = checklist(list(theme_choices(env)), "Themes in use", max_height=16777215)
        self.themes.setObjectName("themeChecklist")
        in_use = env.services.set_up.themes_in_use()
        for number in range(self.themes.count()):
            if self.themes.item(number).data(Qt.ItemDataRole.UserRole) in in_use:
                self.themes.item(number).setCheckState(Qt.CheckState.Checked)
        layout.addWidget(self.themes, 1)
        self.error = QLabel()
        self.error.setObjectName("setUpError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def values(self) -> frozenset[uuid.UUID]:
        return frozenset(value for value in checked_values(self.themes) if isinstance(value, uuid.UUID))


class SetUpWizard(QWizard):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("setUpWizard")
        self.setWindowTitle("Start our partnership")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.details = env.services.workspace.details()
        self.partnership = PartnershipPage(self.details)
        self.partners = PartnersPage(env)
        self.themes = ThemesPage(env)
        for page in (self.partnership, self.partners, self.themes):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish")
        self.resize(640, 520)
        #: What Finish wrote (None until then).
        self.written: PartnershipSetUp | None = None

    def set_up(self) -> PartnershipSetUp:
        name, area, start, end = self.partnership.values()
        return PartnershipSetUp(name, area, start, end, tuple(self.partners.values()), self.themes.values())

    def accept(self) -> None:
        services = self.env.services
        try:
            set_up = self.set_up()
            done = services.set_up.set_up(set_up)
        except Exception as error:  # said on the page; everything typed stays for another try
            self.themes.error.setText(user_message(error))
            self.themes.error.show()
            return
        self.written = set_up
        deleted: list[DeletedOrganisations] = []
        push_done(
            self.env.undo_stack,
            "set up the partnership",
            lambda: services.set_up.redo(set_up, deleted.pop()),
            lambda: deleted.append(services.set_up.undo(done)),
            self.parentWidget(),
        )
        super().accept()
