"""The support directory: providers of improvement support, their offers and the themes each offer serves, the
offer an action was commissioned from, and the vocabulary they use (the "support type" kind and two more kinds of
provider).

Revision ID: 0004_support_directory
Revises: 0003_workshop_board
Create Date: 2026-12-07 15:20:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004_support_directory"
down_revision: str | None = "0003_workshop_board"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The terms new workspaces are seeded with (locality/domain/vocabulary.py), written here as they stood when this
# revision was made: a migration must do the same thing whatever the code says later.
_SEED_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4f8e-9a53-1c0a2b7d4e10")
_NEW_TERMS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("provider", ("Voluntary sector infrastructure body", "Commercial"), 8),
    ("support_type", ("Peer challenge", "Mentoring", "Training", "Consultancy", "Funding", "Shared service design"), 0),
)


def _seeded_id(kind: str, name: str) -> uuid.UUID:
    # As domain.vocabulary.seeded_id: the same UUID in every workspace, so that merges agree on the terms.
    return uuid.uuid5(_SEED_NAMESPACE, f"{kind}:{' '.join(name.split()).casefold()}")


def _tracked_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "support_provider",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind_id", sa.Uuid(), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("website", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked_columns(),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["vocabulary_term.id"], name=op.f("fk_support_provider_kind_id_vocabulary_term")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_provider")),
        sa.UniqueConstraint("name", name=op.f("uq_support_provider_name")),
    )
    with op.batch_alter_table("support_provider", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_provider_kind_id"), ["kind_id"], unique=False)

    op.create_table(
        "support_offer",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("support_type_id", sa.Uuid(), nullable=True),
        sa.Column("delivery_level_id", sa.Uuid(), nullable=True),
        sa.Column("typical_cost_pence", sa.BigInteger(), nullable=True),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked_columns(),
        sa.ForeignKeyConstraint(
            ["delivery_level_id"],
            ["vocabulary_term.id"],
            name=op.f("fk_support_offer_delivery_level_id_vocabulary_term"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["support_provider.id"], name=op.f("fk_support_offer_provider_id_support_provider")
        ),
        sa.ForeignKeyConstraint(
            ["support_type_id"],
            ["vocabulary_term.id"],
            name=op.f("fk_support_offer_support_type_id_vocabulary_term"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_offer")),
        sa.UniqueConstraint("provider_id", "title", name=op.f("uq_support_offer_provider_id_title")),
    )
    with op.batch_alter_table("support_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_offer_delivery_level_id"), ["delivery_level_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_offer_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_offer_support_type_id"), ["support_type_id"], unique=False)

    op.create_table(
        "support_offer_theme",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("theme_id", sa.Uuid(), nullable=False),
        *_tracked_columns(),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["support_offer.id"], name=op.f("fk_support_offer_theme_offer_id_support_offer")
        ),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_support_offer_theme_theme_id_theme")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_offer_theme")),
        sa.UniqueConstraint("offer_id", "theme_id", name=op.f("uq_support_offer_theme_offer_id_theme_id")),
    )
    with op.batch_alter_table("support_offer_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_offer_theme_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_offer_theme_theme_id"), ["theme_id"], unique=False)

    # Actions already in the workspace were commissioned from no offer in the directory.
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_action_offer_id"), ["offer_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_action_offer_id_support_offer"), "support_offer", ["offer_id"], ["id"]
        )

    _add_seeded_terms()


def _add_seeded_terms() -> None:
    """The new terms, as a new workspace has them, unless the workspace already holds a term of that kind and
    name (a user may have added "Commercial" themselves; a second would make the name ambiguous).

    A workspace being built has no terms yet: the seed (store/seed.py) or a copy's rows fill it after the
    migrations, and terms written here would collide with theirs."""
    connection = op.get_bind()
    terms = sa.table(
        "vocabulary_term",
        sa.column("id", sa.Uuid()),
        sa.column("created_at", sa.DateTime()),
        sa.column("updated_at", sa.DateTime()),
        sa.column("version", sa.Integer()),
        sa.column("deleted_at", sa.DateTime()),
        sa.column("kind", sa.String()),
        sa.column("name", sa.String()),
        sa.column("sort_order", sa.Integer()),
        sa.column("active", sa.Boolean()),
    )
    if connection.execute(sa.select(sa.func.count()).select_from(terms)).scalar_one() == 0:
        return
    taken = {str(term_id) for (term_id,) in connection.execute(sa.select(terms.c.id))}
    now = datetime.now(UTC).replace(tzinfo=None)
    for kind, names, first_order in _NEW_TERMS:
        held = {
            " ".join(name.split()).casefold()
            for (name,) in connection.execute(sa.select(terms.c.name).where(terms.c.kind == kind))
        }
        rows = [
            {
                "id": _seeded_id(kind, name),
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "deleted_at": None,
                "kind": kind,
                "name": name,
                "sort_order": first_order + order,
                "active": True,
            }
            for order, name in enumerate(names)
            if name.casefold() not in held and str(_seeded_id(kind, name)) not in taken
        ]
        if rows:
            op.bulk_insert(terms, rows)


def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_action_offer_id_support_offer"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_action_offer_id"))
        batch_op.drop_column("offer_id")
    with op.batch_alter_table("support_offer_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_offer_theme_theme_id"))
        batch_op.drop_index(batch_op.f("ix_support_offer_theme_offer_id"))
    op.drop_table("support_offer_theme")
    with op.batch_alter_table("support_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_offer_support_type_id"))
        batch_op.drop_index(batch_op.f("ix_support_offer_provider_id"))
        batch_op.drop_index(batch_op.f("ix_support_offer_delivery_level_id"))
    op.drop_table("support_offer")
    with op.batch_alter_table("support_provider", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_provider_kind_id"))
    op.drop_table("support_provider")
    # The seeded terms stay: an action or record elsewhere may name them, and a term is harmless unused.
