"""Every row of every table, to show that a refused request changed nothing.

The `processed_updates` table is left out on purpose: a refused update's id is recorded there so that
the same update delivered twice is answered once. So are the shared outbox's tables (`outbox`,
`outbox_chats`): the refusal itself is a message, waiting there until sent, and sending it spends the
chat's flood budget. Those rows are the bot's own bookkeeping, not a change anyone in the meeting can
see or cause more than once per message.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.store import SqlStoreFactory
from storage.tables import Base

BOOKKEEPING = frozenset({"processed_updates", "outbox", "outbox_chats"})

Snapshot = dict[str, list[tuple[object, ...]]]


async def snapshot(stores: SqlStoreFactory) -> Snapshot:
    """Each table's rows (sorted), except the update-claim bookkeeping."""
    out: Snapshot = {}
    async with stores.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = (await session.execute(select(table))).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out
