"""A named owner for each action: a person at its lead organisation, with an e-mail address and a telephone.

Revision ID: 0002_action_owner
Revises: 0001_initial
Create Date: 2026-12-07 04:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_action_owner"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Actions already in the workspace have no owner: empty text, as the models write for "none".
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("owner_email", sa.String(length=254), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("owner_phone", sa.String(length=40), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_column("owner_phone")
        batch_op.drop_column("owner_email")
        batch_op.drop_column("owner_name")
