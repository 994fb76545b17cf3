"""The Slack inbox in the database (table `slack_inbox`): requests answered before their work ran.

`put` is one INSERT on its own (`once(writes=True)`: no BEGIN/COMMIT round trips), made before the
requests are answered, so it is the one statement on the answer's path: one statement for every
request that came while the previous one ran (a burst), and on SQLite an urgent one, which goes before
the transactions waiting for their turn (storage.writer_turns). `done` and `extend` are one
statement each too. `claim` takes rows whose lease ran out with a conditional UPDATE … RETURNING, atomic
on both databases; on PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`, so workers sweeping
at once skip each other's instead of queueing behind them (SQLite has one writer anyway).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from storage.delivery_tables import SlackInboxRow
from storage.store import SqlStoreFactory


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
        (row_id,) = await self.put_many([(content_type, body)], lease)
        return row_id

    async def put_many(self, requests: Sequence[tuple[str, str]], lease: float) -> list[int]:
        """(content type, body) of each request; their row ids, in the same order."""
        now = self.clock()
        rows = [
            {"received": now, "lease_until": now + lease, "attempts": 1, "content_type": t[:100], "body": b}
            for t, b in requests
        ]
        async with self.stores.once(writes=True, urgent=True) as store:
            result = await store.s.execute(insert(SlackInboxRow).values(rows).returning(SlackInboxRow.id))
            ids = sorted(int(row_id) for row_id in result.scalars())
        # RETURNING's order is not promised; the ids are: one statement's rows take ascending ids in
        # the order of its VALUES (SQLite's AUTOINCREMENT, PostgreSQL's sequence, row after row).
        assert len(ids) == len(rows)
        return ids

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
