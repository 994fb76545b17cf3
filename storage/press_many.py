"""A batch of button presses in one read and one write on PostgreSQL (drafting.press_batch).

Each statement is a round trip to the server, and on a loaded machine a round trip costs the bot more
than the statement costs the server: a batch of n presses took 2n + 2 of them (BEGIN, a read and a
write per press, COMMIT). Here it takes four whatever n is: the presses go in as arrays, the read is
the single press's read (storage.press_store) joined LATERAL to each of them, in their order, and the
write inserts the claims, positions and history rows and moves the card versions for all of them in
one statement of data-modifying CTEs.

SQLite keeps one statement per press: on the loop's own thread (storage.sqlite_inline) a statement
costs microseconds, and SQLite has neither LATERAL nor data-modifying CTEs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, bindparam, func, select, true, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from drafting.model import ChatRef
from drafting.ports import PressContext, PressRecord, RetryableConflict
from storage.press_rows import POSITION_VALUES, snapshot
from storage.press_store import CHANGED, HISTORY, POINTS, POSITIONS, PROCESSED, PressRecords, statements

_TYPES: dict[str, Any] = {
    "point_id": Integer,
    "delegation_id": Integer,
    "member_id": Integer,
    "stance": String,
    "reason": Text,
    "at": DateTime(timezone=True),
    "point_version": Integer,
    "until": DateTime(timezone=True),
}
_REQUEST_COLUMNS = ("chat_platform", "chat_workspace", "chat", "point", "platform", "key")


def _arrays(prefix: str, names: Sequence[str], types: dict[str, Any]) -> Any:
    """`unnest` of one array parameter per column: rows of a batch sent as a few arrays."""
    params = [bindparam(f"{prefix}_{name}", type_=postgresql.ARRAY(types[name])) for name in names]
    return func.unnest(*params).table_valued(*names, with_ordinality="ord").render_derived(name=prefix)


class _Many:
    def __init__(self) -> None:
        single = statements("postgresql")
        request_types = {name: String for name in _REQUEST_COLUMNS} | {"point": Integer}
        req = _arrays("r", _REQUEST_COLUMNS, request_types)
        pressed = single.press_of(*(req.c[name] for name in _REQUEST_COLUMNS)).lateral("pressed")
        # One row per press, in the batch's order (which locks the points in ascending id order), with
        # no columns of its own when the chat has no meeting holding that point.
        self.read = (
            select(req.c.ord.label("r_ord"), *pressed.c)
            .select_from(req.outerjoin(pressed, true()))
            .order_by(req.c.ord)
        )

        claims = _arrays("c", ("platform", "key"), {"platform": String, "key": String})
        at = bindparam("b_at", type_=DateTime(timezone=True))
        claim = (
            postgresql.insert(PROCESSED)
            .from_select(["platform", "key", "at"], select(claims.c.platform, claims.c.key, at))
            .on_conflict_do_nothing()
            .returning(PROCESSED.c.key)
            .cte("claim")
        )
        kept = _arrays("p", POSITION_VALUES, _TYPES)
        upsert = postgresql.insert(POSITIONS)
        position = (
            upsert.from_select(list(POSITION_VALUES), select(*(kept.c[k] for k in POSITION_VALUES)))
            .on_conflict_do_update(
                index_elements=["point_id", "delegation_id"], set_={k: upsert.excluded[k] for k in CHANGED}
            )
            .returning(POSITIONS.c.id)
            .cte("position")
        )
        every = _arrays("h", POSITION_VALUES, _TYPES)
        history = (
            postgresql.insert(HISTORY)
            .from_select(list(POSITION_VALUES), select(*(every.c[k] for k in POSITION_VALUES)))
            .returning(HISTORY.c.id)
            .cte("history")
        )
        bumps = _arrays("v", ("point", "n"), {"point": Integer, "n": Integer})
        card = (
            update(POINTS)
            .where(POINTS.c.id == bumps.c.point)
            .values(card_version=POINTS.c.card_version + bumps.c.n)
            .returning(POINTS.c.id)
            .cte("card")
        )
        # Every data-modifying CTE runs whether read or not; the count says whether every claim was
        # taken (a delivery of the same update on another worker may have claimed one meanwhile).
        self.write = select(select(func.count()).select_from(claim).scalar_subquery()).add_cte(
            claim, position, history, card
        )


@cache
def many() -> _Many:
    return _Many()


def read_params(requests: Sequence[tuple[ChatRef, str, str | None, int]]) -> dict[str, list[Any]]:
    return {
        "r_chat_platform": [chat.platform for chat, *_ in requests],
        "r_chat_workspace": [chat.workspace for chat, *_ in requests],
        "r_chat": [chat.chat_id for chat, *_ in requests],
        "r_point": [point for *_, point in requests],
        "r_platform": [platform for _, platform, _, _ in requests],
        "r_key": [key[:128] if key is not None else None for _, _, key, _ in requests],
    }


def write_params(records: Sequence[PressRecord], at: Any) -> tuple[dict[str, Any], int]:
    """The write's arrays, and how many claims it must take. A delegation pressing twice on a point in
    one batch has one position (its last) and two history rows."""
    keyed = [r for r in records if r.dedup_key is not None]
    last = {(r.position.point_id, r.position.delegation_id): r for r in records}
    bumps: dict[int, int] = {}
    for r in records:
        bumps[r.position.point_id] = bumps.get(r.position.point_id, 0) + 1
    params: dict[str, Any] = {
        "b_at": at,
        "c_platform": [r.platform for r in keyed],
        "c_key": [(r.dedup_key or "")[:128] for r in keyed],
        "v_point": list(bumps),
        "v_n": list(bumps.values()),
    }
    for prefix, rows in (("p", list(last.values())), ("h", list(records))):
        for name in POSITION_VALUES:
            params[f"{prefix}_{name}"] = [_value(r, name) for r in rows]
    return params, len(keyed)


def _value(record: PressRecord, name: str) -> Any:
    p = record.position
    if name == "point_version":
        return record.point_version
    if name == "stance":
        return p.stance.value
    return getattr(p, name)


class PressConnection(PressRecords):
    """A press transaction on a bare Core connection: no ORM session is built for it (its set-up and
    teardown were a tenth of a press), and its statements are the single press's, or on PostgreSQL the
    batch's above."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    def _statements(self) -> Any:
        return statements(self.conn.dialect.name)

    async def _conn(self) -> AsyncConnection:
        return self.conn

    async def press_contexts(
        self, requests: Sequence[tuple[ChatRef, str, str | None, int]]
    ) -> list[PressContext | None]:
        """Each request's (chat, platform, dedup key, point) context, in order; its point locked."""
        if not self._statements().pg:
            return [await self.press_context(*request) for request in requests]
        params = read_params(requests)
        for _ in range(3):
            rows = (await self.conn.execute(many().read, params)).mappings().all()
            if all(row["id"] is None or row["seen"] == row["p_card_version"] for row in rows):
                return [
                    None if row["id"] is None else PressContext(snapshot(row), claimed=bool(row["claimed"]))
                    for row in rows
                ]
            # A lock was waited for and its holder changed the point: read again, locks held.
        raise RetryableConflict("a point kept changing under its lock")

    async def record_presses(self, records: Sequence[PressRecord], at: Any) -> None:
        """Writes every record (claim, position, history, card version), or raises RetryableConflict,
        writing nothing, when another delivery of one of the updates claimed it first."""
        if not records:
            return
        if not self._statements().pg:
            for record in records:
                if await self.record_press(record, at) is None:
                    raise RetryableConflict("an update of the batch was claimed meanwhile")
            return
        params, claims = write_params(records, at)
        if (await self.conn.execute(many().write, params)).scalar_one() != claims:
            raise RetryableConflict("an update of the batch was claimed meanwhile")
