"""Meetings, their chats, points and positions in SQL: the core of the `Store` port."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from drafting.model import (
    ChatRef,
    Meeting,
    Point,
    PointState,
    Position,
)
from storage.records import Records, chat_filter, fill_meeting_row, meeting_of, point_of, position_of
from storage.tables import (
    CardMessageRow,
    MeetingChatRow,
    MeetingRow,
    PointMessageRow,
    PointRow,
    PositionHistoryRow,
    PositionRow,
    ProcessedUpdateRow,
)


class MeetingRecords(Records):
    # ---- idempotency ----
    async def claim_update(self, platform: str, key: str, at: datetime) -> bool:
        stmt = (
            self._insert(ProcessedUpdateRow)
            .values(platform=platform, key=key[:128], at=at)
            .on_conflict_do_nothing()
            .returning(ProcessedUpdateRow.key)
        )
        return (await self.s.execute(stmt)).scalar_one_or_none() is not None

    # ---- meetings ----
    async def meeting_for_chat(self, chat: ChatRef) -> Meeting | None:
        stmt = (
            select(MeetingRow)
            .join(MeetingChatRow, MeetingChatRow.meeting_id == MeetingRow.id)
            .where(*chat_filter(MeetingChatRow, chat))
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return meeting_of(row) if row else None

    async def meeting(self, meeting_id: int, *, lock: bool = False) -> Meeting | None:
        stmt = select(MeetingRow).where(MeetingRow.id == meeting_id)
        if lock:
            stmt = stmt.with_for_update()
            # Whoever held the lock may have changed the members: read them again after it.
            self._members.pop(meeting_id, None)
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return meeting_of(row) if row else None

    async def create_meeting(self, meeting: Meeting, at: datetime) -> Meeting:
        row = MeetingRow(created_at=at)
        fill_meeting_row(row, meeting)
        self.s.add(row)
        await self.s.flush()
        return meeting_of(row)

    async def save_meeting(self, meeting: Meeting) -> None:
        row = await self.s.get_one(MeetingRow, meeting.id)
        fill_meeting_row(row, meeting)
        await self.s.flush()

    async def bind_chat(self, meeting_id: int, chat: ChatRef, at: datetime) -> None:
        self._chats.clear()
        self.s.add(
            MeetingChatRow(
                meeting_id=meeting_id,
                platform=chat.platform,
                workspace=chat.workspace,
                chat_id=chat.chat_id,
                bound_at=at,
            )
        )
        await self.s.flush()

    async def unbind_chat(self, chat: ChatRef) -> None:
        self._chats.clear()
        await self.s.execute(delete(MeetingChatRow).where(*chat_filter(MeetingChatRow, chat)))

    async def move_chat(self, old: ChatRef, new: ChatRef) -> bool:
        """A chat got a new id (a Telegram group upgraded to a supergroup): everything follows it."""
        moved = False
        self._chats.clear()
        for table in (MeetingChatRow, CardMessageRow, PointMessageRow):
            result = await self.s.execute(
                update(table)
                .where(*chat_filter(table, old))
                .values(platform=new.platform, workspace=new.workspace, chat_id=new.chat_id)
            )
            moved = moved or bool(getattr(result, "rowcount", 0))
        return moved

    async def chats(self, meeting_id: int) -> list[ChatRef]:
        if meeting_id not in self._chats:
            rows = await self.s.execute(
                select(MeetingChatRow.platform, MeetingChatRow.chat_id, MeetingChatRow.workspace)
                .where(MeetingChatRow.meeting_id == meeting_id)
                .order_by(MeetingChatRow.id)
            )
            self._chats[meeting_id] = [ChatRef(r.platform, r.chat_id, r.workspace) for r in rows]
        return list(self._chats[meeting_id])

    # ---- points ----
    async def points(self, meeting_id: int) -> list[Point]:
        rows = await self.s.scalars(
            select(PointRow)
            .where(PointRow.meeting_id == meeting_id)
            .order_by(PointRow.number, PointRow.letter, PointRow.id)
        )
        return [point_of(r) for r in rows]

    async def children(self, point_id: int) -> list[Point]:
        rows = await self.s.scalars(
            select(PointRow).where(PointRow.parent_id == point_id).order_by(PointRow.letter, PointRow.id)
        )
        return [point_of(r) for r in rows]

    async def point(self, point_id: int, *, lock: bool = False, skip_locked: bool = False) -> Point | None:
        """`skip_locked`: None, without waiting, when another transaction holds the point (PostgreSQL)."""
        stmt = select(PointRow).where(PointRow.id == point_id)
        if lock:
            stmt = stmt.with_for_update(skip_locked=skip_locked)
        row = (await self.s.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()
        return point_of(row) if row else None

    async def point_by_label(self, meeting_id: int, number: int, letter: str) -> Point | None:
        stmt = select(PointRow).where(
            PointRow.meeting_id == meeting_id, PointRow.number == number, PointRow.letter == letter
        )
        row = (await self.s.execute(stmt)).scalars().first()
        return point_of(row) if row else None

    async def add_point(self, point: Point) -> Point:
        row = PointRow(
            meeting_id=point.meeting_id,
            parent_id=point.parent_id,
            number=point.number,
            letter=point.letter,
            text=point.text,
            state=point.state.value,
            proposer_member_id=point.proposer_member_id,
            proposer_delegation_id=point.proposer_delegation_id,
            silence_deadline=point.silence_deadline,
            created_at=point.created_at or datetime.now().astimezone(),
            version=point.version,
        )
        self.s.add(row)
        await self.s.flush()
        return point_of(row)

    async def save_points(self, points: Sequence[Point]) -> None:
        for p in points:
            await self.s.execute(
                update(PointRow)
                .where(PointRow.id == p.id)
                .values(
                    number=p.number,
                    text=p.text,
                    state=p.state.value,
                    silence_deadline=p.silence_deadline,
                    adopted_at=p.adopted_at,
                    version=p.version,
                    reminded_at=p.reminded_at,
                )
            )

    async def due_silences(self, now: datetime) -> list[Point]:
        """Claims them for this transaction: a point another worker holds (its sweep, a press) is
        skipped, not waited for; it is left to that worker or to the next round (`SKIP LOCKED` on
        PostgreSQL; SQLite renders no row locks, its transactions are serialised anyway)."""
        rows = await self.s.scalars(
            select(PointRow)
            .where(PointRow.state == PointState.SILENCE.value, PointRow.silence_deadline <= now)
            .order_by(PointRow.id)
            .with_for_update(skip_locked=True)
        )
        return [point_of(r) for r in rows]

    async def due_ad_referendums(self, now: datetime) -> list[Position]:
        rows = await self.s.scalars(
            select(PositionRow).where(PositionRow.until.is_not(None), PositionRow.until <= now)
        )
        return [position_of(r) for r in rows]

    # ---- positions ----
    async def positions(self, point_id: int) -> list[Position]:
        if point_id not in self._positions:
            rows = await self.s.scalars(
                select(PositionRow).where(PositionRow.point_id == point_id).order_by(PositionRow.id)
            )
            self._positions[point_id] = [position_of(r) for r in rows]
        return list(self._positions[point_id])

    async def positions_for_meeting(self, meeting_id: int) -> list[Position]:
        rows = await self.s.scalars(
            select(PositionRow)
            .join(PointRow, PointRow.id == PositionRow.point_id)
            .where(PointRow.meeting_id == meeting_id)
        )
        return [position_of(r) for r in rows]

    async def put_position(self, position: Position, point_version: int) -> None:
        self._positions.pop(position.point_id, None)
        values = dict(
            point_id=position.point_id,
            delegation_id=position.delegation_id,
            member_id=position.member_id,
            stance=position.stance.value,
            reason=position.reason,
            at=position.at,
            point_version=point_version,
            until=position.until,
        )
        stmt = self._insert(PositionRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["point_id", "delegation_id"],
            set_={
                k: stmt.excluded[k] for k in ("member_id", "stance", "reason", "at", "point_version", "until")
            },
        )
        await self.s.execute(stmt)
        await self.s.execute(self._insert(PositionHistoryRow).values(**values))

    async def clear_positions(self, point_id: int) -> None:
        self._positions.pop(point_id, None)
        await self.s.execute(delete(PositionRow).where(PositionRow.point_id == point_id))

    async def position_history(self, point_id: int) -> list[Position]:
        rows = await self.s.scalars(
            select(PositionHistoryRow)
            .where(PositionHistoryRow.point_id == point_id)
            .order_by(PositionHistoryRow.id)
        )
        return [position_of(r) for r in rows]

    async def count(self, table: type[Any]) -> int:
        """Rows in a table; used by tests to show a refusal changed nothing."""
        return int((await self.s.execute(select(func.count()).select_from(table))).scalar_one())
