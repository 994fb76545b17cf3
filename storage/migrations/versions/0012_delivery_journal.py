"""the delivery journal: what a command decided to send, written with the command, until handed over

Revision ID: 0012_delivery_journal
Revises: 0011_outbox_shared
Create Date: 2026-12-02 14:30:00

A worker killed between a command's commit and the hand-over of its replies to the platform (the
outbox rows, a Slack post) leaves them in `delivery_journal`, and another worker delivers them; join
announcements and acknowledgements held a moment for company wait there too, not in memory.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_delivery_journal"
down_revision = "0011_outbox_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("hold", sa.String(length=100), nullable=False),
        sa.Column("due", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("origin", sa.JSON(), nullable=False),
        sa.Column("deliveries", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,  # ids never reused: a late "done" never deletes a newer entry
    )
    with op.batch_alter_table("delivery_journal", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_journal_due", ["due"], unique=False)
        batch_op.create_index("ix_delivery_journal_hold", ["hold"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery_journal", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_journal_hold")
        batch_op.drop_index("ix_delivery_journal_due")
    op.drop_table("delivery_journal")
