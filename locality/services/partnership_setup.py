"""Setting up a new partnership in one go (the welcome's guided set-up): its details, its partner organisations
and the themes it works on, written as one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from locality.domain.errors import ValidationError
from locality.services.context import ServiceContext
from locality.services.organisations import DeletedOrganisations, OrganisationDraft, OrganisationService
from locality.services.vocabulary import VocabularyService
from locality.services.workspace_info import WorkspaceDetails, WorkspaceInfoService


@dataclass(frozen=True)
class PartnershipSetUp:
    """What the set-up writes: details, the names of the partner organisations and the themes in use."""

    name: str
    area: str
    plan_start: date | None
    plan_end: date | None
    organisations: tuple[str, ...]
    themes_in_use: frozenset[uuid.UUID]


@dataclass(frozen=True)
class SetUpDone:
    """What a set-up changed, so that it can be undone: the details before, the themes in use before, and the
    organisations it added."""

    details_before: WorkspaceDetails
    themes_before: frozenset[uuid.UUID]
    added: tuple[uuid.UUID, ...]


def typed_names(text: str) -> list[str]:
    """Organisation names typed one a line, trimmed, blank lines left out. A name typed twice (ignoring case and
    spaces) is refused in a sentence naming it."""
    names: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        name = " ".join(line.split())
        if not name:
            continue
        if name.casefold() in seen:
            raise ValidationError({"organisations": f"“{name}” is typed twice; keep one of them"})
        seen.add(name.casefold())
        names.append(name)
    return names


class PartnershipSetUpService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._workspace = WorkspaceInfoService(context)
        self._organisations = OrganisationService(context)
        self._vocabulary = VocabularyService(context)

    def themes_in_use(self) -> frozenset[uuid.UUID]:
        return frozenset(theme.id for theme in self._vocabulary.themes() if theme.active)

    def set_up(self, set_up: PartnershipSetUp) -> SetUpDone:
        """Writes ``set_up`` as one transaction (all or nothing). A name already in the workspace (imported a
        moment before) is not added twice."""
        if not set_up.name.strip():
            raise ValidationError({"partnership_name": "Enter the partnership's name"})
        with self._context.batch():
            before = self._workspace.details()
            themes_before = self.themes_in_use()
            existing = {organisation.name.casefold() for organisation in self._organisations.list()}
            self._set_details(set_up.name, set_up.area, set_up.plan_start, set_up.plan_end)
            with self._organisations.creating_many() as batch:
                added = tuple(
                    batch.create(OrganisationDraft(name=name))
                    for name in set_up.organisations
                    if name.casefold() not in existing
                )
            self._vocabulary.set_themes_in_use(set_up.themes_in_use)
        return SetUpDone(before, themes_before, added)

    def undo(self, done: SetUpDone) -> DeletedOrganisations:
        """Takes a set-up back: the details and themes as they were, the organisations it added deleted."""
        before = done.details_before
        with self._context.batch():
            self._set_details(before.partnership_name, before.area, before.plan_start, before.plan_end)
            deleted = self._organisations.delete(list(done.added))
            self._vocabulary.set_themes_in_use(done.themes_before)
        return deleted

    def redo(self, set_up: PartnershipSetUp, deleted: DeletedOrganisations) -> None:
        with self._context.batch():
            self._set_details(set_up.name, set_up.area, set_up.plan_start, set_up.plan_end)
            self._organisations.restore(deleted)
            self._vocabulary.set_themes_in_use(set_up.themes_in_use)

    def _set_details(self, name: str, area: str, start: date | None, end: date | None) -> None:
        """The partnership's name, area and plan period, keeping its owner organisation as it is."""
        current = self._workspace.details()
        self._workspace.update_details(
            partnership_name=name,
            area=area,
            plan_start=start,
            plan_end=end,
            owner_organisation_id=current.owner_organisation_id,
            expected_version=current.version,
        )
