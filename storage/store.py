"""The SQL implementation of the core's `Store` port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from drafting.model import (
    Amendment,
    AuditEntry,
    ChatRef,
    Comment,
    DateSpan,
    Delegation,
    DelegationKind,
    Meeting,
    MeetingState,
    Member,
    Point,
    PointState,
    Position,
    Role,
    Stance,
    UserRef,
)
from drafting.ports import (
    CardMessage,
    RetryableConflict,
    StoredDocument,
    StoredWordTemplate,
    TakenInvite,
    TransientStoreError,
)
from drafting.report.history import Circulation
from storage.database import ONE_STATEMENT, READ_ONLY, is_sqlite, make_engine
from storage.migrate import upgrade
from storage.panel_store import PanelRecords
from storage.press_store import PressRecords
from storage.reminder_store import ReminderRecords
from storage.tables import (
    AmendmentRow,
    AttendanceRow,
    AuditRow,
    CardMessageRow,
    CirculationRow,
    CommentRow,
    DelegationRow,
    DocumentRow,
    InviteRow,
    MeetingChatRow,
    MeetingRow,
    MemberRow,
    PointMessageRow,
    PointRow,
    PositionHistoryRow,
    PositionRow,
    ProcessedUpdateRow,
    WordTemplateRow,
)


def _meeting(row: MeetingRow) -> Meeting:
    dates = DateSpan(row.date_start, row.date_end or row.date_start) if row.date_start else None
    return Meeting(
        id=row.id,
        title=row.title,
        bodies=tuple(b for b in row.bodies.split("\n") if b),
        network=row.network,
        kind=row.kind,
        place=row.place,
        dates=dates,
        before=row.before,
        objective=row.objective,
        language=row.language,
        format=row.format,
        rule=row.rule,
        timezone=row.timezone,
        reminders=row.reminders,
        state=MeetingState(row.state),
        draft_version=row.draft_version,
        created_at=row.created_at,
    )


def _fill_meeting(row: MeetingRow, m: Meeting) -> None:
    row.title, row.network, row.kind, row.place = m.title, m.network, m.kind, m.place
    row.bodies = "\n".join(m.bodies)
    row.date_start = m.dates.start if m.dates else None
    row.date_end = m.dates.end if m.dates else None
    row.before, row.objective, row.language = m.before, m.objective, m.language
    row.format, row.rule, row.timezone = m.format, m.rule, m.timezone
    row.state, row.draft_version = m.state.value, m.draft_version
    row.reminders = m.reminders


def _member(row: MemberRow) -> Member:
    user = UserRef(row.platform, row.user_id, row.workspace, row.display_name)
    return Member(row.id, row.meeting_id, user, Role(row.role), row.delegation_id)


def _point(row: PointRow) -> Point:
    return Point(
        id=row.id,
        meeting_id=row.meeting_id,
        number=row.number,
        letter=row.letter,
        parent_id=row.parent_id,
        text=row.text,
        state=PointState(row.state),
        proposer_member_id=row.proposer_member_id,
        proposer_delegation_id=row.proposer_delegation_id,
        silence_deadline=row.silence_deadline,
        created_at=row.created_at,
        adopted_at=row.adopted_at,
        version=row.version,
        card_version=row.card_version,
        reminded_at=row.reminded_at,
    )


def _position(row: PositionRow | PositionHistoryRow) -> Position:
    stance = Stance(row.stance)
    return Position(row.point_id, row.delegation_id, row.member_id, stance, row.reason, row.at, row.until)


# A point's card messages: read before every Telegram press (bot/telegram/card_lane.py `pressed`), so
# built once and read as plain rows, not ORM objects (their identity map cost more than the query).
_CARD_ROWS = CardMessageRow.__table__.c
_CARD_MESSAGES = select(
    _CARD_ROWS.point_id,
    _CARD_ROWS.platform,
    _CARD_ROWS.workspace,
    _CARD_ROWS.chat_id,
    _CARD_ROWS.message_id,
    _CARD_ROWS.thread_id,
    _CARD_ROWS.shown_version,
).where(_CARD_ROWS.point_id == bindparam("b_point", type_=Integer))


def _card(r: CardMessageRow) -> CardMessage:
    chat = ChatRef(r.platform, r.chat_id, r.workspace)
    return CardMessage(r.point_id, chat, r.message_id, r.thread_id, r.shown_version)


def _chat_filter(table: Any, chat: ChatRef) -> list[Any]:
    return [table.platform == chat.platform, table.workspace == chat.workspace, table.chat_id == chat.chat_id]


class SqlStore(PanelRecords, ReminderRecords, PressRecords):
    """One transaction on one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        # Read often within one command (cards, tallies, broadcasts) and rarely changed: kept for
        # the life of this transaction, dropped by any write to them.
        self._delegations: dict[int, list[Delegation]] = {}
        self._members: dict[int, list[Member]] = {}
        self._chats: dict[int, list[ChatRef]] = {}
        self._positions: dict[int, list[Position]] = {}
        self._insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert

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
            .where(*_chat_filter(MeetingChatRow, chat))
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return _meeting(row) if row else None

    async def meeting(self, meeting_id: int, *, lock: bool = False) -> Meeting | None:
        stmt = select(MeetingRow).where(MeetingRow.id == meeting_id)
        if lock:
            stmt = stmt.with_for_update()
            # Whoever held the lock may have changed the members: read them again after it.
            self._members.pop(meeting_id, None)
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return _meeting(row) if row else None

    async def create_meeting(self, meeting: Meeting, at: datetime) -> Meeting:
        row = MeetingRow(created_at=at)
        _fill_meeting(row, meeting)
        self.s.add(row)
        await self.s.flush()
        return _meeting(row)

    async def save_meeting(self, meeting: Meeting) -> None:
        row = await self.s.get_one(MeetingRow, meeting.id)
        _fill_meeting(row, meeting)
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
        await self.s.execute(delete(MeetingChatRow).where(*_chat_filter(MeetingChatRow, chat)))

    async def move_chat(self, old: ChatRef, new: ChatRef) -> bool:
        """A chat got a new id (a Telegram group upgraded to a supergroup): everything follows it."""
        moved = False
        self._chats.clear()
        for table in (MeetingChatRow, CardMessageRow, PointMessageRow):
            result = await self.s.execute(
                update(table)
                .where(*_chat_filter(table, old))
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

    # ---- delegations, members, invites ----
    async def delegations(self, meeting_id: int) -> list[Delegation]:
        if meeting_id not in self._delegations:
            rows = await self.s.execute(
                select(DelegationRow.id, DelegationRow.name, DelegationRow.kind)
                .where(DelegationRow.meeting_id == meeting_id)
                .order_by(DelegationRow.id)
            )
            self._delegations[meeting_id] = [
                Delegation(r.id, meeting_id, r.name, DelegationKind(r.kind)) for r in rows
            ]
        return list(self._delegations[meeting_id])

    async def add_delegation(self, meeting_id: int, name: str, kind: DelegationKind) -> Delegation:
        self._delegations.pop(meeting_id, None)
        row = DelegationRow(meeting_id=meeting_id, name=name, kind=kind.value)
        self.s.add(row)
        await self.s.flush()
        return Delegation(row.id, meeting_id, name, kind)

    async def delete_delegation(self, delegation_id: int) -> None:
        self._delegations.clear()
        await self.s.execute(delete(DelegationRow).where(DelegationRow.id == delegation_id))

    async def member(self, meeting_id: int, user: UserRef) -> Member | None:
        # One read of the meeting's members serves this lookup and the card built after it.
        for m in await self.members(meeting_id):
            u = m.user
            if (u.platform, u.workspace, u.user_id) == (user.platform, user.workspace, user.user_id):
                return m
        return None

    async def members(self, meeting_id: int) -> list[Member]:
        if meeting_id not in self._members:
            rows = await self.s.scalars(
                select(MemberRow).where(MemberRow.meeting_id == meeting_id).order_by(MemberRow.id)
            )
            self._members[meeting_id] = [_member(r) for r in rows]
        return list(self._members[meeting_id])

    async def save_member(
        self, meeting_id: int, user: UserRef, role: Role, delegation_id: int | None, at: datetime
    ) -> Member:
        self._members.pop(meeting_id, None)
        values = dict(
            meeting_id=meeting_id,
            platform=user.platform,
            workspace=user.workspace,
            user_id=user.user_id,
            display_name=user.display_name[:200],
            role=role.value,
            delegation_id=delegation_id,
            joined_at=at,
        )
        stmt = (
            self._insert(MemberRow)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["meeting_id", "platform", "workspace", "user_id"],
                set_={
                    "role": role.value,
                    "delegation_id": delegation_id,
                    "display_name": values["display_name"],
                },
            )
            .returning(MemberRow.id)
        )
        member_id = (await self.s.execute(stmt)).scalar_one()
        return Member(member_id, meeting_id, user, role, delegation_id)

    async def add_member(
        self, meeting_id: int, user: UserRef, role: Role, delegation_id: int | None, at: datetime
    ) -> Member | None:
        """A new membership; None, and nothing written, when the person is a member already. Two
        joins of one person at the same moment cannot both win: the second finds the first's row."""
        self._members.pop(meeting_id, None)
        stmt = (
            self._insert(MemberRow)
            .values(
                meeting_id=meeting_id,
                platform=user.platform,
                workspace=user.workspace,
                user_id=user.user_id,
                display_name=user.display_name[:200],
                role=role.value,
                delegation_id=delegation_id,
                joined_at=at,
            )
            .on_conflict_do_nothing(index_elements=["meeting_id", "platform", "workspace", "user_id"])
            .returning(MemberRow.id)
        )
        member_id = (await self.s.execute(stmt)).scalar_one_or_none()
        if member_id is None:
            return None
        return Member(member_id, meeting_id, user, role, delegation_id)

    async def delegations_in_use(self, meeting_id: int) -> set[int]:
        """Delegations something stands for: a member, or a past act (point, amendment, comment,
        position). Such a delegation cannot be dropped from the meeting's lists."""
        in_meeting = select(PointRow.id).where(PointRow.meeting_id == meeting_id)
        queries = [
            select(MemberRow.delegation_id).where(MemberRow.meeting_id == meeting_id),
            select(PointRow.proposer_delegation_id).where(PointRow.meeting_id == meeting_id),
            select(AmendmentRow.delegation_id).where(AmendmentRow.point_id.in_(in_meeting)),
            select(CommentRow.delegation_id).where(CommentRow.point_id.in_(in_meeting)),
            select(PositionHistoryRow.delegation_id).where(PositionHistoryRow.point_id.in_(in_meeting)),
            select(PositionRow.delegation_id).where(PositionRow.point_id.in_(in_meeting)),
        ]
        used: set[int] = set()
        for query in queries:
            used.update(d for d in (await self.s.scalars(query.distinct())) if d is not None)
        return used

    async def move_member(self, member_id: int, role: Role, delegation_id: int | None) -> None:
        """Only the membership row changes: past acts carry the delegation they were made for."""
        self._members.clear()
        await self.s.execute(
            update(MemberRow)
            .where(MemberRow.id == member_id)
            .values(role=role.value, delegation_id=delegation_id)
        )

    async def add_invite(
        self,
        meeting_id: int,
        code_hash: str,
        role: Role,
        delegation_id: int | None,
        bind_chat: bool,
        at: datetime,
    ) -> None:
        self.s.add(
            InviteRow(
                meeting_id=meeting_id,
                code_hash=code_hash,
                role=role.value,
                delegation_id=delegation_id,
                bind_chat=bind_chat,
                created_at=at,
            )
        )
        await self.s.flush()

    async def take_invite(self, code_hash: str, at: datetime) -> TakenInvite | None:
        # One statement marks the code used and returns it: two people racing for one code cannot both win.
        stmt = (
            update(InviteRow)
            .where(InviteRow.code_hash == code_hash, InviteRow.used_at.is_(None))
            .values(used_at=at)
            .returning(InviteRow.meeting_id, InviteRow.role, InviteRow.delegation_id, InviteRow.bind_chat)
        )
        row = (await self.s.execute(stmt)).one_or_none()
        if row is None:
            return None
        return TakenInvite(row.meeting_id, Role(row.role), row.delegation_id, bool(row.bind_chat))

    # ---- points ----
    async def points(self, meeting_id: int) -> list[Point]:
        rows = await self.s.scalars(
            select(PointRow)
            .where(PointRow.meeting_id == meeting_id)
            .order_by(PointRow.number, PointRow.letter, PointRow.id)
        )
        return [_point(r) for r in rows]

    async def children(self, point_id: int) -> list[Point]:
        rows = await self.s.scalars(
            select(PointRow).where(PointRow.parent_id == point_id).order_by(PointRow.letter, PointRow.id)
        )
        return [_point(r) for r in rows]

    async def point(self, point_id: int, *, lock: bool = False, skip_locked: bool = False) -> Point | None:
        """`skip_locked`: None, without waiting, when another transaction holds the point (PostgreSQL)."""
        stmt = select(PointRow).where(PointRow.id == point_id)
        if lock:
            stmt = stmt.with_for_update(skip_locked=skip_locked)
        row = (await self.s.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()
        return _point(row) if row else None

    async def point_by_label(self, meeting_id: int, number: int, letter: str) -> Point | None:
        stmt = select(PointRow).where(
            PointRow.meeting_id == meeting_id, PointRow.number == number, PointRow.letter == letter
        )
        row = (await self.s.execute(stmt)).scalars().first()
        return _point(row) if row else None

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
        return _point(row)

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
        return [_point(r) for r in rows]

    async def due_ad_referendums(self, now: datetime) -> list[Position]:
        rows = await self.s.scalars(
            select(PositionRow).where(PositionRow.until.is_not(None), PositionRow.until <= now)
        )
        return [_position(r) for r in rows]

    # ---- positions ----
    async def positions(self, point_id: int) -> list[Position]:
        if point_id not in self._positions:
            rows = await self.s.scalars(
                select(PositionRow).where(PositionRow.point_id == point_id).order_by(PositionRow.id)
            )
            self._positions[point_id] = [_position(r) for r in rows]
        return list(self._positions[point_id])

    async def positions_for_meeting(self, meeting_id: int) -> list[Position]:
        rows = await self.s.scalars(
            select(PositionRow)
            .join(PointRow, PointRow.id == PositionRow.point_id)
            .where(PointRow.meeting_id == meeting_id)
        )
        return [_position(r) for r in rows]

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
        return [_position(r) for r in rows]

    # ---- discussion ----
    async def add_comment(
        self, point_id: int, member_id: int, text: str, at: datetime, delegation_id: int | None = None
    ) -> Comment:
        row = CommentRow(
            point_id=point_id, member_id=member_id, text=text, at=at, delegation_id=delegation_id
        )
        self.s.add(row)
        await self.s.flush()
        return Comment(row.id, point_id, member_id, text, at, delegation_id)

    async def comments(self, point_id: int) -> list[Comment]:
        rows = await self.s.scalars(
            select(CommentRow).where(CommentRow.point_id == point_id).order_by(CommentRow.id)
        )
        return [Comment(r.id, r.point_id, r.member_id, r.text, r.at, r.delegation_id) for r in rows]

    async def add_amendment(
        self,
        point_id: int,
        member_id: int,
        text: str,
        at: datetime,
        delegation_id: int | None = None,
        base: str = "",
    ) -> Amendment:
        # Numbers are never reused: the next one follows the highest the point ever had. The caller
        # holds the point's row lock, so two amendments at once do not take the same number.
        last = await self.s.scalar(
            select(func.max(AmendmentRow.number)).where(AmendmentRow.point_id == point_id)
        )
        number = (last or 0) + 1
        row = AmendmentRow(
            point_id=point_id,
            member_id=member_id,
            text=text,
            status="open",
            at=at,
            delegation_id=delegation_id,
            number=number,
            base=base,
        )
        self.s.add(row)
        await self.s.flush()
        return Amendment(row.id, point_id, member_id, text, "open", at, delegation_id, number, base)

    async def amendments(self, point_id: int) -> list[Amendment]:
        rows = await self.s.scalars(
            select(AmendmentRow).where(AmendmentRow.point_id == point_id).order_by(AmendmentRow.id)
        )
        return [
            Amendment(
                r.id, r.point_id, r.member_id, r.text, r.status, r.at, r.delegation_id, r.number, r.base
            )
            for r in rows
        ]

    async def set_amendment_status(self, amendment_id: int, status: str) -> None:
        await self.s.execute(
            update(AmendmentRow).where(AmendmentRow.id == amendment_id).values(status=status)
        )

    async def attendance(self, meeting_id: int) -> set[int] | None:
        """The delegations the secretariat said took part; None when it has not said."""
        rows = await self.s.scalars(
            select(AttendanceRow.delegation_id).where(AttendanceRow.meeting_id == meeting_id)
        )
        found = set(rows)
        return found or None

    async def set_attendance(self, meeting_id: int, delegation_ids: Collection[int]) -> None:
        await self.s.execute(delete(AttendanceRow).where(AttendanceRow.meeting_id == meeting_id))
        for delegation_id in sorted(set(delegation_ids)):
            self.s.add(AttendanceRow(meeting_id=meeting_id, delegation_id=delegation_id))
        await self.s.flush()

    # ---- audit ----
    async def audit(self, entry: AuditEntry) -> None:
        self.s.add(
            AuditRow(
                meeting_id=entry.meeting_id,
                point_id=entry.point_id,
                at=entry.at,
                platform=entry.platform,
                user_id=entry.user_id,
                action=entry.action,
                detail=dict(entry.detail),
            )
        )
        await self.s.flush()

    async def audit_log(self, meeting_id: int, point_id: int | None = None) -> list[AuditEntry]:
        stmt = select(AuditRow).where(AuditRow.meeting_id == meeting_id)
        if point_id is not None:
            stmt = stmt.where(AuditRow.point_id == point_id)
        rows = await self.s.scalars(stmt.order_by(AuditRow.id))
        logged = [
            AuditEntry(r.meeting_id, r.action, r.platform, r.user_id, r.at, r.point_id, dict(r.detail or {}))
            for r in rows
        ]
        # Positions are recorded once, in their history: they join the trail from there, each in its
        # place in time. At the same moment (one request, or a test's fixed clock) the audit's own
        # entries come first, but for what the position caused on its point (adopted, reopened).
        positions = await self._positions_logged(meeting_id, point_id)
        merged: list[AuditEntry] = []
        taken = 0
        for entry in logged:
            while taken < len(positions) and _before(positions[taken], entry):
                merged.append(positions[taken])
                taken += 1
            merged.append(entry)
        return merged + positions[taken:]

    async def _positions_logged(self, meeting_id: int, point_id: int | None) -> list[AuditEntry]:
        h = PositionHistoryRow
        stmt = (
            select(
                h, MemberRow.platform, MemberRow.user_id, DelegationRow.name, PointRow.number, PointRow.letter
            )
            .join(PointRow, PointRow.id == h.point_id)
            .join(MemberRow, MemberRow.id == h.member_id)
            .join(DelegationRow, DelegationRow.id == h.delegation_id)
            .where(PointRow.meeting_id == meeting_id)
            .order_by(h.id)
        )
        if point_id is not None:
            stmt = stmt.where(h.point_id == point_id)
        out: list[AuditEntry] = []
        for row, platform, user_id, delegation, number, letter in await self.s.execute(stmt):
            detail = {
                "label": f"{number}.{letter}" if letter else str(number),
                "delegation": delegation,
                "reason": row.reason,
            }
            action = row.stance
            if row.until is not None and row.stance == Stance.APPROVE.value:
                action, detail["until"] = "ad_referendum", row.until.isoformat()
            out.append(AuditEntry(meeting_id, action, platform, user_id, row.at, row.point_id, detail))
        return out

    # ---- cards and threads ----
    async def card_messages(self, point_id: int) -> list[CardMessage]:
        conn = await self.s.connection()
        rows = await conn.execute(_CARD_MESSAGES, {"b_point": point_id})
        return [
            CardMessage(
                r.point_id,
                ChatRef(r.platform, r.chat_id, r.workspace),
                r.message_id,
                r.thread_id,
                r.shown_version,
            )
            for r in rows
        ]

    async def save_card_message(self, card: CardMessage) -> None:
        values = dict(
            point_id=card.point_id,
            platform=card.chat.platform,
            workspace=card.chat.workspace,
            chat_id=card.chat.chat_id,
            message_id=card.message_id,
            thread_id=card.thread_id,
            shown_version=card.shown_version,
        )
        stmt = self._insert(CardMessageRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["point_id", "platform", "workspace", "chat_id"],
            set_={
                "message_id": card.message_id,
                "thread_id": card.thread_id,
                "shown_version": card.shown_version,
            },
        )
        await self.s.execute(stmt)
        await self.link_message(card.chat, card.message_id, card.point_id)

    async def save_card_message_if_absent(self, card: CardMessage) -> CardMessage:
        stmt = (
            self._insert(CardMessageRow)
            .values(
                point_id=card.point_id,
                platform=card.chat.platform,
                workspace=card.chat.workspace,
                chat_id=card.chat.chat_id,
                message_id=card.message_id,
                thread_id=card.thread_id,
                shown_version=card.shown_version,
            )
            .on_conflict_do_nothing()
        )
        await self.s.execute(stmt)
        stored = next(c for c in await self.card_messages(card.point_id) if c.chat == card.chat)
        await self.link_message(card.chat, card.message_id, card.point_id)
        return stored

    async def bump_card(self, point_id: int) -> None:
        await self.s.execute(
            update(PointRow).where(PointRow.id == point_id).values(card_version=PointRow.card_version + 1)
        )

    async def mark_card_shown(self, point_id: int, chat: ChatRef, version: int) -> None:
        await self.s.execute(
            update(CardMessageRow)
            .where(
                CardMessageRow.point_id == point_id,
                *_chat_filter(CardMessageRow, chat),
                CardMessageRow.shown_version < version,
            )
            .values(shown_version=version)
        )

    async def stale_cards(self, platform: str, limit: int = 200) -> list[CardMessage]:
        rows = await self.s.execute(
            select(CardMessageRow)
            .join(PointRow, PointRow.id == CardMessageRow.point_id)
            .where(CardMessageRow.platform == platform, CardMessageRow.shown_version < PointRow.card_version)
            .order_by(CardMessageRow.id)
            .limit(limit)
        )
        return [_card(r) for r in rows.scalars()]

    async def link_message(self, chat: ChatRef, message_id: str, point_id: int) -> None:
        stmt = (
            self._insert(PointMessageRow)
            .values(
                platform=chat.platform,
                workspace=chat.workspace,
                chat_id=chat.chat_id,
                message_id=message_id,
                point_id=point_id,
            )
            .on_conflict_do_nothing()
        )
        await self.s.execute(stmt)

    async def point_for_message(self, chat: ChatRef, message_id: str) -> int | None:
        stmt = select(PointMessageRow.point_id).where(
            *_chat_filter(PointMessageRow, chat), PointMessageRow.message_id == message_id
        )
        return (await self.s.execute(stmt)).scalar_one_or_none()

    async def point_for_thread(self, chat: ChatRef, thread_id: str) -> int | None:
        stmt = select(CardMessageRow.point_id).where(
            *_chat_filter(CardMessageRow, chat), CardMessageRow.thread_id == thread_id
        )
        return (await self.s.execute(stmt)).scalars().first()

    # ---- documents ----
    async def save_document(self, document: StoredDocument) -> None:
        self.s.add(
            DocumentRow(
                meeting_id=document.meeting_id,
                kind=document.kind,
                version=document.version,
                filename=document.filename,
                content=document.content,
                at=document.at,
            )
        )
        await self.s.flush()

    async def final_document(self, meeting_id: int) -> StoredDocument | None:
        stmt = (
            select(DocumentRow)
            .where(DocumentRow.meeting_id == meeting_id, DocumentRow.kind == "final")
            .order_by(DocumentRow.id.desc())
            .limit(1)
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        return StoredDocument(row.meeting_id, row.kind, row.version, row.filename, row.content, row.at)

    async def save_circulation(self, circulation: Circulation) -> None:
        self.s.add(
            CirculationRow(
                meeting_id=circulation.meeting_id,
                version=circulation.version,
                at=circulation.at,
                snapshot=circulation.as_json(),
            )
        )
        await self.s.flush()

    async def last_circulation(self, meeting_id: int) -> Circulation | None:
        stmt = (
            select(CirculationRow)
            .where(CirculationRow.meeting_id == meeting_id)
            .order_by(CirculationRow.version.desc())
            .limit(1)
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        return Circulation.from_json(row.meeting_id, row.version, row.at, row.snapshot)

    async def save_word_template(self, template: StoredWordTemplate) -> None:
        await self.delete_word_template(template.meeting_id, template.format)
        self.s.add(
            WordTemplateRow(
                meeting_id=template.meeting_id,
                format=template.format,
                filename=template.filename,
                content=template.content,
                at=template.at,
            )
        )
        await self.s.flush()

    def _word_template_query(self, meeting_id: int | None, fmt: str) -> Any:
        owner = (
            WordTemplateRow.meeting_id.is_(None)
            if meeting_id is None
            else WordTemplateRow.meeting_id == meeting_id
        )
        return select(WordTemplateRow).where(owner, WordTemplateRow.format == fmt)

    async def word_template(self, meeting_id: int | None, fmt: str) -> StoredWordTemplate | None:
        for owner in (meeting_id, None) if meeting_id is not None else (None,):
            row = (await self.s.execute(self._word_template_query(owner, fmt).limit(1))).scalar_one_or_none()
            if row is not None:
                return StoredWordTemplate(row.meeting_id, row.format, row.filename, row.content, row.at)
        return None

    async def delete_word_template(self, meeting_id: int | None, fmt: str) -> bool:
        rows = list(await self.s.scalars(self._word_template_query(meeting_id, fmt)))
        for row in rows:
            await self.s.delete(row)
        await self.s.flush()
        return bool(rows)

    async def count(self, table: type[Any]) -> int:
        """Rows in a table; used by tests to show a refusal changed nothing."""
        return int((await self.s.execute(select(func.count()).select_from(table))).scalar_one())


# What a position makes of its point, logged by the same request at the same moment after it.
_CAUSED = frozenset({"adopted", "adopted_ad_referendum", "reopened"})


def _before(position: AuditEntry, entry: AuditEntry) -> bool:
    if position.at != entry.at:
        return position.at < entry.at
    return entry.point_id == position.point_id and entry.action in _CAUSED


_TRANSIENT_SQLSTATES = {"40001", "40P01", "23505"}  # serialization, deadlock, unique race
# The server will not take a connection now: too many clients (every worker's pool), or starting up.
_TRANSIENT_SQLSTATES |= {"53300", "57P03"}


class SqlStoreFactory:
    """Opens one transaction per command; maps database trouble to the core's transient error."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        # Same pool; its transactions begin without the write lock (see storage.database).
        self._read_sessions = async_sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # One statement on its own: no BEGIN on SQLite, autocommit on PostgreSQL (no BEGIN/COMMIT
        # round trips); the statement is atomic by itself.
        single = {ONE_STATEMENT: True}
        if not is_sqlite(str(engine.url)):
            single["isolation_level"] = "AUTOCOMMIT"  # type: ignore[assignment]
        self._single_sessions = async_sessionmaker(engine.execution_options(**single), expire_on_commit=False)
        # SQLite has one writer; queueing writers here avoids busy-waiting inside the driver.
        self._lock: asyncio.Lock | None = asyncio.Lock() if is_sqlite(str(engine.url)) else None

    @classmethod
    async def open(cls, url: str, *, migrate: bool = True, **options: Any) -> SqlStoreFactory:
        engine = make_engine(url, **options)
        if migrate:
            await upgrade(engine)
        return cls(engine)

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlStore]:
        if self._lock is None:
            async with self._transaction() as store:
                yield store
            return
        async with self._lock, self._transaction() as store:
            yield store

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlStore]:
        """A transaction that only reads: it neither queues behind the process's writers nor takes
        SQLite's write lock, so a reader is never held up by a write in progress. Writing in it is a
        bug (on SQLite the write would wait for the lock like any deferred transaction)."""
        async with self._transaction(self._read_sessions) as store:
            yield store

    @asynccontextmanager
    async def once(self, *, writes: bool = False) -> AsyncIterator[SqlStore]:
        """For exactly one statement, which is atomic on its own: no transaction is opened around it.
        A second statement in it would run on its own too, so only single-statement reads and writes
        use it (the card read and its mark after a press). A write takes its turn among the
        process's writers (SQLite) like any transaction."""
        if writes and self._lock is not None:
            async with self._lock, self._transaction(self._single_sessions) as store:
                yield store
            return
        async with self._transaction(self._single_sessions) as store:
            yield store

    @asynccontextmanager
    async def _transaction(
        self, sessions: async_sessionmaker[AsyncSession] | None = None
    ) -> AsyncIterator[SqlStore]:
        try:
            async with (sessions or self.sessions)() as session, session.begin():
                yield SqlStore(session)
        except IntegrityError as error:
            if _sqlstate(error) == "23505" or "UNIQUE constraint failed" in str(error.orig):
                raise RetryableConflict(str(error.orig)) from error
            raise
        except (OperationalError, InterfaceError) as error:
            raise _transient(error) from error
        except DBAPIError as error:
            if error.connection_invalidated or _sqlstate(error) in _TRANSIENT_SQLSTATES:
                raise _transient(error) from error
            raise
        except (OSError, ConnectionError) as error:
            raise TransientStoreError(str(error)) from error

    async def count(self, table: type[Any]) -> int:
        async with self.transaction() as store:
            return await store.count(table)


def _sqlstate(error: DBAPIError) -> str:
    orig = error.orig
    return str(getattr(orig, "sqlstate", "") or getattr(orig, "pgcode", "") or "")


def _transient(error: DBAPIError) -> TransientStoreError:
    if _sqlstate(error) in ("40001", "40P01"):
        return RetryableConflict(str(error.orig))
    return TransientStoreError(str(error.orig))
