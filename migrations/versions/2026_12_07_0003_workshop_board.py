"""The workshop board: a workshop's purpose and dots per participant, sticky notes that become needs, dots placed
by a participant, and the actions agreed at a workshop.

Revision ID: 0003_workshop_board
Revises: 0002_action_owner
Create Date: 2026-12-07 12:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_workshop_board"
down_revision: str | None = "0002_action_owner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tracked_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    # Workshops already in the workspace have no purpose and the usual five dots each.
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("dots_per_participant", sa.Integer(), nullable=False, server_default="5"))

    # Votes already recorded were typed tallies: no participant placed them.
    with op.batch_alter_table("workshop_vote", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participant_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_workshop_vote_participant_id"), ["participant_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_workshop_vote_participant_id_workshop_participant"),
            "workshop_participant",
            ["participant_id"],
            ["id"],
        )

    op.create_table(
        "workshop_note",
        sa.Column("workshop_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("theme_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Uuid(), nullable=True),
        sa.Column("linked_existing", sa.Boolean(), nullable=False),
        *_tracked_columns(),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"], name=op.f("fk_workshop_note_need_id_need")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_workshop_note_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_workshop_note_theme_id_theme")),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_note_workshop_id_workshop")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_note")),
    )
    with op.batch_alter_table("workshop_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshop_note_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workshop_note_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workshop_note_theme_id"), ["theme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workshop_note_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "workshop_action",
        sa.Column("workshop_id", sa.Uuid(), nullable=False),
        sa.Column("action_id", sa.Uuid(), nullable=False),
        *_tracked_columns(),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"], name=op.f("fk_workshop_action_action_id_action")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_action_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_action")),
    )
    with op.batch_alter_table("workshop_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshop_action_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workshop_action_workshop_id"), ["workshop_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workshop_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_action_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_action_action_id"))
    op.drop_table("workshop_action")
    with op.batch_alter_table("workshop_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_note_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_note_theme_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_note_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_note_need_id"))
    op.drop_table("workshop_note")
    with op.batch_alter_table("workshop_vote", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_workshop_vote_participant_id_workshop_participant"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_workshop_vote_participant_id"))
        batch_op.drop_column("participant_id")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("dots_per_participant")
        batch_op.drop_column("purpose")
