"""amendments and comments keep the delegation they were made for

Revision ID: 0003_membership
Revises: 0002
Create Date: 2026-12-02 07:20:00.000000

Until now an amendment or a comment named its delegation through its author's current membership,
so moving a member re-attributed their past acts. Existing rows take the author's delegation as it
stands at upgrade time: the best that is known.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_membership"
down_revision = "0002"
branch_labels = None
depends_on = None

_TABLES = ("amendments", "comments")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("delegation_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(f"fk_{table}_delegation_id", "delegations", ["delegation_id"], ["id"])
        op.execute(
            f"UPDATE {table} SET delegation_id = "
            f"(SELECT members.delegation_id FROM members WHERE members.id = {table}.member_id)"
        )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_delegation_id", type_="foreignkey")
            batch_op.drop_column("delegation_id")
