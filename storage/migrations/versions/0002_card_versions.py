"""card versions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:45:12.174539
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("card_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shown_version", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("points", schema=None) as batch_op:
        batch_op.drop_column("card_version")

    with op.batch_alter_table("card_messages", schema=None) as batch_op:
        batch_op.drop_column("shown_version")
