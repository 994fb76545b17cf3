"""The Slack inbox in the database (table `slack_inbox`): requests answered before their work ran.

`put` is one INSERT on its own (`once(writes=True)`: no BEGIN/COMMIT round trips), made before the
request is answered, so it is the one statement on the answer's path. `done` and `extend` are one
statement each too. `claim` takes rows whose lease ran out with a conditional UPDATE … RETURNING, atomic
on both databases; on PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`, so workers sweeping
at once skip each other's instead of queueing behind them (SQLite has one writer anyway).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from storage.store import SqlStoreFactory
from storage.tables import SlackInboxRow


@dataclass(frozen=True)
class InboxRecord:
    id: int
    attempts: int  # handlings started, this one included
    content_type: str
    body: str


class InboxStore:
    def __init__(self, stores: SqlStoreFactory, *, clock: Callable[[], float] = time.time) -> None:
        self.stores = stores
        self.clock = clock  # wall seconds: leases are compared across workers

    async def put(self, content_type: str, body: str, lease: float) -> int:
        now = self.clock()
        async with self.stores.once(writes=True) as store:
            row_id = await store.s.scalar(
                insert(SlackInboxRow)
                .values(
                    received=now,
                    lease_until=now + lease,
                    attempts=1,
                    content_type=content_type[:100],
                    body=body,
                )
                .returning(SlackInboxRow.id)
            )
        assert row_id is not None
        return int(row_id)

    async def done(self, ids: Collection[int]) -> None:
        if not ids:
            return
        async with self.stores.once(writes=True) as store:
            await store.s.execute(delete(SlackInboxRow).where(SlackInboxRow.id.in_(list(ids))))

    async def extend(self, ids: Collection[int], lease: float) -> None:
        """The rows this worker is still handling stay its own for `lease` seconds more."""
        if not ids:
            return
        async with self.stores.once(writes=True) as store:
            await store.s.execute(
                update(SlackInboxRow)
                .where(SlackInboxRow.id.in_(list(ids)))
                .values(lease_until=self.clock() + lease)
            )

    async def claim(self, lease: float, limit: int = 20) -> list[InboxRecord]:
        """Rows nobody holds (their worker died, or gave up on them): this worker's for `lease` s, one
        more attempt counted."""
        now = self.clock()
        async with self.stores.transaction() as store:
            free = SlackInboxRow.lease_until < now
            due = select(SlackInboxRow.id).where(free).order_by(SlackInboxRow.id).limit(limit)
            if store.s.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)  # another sweep's claim in flight: skipped
            result = await store.s.execute(
                update(SlackInboxRow)
                .where(SlackInboxRow.id.in_(due), free)
                .values(lease_until=now + lease, attempts=SlackInboxRow.attempts + 1)
                .returning(
                    SlackInboxRow.id,
                    SlackInboxRow.attempts,
                    SlackInboxRow.content_type,
                    SlackInboxRow.body,
                )
            )
            rows = [InboxRecord(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in result.all()]
        return sorted(rows, key=lambda r: r.id)

    async def left(self) -> int:
        """How many rows are there (tests and logs)."""
        return await self.stores.count(SlackInboxRow)
