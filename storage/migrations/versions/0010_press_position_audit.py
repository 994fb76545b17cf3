"""the press path: positions audited once, and SQLite's one-statement press write

Revision ID: 0010_press_position_audit
Revises: 0009_wa_sent
Create Date: 2026-12-02 11:30:00

A position used to be written three times: the standing position, its history row and an audit row
saying the same. The audit trail now reads positions from `position_history`, so the audit rows of
positions (approve, object, abstain, ad_referendum) would show each position twice: they go.

SQLite has no data-modifying CTE, which records a press in one statement on PostgreSQL
(storage.press_store): there, an insert into the view `press_writes` does the same through its
INSTEAD OF trigger (the update's claim, the position, its history row, the next card version).
"""

from __future__ import annotations

from alembic import op

revision = "0010_press_position_audit"
down_revision = "0009_wa_sent"
branch_labels = None
depends_on = None

_COLUMNS = "point_id, delegation_id, member_id, stance, reason, at, point_version, until"
_NEW = ", ".join(f"NEW.{c.strip()}" for c in _COLUMNS.split(","))
_CHANGED = ("member_id", "stance", "reason", "at", "point_version", "until")


def upgrade() -> None:
    op.execute("DELETE FROM audit WHERE action IN ('approve', 'object', 'abstain', 'ad_referendum')")
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIEW press_writes AS SELECT NULL AS platform, NULL AS key, "
        + ", ".join(f"NULL AS {c.strip()}" for c in _COLUMNS.split(","))
        + " WHERE 0"
    )
    op.execute(
        f"""CREATE TRIGGER press_writes_record INSTEAD OF INSERT ON press_writes
BEGIN
    INSERT INTO processed_updates (platform, key, at)
        SELECT NEW.platform, NEW.key, NEW.at WHERE NEW.key IS NOT NULL;
    INSERT INTO positions ({_COLUMNS}) VALUES ({_NEW})
        ON CONFLICT (point_id, delegation_id) DO UPDATE SET
        {", ".join(f"{c} = excluded.{c}" for c in _CHANGED)};
    INSERT INTO position_history ({_COLUMNS}) VALUES ({_NEW});
    UPDATE points SET card_version = card_version + 1 WHERE id = NEW.point_id;
END"""
    )


def downgrade() -> None:
    # The history rows still hold every position; the code before this revision shows fewer of them
    # in the trail (only those taken after the downgrade get an audit row again).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS press_writes_record")
        op.execute("DROP VIEW IF EXISTS press_writes")
