"""the Slack inbox: requests acknowledged before they were handled, until their work is done

Revision ID: 0013_slack_inbox
Revises: 0012_delivery_journal
Create Date: 2026-12-02 17:45:00

Slack HTTP mode answers a request before its work runs (Slack wants an answer within 3 s); the
request's body is written here first, so a worker killed between that answer and the command's commit
leaves the request to another worker's sweep instead of losing it (bot/slack/inbox.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_slack_inbox"
down_revision = "0012_delivery_journal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,  # ids never reused: a late "done" never deletes a newer request
    )
    with op.batch_alter_table("slack_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_slack_inbox_lease_until", ["lease_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("slack_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_slack_inbox_lease_until")
    op.drop_table("slack_inbox")
