"""whatsapp: contacts (24-hour window, a pending objection), held messages, cards last shown

Revision ID: 0006_w2_whatsapp
Revises: 0005_documents
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_w2_whatsapp"
down_revision = "0005_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_contacts",
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("to", sa.String(length=128), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("template_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_point_id", sa.Integer(), nullable=True),
        sa.Column("news_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("phone_number_id", "user_id"),
    )
    op.create_table(
        "whatsapp_held",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("whatsapp_held", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_whatsapp_held_phone_number_id"), ["phone_number_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_whatsapp_held_user_id"), ["user_id"], unique=False)
    op.create_table(
        "whatsapp_cards",
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("phone_number_id", "chat_id", "point_id"),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_cards")
    with op.batch_alter_table("whatsapp_held", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_held_user_id"))
        batch_op.drop_index(batch_op.f("ix_whatsapp_held_phone_number_id"))
    op.drop_table("whatsapp_held")
    op.drop_table("whatsapp_contacts")
