"""The workspace itself: its partnership details, RAG thresholds, counts per entity and an integrity check."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.rag import RagThresholds
from locality.domain.values import format_date
from locality.services import records
from locality.services.action_rag import rag_thresholds
from locality.services.context import ServiceContext
from locality.services.stamped import Stamped
from locality.store import queries
from locality.store.error_sentences import stored_value_problem
from locality.store.models import MODEL_OF, ChangeLogRecord, OrganisationRecord

# Each entity and the plural the user reads, in the order `locality check` prints them; then the change log.
COUNTED_ENTITIES: tuple[tuple[Entity, str], ...] = (
    (Entity.ORGANISATION, "organisations"),
    (Entity.THEME, "themes"),
    (Entity.NEED, "needs"),
    (Entity.NEED_ORGANISATION, "need–organisation links"),
    (Entity.ACTION, "actions"),
    (Entity.ACTION_PARTNER, "action partners"),
    (Entity.ACTION_NEED, "action–need links"),
    (Entity.MILESTONE, "milestones"),
    (Entity.PROGRESS_UPDATE, "progress updates"),
    (Entity.INDICATOR, "indicators"),
    (Entity.MEASUREMENT, "measurements"),
    (Entity.FUNDING_SOURCE, "funding sources"),
    (Entity.FUNDING_ALLOCATION, "funding allocations"),
    (Entity.SPEND, "spend entries"),
    (Entity.WORKSHOP, "workshops"),
    (Entity.WORKSHOP_PARTICIPANT, "workshop participants"),
    (Entity.WORKSHOP_VOTE, "workshop votes"),
    (Entity.BOARD_SNAPSHOT, "board snapshots"),
    (Entity.SUPPORT_PROVIDER, "support providers"),
    (Entity.SUPPORT_OFFER, "support offers"),
)


def plan_period_text(start: date | None, end: date | None) -> str:
    """The plan period in words: "01/04/2008 to 31/03/2011", "from 01/04/2008", "until 31/03/2011" or ""."""
    if start is not None and end is not None:
        return f"{format_date(start)} to {format_date(end)}"
    if start is not None:
        return f"from {format_date(start)}"
    if end is not None:
        return f"until {format_date(end)}"
    return ""


@dataclass(frozen=True)
class WorkspaceDetails:
    version: int
    partnership_name: str
    area: str
    plan_start: date | None
    plan_end: date | None
    owner_organisation_id: uuid.UUID | None
    replica_id: uuid.UUID
    rag_thresholds: RagThresholds
    #: The partnership's workspace itself: the same in every copy of it (unlike ``replica_id``, which a copy
    #: opened from another path changes), and different for another partnership's workspace.
    workspace_id: uuid.UUID | None = None

    @property
    def plan_period(self) -> str:
        return plan_period_text(self.plan_start, self.plan_end)


@dataclass(frozen=True)
class CheckReport:
    location: str
    schema_revision: str | None
    latest_revision: str
    problems: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    recovered: bool = False  # opening rolled back a change that a crash had left unfinished

    @property
    def ok(self) -> bool:
        return not self.problems and self.schema_revision == self.latest_revision


class WorkspaceInfoService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        # A list page asks how many rows it will load before its first load, on the GUI thread: counting 20,000
        # actions is a round trip and a scan on a server, so the count is kept until the workspace changes.
        self._counts: Stamped[int] = Stamped()

    def details(self) -> WorkspaceDetails:
        with self._context.read() as unit:
            meta = unit.meta()
            return WorkspaceDetails(
                version=meta.version,
                partnership_name=meta.partnership_name,
                area=meta.area,
                plan_start=meta.plan_start,
                plan_end=meta.plan_end,
                owner_organisation_id=meta.owner_organisation_id,
                replica_id=meta.replica_id,
                rag_thresholds=rag_thresholds(unit),
                workspace_id=meta.id,
            )

    def update_details(
        self,
        *,
        partnership_name: str,
        area: str,
        plan_start: date | None,
        plan_end: date | None,
        owner_organisation_id: uuid.UUID | None,
        expected_version: int | None,
    ) -> WorkspaceDetails:
        errors: dict[str, str] = {}
        if plan_start and plan_end and plan_end < plan_start:
            errors["plan_end"] = "The plan cannot end before it starts"
        with self._context.edit(Entity.WORKSPACE_META) as unit:
            meta = unit.meta()
            records.check_version(meta, expected_version, "workspace", self.details)
            owner_changed = owner_organisation_id != meta.owner_organisation_id
            if (
                owner_changed
                and owner_organisation_id is not None
                and unit.get(OrganisationRecord, owner_organisation_id) is None
            ):
                errors["owner_organisation_id"] = "Choose an organisation from the list"
            if errors:
                raise ValidationError(errors)
            records.update(
                unit,
                meta,
                {
                    "partnership_name": partnership_name.strip(),
                    "area": area.strip(),
                    "plan_start": plan_start,
                    "plan_end": plan_end,
                    "owner_organisation_id": owner_organisation_id,
                },
            )
        return self.details()

    def set_rag_thresholds(self, thresholds: RagThresholds) -> WorkspaceDetails:
        thresholds.validate()
        with self._context.edit(Entity.WORKSPACE_META, Entity.ACTION) as unit:
            records.update(
                unit,
                unit.meta(),
                {
                    "rag_due_soon_days": thresholds.due_soon_days,
                    "rag_amber_shortfall": thresholds.amber_shortfall,
                    "rag_red_shortfall": thresholds.red_shortfall,
                    "rag_amber_overdue_milestones": thresholds.amber_overdue_milestones,
                    "rag_red_overdue_milestones": thresholds.red_overdue_milestones,
                },
            )
        return self.details()

    def save_copy(self, target: str | Path) -> None:
        self._context.workspace.save_copy(Path(target))

    def count(self, entity: Entity) -> int:
        """Live records of one entity."""
        model = MODEL_OF[entity]
        with self._context.read() as unit:
            return self._counts.get(unit, entity, lambda: queries.live_counts(unit, [model])[model])

    def counts(self) -> list[tuple[str, int]]:
        """Live records per entity, labelled for people, and the change log's entries."""
        models = [MODEL_OF[entity] for entity, _ in COUNTED_ENTITIES]
        with self._context.read() as unit:
            by_model = queries.live_counts(unit, [*models, ChangeLogRecord])
        counted = [(label, by_model[model]) for (_, label), model in zip(COUNTED_ENTITIES, models, strict=True)]
        return [*counted, ("change log entries", by_model[ChangeLogRecord])]

    def check(self) -> CheckReport:
        workspace = self._context.workspace
        state = workspace.schema_state()
        problems = workspace.integrity_problems()
        return CheckReport(
            location=workspace.location,
            schema_revision=state.current,
            latest_revision=state.head,
            problems=tuple(problems),
            counts=tuple(self.counts()),
            recovered=workspace.recovered,
        )


def damaged_value_explanation(error: BaseException) -> str | None:
    """For an unexpected error: the sentence naming a damaged value in an open workspace that explains it, if any
    (the command line and the window show it instead of "unexpected problem")."""
    return stored_value_problem(error)
