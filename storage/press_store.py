"""The press path's SQL (drafting.press), mixed into `SqlStore`: one read that gathers what a press
needs, one write that records it, one read a card is drawn from, one statement marking it shown.

The statements are SQLAlchemy Core constructs built once per dialect (`_Statements`) and run on the
session's connection, not through the ORM: this path runs for every button press. A point's lists
(delegations, members, chats, positions, sub-points, open amendments, card messages) come back as JSON
arrays aggregated in correlated subqueries, so the whole snapshot is one row of one statement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from drafting.model import (
    ChatRef,
)
from drafting.ports import PointSnapshot, PressContext, PressRecord, RetryableConflict
from storage.press_rows import POINT_COLUMNS, POSITION_VALUES, snapshot
from storage.tables import (
    AmendmentRow,
    CardMessageRow,
    DelegationRow,
    MeetingChatRow,
    MeetingRow,
    MemberRow,
    PointRow,
    PositionHistoryRow,
    PositionRow,
    ProcessedUpdateRow,
    UTCDateTime,
)


def _table(mapped: Any) -> Table:
    table = mapped.__table__
    assert isinstance(table, Table)
    return table


MEETINGS, CHATS, POINTS = _table(MeetingRow), _table(MeetingChatRow), _table(PointRow)
DELEGATIONS, MEMBERS, AMENDMENTS = _table(DelegationRow), _table(MemberRow), _table(AmendmentRow)
POSITIONS, HISTORY = _table(PositionRow), _table(PositionHistoryRow)
PROCESSED, CARDS = _table(ProcessedUpdateRow), _table(CardMessageRow)

_MEETING_COLUMNS = [c for c in MEETINGS.c]
_POINT_COLUMNS = [POINTS.c[name] for name in POINT_COLUMNS]
_POSITION_VALUES = POSITION_VALUES
# A position's columns a later press of the same delegation on the point replaces.
CHANGED = ("member_id", "stance", "reason", "at", "point_version", "until")
_AMENDMENT_COLUMNS = (
    "id",
    "point_id",
    "member_id",
    "text",
    "status",
    "at",
    "delegation_id",
    "number",
    "base",
)
_CHILD_COLUMNS = ("id", "number", "letter", "text", "state", "proposer_member_id", "proposer_delegation_id")


# SQLite's view whose INSTEAD OF trigger records a press (migration 0010); not a table of the models.
PRESS_WRITES = Table(
    "press_writes",
    MetaData(),
    Column("platform", String),
    Column("key", String),
    Column("point_id", Integer),
    Column("delegation_id", Integer),
    Column("member_id", Integer),
    Column("stance", String),
    Column("reason", Text),
    Column("at", UTCDateTime()),
    Column("point_version", Integer),
    Column("until", UTCDateTime()),
)


class _Statements:
    """Every statement of the press path for one dialect, built once (`statements(dialect)`)."""

    def __init__(self, dialect: str) -> None:
        pg = dialect == "postgresql"
        self.pg = pg
        agg: Callable[..., ColumnElement[Any]]
        if pg:
            # As text, not json: asyncpg would decode it, and the text is what storage.press_rows
            # keeps a meeting's parsed lists by (the same for every press of the meeting).
            agg = lambda *cols: cast(func.json_agg(func.json_build_array(*cols)), Text)  # noqa: E731
        else:
            agg = lambda *cols: func.json_group_array(func.json_array(*cols))  # noqa: E731

        def listed(*cols: Any) -> Any:
            return agg(*cols)

        kids = POINTS.alias("kids")
        bound = CHATS.alias("bound")  # the meeting's chats; `CHATS` is the one pressed in
        lists: list[Any] = [
            select(listed(DELEGATIONS.c.id, DELEGATIONS.c.name, DELEGATIONS.c.kind))
            .where(DELEGATIONS.c.meeting_id == MEETINGS.c.id)
            .scalar_subquery()
            .label("l_delegations"),
            select(
                listed(
                    MEMBERS.c.id,
                    MEMBERS.c.platform,
                    MEMBERS.c.workspace,
                    MEMBERS.c.user_id,
                    MEMBERS.c.display_name,
                    MEMBERS.c.role,
                    MEMBERS.c.delegation_id,
                )
            )
            .where(MEMBERS.c.meeting_id == MEETINGS.c.id)
            .scalar_subquery()
            .label("l_members"),
            select(listed(bound.c.id, bound.c.platform, bound.c.chat_id, bound.c.workspace))
            .where(bound.c.meeting_id == MEETINGS.c.id)
            .scalar_subquery()
            .label("l_chats"),
            select(listed(POSITIONS.c.id, *(POSITIONS.c[k] for k in _POSITION_VALUES)))
            .where(POSITIONS.c.point_id == POINTS.c.id)
            .scalar_subquery()
            .label("l_positions"),
            select(listed(*(kids.c[k] for k in _CHILD_COLUMNS)))
            .where(kids.c.parent_id == POINTS.c.id)
            .scalar_subquery()
            .label("l_children"),
            select(listed(*(AMENDMENTS.c[k] for k in _AMENDMENT_COLUMNS)))
            .where(
                AMENDMENTS.c.status == "open",
                or_(
                    AMENDMENTS.c.point_id == POINTS.c.id,
                    # Correlated by name: the point is two selects up, where auto-correlation does
                    # not reach (it made this every sub-point of every meeting).
                    AMENDMENTS.c.point_id.in_(
                        select(kids.c.id).where(kids.c.parent_id == POINTS.c.id).correlate(POINTS)
                    ),
                ),
            )
            .scalar_subquery()
            .label("l_amendments"),
        ]
        point_id = bindparam("b_point", type_=Integer)
        columns = [*_MEETING_COLUMNS, *(c.label(f"p_{c.name}") for c in _POINT_COLUMNS), *lists]

        # The press: the chat's meeting and the point, the point's row locked (PostgreSQL). A read
        # that waited for the lock sees the locked row as its holder left it but everything else as
        # it was before the wait (one statement, one snapshot): `seen_version` is the point's card
        # version in that snapshot, and when it differs the read is repeated (`press_context`).
        seen = POINTS.alias("seen")

        def press(
            chat_platform: Any, chat_workspace: Any, chat: Any, point: Any, platform: Any, key: Any
        ) -> Any:
            return (
                select(
                    *columns,
                    # Correlated by name: in a batch (storage.press_many) the key is two selects up.
                    exists()
                    .where(PROCESSED.c.platform == platform, PROCESSED.c.key == key)
                    .correlate_except(PROCESSED)
                    .label("claimed"),
                    select(seen.c.card_version)
                    .where(seen.c.id == POINTS.c.id)
                    .scalar_subquery()
                    .label("seen"),
                )
                .select_from(
                    CHATS.join(MEETINGS, MEETINGS.c.id == CHATS.c.meeting_id).join(
                        POINTS, POINTS.c.meeting_id == MEETINGS.c.id
                    )
                )
                .where(
                    CHATS.c.platform == chat_platform,
                    CHATS.c.workspace == chat_workspace,
                    CHATS.c.chat_id == chat,
                    POINTS.c.id == point,
                )
                .with_for_update(of=POINTS)
            )

        # Built from any values: bound parameters here, a batch's columns in storage.press_many.
        self.press_of = press
        self.press = press(
            bindparam("b_chat_platform", type_=String),
            bindparam("b_chat_workspace", type_=String),
            bindparam("b_chat", type_=String),
            point_id,
            bindparam("b_platform", type_=String),
            bindparam("b_key", type_=String),
        )
        # A card and where it is posted, after the fact: no lock.
        self.snapshot = (
            select(
                *columns,
                select(
                    listed(
                        CARDS.c.platform,
                        CARDS.c.workspace,
                        CARDS.c.chat_id,
                        CARDS.c.message_id,
                        CARDS.c.thread_id,
                        CARDS.c.shown_version,
                    )
                )
                .where(CARDS.c.point_id == POINTS.c.id)
                .scalar_subquery()
                .label("l_cards"),
            )
            .select_from(POINTS.join(MEETINGS, MEETINGS.c.id == POINTS.c.meeting_id))
            .where(POINTS.c.id == point_id)
        )

        # The write. Its values are parameters of the one statement.
        at = bindparam("b_at", type_=UTCDateTime())
        values: dict[str, Any] = {
            "point_id": point_id,
            "delegation_id": bindparam("b_delegation", type_=Integer),
            "member_id": bindparam("b_member", type_=Integer),
            "stance": bindparam("b_stance", type_=String),
            "reason": bindparam("b_reason", type_=Text),
            "at": at,
            "point_version": bindparam("b_point_version", type_=Integer),
            "until": bindparam("b_until", type_=UTCDateTime()),
        }
        insert = postgresql.insert if pg else sqlite.insert
        claim = (
            insert(PROCESSED)
            .values(
                platform=bindparam("b_platform", type_=String), key=bindparam("b_key", type_=String), at=at
            )
            .on_conflict_do_nothing()
            .returning(PROCESSED.c.key)
        )
        upsert = insert(POSITIONS)
        bump = (
            update(POINTS)
            .where(POINTS.c.id == point_id)
            .values(card_version=POINTS.c.card_version + 1)
            .returning(POINTS.c.card_version)
        )
        if pg:
            # One data-modifying statement: the claim gates the rest, so a delivery that lost the
            # claim to another one writes nothing and reads back no card version.
            gates = {
                True: claim.cte("claim"),
                False: select(literal_column("'-'").label("key")).cte("claim"),
            }
            self.record: dict[bool, Any] = {}
            for keyed, gate in gates.items():
                source = select(*(v.label(k) for k, v in values.items())).select_from(gate)
                position = (
                    upsert.from_select(list(values), source)
                    .on_conflict_do_update(
                        index_elements=["point_id", "delegation_id"],
                        set_={k: upsert.excluded[k] for k in CHANGED},
                    )
                    .returning(POSITIONS.c.id)
                    .cte("position")
                )
                history = (
                    insert(HISTORY).from_select(list(values), source).returning(HISTORY.c.id).cte("history")
                )
                card = bump.where(exists(select(gate.c.key))).cte("card")
                self.record[keyed] = select(
                    select(card.c.card_version).scalar_subquery().label("card")
                ).add_cte(gate, position, history)
        else:
            # SQLite has no data-modifying CTE: one insert into a view does the same through its
            # INSTEAD OF trigger (migration 0010), in the transaction that holds the write lock since
            # its BEGIN IMMEDIATE, so the claim was checked by the read and the next card version is
            # the one read plus one.
            self.write = sqlite.insert(PRESS_WRITES).values(
                platform=bindparam("b_platform", type_=String), key=bindparam("b_key", type_=String), **values
            )

        # Marks a card shown and reads the point's latest card version back, in one statement: the
        # row is updated whatever it shows (to the higher of the two versions) so it is returned.
        version = bindparam("b_version", type_=Integer)
        self.mark = (
            update(CARDS)
            .where(
                CARDS.c.point_id == point_id,
                CARDS.c.platform == bindparam("b_chat_platform", type_=String),
                CARDS.c.workspace == bindparam("b_chat_workspace", type_=String),
                CARDS.c.chat_id == bindparam("b_chat", type_=String),
            )
            .values(
                shown_version=case((CARDS.c.shown_version < version, version), else_=CARDS.c.shown_version)
            )
            .returning(select(POINTS.c.card_version).where(POINTS.c.id == CARDS.c.point_id).scalar_subquery())
        )
        self.card_version = select(POINTS.c.card_version).where(POINTS.c.id == point_id)


@cache
def statements(dialect: str) -> _Statements:
    return _Statements(dialect)


def _chat_params(chat: ChatRef) -> dict[str, str]:
    return {"b_chat_platform": chat.platform, "b_chat_workspace": chat.workspace, "b_chat": chat.chat_id}


class PressRecords:
    """The press path's statements, run on the connection of whatever holds the transaction: the ORM
    session of `SqlStore`, or the bare connection of `PressConnection`."""

    s: AsyncSession

    def _statements(self) -> _Statements:
        return statements(self.s.get_bind().dialect.name)

    async def _conn(self) -> AsyncConnection:
        return await self.s.connection()

    async def press_context(
        self, chat: ChatRef, platform: str, dedup_key: str | None, point_id: int
    ) -> PressContext | None:
        sql = self._statements()
        conn = await self._conn()
        params = {
            **_chat_params(chat),
            "b_point": point_id,
            "b_platform": platform,
            "b_key": dedup_key[:128] if dedup_key is not None else None,
        }
        for _ in range(3):
            row = (await conn.execute(sql.press, params)).mappings().one_or_none()
            if row is None:
                return None
            if row["seen"] == row["p_card_version"]:
                return PressContext(snapshot(row), claimed=bool(row["claimed"]))
            # The lock was waited for and its holder changed the point: read again, lock held.
        raise RetryableConflict(f"point {point_id} kept changing under its lock")

    async def record_press(self, record: PressRecord, at: datetime) -> int | None:
        sql = self._statements()
        conn = await self._conn()
        p = record.position
        params: dict[str, Any] = {
            "b_platform": record.platform,
            "b_key": record.dedup_key[:128] if record.dedup_key is not None else None,
            "b_at": at,
            "b_point": p.point_id,
            "b_delegation": p.delegation_id,
            "b_member": p.member_id,
            "b_stance": p.stance.value,
            "b_reason": p.reason,
            "b_point_version": record.point_version,
            "b_until": p.until,
        }
        if sql.pg:
            return (await conn.execute(sql.record[record.dedup_key is not None], params)).scalar_one_or_none()
        await conn.execute(sql.write, params)
        return record.card_version + 1

    async def point_snapshot(self, point_id: int) -> PointSnapshot | None:
        conn = await self._conn()
        row = (
            (await conn.execute(self._statements().snapshot, {"b_point": point_id})).mappings().one_or_none()
        )
        return snapshot(row) if row is not None else None

    async def mark_card_shown_latest(self, point_id: int, chat: ChatRef, version: int) -> int:
        sql = self._statements()
        conn = await self._conn()
        params = {**_chat_params(chat), "b_point": point_id, "b_version": version}
        latest = (await conn.execute(sql.mark, params)).scalar_one_or_none()
        if latest is None:  # no card message there (any more): nothing to mark
            latest = (await conn.execute(sql.card_version, params)).scalar_one_or_none()
        return int(latest) if latest is not None else version
