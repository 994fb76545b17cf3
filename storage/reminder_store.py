"""The SQL side of the reminders before a silence deadline, mixed into `SqlStore`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import SilenceReminderRow


class ReminderRecords:
    s: AsyncSession
    _insert: Any  # the dialect's INSERT, for ON CONFLICT

    async def add_reminders(self, point_id: int, deadline: datetime, due: Sequence[datetime]) -> None:
        for at in due:
            stmt = self._insert(SilenceReminderRow).values(point_id=point_id, deadline=deadline, due_at=at)
            await self.s.execute(stmt.on_conflict_do_nothing())

    async def due_reminders(self, now: datetime) -> list[tuple[int, int, datetime]]:
        stmt = (
            select(SilenceReminderRow.id, SilenceReminderRow.point_id, SilenceReminderRow.deadline)
            .where(SilenceReminderRow.sent_at.is_(None), SilenceReminderRow.due_at <= now)
            .order_by(SilenceReminderRow.due_at)
        )
        if self.s.get_bind().dialect.name == "postgresql":
            # Another worker's claims in flight are skipped, not waited for.
            stmt = stmt.with_for_update(skip_locked=True)
        return [(r.id, r.point_id, r.deadline) for r in (await self.s.execute(stmt)).all()]

    async def claim_reminder(self, reminder_id: int, at: datetime) -> bool:
        result = await self.s.execute(
            update(SilenceReminderRow)
            .where(SilenceReminderRow.id == reminder_id, SilenceReminderRow.sent_at.is_(None))
            .values(sent_at=at)
        )
        return bool(getattr(result, "rowcount", 0) == 1)
