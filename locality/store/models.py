"""The workspace schema: typed SQLAlchemy 2 models, one ``...Record`` class per table.

Every merged record has a stable UUID (merging matches by it, never by name), UTC ``created_at``/``updated_at``,
a ``version`` counter that detects lost updates, and a ``deleted_at`` tombstone so that deletions can travel in
a merge. Vocabulary values are stored as the enum's text ("In progress"); money is whole pence.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from locality.domain.entities import Entity

APPLICATION_MARKER = "Locality"

# Named constraints let Alembic's batch mode rebuild SQLite tables reliably.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores naive UTC and hands back aware UTC, the same on SQLite (no time zones) and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {uuid.UUID: Uuid(), datetime: UtcDateTime(), str: String(200)}


class TrackedMixin:
    """Columns every merged record carries."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey(target), nullable=nullable, index=index)


# --------------------------------------------------------------------------- workspace


class WorkspaceMetaRecord(TrackedMixin, Base):
    """The one row that says what this workspace is and which replica of it this file is."""

    __tablename__ = "workspace_meta"

    application: Mapped[str] = mapped_column(String(40), default=APPLICATION_MARKER)
    partnership_name: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str] = mapped_column(String(200), default="")
    plan_start: Mapped[date | None] = mapped_column(Date)
    plan_end: Mapped[date | None] = mapped_column(Date)
    owner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    # Merging: this copy's identity, the path it was last opened from, and its change counter.
    replica_id: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4)
    replica_path: Mapped[str] = mapped_column(Text, default="")
    last_change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # RAG thresholds, set per workspace.
    rag_due_soon_days: Mapped[int] = mapped_column(Integer, default=14)
    rag_amber_shortfall: Mapped[int] = mapped_column(Integer, default=10)
    rag_red_shortfall: Mapped[int] = mapped_column(Integer, default=25)
    rag_amber_overdue_milestones: Mapped[int] = mapped_column(Integer, default=1)
    rag_red_overdue_milestones: Mapped[int] = mapped_column(Integer, default=2)


class ReplicaSyncStateRecord(Base):
    """Per other replica, the last of its change-log sequence numbers already merged into this workspace."""

    __tablename__ = "replica_sync_state"

    replica_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    last_seq_merged: Mapped[int] = mapped_column(BigInteger, default=0)
    last_merged_at: Mapped[datetime | None] = mapped_column()
    source_path: Mapped[str] = mapped_column(Text, default="")


class ChangeLogRecord(Base):
    """One field change (or a create, delete or restore), written by the service layer."""

    __tablename__ = "change_log"
    __table_args__ = (
        UniqueConstraint("replica_id", "seq"),
        Index("ix_change_log_entity_record", "entity", "record_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    replica_id: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    author: Mapped[str] = mapped_column(String(200), default="")
    author_organisation: Mapped[str] = mapped_column(String(200), default="")
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column()
    operation: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


# --------------------------------------------------------------------------- vocabulary


class VocabularyTermRecord(TrackedMixin, Base):
    """A user-extendable term: action type, support provider, delivery level, need source, organisation type
    or sector (``kind`` says which)."""

    __tablename__ = "vocabulary_term"
    __table_args__ = (Index("ix_vocabulary_term_kind_name", "kind", "name"),)

    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ThemeRecord(TrackedMixin, Base):
    """An improvement theme; service areas sit one level beneath "Service improvement"."""

    __tablename__ = "theme"

    name: Mapped[str] = mapped_column(String(200), index=True)
    parent_id: Mapped[uuid.UUID | None] = _fk("theme.id", nullable=True)
    colour: Mapped[str] = mapped_column(String(9), default="#607d8b")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FundingSourceRecord(TrackedMixin, Base):
    __tablename__ = "funding_source"

    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# --------------------------------------------------------------------------- organisations and needs


class OrganisationRecord(TrackedMixin, Base):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200), index=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    type_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    sector_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    # Personal data: left out of every export unless confidential content is asked for.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NeedRecord(TrackedMixin, Base):
    __tablename__ = "need"

    title: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[uuid.UUID | None] = _fk("theme.id", nullable=True)
    area: Mapped[str] = mapped_column(String(200), default="")
    source_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    priority: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="Identified", index=True)
    identified_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_confidential: Mapped[bool] = mapped_column(Boolean, default=False)


class NeedOrganisationRecord(TrackedMixin, Base):
    """An organisation's link to a need; a need with two or more live links is a shared need."""

    __tablename__ = "need_organisation"
    __table_args__ = (UniqueConstraint("need_id", "organisation_id"),)

    need_id: Mapped[uuid.UUID] = _fk("need.id")
    organisation_id: Mapped[uuid.UUID] = _fk("organisation.id")
    role: Mapped[str] = mapped_column(String(20), default="Shares")
    severity: Mapped[str | None] = mapped_column(String(10))


# --------------------------------------------------------------------------- actions


class ActionRecord(TrackedMixin, Base):
    __tablename__ = "action"

    title: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[uuid.UUID | None] = _fk("theme.id", nullable=True)
    type_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    delivery_level_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    provider_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    lead_organisation_id: Mapped[uuid.UUID | None] = _fk("organisation.id", nullable=True)
    # The named owner: a person at the lead organisation ("" for none). E-mail and telephone are personal data,
    # left out of every export unless confidential content is asked for.
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    owner_email: Mapped[str] = mapped_column(String(254), default="")
    owner_phone: Mapped[str] = mapped_column(String(40), default="")
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="Proposed", index=True)
    percent_complete: Mapped[int] = mapped_column(Integer, default=0)
    rag_override: Mapped[str | None] = mapped_column(String(10))
    rag_override_reason: Mapped[str] = mapped_column(Text, default="")
    budget_pence: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # The support directory's offer the action was commissioned from (None for most actions).
    offer_id: Mapped[uuid.UUID | None] = _fk("support_offer.id", nullable=True)


class ActionPartnerRecord(TrackedMixin, Base):
    """A partner organisation's contribution to an action."""

    __tablename__ = "action_partner"
    __table_args__ = (UniqueConstraint("action_id", "organisation_id"),)

    action_id: Mapped[uuid.UUID] = _fk("action.id")
    organisation_id: Mapped[uuid.UUID] = _fk("organisation.id")
    cash_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    staff_days: Mapped[float] = mapped_column(Float, default=0.0)
    in_kind: Mapped[str] = mapped_column(Text, default="")


class ActionNeedRecord(TrackedMixin, Base):
    __tablename__ = "action_need"
    __table_args__ = (UniqueConstraint("action_id", "need_id"),)

    action_id: Mapped[uuid.UUID] = _fk("action.id")
    need_id: Mapped[uuid.UUID] = _fk("need.id")


class MilestoneRecord(TrackedMixin, Base):
    __tablename__ = "milestone"

    action_id: Mapped[uuid.UUID] = _fk("action.id")
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ProgressUpdateRecord(TrackedMixin, Base):
    """An entry in an action's append-only progress log."""

    __tablename__ = "progress_update"

    action_id: Mapped[uuid.UUID] = _fk("action.id")
    reported_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(200), default="")
    author_organisation: Mapped[str] = mapped_column(String(200), default="")
    percent_complete: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(20))
    rag: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)


# --------------------------------------------------------------------------- evidence base


class IndicatorRecord(TrackedMixin, Base):
    __tablename__ = "indicator"

    name: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(60), default="")
    direction: Mapped[str] = mapped_column(String(20), default="Higher is better")
    target_kind: Mapped[str] = mapped_column(String(20), default="Periodic")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_on: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_on: Mapped[date | None] = mapped_column(Date)
    need_id: Mapped[uuid.UUID | None] = _fk("need.id", nullable=True)
    action_id: Mapped[uuid.UUID | None] = _fk("action.id", nullable=True)


class MeasurementRecord(TrackedMixin, Base):
    __tablename__ = "measurement"

    indicator_id: Mapped[uuid.UUID] = _fk("indicator.id")
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- funding


class FundingAllocationRecord(TrackedMixin, Base):
    __tablename__ = "funding_allocation"

    action_id: Mapped[uuid.UUID] = _fk("action.id")
    funding_source_id: Mapped[uuid.UUID] = _fk("funding_source.id")
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")


class SpendRecord(TrackedMixin, Base):
    __tablename__ = "spend"

    action_id: Mapped[uuid.UUID] = _fk("action.id")
    funding_source_id: Mapped[uuid.UUID | None] = _fk("funding_source.id", nullable=True)
    spent_on: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- workshops


class WorkshopRecord(TrackedMixin, Base):
    __tablename__ = "workshop"

    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date | None] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(300), default="")
    facilitator: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    dots_per_participant: Mapped[int] = mapped_column(Integer, default=5)


class WorkshopParticipantRecord(TrackedMixin, Base):
    __tablename__ = "workshop_participant"

    workshop_id: Mapped[uuid.UUID] = _fk("workshop.id")
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[uuid.UUID | None] = _fk("organisation.id", nullable=True)


class WorkshopVoteRecord(TrackedMixin, Base):
    """Dots placed on a need in a workshop's dot-voting: by a participant clicking (``participant_id`` set, one
    dot a row, so that two laptops' clicks merge as added rows), or a tally typed from a paper wall for an
    organisation (``participant_id`` None)."""

    __tablename__ = "workshop_vote"

    workshop_id: Mapped[uuid.UUID] = _fk("workshop.id")
    need_id: Mapped[uuid.UUID] = _fk("need.id")
    organisation_id: Mapped[uuid.UUID | None] = _fk("organisation.id", nullable=True)
    dots: Mapped[int] = mapped_column(Integer, default=1)
    participant_id: Mapped[uuid.UUID | None] = _fk("workshop_participant.id", nullable=True)


class WorkshopNoteRecord(TrackedMixin, Base):
    """A sticky note captured on a workshop's board: the need it became (or the existing need it was linked to
    as "same as"), under a theme's column at a position."""

    __tablename__ = "workshop_note"

    workshop_id: Mapped[uuid.UUID] = _fk("workshop.id")
    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[uuid.UUID | None] = _fk("organisation.id", nullable=True)
    theme_id: Mapped[uuid.UUID | None] = _fk("theme.id", nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    need_id: Mapped[uuid.UUID | None] = _fk("need.id", nullable=True)
    linked_existing: Mapped[bool] = mapped_column(Boolean, default=False)


class WorkshopActionRecord(TrackedMixin, Base):
    """An action agreed at a workshop."""

    __tablename__ = "workshop_action"

    workshop_id: Mapped[uuid.UUID] = _fk("workshop.id")
    action_id: Mapped[uuid.UUID] = _fk("action.id")


# --------------------------------------------------------------------------- support directory


class SupportProviderRecord(TrackedMixin, Base):
    """A body that offers improvement support: the improvement agency, a regional partnership, a peer council..."""

    __tablename__ = "support_provider"
    __table_args__ = (UniqueConstraint("name"),)

    name: Mapped[str] = mapped_column(String(200))
    kind_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    region: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(Text, default="")
    # Personal data: left out of every export unless confidential content is asked for.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SupportOfferRecord(TrackedMixin, Base):
    """One kind of help a provider offers: a peer challenge, a mentoring scheme, a grant..."""

    __tablename__ = "support_offer"
    __table_args__ = (UniqueConstraint("provider_id", "title"),)

    provider_id: Mapped[uuid.UUID] = _fk("support_provider.id")
    title: Mapped[str] = mapped_column(String(300))
    support_type_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    delivery_level_id: Mapped[uuid.UUID | None] = _fk("vocabulary_term.id", nullable=True)
    typical_cost_pence: Mapped[int | None] = mapped_column(BigInteger)
    duration_days: Mapped[int | None] = mapped_column(Integer)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SupportOfferThemeRecord(TrackedMixin, Base):
    """A theme (or service area) an offer serves."""

    __tablename__ = "support_offer_theme"
    __table_args__ = (UniqueConstraint("offer_id", "theme_id"),)

    offer_id: Mapped[uuid.UUID] = _fk("support_offer.id")
    theme_id: Mapped[uuid.UUID] = _fk("theme.id")


# --------------------------------------------------------------------------- board snapshots


class BoardSnapshotRecord(TrackedMixin, Base):
    """What was reported to a board meeting, kept to compare with later."""

    __tablename__ = "board_snapshot"

    title: Mapped[str] = mapped_column(String(300))
    meeting_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class BoardSnapshotItemRecord(TrackedMixin, Base):
    """One action's or indicator's position as reported in a board snapshot."""

    __tablename__ = "board_snapshot_item"

    snapshot_id: Mapped[uuid.UUID] = _fk("board_snapshot.id")
    action_id: Mapped[uuid.UUID | None] = _fk("action.id", nullable=True)
    indicator_id: Mapped[uuid.UUID | None] = _fk("indicator.id", nullable=True)
    status: Mapped[str | None] = mapped_column(String(20))
    rag: Mapped[str | None] = mapped_column(String(10))
    rag_reason: Mapped[str] = mapped_column(Text, default="")
    percent_complete: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    budget_pence: Mapped[int | None] = mapped_column(BigInteger)
    spend_pence: Mapped[int | None] = mapped_column(BigInteger)
    indicator_value: Mapped[float | None] = mapped_column(Float)


TRACKED_MODELS: tuple[type[TrackedMixin], ...] = (
    WorkspaceMetaRecord,
    VocabularyTermRecord,
    ThemeRecord,
    FundingSourceRecord,
    OrganisationRecord,
    NeedRecord,
    NeedOrganisationRecord,
    ActionRecord,
    ActionPartnerRecord,
    ActionNeedRecord,
    MilestoneRecord,
    ProgressUpdateRecord,
    IndicatorRecord,
    MeasurementRecord,
    FundingAllocationRecord,
    SpendRecord,
    WorkshopRecord,
    WorkshopParticipantRecord,
    WorkshopVoteRecord,
    BoardSnapshotRecord,
    BoardSnapshotItemRecord,
    WorkshopNoteRecord,
    WorkshopActionRecord,
    SupportProviderRecord,
    SupportOfferRecord,
    SupportOfferThemeRecord,
)

# Each tracked model by the entity it holds (its table's name): the one map from the names edits, change
# notifications and the change log use to the store's models. Building it refuses a tracked table no Entity names.
MODEL_OF: dict[Entity, type[TrackedMixin]] = {
    Entity(str(model.__tablename__)): model  # type: ignore[attr-defined]
    for model in TRACKED_MODELS
}


def entity_of(model: TrackedMixin | type[TrackedMixin]) -> Entity:
    """The entity a record (or model) holds."""
    return Entity(str(model.__tablename__))  # type: ignore[union-attr]
