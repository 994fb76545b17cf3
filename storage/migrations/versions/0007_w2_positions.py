"""positions: approvals ad referendum (until), reminder offsets per meeting, silence reminders, remind spacing

Revision ID: 0007_w2_positions
Revises: 0006_w2_whatsapp
Create Date: 2026-12-02 08:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_w2_positions"
down_revision = "0006_w2_whatsapp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("positions", "position_history"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders", sa.String(length=100), server_default="24h, 1h", nullable=False)
        )
    with op.batch_alter_table("points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "silence_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["point_id"], ["points.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("point_id", "deadline", "due_at", name="uq_silence_reminder"),
    )
    with op.batch_alter_table("silence_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_silence_reminders_point_id"), ["point_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_silence_reminders_due_at"), ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("silence_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_silence_reminders_due_at"))
        batch_op.drop_index(batch_op.f("ix_silence_reminders_point_id"))
    op.drop_table("silence_reminders")
    # Plain DROP COLUMN (SQLite 3.35+ has it): a batch copy of `meetings` or `points` would drop and
    # recreate the table, and SQLite's ON DELETE CASCADE would empty its children on the way.
    op.execute("ALTER TABLE points DROP COLUMN reminded_at")
    op.execute("ALTER TABLE meetings DROP COLUMN reminders")
    for table in ("position_history", "positions"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN until")
