"""The first run: the welcome offered while the workspace is empty, the demo partnership it makes and opens, and
the guided set-up of the user's own partnership."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QWidget, QWizard

from locality.domain.entities import Entity
from locality.paths import DEMO_WORKSPACE_NAME
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.ui.main_window import MainWindow
from locality.ui.setup_wizard import SetUpWizard
from locality.ui.welcome import WelcomeChoice, WelcomeDialog, act_on, explore_demo, greet
from tests.ui.helpers import when_shown


def test_building_the_window_shows_no_welcome(window: MainWindow) -> None:
    # The window contract: build_main_window never blocks, and tests see no welcome unless they ask.
    assert window.workspace_is_empty()
    assert not any(isinstance(widget, WelcomeDialog) for widget in QApplication.topLevelWidgets())


def test_the_welcome_is_not_offered_once_the_workspace_has_data(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.settings.set_user(User("Sam"))
    window.services.organisations.create(OrganisationDraft(name="Eastvale Police"))
    assert not window.workspace_is_empty()
    greet(window)  # returns at once: no dialog to answer
    assert not any(
        isinstance(widget, WelcomeDialog) and widget.isVisible() for widget in QApplication.topLevelWidgets()
    )


def test_the_welcome_offers_three_ways_in(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    texts = [
        button.text().replace("&", "") for button in (dialog.demo_button, dialog.set_up_button, dialog.open_button)
    ]
    assert texts == ["Explore the demo partnership", "Start our partnership", "Open a workspace…"]
    dialog.set_up_button.click()
    assert dialog.choice is WelcomeChoice.SET_UP and dialog.result() == QDialog.DialogCode.Accepted
    dialog.grab().save("/tmp/welcome-help-welcome.png")


def test_explore_the_demo_makes_it_beside_the_workspace_and_opens_it(
    qtbot,
    window: MainWindow,
    data_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    window.settings.set_user(User("Sam"))
    failure = when_shown(WelcomeDialog, lambda dialog: dialog.demo_button.click())  # type: ignore[attr-defined]
    greet(window)
    failure.check()
    qtbot.waitUntil(lambda: "(demo partnership)" in window.windowTitle(), timeout=60000)
    assert window.windowTitle() == "Westshire Locality Partnership (demo partnership) — Locality"
    assert window.services is not None
    assert window.services.context.workspace.path == data_dir / DEMO_WORKSPACE_NAME
    assert window.services.workspace.count(Entity.ACTION) > 0
    assert not window.workspace_is_empty()


def test_a_demo_made_before_is_opened_at_once(
    qtbot, window: MainWindow, data_dir: Path, demo_workspace_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (data_dir / DEMO_WORKSPACE_NAME).write_bytes(demo_workspace_path.read_bytes())
    act_on(window, WelcomeChoice.DEMO)
    assert "(demo partnership)" in window.windowTitle()


def fill_wizard(
    wizard: SetUpWizard, *, plan_end: str = "31/03/2029", partners: str = "Eastvale District Council\nEastvale Police\n"
) -> None:
    wizard.partnership.name.setText("Eastvale Locality Partnership")
    wizard.partnership.area.setText("Eastvale district")
    wizard.partnership.plan_start.edit.setText("01/04/2026")
    wizard.partnership.plan_end.edit.setText("31/03/2029")
    wizard.next()
    wizard.partners.names.setPlainText("Eastvale District Council\nEastvale Police\n")
    wizard.next()


def test_the_set_up_writes_the_partnership_and_undoes_in_one_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.services is not None
    wizard = SetUpWizard(window.env, window)
    qtbot.addWidget(wizard)
    wizard.open()
    fill_wizard(wizard)
    assert wizard.currentPage() is wizard.themes
    wizard.grab().save("/tmp/welcome-help-wizard-themes.png")
    # Untick every theme but the first two.
    for number in range(2, wizard.themes.themes.count()):
        wizard.themes.themes.item(number).setCheckState(wizard.themes.themes.item(number).checkState().Unchecked)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert window.windowTitle() == "Eastvale Locality Partnership — Locality"
    assert sorted(o.name for o in window.services.organisations.list()) == [
        "Eastvale District Council",
        "Eastvale Police",
    ]
    assert sum(theme.active for theme in window.services.vocabulary.themes()) == 2
    assert window.services.workspace.details().plan_period == "01/04/2026 to 31/03/2029"
    window.undo_stack.undo()
    assert window.services.organisations.list() == []
    assert all(theme.active for theme in window.services.vocabulary.themes())
    window.undo_stack.redo()
    assert len(window.services.organisations.list()) == 2


def test_a_wrong_date_is_said_beside_it_and_the_wizard_stays(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    wizard = SetUpWizard(window.env, window)
    qtbot.addWidget(wizard)
    wizard.open()
    wizard.partnership.name.setText("Eastvale Locality Partnership")
    wizard.partnership.plan_start.edit.setText("01/04/2026")
    wizard.partnership.plan_end.edit.setText("31/03/2025")
    wizard.next()
    assert wizard.currentPage() is wizard.partnership
    message = wizard.partnership.findChild(QWidget, "plan_endError")
    assert message is not None and "cannot end before it starts" in message.text()  # type: ignore[attr-defined]


def test_a_partner_typed_twice_is_said_on_the_page(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    wizard = SetUpWizard(window.env, window)
    qtbot.addWidget(wizard)
    wizard.open()
    wizard.partnership.name.setText("Eastvale Locality Partnership")
    wizard.next()
    wizard.partners.names.setPlainText("Eastvale Police\nEastvale police")
    wizard.next()
    assert wizard.currentPage() is wizard.partners
    assert "typed twice" in wizard.partners.error.text()
    assert wizard.partners.names.toPlainText() == "Eastvale Police\nEastvale police"  # nothing typed is lost


def test_themes_out_of_use_leave_the_pickers_but_a_need_keeps_its_own(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from locality.services.needs import NeedDraft
    from locality.ui.need_dialog import NeedDialog

    services = window.services
    assert services is not None
    themes = {theme.name: theme.id for theme in services.vocabulary.themes()}
    need = services.needs.create(NeedDraft(title="Safer streets at night", theme_id=themes["Housing"]))
    services.vocabulary.set_themes_in_use({themes["Community engagement"]})

    def offered(dialog: NeedDialog) -> list[str]:
        return [dialog.theme.itemText(number).strip() for number in range(dialog.theme.count())]

    new = NeedDialog(window.env, None, window)
    qtbot.addWidget(new)
    assert offered(new) == ["(no theme)", "Community engagement"]
    existing = NeedDialog(window.env, services.needs.get(need.id), window)
    qtbot.addWidget(existing)
    assert offered(existing) == ["(no theme)", "Community engagement", "Housing"]
    assert existing.theme.currentData() == themes["Housing"]  # saving it again keeps the theme


def test_partners_imported_from_a_spreadsheet_are_listed_and_not_added_twice(
    qtbot,
    window: MainWindow,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from locality.ui.import_dialog import ImportDialog

    sheet = tmp_path / "partners.csv"
    sheet.write_text("name,type\nEastvale District Council,District council\nEastvale Police,Police\n", "utf-8")
    wizard = SetUpWizard(window.env, window)
    qtbot.addWidget(wizard)
    wizard.open()
    wizard.partnership.name.setText("Eastvale Locality Partnership")
    wizard.next()

    def import_sheet(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        assert dialog.kind.currentData() == "organisations"
        dialog.path.setText(str(sheet))
        dialog.check()
        qtbot.waitUntil(lambda: dialog.work is not None and dialog.work.finished, timeout=10_000)
        dialog.run_import()

    failure = when_shown(ImportDialog, import_sheet)
    wizard.partners.import_button.click()
    failure.check()
    assert wizard.partners.existing.text() == "Already in the workspace: Eastvale District Council, Eastvale Police."
    wizard.partners.names.setPlainText("Eastvale Police\nEastvale Fire and Rescue")
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert window.services is not None
    names = sorted(o.name for o in window.services.organisations.list())
    assert names == ["Eastvale District Council", "Eastvale Fire and Rescue", "Eastvale Police"]


def test_a_cancelled_demo_writes_nothing_and_says_so(qtbot, window: MainWindow, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    title = window.windowTitle()
    work = explore_demo(window)
    assert work is not None
    work.cancel()
    qtbot.waitUntil(lambda: work.finished, timeout=60_000)
    assert window.statusBar().currentMessage() == "The demo partnership was not made; nothing was written."
    assert not (data_dir / DEMO_WORKSPACE_NAME).exists()
    assert window.windowTitle() == title
