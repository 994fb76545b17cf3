"""documents: circulations (what each compiled draft was built from, for the redline) and Word templates

Revision ID: 0005_documents
Revises: 0004_web
Create Date: 2026-12-02 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_documents"
down_revision = "0004_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "circulations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "version", name="uq_circulation_version"),
    )
    with op.batch_alter_table("circulations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circulations_meeting_id"), ["meeting_id"], unique=False)
    op.create_table(
        "word_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("word_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_word_templates_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("word_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_word_templates_meeting_id"))
    op.drop_table("word_templates")
    with op.batch_alter_table("circulations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_circulations_meeting_id"))
    op.drop_table("circulations")
