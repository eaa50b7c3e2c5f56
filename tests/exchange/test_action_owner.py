"""An action's named owner in the exported plan: the owner's name in every format, their e-mail and telephone
(personal contact details) only when confidential content is included."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from locality.exchange.export import export_plan
from locality.services.actions import ActionDraft
from locality.services.organisations import OrganisationDraft
from locality.services.plan import PlanFilters
from locality.services.plan_building import build_plan
from locality.services.registry import Services

OWNER = "Janet Hughes"
EMAIL = "jh@shire.gov.uk"
PHONE = "01632 960123"


@pytest.fixture
def owned(services: Services) -> Services:
    lead = services.organisations.create(OrganisationDraft(name="Shire County Council")).id
    services.actions.create(
        ActionDraft(
            "Joint peer review of housing",
            lead_organisation_id=lead,
            owner_name=OWNER,
            owner_email=EMAIL,
            owner_phone=PHONE,
        )
    )
    services.actions.create(ActionDraft("Tenant panel training", lead_organisation_id=lead))
    return services


def file_text(path: Path) -> str:
    """Everything a reader of the file would see, as plain text."""
    suffix = path.suffix
    if suffix == ".pdf":
        return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    if suffix == ".docx":
        document = docx.Document(str(path))
        return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    if suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True)
        return "\n".join(str(value) for row in workbook["Actions"].iter_rows(values_only=True) for value in row)
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("format", ["pdf", "docx", "html", "xlsx", "csv"])
def test_the_owner_is_named_in_every_format_and_their_contact_only_when_confidential(
    owned: Services, tmp_path: Path, format: str
) -> None:
    shared = tmp_path / f"shared.{format}"
    export_plan(owned, format, shared, PlanFilters())
    text = file_text(shared)
    assert OWNER in text
    assert EMAIL not in text and PHONE not in text

    confidential = tmp_path / f"confidential.{format}"
    export_plan(owned, format, confidential, PlanFilters(include_confidential=True))
    text = file_text(confidential)
    assert OWNER in text and EMAIL in text and PHONE in text


def test_the_plan_holds_the_owner_and_leaves_their_contact_out_unless_asked(owned: Services) -> None:
    plan = build_plan(owned, PlanFilters())
    by_title = {action.title: action for action in plan.actions}
    assert (by_title["Joint peer review of housing"].owner, by_title["Joint peer review of housing"].owner_email) == (
        OWNER,
        "",
    )
    assert by_title["Tenant panel training"].owner == ""
    full = {action.title: action for action in build_plan(owned, PlanFilters(include_confidential=True)).actions}
    assert (full["Joint peer review of housing"].owner_email, full["Joint peer review of housing"].owner_phone) == (
        EMAIL,
        PHONE,
    )


def test_the_csv_and_sheet_have_owner_columns_after_the_others(owned: Services, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    export_plan(owned, "csv", target, PlanFilters(include_confidential=True))
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = {row["Title"]: row for row in csv.DictReader(handle)}
    assert list(rows["Joint peer review of housing"])[-3:] == ["Owner", "Owner e-mail", "Owner telephone"]
    assert (rows["Joint peer review of housing"]["Owner"], rows["Tenant panel training"]["Owner"]) == (OWNER, "")

    sheet = tmp_path / "plan.xlsx"
    export_plan(owned, "xlsx", sheet, PlanFilters())
    actions = load_workbook(sheet)["Actions"]
    header = [cell.value for cell in actions[1]]
    owner_column = header.index("Owner")
    assert header[owner_column + 1 : owner_column + 3] == ["Owner e-mail", "Owner telephone"]
    values = {row[0]: row for row in actions.iter_rows(min_row=2, values_only=True)}
    assert values["Joint peer review of housing"][owner_column] == OWNER
    assert values["Joint peer review of housing"][owner_column + 1] in (None, "")  # no e-mail unless confidential
