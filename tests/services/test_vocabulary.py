"""Vocabulary: the lists seeded into every workspace (DESIGN.md "Vocabulary"), matching names typed or imported,
and the terms, themes and funding sources users add."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import DuplicateError, ValidationError
from locality.domain.vocabulary import VocabularyKind
from locality.services.context import Changes, ServiceContext, User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.services.vocabulary import VocabularyService
from locality.store.models import ChangeLogRecord, ThemeRecord, VocabularyTermRecord
from locality.store.unit_of_work import UnitOfWork
from locality.store.workspace import Workspace, open_workspace

# --------------------------------------------------------------------------- DESIGN.md, "Vocabulary"

TOP_LEVEL_THEMES = [
    "Leadership and governance",
    "Partnership working, community leadership and place shaping",
    "Community engagement",
    "Corporate effectiveness and efficiencies",
    "Service improvement",
    "Cross-cutting challenges",
]
SERVICE_AREAS = [
    "Children's services",
    "Adult social care",
    "Community safety",
    "Health",
    "Housing",
    "Environment",
    "Economic development",
]
DESIGNED_TERMS = {
    VocabularyKind.DELIVERY_LEVEL: ["Local", "Sub-regional", "Regional", "National"],
    VocabularyKind.PROVIDER: [
        "IDeA",
        "Regional improvement partnership",
        "Regional centre of excellence",
        "Audit Commission",
        "LGA",
        "Peer councils",
        "In-house",
        "Other",
        "Voluntary sector infrastructure body",
        "Commercial",
    ],
    VocabularyKind.ACTION_TYPE: [
        "Peer challenge or review",
        "Leadership development",
        "Member development / scrutiny skills",
        "Training and skills",
        "Shared service",
        "Joint commissioning",
        "Secondment or mentoring",
        "Consultancy or advice",
        "Community engagement event",
        "Toolkit or good-practice sharing",
    ],
    VocabularyKind.NEED_SOURCE: [
        "Self-assessment",
        "Peer challenge",
        "Inspection / CPA",
        "Citizen or customer survey",
        "Workshop",
        "Other",
    ],
    VocabularyKind.ORGANISATION_TYPE: [
        "County council",
        "District council",
        "Unitary council",
        "Police",
        "Fire and rescue",
        "Health",
        "Housing",
        "Voluntary and community",
        "Business",
        "Education",
        "Other",
    ],
    VocabularyKind.SECTOR: ["Public", "Third sector", "Private"],
    VocabularyKind.SUPPORT_TYPE: [
        "Peer challenge",
        "Mentoring",
        "Training",
        "Consultancy",
        "Funding",
        "Shared service design",
    ],
}
FUNDING_SOURCES = [
    "Capacity-building fund",
    "RSG top-slice",
    "Pump-priming grant",
    "Performance reward grant",
    "Partner contribution",
    "Other",
]


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def vocabulary(services: Services) -> VocabularyService:
    return services.vocabulary


@pytest.fixture
def heard(services: Services) -> list[Changes]:
    received: list[Changes] = []
    services.context.subscribe(received.append)
    return received


def logged(services: Services) -> list[tuple[str, str, str | None]]:
    with services.context.workspace.reading() as unit:
        return [(row.entity, row.operation, row.new_value) for row in unit.list(ChangeLogRecord, order_by=("seq",))]


def theme_id(vocabulary: VocabularyService, name: str) -> uuid.UUID:
    return next(theme.id for theme in vocabulary.themes() if theme.name == name)


# --------------------------------------------------------------------------- seeded lists


def test_seeded_top_level_themes_are_as_designed(vocabulary: VocabularyService) -> None:
    top = [theme for theme in vocabulary.themes() if theme.parent_id is None]

    assert [theme.name for theme in top] == TOP_LEVEL_THEMES
    assert all(theme.parent_name is None and theme.full_name == theme.name for theme in top)


def test_the_seven_service_areas_sit_beneath_service_improvement(vocabulary: VocabularyService) -> None:
    themes = vocabulary.themes()
    parent = next(theme for theme in themes if theme.name == "Service improvement")
    children = [theme for theme in themes if theme.parent_id is not None]

    assert [theme.name for theme in children] == SERVICE_AREAS
    assert all(theme.parent_id == parent.id and theme.parent_name == "Service improvement" for theme in children)
    assert [theme.full_name for theme in children] == [f"Service improvement: {area}" for area in SERVICE_AREAS]


def test_themes_are_listed_with_service_areas_directly_under_their_parent(vocabulary: VocabularyService) -> None:
    names = [theme.name for theme in vocabulary.themes()]

    at = names.index("Service improvement")
    assert names[at + 1 : at + 8] == SERVICE_AREAS
    assert names[at + 8] == "Cross-cutting challenges"
    assert len(names) == len(TOP_LEVEL_THEMES) + len(SERVICE_AREAS)


def test_every_seeded_theme_has_a_colour(vocabulary: VocabularyService) -> None:
    for theme in vocabulary.themes():
        assert theme.colour.startswith("#") and len(theme.colour) == 7, theme


@pytest.mark.parametrize("kind", list(DESIGNED_TERMS))
def test_seeded_terms_are_as_designed_in_order(vocabulary: VocabularyService, kind: VocabularyKind) -> None:
    terms = vocabulary.terms(kind)

    assert [term.name for term in terms] == DESIGNED_TERMS[kind]
    assert all(term.kind == kind and term.active for term in terms)


def test_every_kind_of_term_is_seeded(vocabulary: VocabularyService) -> None:
    assert set(DESIGNED_TERMS) == set(VocabularyKind)


def test_seeded_funding_sources_are_as_designed(vocabulary: VocabularyService) -> None:
    assert [source.name for source in vocabulary.funding_sources()] == FUNDING_SOURCES


@pytest.fixture
def two_new_workspaces(tmp_path: Path) -> Iterator[tuple[VocabularyService, VocabularyService]]:
    opened: list[Workspace] = []
    services = []
    for name in ("office.locality", "laptop.locality"):
        workspace = open_workspace(tmp_path / name)
        opened.append(workspace)
        services.append(VocabularyService(ServiceContext(workspace, User("Test User", "Test Org"))))
    yield services[0], services[1]
    for workspace in opened:
        workspace.close()


def test_seeded_ids_are_the_same_in_two_separately_created_workspaces(
    two_new_workspaces: tuple[VocabularyService, VocabularyService],
) -> None:
    office, laptop = two_new_workspaces

    assert office.themes() == laptop.themes()
    for kind in VocabularyKind:
        assert office.terms(kind) == laptop.terms(kind)
    assert office.funding_sources() == laptop.funding_sources()
    # ... but a term each adds for itself is a different record.
    assert (
        office.add_term(VocabularyKind.PROVIDER, "Local university").id
        != laptop.add_term(VocabularyKind.PROVIDER, "Local university").id
    )


# --------------------------------------------------------------------------- resolving names


@pytest.mark.parametrize("typed", ["Shared service", "shared SERVICE", "  Shared service  ", "shared   service"])
def test_resolve_term_ignores_case_and_spaces(vocabulary: VocabularyService, typed: str) -> None:
    expected = next(term.id for term in vocabulary.terms(VocabularyKind.ACTION_TYPE) if term.name == "Shared service")

    assert vocabulary.resolve_term(VocabularyKind.ACTION_TYPE, typed) == expected


def test_resolve_term_looks_only_at_the_kind_asked_for(vocabulary: VocabularyService) -> None:
    as_type = vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "health")
    as_provider_other = vocabulary.resolve_term(VocabularyKind.PROVIDER, "Other")
    as_source_other = vocabulary.resolve_term(VocabularyKind.NEED_SOURCE, "Other")

    assert as_type in {term.id for term in vocabulary.terms(VocabularyKind.ORGANISATION_TYPE)}
    assert as_provider_other != as_source_other
    with pytest.raises(ValidationError):
        vocabulary.resolve_term(VocabularyKind.SECTOR, "Health")


def test_an_unknown_term_lists_the_allowed_values(vocabulary: VocabularyService) -> None:
    with pytest.raises(ValidationError) as caught:
        vocabulary.resolve_term(VocabularyKind.DELIVERY_LEVEL, "  Galactic ")

    assert caught.value.field_errors == {
        "delivery_level": '"Galactic" is not a known delivery level; '
        "use one of: Local, Sub-regional, Regional, National"
    }


def test_an_unknown_sector_lists_the_allowed_sectors(vocabulary: VocabularyService) -> None:
    with pytest.raises(ValidationError) as caught:
        vocabulary.resolve_term(VocabularyKind.SECTOR, "Charity")

    assert str(caught.value) == '"Charity" is not a known sector; use one of: Public, Third sector, Private.'


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Community engagement", "Community engagement"),
        ("  community ENGAGEMENT ", "Community engagement"),
        ("Housing", "Housing"),
        ("housing", "Housing"),
        ("Service improvement: Housing", "Housing"),
        ("  service improvement:   HOUSING ", "Housing"),
        ("Service improvement", "Service improvement"),
        ("Service improvement: Children's services", "Children's services"),
    ],
)
def test_resolve_theme_by_name_or_parent_and_area(vocabulary: VocabularyService, typed: str, expected: str) -> None:
    assert vocabulary.resolve_theme(typed) == theme_id(vocabulary, expected)


def test_an_unknown_theme_lists_the_themes(vocabulary: VocabularyService) -> None:
    with pytest.raises(ValidationError) as caught:
        vocabulary.resolve_theme(" Transport ")

    message = caught.value.field_errors["theme"]
    assert message.startswith('"Transport" is not a known theme; use one of: ')
    for name in TOP_LEVEL_THEMES + SERVICE_AREAS:
        assert name in message


def test_a_service_area_under_the_wrong_parent_is_not_found(vocabulary: VocabularyService) -> None:
    with pytest.raises(ValidationError):
        vocabulary.resolve_theme("Community engagement: Housing")


@pytest.mark.parametrize("typed", ["RSG top-slice", "rsg TOP-SLICE", "  RSG   top-slice "])
def test_resolve_funding_source_ignores_case_and_spaces(vocabulary: VocabularyService, typed: str) -> None:
    expected = next(source.id for source in vocabulary.funding_sources() if source.name == "RSG top-slice")

    assert vocabulary.resolve_funding_source(typed) == expected


def test_an_unknown_funding_source_lists_the_sources(vocabulary: VocabularyService) -> None:
    with pytest.raises(ValidationError) as caught:
        vocabulary.resolve_funding_source("Lottery")

    assert caught.value.field_errors == {
        "funding_source": '"Lottery" is not a known funding source; use one of: ' + ", ".join(FUNDING_SOURCES)
    }


# --------------------------------------------------------------------------- adding terms


def test_add_term_appends_it_to_its_list(services: Services, heard: list[Changes]) -> None:
    added = services.vocabulary.add_term(VocabularyKind.PROVIDER, "  Local university ")

    assert added.name == "Local university"
    assert added.kind == VocabularyKind.PROVIDER
    assert added.active is True
    providers = services.vocabulary.terms(VocabularyKind.PROVIDER)
    assert [term.name for term in providers] == DESIGNED_TERMS[VocabularyKind.PROVIDER] + ["Local university"]
    assert providers[-1] == added
    assert services.vocabulary.resolve_term(VocabularyKind.PROVIDER, "local UNIVERSITY") == added.id
    assert heard == [Changes(frozenset({"vocabulary_term"}))]
    assert [(entity, operation) for entity, operation, _ in logged(services)] == [("vocabulary_term", "create")]


@pytest.mark.parametrize("typed", ["Shared service", "shared SERVICE", "  shared   service "])
def test_add_term_refuses_a_duplicate_of_the_same_kind(services: Services, heard: list[Changes], typed: str) -> None:
    with pytest.raises(DuplicateError) as caught:
        services.vocabulary.add_term(VocabularyKind.ACTION_TYPE, typed)

    assert set(caught.value.field_errors) == {"name"}
    assert "already" in caught.value.field_errors["name"]
    assert len(services.vocabulary.terms(VocabularyKind.ACTION_TYPE)) == len(DESIGNED_TERMS[VocabularyKind.ACTION_TYPE])
    assert logged(services) == []
    assert heard == []


def test_the_same_name_may_be_a_term_of_another_kind(vocabulary: VocabularyService) -> None:
    added = vocabulary.add_term(VocabularyKind.SECTOR, "Health")

    assert [term.name for term in vocabulary.terms(VocabularyKind.SECTOR)][-1] == "Health"
    assert added.id != vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "Health")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (VocabularyKind.SECTOR, "Sector cannot be empty."),
        (VocabularyKind.ORGANISATION_TYPE, "Organisation type cannot be empty."),
        (VocabularyKind.PROVIDER, "Support provider cannot be empty."),
    ],
)
def test_add_term_refuses_an_empty_name(services: Services, kind: VocabularyKind, expected: str) -> None:
    before = services.vocabulary.terms(kind)

    with pytest.raises(ValidationError) as caught:
        services.vocabulary.add_term(kind, "   ")

    assert caught.value.field_errors == {"name": expected}
    assert services.vocabulary.terms(kind) == before
    assert logged(services) == []


def test_add_term_refuses_a_name_over_200_characters(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.vocabulary.add_term(VocabularyKind.SECTOR, "x" * 201)

    assert caught.value.field_errors == {"name": "Sector must be 200 characters or fewer; it has 201."}


def test_duplicate_term_message_reads_as_english(vocabulary: VocabularyService) -> None:
    with pytest.raises(DuplicateError) as caught:
        vocabulary.add_term(VocabularyKind.ACTION_TYPE, "Shared service")

    assert caught.value.field_errors["name"].startswith("There is already an action type called")


# --------------------------------------------------------------------------- adding themes


def test_add_a_top_level_theme(services: Services, heard: list[Changes]) -> None:
    added = services.vocabulary.add_theme("  Climate change  ", colour="#00aa00")

    assert (added.name, added.parent_id, added.parent_name, added.colour) == ("Climate change", None, None, "#00aa00")
    assert added.full_name == "Climate change"
    assert services.vocabulary.themes()[-1] == added
    assert services.vocabulary.resolve_theme("climate CHANGE") == added.id
    assert heard == [Changes(frozenset({"theme"}))]
    assert [(entity, operation) for entity, operation, _ in logged(services)] == [("theme", "create")]


def test_add_a_service_area_under_service_improvement(vocabulary: VocabularyService) -> None:
    parent = theme_id(vocabulary, "Service improvement")

    added = vocabulary.add_theme("Transport", parent)

    assert (added.parent_id, added.parent_name) == (parent, "Service improvement")
    assert added.full_name == "Service improvement: Transport"
    assert added in vocabulary.themes()
    assert vocabulary.resolve_theme("Service improvement: transport") == added.id


def test_a_new_service_area_is_listed_beneath_its_parent(vocabulary: VocabularyService) -> None:
    vocabulary.add_theme("Transport", theme_id(vocabulary, "Service improvement"))

    names = [theme.name for theme in vocabulary.themes()]
    assert names.index("Transport") < names.index("Cross-cutting challenges")


def test_a_new_area_under_a_theme_without_areas_is_listed_straight_beneath_it(vocabulary: VocabularyService) -> None:
    vocabulary.add_theme("Climate change")
    vocabulary.add_theme("Youth forums", theme_id(vocabulary, "Community engagement"))
    vocabulary.add_theme("Transport", theme_id(vocabulary, "Service improvement"))

    names = [theme.name for theme in vocabulary.themes()]
    assert names[names.index("Community engagement") + 1] == "Youth forums"
    assert names[names.index("Economic development") + 1] == "Transport"
    assert names[-1] == "Climate change"


@pytest.mark.parametrize("typed", ["Housing", "  HOUSING ", "community engagement"])
def test_add_theme_refuses_a_duplicate_at_either_level(services: Services, typed: str) -> None:
    before = services.vocabulary.themes()

    with pytest.raises(DuplicateError) as caught:
        services.vocabulary.add_theme(typed)

    assert set(caught.value.field_errors) == {"name"}
    assert caught.value.field_errors["name"].startswith("There is already a theme called")
    assert services.vocabulary.themes() == before
    assert logged(services) == []


def test_a_theme_beneath_a_service_area_is_refused(services: Services, heard: list[Changes]) -> None:
    housing = theme_id(services.vocabulary, "Housing")
    before = services.vocabulary.themes()

    with pytest.raises(ValidationError) as caught:
        services.vocabulary.add_theme("Social housing", housing)

    assert caught.value.field_errors == {"parent_id": "Themes have two levels; choose a top-level parent"}
    assert services.vocabulary.themes() == before
    assert logged(services) == []
    assert heard == []


def test_a_theme_beneath_an_unknown_parent_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.vocabulary.add_theme("Transport", uuid.uuid4())

    assert caught.value.field_errors == {"parent_id": "The parent theme does not exist"}
    assert logged(services) == []


def test_a_theme_needs_a_name(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.vocabulary.add_theme("  ")

    assert caught.value.field_errors == {"name": "Theme name cannot be empty."}


# --------------------------------------------------------------------------- adding funding sources


def test_add_funding_source(services: Services, heard: list[Changes]) -> None:
    added = services.vocabulary.add_funding_source("  Lottery grant ", "  Big Lottery Fund  ")

    assert (added.name, added.description) == ("Lottery grant", "Big Lottery Fund")
    sources = services.vocabulary.funding_sources()
    assert [source.name for source in sources] == FUNDING_SOURCES + ["Lottery grant"]
    assert sources[-1] == added
    assert services.vocabulary.resolve_funding_source("LOTTERY grant") == added.id
    assert heard == [Changes(frozenset({"funding_source"}))]
    assert [(entity, operation) for entity, operation, _ in logged(services)] == [("funding_source", "create")]


@pytest.mark.parametrize("typed", ["Other", " other ", "PARTNER   contribution"])
def test_add_funding_source_refuses_a_duplicate(services: Services, typed: str) -> None:
    with pytest.raises(DuplicateError) as caught:
        services.vocabulary.add_funding_source(typed)

    assert caught.value.field_errors["name"].startswith("There is already a funding source called")
    assert [source.name for source in services.vocabulary.funding_sources()] == FUNDING_SOURCES
    assert logged(services) == []


def test_a_funding_source_needs_a_name(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.vocabulary.add_funding_source("")

    assert caught.value.field_errors == {"name": "Funding source name cannot be empty."}


# --------------------------------------------------------------------------- renaming terms


def test_rename_term_keeps_its_id_and_is_logged(services: Services, heard: list[Changes]) -> None:
    police = services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "Police")

    renamed = services.vocabulary.rename_term(police, "  Police force ")

    assert (renamed.id, renamed.name, renamed.kind) == (police, "Police force", VocabularyKind.ORGANISATION_TYPE)
    assert services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "police FORCE") == police
    assert heard == [Changes(frozenset({Entity.VOCABULARY_TERM}))]
    assert logged(services) == [("vocabulary_term", "update", '"Police force"')]


def test_rename_term_refuses_another_terms_name_of_the_same_kind(services: Services, heard: list[Changes]) -> None:
    police = services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "Police")

    with pytest.raises(DuplicateError):
        services.vocabulary.rename_term(police, "health")
    with pytest.raises(ValidationError):
        services.vocabulary.rename_term(police, "  ")
    # Its own name in another case is no duplicate.
    assert services.vocabulary.rename_term(police, "POLICE").name == "POLICE"
    assert heard == [Changes(frozenset({Entity.VOCABULARY_TERM}))]


# --------------------------------------------------------------------------- themes in use (the set-up wizard)


def test_themes_not_chosen_are_marked_not_in_use_and_logged(
    services: Services, vocabulary: VocabularyService, heard: list[Changes]
) -> None:
    chosen = {theme_id(vocabulary, "Community engagement"), theme_id(vocabulary, "Leadership and governance")}
    themes = vocabulary.set_themes_in_use(chosen)
    assert {theme.id for theme in themes if theme.active} == chosen
    assert {theme.id for theme in vocabulary.themes() if theme.active} == chosen
    assert len(heard) == 1 and heard[0].touches(Entity.THEME)
    # Each theme that changed is logged once, so a merge carries the choice to other copies.
    assert sum(1 for entity, _, _ in logged(services) if entity == "theme") == len(vocabulary.themes()) - 2


def test_a_chosen_service_area_keeps_its_parent_theme_in_use(vocabulary: VocabularyService) -> None:
    housing = theme_id(vocabulary, "Housing")
    themes = vocabulary.set_themes_in_use({housing})
    assert {theme.name for theme in themes if theme.active} == {"Housing", "Service improvement"}


def test_themes_chosen_again_are_back_in_use_and_still_found_by_name(vocabulary: VocabularyService) -> None:
    vocabulary.set_themes_in_use(set())
    assert not any(theme.active for theme in vocabulary.themes())
    # A theme out of use is kept: an import naming it still finds it.
    assert vocabulary.resolve_theme("housing") == theme_id(vocabulary, "Housing")
    vocabulary.set_themes_in_use({theme.id for theme in vocabulary.themes()})
    assert all(theme.active for theme in vocabulary.themes())


def test_an_unknown_theme_is_refused_and_nothing_changes(vocabulary: VocabularyService) -> None:
    with pytest.raises(ValidationError):
        vocabulary.set_themes_in_use({uuid.uuid4()})
    assert all(theme.active for theme in vocabulary.themes())


def test_pickers_lists_are_read_again_only_once_the_workspace_has_changed(
    workspace_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terms, themes and organisation names an editor offers are kept while nothing is written, and read
    again as soon as anything is, by this window or by another program on the same workspace."""
    here = Services.open(workspace_path, User("Coordinator"))
    elsewhere = Services.open(workspace_path, User("Someone else"))
    try:
        listed: list[type] = []
        original = UnitOfWork.list

        def counting(self: UnitOfWork, model: type, *args: object, **kwargs: object) -> object:
            listed.append(model)
            return original(self, model, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(UnitOfWork, "list", counting)
        first = here.vocabulary.terms(VocabularyKind.PROVIDER)
        themes = here.vocabulary.themes()
        names = here.organisations.names()
        listed.clear()
        assert here.vocabulary.terms(VocabularyKind.PROVIDER) == first
        assert here.vocabulary.themes() == themes
        assert here.organisations.names() == names
        assert VocabularyTermRecord not in listed and ThemeRecord not in listed  # kept, not read again

        elsewhere.vocabulary.add_term(VocabularyKind.PROVIDER, "Regional improvement hub")
        elsewhere.vocabulary.add_theme("Digital inclusion")
        elsewhere.organisations.create(OrganisationDraft(name="Westshire Digital Trust"))
        assert [term.name for term in here.vocabulary.terms(VocabularyKind.PROVIDER)][-1] == "Regional improvement hub"
        assert "Digital inclusion" in [theme.name for theme in here.vocabulary.themes()]
        assert "Westshire Digital Trust" in [name for _id, name in here.organisations.names()]

        here.vocabulary.rename_term(first[0].id, "Renamed provider")
        assert here.vocabulary.terms(VocabularyKind.PROVIDER)[0].name == "Renamed provider"
    finally:
        here.close()
        elsewhere.close()
