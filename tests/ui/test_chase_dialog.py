"""The "what needs chasing" dialog and banner, driven as a coordinator would."""

from __future__ import annotations

import csv
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QUndoStack
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from locality.domain.vocabulary import ActionStatus
from locality.services.actions import ActionDraft
from locality.services.demo import DEMO_TODAY
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.ui.chase_dialog import ChaseBanner, ChaseDialog
from locality.ui.env import UiEnv
from locality.ui.forms import find_data
from locality.ui.settings import AppSettings
from tests.ui.helpers import when_dialog_opens

TODAY = DEMO_TODAY


@pytest.fixture
def env(demo_services: Services) -> UiEnv:
    demo_services.context.today = lambda: TODAY  # the small demo is generated as at this day
    return UiEnv(demo_services, QUndoStack(), AppSettings())


@pytest.fixture
def informed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def record(_parent: Any, _title: str, text: str, *_args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "information", record)
    return shown


def open_dialog(qtbot: Any, env: UiEnv) -> ChaseDialog:
    dialog = ChaseDialog(env)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading and dialog.chase is not None)
    return dialog


def shown_rows(dialog: ChaseDialog) -> list[tuple[str, str, str]]:
    model = dialog.model
    return [
        tuple(model.index(row, column).data() for column in (0, 1, 2))  # type: ignore[misc]
        for row in range(model.rowCount())
    ]


def test_the_table_shows_the_chase_list(qtbot: Any, env: UiEnv) -> None:
    dialog = open_dialog(qtbot, env)
    expected = env.services.chase.chase_list(None, 14)
    assert dialog.model.total() == len(expected.items) > 0
    assert shown_rows(dialog) == [(item.kind.value, item.action_title, item.milestone_title) for item in expected.items]
    assert dialog.summary.text() == expected.summary.sentence
    first = dialog.model.index(0, 6).data()
    assert first == f"{expected.items[0].days_overdue} days"
    rag = dialog.model.index(0, 8)
    assert rag.data() == expected.items[0].rag.value  # type: ignore[union-attr]
    assert rag.data(Qt.ItemDataRole.BackgroundRole) is not None


def test_filters_by_organisation_days_and_partners(qtbot: Any, env: UiEnv) -> None:
    dialog = open_dialog(qtbot, env)
    assert not dialog.partners.isEnabled()
    lead_id, lead_name = env.services.chase.chase_list().leads()[0]
    dialog.organisation.setCurrentIndex(find_data(dialog.organisation, lead_id))
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.partners.isEnabled()
    rows = dialog.model.all_rows()
    assert rows and {row.lead_organisation_id for row in rows} == {lead_id}
    assert dialog.summary.text().startswith(f"For actions {lead_name} leads:")
    dialog.partners.setChecked(True)
    qtbot.waitUntil(lambda: not dialog.loading)
    wanted = env.services.chase.chase_list(lead_id, 14, include_partners=True)
    assert [row.action_id for row in dialog.model.all_rows()] == [item.action_id for item in wanted.items]
    dialog.organisation.setCurrentIndex(0)
    dialog.days.setValue(60)
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.model.total() == len(env.services.chase.chase_list(None, 60).items)


def test_nothing_to_chase_says_so(qtbot: Any, services: Services) -> None:
    dialog = open_dialog(qtbot, UiEnv(services, QUndoStack(), AppSettings()))
    assert dialog.stack.currentWidget() is dialog.empty
    assert "Nothing needs chasing" in dialog.empty.text()
    assert not dialog.export_button.isEnabled() and not dialog.drafts_button.isEnabled()


def test_export_csv(
    qtbot: Any, env: UiEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, informed: list[str]
) -> None:
    target = tmp_path / "chasing"  # no suffix: .csv is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "CSV files (*.csv)"))
    dialog = open_dialog(qtbot, env)
    dialog.include_contacts.setChecked(True)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(informed))
    written = target.with_suffix(".csv")
    assert informed == [f"Wrote {dialog.model.total()} rows to {written}."]
    with open(written, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["Action"] for row in rows] == [item.action_title for item in dialog.model.all_rows()]
    assert rows[0]["Contact e-mail"] == dialog.model.all_rows()[0].contact_email


def test_write_email_drafts_reports_what_it_did(
    qtbot: Any, env: UiEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, informed: list[str]
) -> None:
    quiet = env.services.organisations.create(OrganisationDraft(name="Quiet Partners Forum"))
    env.services.actions.create(
        ActionDraft(
            title="Overdue and unreachable",
            lead_organisation_id=quiet.id,
            status=ActionStatus.IN_PROGRESS,
            due_on=TODAY - timedelta(days=2),
        )
    )
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(tmp_path))
    dialog = open_dialog(qtbot, env)
    dialog.drafts_button.click()
    qtbot.waitUntil(lambda: bool(informed))
    drafts = sorted(tmp_path.glob("*.eml"))
    leads = dialog.chase.leads()  # type: ignore[union-attr]
    recipients = [group for oid, _name in leads for group in dialog.chase.recipients(oid)]  # type: ignore[union-attr]
    reachable = [group for group in recipients if group[0].contact_email]  # owners and organisation contacts
    assert len(drafts) == len(reachable) > 0
    message = informed[0]
    assert message.startswith(f"Wrote {len(drafts)} e-mail drafts to {tmp_path}.")
    assert "no contact e-mail: " in message and "Quiet Partners Forum" in message
    parsed = BytesParser(policy=policy.default).parsebytes(drafts[0].read_bytes())
    assert parsed["X-Unsent"] == "1" and parsed["Subject"].startswith("Progress update needed: ")


def test_email_this_lead_opens_a_mailto_link(
    qtbot: Any, env: UiEnv, monkeypatch: pytest.MonkeyPatch, informed: list[str]
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    dialog = open_dialog(qtbot, env)
    assert not dialog.mail_button.isEnabled()  # nothing selected, no organisation chosen
    row = next(number for number, item in enumerate(dialog.model.all_rows()) if item.contact_email)
    dialog.table.selectRow(row)
    item = dialog.model.row_at(row)
    assert dialog.mail_button.isEnabled()
    dialog.mail_button.click()
    assert len(opened) == 1 and opened[0].startswith("mailto:")
    parts = urlsplit(opened[0])
    assert unquote(parts.path) == item.contact_email
    assert item.action_title in unquote(parts.query)
    assert informed == []


def test_double_click_opens_the_action_and_a_change_shows(qtbot: Any, env: UiEnv) -> None:
    dialog = open_dialog(qtbot, env)
    item = dialog.model.row_at(0)
    seen: list[str] = []

    def complete_it(action_dialog: QDialog) -> None:
        seen.append(action_dialog.title_edit.text())  # type: ignore[attr-defined]
        status = action_dialog.status  # type: ignore[attr-defined]
        status.setCurrentIndex(find_data(status, ActionStatus.COMPLETED))
        action_dialog.buttons.accepted.emit()  # type: ignore[attr-defined]

    failure = when_dialog_opens(complete_it)
    rect = dialog.table.visualRect(dialog.model.index(0, 1))
    # Qt's item views take a double-click as a press followed by a double-click event, as a real mouse sends.
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    failure.check()
    assert seen == [item.action_title]
    qtbot.waitUntil(lambda: not dialog.loading)
    assert item.action_id not in {row.action_id for row in dialog.model.all_rows()}


def test_banner_sentence_and_dialog(qtbot: Any, env: UiEnv) -> None:
    banner = ChaseBanner(env)
    qtbot.addWidget(banner)
    banner.refresh()
    qtbot.waitUntil(lambda: not banner.loading)
    summary = env.services.chase.summary()
    assert summary.total > 0
    assert banner.sentence() == summary.sentence
    assert banner.sentence().startswith(
        f"{summary.overdue_actions} actions and {summary.overdue_milestones} milestones"
    )
    assert not banner.isHidden()
    opened: list[QDialog] = []

    def look(dialog: QDialog) -> None:
        opened.append(dialog)
        dialog.accept()

    failure = when_dialog_opens(look)
    banner.show_button.click()
    failure.check()
    assert isinstance(opened[0], ChaseDialog)
    banner.close_button.click()
    assert banner.isHidden()
    banner.refresh()
    assert banner.isHidden()  # closed stays closed


def test_banner_hidden_when_nothing_is_due(qtbot: Any, services: Services) -> None:
    banner = ChaseBanner(UiEnv(services, QUndoStack(), AppSettings()))
    qtbot.addWidget(banner)
    banner.show()
    banner.refresh()
    qtbot.waitUntil(lambda: not banner.loading)
    assert banner.isHidden()
