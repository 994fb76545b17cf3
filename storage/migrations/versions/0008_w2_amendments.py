"""numbered amendments (several open per point) and the meeting's attendance

Revision ID: 0008_w2_amendments
Revises: 0007_w2_positions
Create Date: 2026-12-02 08:00:00

An amendment gets its number within its point (1, 2, …; never reused, never changed) and the text it
was proposed against, so its diff can be shown after the point's text moved on. Existing amendments
are numbered in the order they were made; their base is unknown ("").

`attendance` holds the delegations the secretariat said took part; no row for a meeting means "those
with an admitted delegate".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_w2_amendments"
down_revision = "0007_w2_positions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("base", sa.Text(), nullable=False, server_default=""))
    op.execute(
        "UPDATE amendments SET number = "
        "(SELECT COUNT(*) FROM amendments AS earlier "
        "WHERE earlier.point_id = amendments.point_id AND earlier.id <= amendments.id)"
    )
    op.create_table(
        "attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["delegation_id"], ["delegations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "delegation_id"),
    )


def downgrade() -> None:
    op.drop_table("attendance")
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.drop_column("base")
        batch_op.drop_column("number")
