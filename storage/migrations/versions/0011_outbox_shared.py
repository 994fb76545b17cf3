"""the shared outbox: what is to be sent to each chat, and each chat's sender lease and flood budget

Revision ID: 0011_outbox_shared
Revises: 0010_press_position_audit
Create Date: 2026-12-02 11:00:00

Messages, documents and card redraws wait in `outbox` until a worker holding the chat's lease
(`outbox_chats`) sends them, so every worker paces a chat together and a killed worker's sends are
taken over by another.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_outbox_shared"
down_revision = "0010_press_position_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,  # ids never reused (see storage.tables.OutboxRow)
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_chat", ["platform", "chat_id", "id"], unique=False)
    op.create_table(
        "outbox_chats",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("lease_owner", sa.String(length=100), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=False),
        sa.Column("last_sent", sa.Float(), nullable=False),
        sa.Column("recent", sa.JSON(), nullable=False),
        sa.Column("held_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "chat_id"),
    )


def downgrade() -> None:
    op.drop_table("outbox_chats")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_chat")
    op.drop_table("outbox")
