"""whatsapp: messages Meta accepted that may still fail (a `failed` status webhook names them)

Revision ID: 0009_wa_sent
Revises: 0008_w2_amendments
Create Date: 2026-12-02 11:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_wa_sent"
down_revision = "0008_w2_amendments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_sent",
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("requester", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_number_id", "message_id"),
    )
    with op.batch_alter_table("whatsapp_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_whatsapp_sent_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("whatsapp_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_sent_at"))
    op.drop_table("whatsapp_sent")
