"""The support directory as CSV or XLSX: its providers, or its offers, one file each, with exactly the columns
``locality import --kind providers`` and ``--kind offers`` read, so that a directory exported from one
workspace imports into another as it was (providers first, then offers).

Same contract as the other exports: written atomically (on any error the target is left as it was), every text
cell through ``safe_text.neutralise`` so that no name can become a formula, CSV in UTF-8 with a byte-order mark.
A provider's contact name and e-mail (personal data) are left empty unless confidential content is asked for.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from locality.domain.errors import ValidationError
from locality.domain.support import SupportOffer, SupportProvider
from locality.domain.values import format_money
from locality.exchange.import_columns import KINDS
from locality.exchange.update_sheet import cell_text
from locality.files import atomic_path

if TYPE_CHECKING:
    from locality.services.registry import Services

PARTS = ("providers", "offers")
FORMATS = ("csv", "xlsx")
_CONFIDENTIAL = ("contact_name", "contact_email")
_WIDTHS = {"name": 40, "title": 40, "provider": 36, "themes": 40, "eligibility": 36, "notes": 36, "url": 36}


def export_format(target: Path | str) -> str:
    """ "csv" or "xlsx", from the file name's extension; anything else is refused with a plain sentence."""
    suffix = Path(target).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValidationError(
            {"format": f'The directory is exported as a .csv or .xlsx file; "{Path(target).name}" is neither.'}
        )
    return suffix


def provider_rows(providers: Sequence[SupportProvider], *, include_confidential: bool) -> list[list[object]]:
    rows: list[list[object]] = []
    for provider in providers:
        values: dict[str, object] = {
            "name": provider.name,
            "kind": provider.kind_name,
            "region": provider.region,
            "website": provider.website,
            "contact_name": provider.contact_name,
            "contact_email": provider.contact_email,
            "notes": provider.notes,
        }
        if not include_confidential:
            values.update(dict.fromkeys(_CONFIDENTIAL, ""))
        rows.append([values[column] for column in KINDS["providers"]])
    return rows


def offer_rows(offers: Sequence[SupportOffer], *, money_as_text: bool) -> list[list[object]]:
    rows: list[list[object]] = []
    for offer in offers:
        pence = offer.typical_cost_pence
        cost: object = None
        if pence is not None:
            cost = format_money(pence) if money_as_text else pence / 100
        values: dict[str, object] = {
            "provider": offer.provider_name,
            "title": offer.title,
            "support_type": offer.support_type_name,
            "themes": "; ".join(offer.theme_names),
            "delivery_level": offer.delivery_level_name,
            "typical_cost": cost,
            "duration_days": offer.duration_days,
            "eligibility": offer.eligibility,
            "url": offer.url,
        }
        rows.append([values[column] for column in KINDS["offers"]])
    return rows


def export_directory(services: Services, part: str, target: Path, *, include_confidential: bool = False) -> int:
    """Writes the directory's ``part`` ("providers" or "offers") to ``target`` (.csv or .xlsx); returns how many
    rows it holds. Inactive providers and offers are included: the file is the whole directory."""
    if part not in PARTS:
        raise ValidationError({"part": f'"{part}" is not part of the directory; use one of: {", ".join(PARTS)}'})
    fmt = export_format(target)
    if part == "providers":
        rows = provider_rows(services.support.providers(), include_confidential=include_confidential)
    else:
        rows = offer_rows(services.support.offers(), money_as_text=fmt == "csv")
    headings = KINDS[part]
    with atomic_path(target) as temporary:
        if fmt == "csv":
            _write_csv(temporary, headings, rows)
        else:
            _write_xlsx(temporary, part, headings, rows)
    return len(rows)


def _write_csv(path: Path, headings: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        for row in rows:
            writer.writerow(["" if value is None else cell_text(str(value)) for value in row])


def _write_xlsx(path: Path, part: str, headings: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = part.capitalize()
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    money_column = headings.index("typical_cost") + 1 if "typical_cost" in headings else None
    for row in rows:
        sheet.append([cell_text(value) if isinstance(value, str) else value for value in row])
    if money_column is not None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=money_column, max_col=money_column):
            cell.number_format = '"£"#,##0.00'
    for index, heading in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(heading, 18)
    sheet.freeze_panes = "A2"
    workbook.save(path)
