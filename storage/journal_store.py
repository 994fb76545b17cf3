"""The delivery journal in the database (`drafting.ports.DeliveryJournal`, table `delivery_journal`).

`record` is one INSERT inside the command's transaction. A hand-over (`Handover`: entries done, an
entry's progress) rides in the transaction that puts the platform's outbox rows (`carrying`, below), so
a worker dying between the two cannot leave an entry whose messages are already in the outbox.
Everything else is one short transaction of its own: `done` one DELETE; `hold` one UPDATE (and an
INSERT per further chat); taking entries is
a conditional UPDATE … RETURNING on a lease (`lease_until`), atomic on both databases; the sweep finds
its entries with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers sweeping at once skip each other's
instead of queueing behind them (SQLite has one writer anyway).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from drafting.journal import (
    Handover,
    JournalRecord,
    RequestOrigin,
    deliveries_from_json,
    deliveries_to_json,
    origin_from_json,
    origin_to_json,
)
from drafting.ports import Store
from drafting.replies import Delivery
from storage.delivery_tables import JournalRow, OutboxRow
from storage.store import SqlStore, SqlStoreFactory

_RETURNED = (
    JournalRow.id,
    JournalRow.platform,
    JournalRow.hold,
    JournalRow.origin,
    JournalRow.deliveries,
    JournalRow.step,
)
# The hand-over under way in this task (`SqlJournal.carrying`): ridden by the first transaction that
# puts outbox rows (`_ride`). A task started meanwhile (an outbox's sender) inherits the context, so a
# finished hand-over is marked `over` and rides nothing more.
_CARRIED: ContextVar[_Carried | None] = ContextVar("draftbot_journal_handover", default=None)


@dataclass
class _Carried:
    handover: Handover
    session: Session | None = None  # the transaction it rides in
    over: bool = False


class SqlJournal:
    def __init__(self, stores: SqlStoreFactory, *, clock: Callable[[], float] = time.time) -> None:
        self.stores = stores
        self.clock = clock  # wall seconds: due times and leases are compared across workers

    async def record(
        self, store: Store, platform: str, origin: RequestOrigin | None, deliveries: Sequence[Delivery]
    ) -> int:
        assert isinstance(store, SqlStore), "the journal lives in the SQL database"
        row_id = await store.s.scalar(
            insert(JournalRow)
            .values(
                platform=platform,
                hold="",
                due=self.clock(),
                lease_until=0.0,
                origin=origin_to_json(origin),
                deliveries=deliveries_to_json(deliveries),
            )
            .returning(JournalRow.id)
        )
        assert row_id is not None
        return int(row_id)

    async def done(self, ids: Collection[int]) -> None:
        if not ids:
            return
        async with self.stores.transaction() as store:
            await store.s.execute(delete(JournalRow).where(JournalRow.id.in_(list(ids))))

    async def settle(self, handover: Handover) -> None:
        async with self.stores.transaction() as store:
            for statement in _statements(handover):
                await store.s.execute(statement)

    def carrying(self, handover: Handover) -> AbstractContextManager[None]:
        return _carrying(handover)

    async def hold(
        self,
        entry_id: int,
        groups: Sequence[tuple[str, Sequence[Delivery]]],
        window: float,
        keep: Sequence[Delivery] = (),
    ) -> list[int]:
        due = self.clock() + window
        async with self.stores.transaction() as store:
            if keep:  # the entry goes on with what is not held; every held chat gets an entry
                first, rest = None, list(groups)
                values: dict[str, Any] = {"deliveries": deliveries_to_json(keep), "step": 0}
            else:  # the entry becomes the first chat's held one
                (key, held), *rest = groups
                first = key
                values = {"hold": key, "due": due, "deliveries": deliveries_to_json(held), "step": 0}
            kept = await store.s.execute(
                update(JournalRow)
                .where(JournalRow.id == entry_id)
                .values(lease_until=0.0, **values)
                .returning(JournalRow.origin, JournalRow.platform)
            )
            row = kept.first()
            if row is None:
                return []  # another worker's sweep took it meanwhile (this one stalled past the grace)
            ids = [entry_id] if first is not None else []
            for key, more in rest:
                new = await store.s.scalar(
                    insert(JournalRow)
                    .values(
                        platform=row[1],
                        hold=key,
                        due=due,
                        lease_until=0.0,
                        origin=row[0],
                        deliveries=deliveries_to_json(more),
                    )
                    .returning(JournalRow.id)
                )
                ids.append(int(new or 0))
            return ids

    async def take_held(self, hold: str, lease: float) -> list[JournalRecord]:
        now = self.clock()
        async with self.stores.transaction() as store:
            result = await store.s.execute(
                update(JournalRow)
                .where(JournalRow.hold == hold, JournalRow.lease_until < now)
                .values(lease_until=now + lease)
                .returning(*_RETURNED)
            )
            return sorted((_record(row) for row in result.all()), key=lambda r: r.id)

    async def claim_due(self, grace: float, lease: float, limit: int = 50) -> list[JournalRecord]:
        now = self.clock()
        async with self.stores.transaction() as store:
            free = (JournalRow.due <= now - grace, JournalRow.lease_until < now)
            due = select(JournalRow.id).where(*free).order_by(JournalRow.id).limit(limit)
            if store.s.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)  # another sweep's claim in flight: skipped
            result = await store.s.execute(
                update(JournalRow)
                .where(JournalRow.id.in_(due), *free)
                .values(lease_until=now + lease)
                .returning(*_RETURNED)
            )
            return sorted((_record(row) for row in result.all()), key=lambda r: r.id)

    async def extend(self, ids: Collection[int], lease: float) -> None:
        if not ids:
            return
        async with self.stores.transaction() as store:
            await store.s.execute(
                update(JournalRow)
                .where(JournalRow.id.in_(list(ids)))
                .values(lease_until=self.clock() + lease)
            )

    async def undone(self) -> int:
        """How many entries are left (tests and logs)."""
        return await self.stores.count(JournalRow)


def _statements(handover: Handover) -> list[Executable]:
    out: list[Executable] = []
    if handover.done:
        out.append(delete(JournalRow).where(JournalRow.id.in_(list(handover.done))))
    if handover.advance is not None:
        entry, step = handover.advance
        out.append(update(JournalRow).where(JournalRow.id == entry).values(step=step))
    return out


@contextmanager
def _carrying(handover: Handover) -> Iterator[None]:
    carried = _Carried(handover)
    token = _CARRIED.set(carried)
    try:
        yield
    finally:
        carried.over = True
        _CARRIED.reset(token)


# Listeners on every ORM session of the process (a `SqlStoreFactory`'s sessions are plain `Session`s
# under asyncio): a context variable check when no hand-over is under way.
@event.listens_for(Session, "after_flush")
def _ride(session: Session, _context: Any) -> None:
    """Rows for the shared outbox are being written while a hand-over is carried: the journal's record
    of it goes in the same transaction (the put and the journal entry's end are one commit)."""
    carried = _CARRIED.get()
    if carried is None or carried.over or carried.session is not None:
        return
    if not any(isinstance(row, OutboxRow) for row in session.new):
        return
    carried.session = session
    connection = session.connection()
    for statement in _statements(carried.handover):
        connection.execute(statement)


@event.listens_for(Session, "after_commit")
def _rode(session: Session) -> None:
    carried = _CARRIED.get()
    if carried is not None and carried.session is session:
        carried.handover.rode = True


@event.listens_for(Session, "after_rollback")
def _fell(session: Session) -> None:
    carried = _CARRIED.get()
    if carried is not None and carried.session is session and not carried.handover.rode:
        carried.session = None  # rolled back with the put: recorded on its own after all


def _record(row: Any) -> JournalRecord:
    return JournalRecord(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        origin_from_json(dict(row[3] or {})),
        deliveries_from_json(row[4]),
        int(row[5] or 0),
    )
