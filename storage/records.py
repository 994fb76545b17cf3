"""What every part of `SqlStore` shares: its session, the caches of one transaction, and the
row ↔ domain mappings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from drafting.model import (
    ChatRef,
    DateSpan,
    Delegation,
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
from storage.tables import (
    MeetingRow,
    MemberRow,
    PointRow,
    PositionHistoryRow,
    PositionRow,
)


def meeting_of(row: MeetingRow) -> Meeting:
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


def fill_meeting_row(row: MeetingRow, m: Meeting) -> None:
    row.title, row.network, row.kind, row.place = m.title, m.network, m.kind, m.place
    row.bodies = "\n".join(m.bodies)
    row.date_start = m.dates.start if m.dates else None
    row.date_end = m.dates.end if m.dates else None
    row.before, row.objective, row.language = m.before, m.objective, m.language
    row.format, row.rule, row.timezone = m.format, m.rule, m.timezone
    row.state, row.draft_version = m.state.value, m.draft_version
    row.reminders = m.reminders


def member_of(row: MemberRow) -> Member:
    user = UserRef(row.platform, row.user_id, row.workspace, row.display_name)
    return Member(row.id, row.meeting_id, user, Role(row.role), row.delegation_id)


def point_of(row: PointRow) -> Point:
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


def position_of(row: PositionRow | PositionHistoryRow) -> Position:
    stance = Stance(row.stance)
    return Position(row.point_id, row.delegation_id, row.member_id, stance, row.reason, row.at, row.until)


def chat_filter(table: Any, chat: ChatRef) -> list[Any]:
    return [table.platform == chat.platform, table.workspace == chat.workspace, table.chat_id == chat.chat_id]


class Records:
    """One transaction on one session; each part of `SqlStore` (storage/*_store.py) is one of these."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        # Read often within one command (cards, tallies, broadcasts) and rarely changed: kept for
        # the life of this transaction, dropped by any write to them.
        self._delegations: dict[int, list[Delegation]] = {}
        self._members: dict[int, list[Member]] = {}
        self._chats: dict[int, list[ChatRef]] = {}
        self._positions: dict[int, list[Position]] = {}
        self._insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
