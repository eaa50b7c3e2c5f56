"""The support directory in and out of files: ``--kind providers`` and ``--kind offers`` imports under the same
contract as the others (all or nothing, ``row N: reason``, unknown names listing what is allowed), and an export
that imports into a new workspace as the same directory."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from locality.domain.errors import ImportFileError, ValidationError
from locality.domain.support import OfferDraft, ProviderDraft
from locality.domain.vocabulary import VocabularyKind, seeded_id
from locality.exchange.import_columns import KINDS
from locality.exchange.importing import import_file, preview
from locality.exchange.support_export import export_directory
from locality.services.context import User
from locality.services.registry import Services
from tests.exchange.test_importing import write_csv, write_xlsx

PROVIDERS = list(KINDS["providers"])
OFFERS = list(KINDS["offers"])


def directory(services: Services) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The directory as comparable values: no ids or versions, which differ between workspaces."""
    providers = [
        (p.name, p.kind_name, p.region, p.website, p.contact_name, p.contact_email, p.notes, p.offer_count)
        for p in services.support.providers()
    ]
    offers = [
        (
            o.provider_name,
            o.title,
            o.support_type_name,
            o.theme_names,
            o.delivery_level_name,
            o.typical_cost_pence,
            o.duration_days,
            o.eligibility,
            o.url,
        )
        for o in services.support.offers()
    ]
    return providers, offers


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Services]:
    opened = Services.open(tmp_path / "other.locality", User("Other User", "Other Org"))
    yield opened
    opened.close()


def fill(services: Services) -> None:
    idea = services.support.create_provider(
        ProviderDraft(
            "IDeA",
            kind_id=seeded_id(VocabularyKind.PROVIDER, "IDeA"),
            region="England",
            website="https://www.idea.gov.uk",
            contact_name="Sam Jones",
            contact_email="sam@idea.gov.uk",
            notes="=SUM(A1) is not a formula here",
        )
    )
    partnership = seeded_id(VocabularyKind.PROVIDER, "Regional improvement partnership")
    rip = services.support.create_provider(ProviderDraft("East Midlands RIEP", kind_id=partnership))
    services.support.create_offer(
        OfferDraft(
            idea.id,
            "Corporate peer challenge",
            support_type_id=seeded_id(VocabularyKind.SUPPORT_TYPE, "Peer challenge"),
            delivery_level_id=seeded_id(VocabularyKind.DELIVERY_LEVEL, "National"),
            theme_ids=(seeded_id("theme", "Leadership and governance"), seeded_id("theme", "Housing")),
            typical_cost_pence=1_250_050,
            duration_days=5,
            eligibility="Any English council",
            url="https://www.idea.gov.uk/peer",
        )
    )
    services.support.create_offer(OfferDraft(rip.id, "Efficiency review"))


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_exported_directory_imports_into_a_new_workspace_as_the_same_directory(
    services: Services, other: Services, tmp_path: Path, suffix: str
) -> None:
    fill(services)
    providers_file, offers_file = tmp_path / f"providers.{suffix}", tmp_path / f"offers.{suffix}"

    assert export_directory(services, "providers", providers_file, include_confidential=True) == 2
    assert export_directory(services, "offers", offers_file) == 2
    import_file(other, "providers", providers_file)
    report = import_file(other, "offers", offers_file)

    assert report.created == {"support offers": 2}
    assert directory(other) == directory(services)


def test_contact_details_are_left_out_of_an_export_unless_confidential_content_is_asked_for(
    services: Services, tmp_path: Path
) -> None:
    fill(services)
    target = tmp_path / "providers.csv"

    export_directory(services, "providers", target)

    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["contact_name"] for row in rows} == {""} and {row["contact_email"] for row in rows} == {""}
    assert rows[1]["notes"] == "'=SUM(A1) is not a formula here"  # neutralised: no formula in a spreadsheet


def test_an_export_to_another_kind_of_file_is_refused_in_a_sentence(services: Services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="exported as a .csv or .xlsx file"):
        export_directory(services, "offers", tmp_path / "offers.pdf")


def bad_rows(services: Services, kind: str, path: Path) -> Sequence[str]:
    with pytest.raises(ImportFileError) as refused:
        import_file(services, kind, path)
    return refused.value.row_errors


def test_bad_provider_rows_are_each_reported_and_nothing_is_written(services: Services, tmp_path: Path) -> None:
    services.support.create_provider(ProviderDraft("IDeA"))
    path = write_csv(
        tmp_path / "providers.csv",
        [
            PROVIDERS,
            ["Voluntary Action Barset", "Voluntary sector infrastructure body", "", "", "", "", ""],
            ["idea", "IDeA", "", "", "", "", ""],
            ["Consultants Ltd", "Consultancy firm", "", "", "", "", ""],
            ["Bad site", "", "", "javascript:alert(1)", "", "", ""],
            ["Voluntary Action Barset", "", "", "", "", "", ""],
            ["No mail", "", "", "", "", "not-an-address", ""],
        ],
    )

    errors = bad_rows(services, "providers", path)

    assert errors[0] == 'row 3: There is already a provider called "idea" in this workspace.'
    assert errors[1].startswith('row 4: "Consultancy firm" is not a known support provider; use one of: IDeA,')
    assert "Commercial" in errors[1]
    assert errors[2].startswith("row 5: The website must be a web page starting http:// or https://")
    assert errors[3].startswith('row 6: "Voluntary Action Barset" is already on row 2 of this file')
    assert errors[4].startswith('row 7: "not-an-address" is not an e-mail address')
    assert len(errors) == 5
    assert [provider.name for provider in services.support.providers()] == ["IDeA"]


def test_bad_offer_rows_are_each_reported_and_nothing_is_written(services: Services, tmp_path: Path) -> None:
    services.support.create_provider(ProviderDraft("IDeA"))
    path = write_xlsx(
        tmp_path / "offers.xlsx",
        [
            OFFERS,
            ["IDeA", "Mentoring", "Mentoring", "Housing; Health", "Regional", 1500, 3, "", "https://x.gov.uk"],
            ["Idea Agency", "Peer review", "", "", "", "", "", "", ""],
            ["IDeA", "Training", "Lecture", "", "", "", "", "", ""],
            ["IDeA", "Coaching", "", "Housing; Knitting", "", "", "", "", ""],
            ["IDeA", "Funding", "", "", "", "-£5", "two", "", ""],
            ["IDeA", "mentoring", "", "", "", "", "", "", ""],
            ["IDeA", "Links", "", "", "", "", "", "", "file:///etc/passwd"],
        ],
    )

    errors = bad_rows(services, "offers", path)

    assert errors[0].startswith('row 3: "Idea Agency" is not a support provider in this workspace')
    assert errors[1].startswith('row 4: "Lecture" is not a known support type; use one of: Peer challenge, Mentoring')
    assert errors[2].startswith('row 5: "Knitting" is not a known theme; use one of:')
    assert errors[3].startswith("row 6: Typical cost:") and "Duration (days)" in errors[3]
    assert errors[4].startswith('row 7: "mentoring" from IDeA is already on row 2 of this file')
    assert errors[5].startswith("row 8: The web address must be a web page starting http:// or https://")
    assert len(errors) == 6
    assert services.support.offers() == []


def test_an_offer_already_in_the_directory_is_refused_and_a_preview_shows_the_rest(
    services: Services, tmp_path: Path
) -> None:
    provider = services.support.create_provider(ProviderDraft("IDeA"))
    services.support.create_offer(OfferDraft(provider.id, "Mentoring"))
    path = write_csv(
        tmp_path / "offers.csv",
        [OFFERS, ["IDeA", "Training", "Training", "", "", "£1,200", "2", "", ""], ["IDeA", "MENTORING"]],
    )

    shown = preview(services, "offers", path)

    assert shown.row_errors == ('row 3: IDeA already has an offer called "MENTORING" in this workspace.',)
    assert [row["title"] for row in shown.rows] == ["Training"]
    assert [offer.title for offer in services.support.offers()] == ["Mentoring"]
