"""The delivery journal in the database (`drafting.ports.DeliveryJournal`, table `delivery_journal`).

`record` is one INSERT inside the command's transaction. Everything else is one short transaction
of its own: `done` one DELETE; `hold` one UPDATE (and an INSERT per further chat); taking entries is
a conditional UPDATE … RETURNING on a lease (`lease_until`), atomic on both databases; the sweep finds
its entries with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers sweeping at once skip each other's
instead of queueing behind them (SQLite has one writer anyway).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update

from drafting.journal import (
    JournalRecord,
    RequestOrigin,
    deliveries_from_json,
    deliveries_to_json,
    origin_from_json,
    origin_to_json,
)
from drafting.ports import Store
from drafting.replies import Delivery
from storage.store import SqlStore, SqlStoreFactory
from storage.tables import JournalRow

_RETURNED = (JournalRow.id, JournalRow.platform, JournalRow.hold, JournalRow.origin, JournalRow.deliveries)


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

    async def hold(
        self, entry_id: int, groups: Sequence[tuple[str, Sequence[Delivery]]], window: float
    ) -> list[int]:
        due = self.clock() + window
        async with self.stores.transaction() as store:
            (first, held), *rest = groups
            kept = await store.s.execute(
                update(JournalRow)
                .where(JournalRow.id == entry_id)
                .values(hold=first, due=due, lease_until=0.0, deliveries=deliveries_to_json(held))
                .returning(JournalRow.origin, JournalRow.platform)
            )
            row = kept.first()
            if row is None:
                return []  # another worker's sweep took it meanwhile (this one stalled past the grace)
            ids = [entry_id]
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


def _record(row: Any) -> JournalRecord:
    return JournalRecord(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        origin_from_json(dict(row[3] or {})),
        deliveries_from_json(row[4]),
    )
