"""The shared outbox in the database: what is to be sent to each chat, and which worker sends it.

Every worker inserts what the core decided to send (`put`, `put_card`), and sends only to chats it
holds the lease of (`claim`, `claim_due`): one worker at a time per chat, so the chat's flood budget
(`Budget`, kept with the lease) is spent by all workers together, and rows left by a worker that died
are taken over once its lease runs out (it is renewed every second or so while the worker lives).

A lease is a conditional UPDATE (free, expired, or already ours), atomic on both databases; finding
the chats that wait uses `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers polling at once skip each
other's claims instead of queueing behind them. SQLite has one writer (one process) anyway.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update

from storage.delivery_tables import OutboxChatRow, OutboxRow
from storage.store import SqlStore, SqlStoreFactory

QUEUED, TAKEN = "queued", "taken"


@dataclass
class Letter:
    """One row to insert: something for one chat."""

    chat_id: str
    kind: str  # text | document | card | retire
    payload: dict[str, Any] = field(default_factory=dict)
    point_id: int | None = None
    content: bytes | None = None  # a document's bytes


@dataclass(frozen=True)
class Waiting:
    """One row waiting to be sent; `taken`: a worker was making its call (maybe it died doing so)."""

    id: int
    kind: str
    point_id: int | None
    taken: bool
    forced: bool
    payload: dict[str, Any]
    content: bytes | None


@dataclass
class Budget:
    """A chat's flood budget, shared by every worker: its last send, its sends of the last minute
    (seconds since the epoch), and until when a 429 said to wait."""

    last_sent: float = 0.0
    recent: list[float] = field(default_factory=list)
    held_until: float = 0.0


class OutboxStore:
    """One platform's outbox. Each method is one short transaction."""

    def __init__(self, stores: SqlStoreFactory, platform: str) -> None:
        self.stores = stores
        self.platform = platform
        self._chats: set[str] = set()  # chats whose outbox_chats row is known to exist (saves a statement)

    # ---- writing what is to be sent --------------------------------------------------------------

    async def put(self, letters: Sequence[Letter], at: datetime) -> list[int]:
        """Inserts the rows, in this order; returns their ids."""
        async with self.stores.transaction() as store:
            ids = await self._put(store, letters, at)
        self._chats.update(letter.chat_id for letter in letters)  # committed: the rows exist now
        return ids

    async def put_card(
        self,
        chat_id: str,
        point_id: int,
        *,
        forced: bool,
        at: datetime,
        payload: dict[str, Any] | None = None,
    ) -> int | None:
        """Asks for the point's card in the chat to be drawn: joins a request still waiting (not yet
        taken) for the same card, else inserts one. Returns the new row's id, or None when joined.
        `payload`: kept with a new row only (a joined one keeps its own), e.g. whom to tell if the card
        cannot be posted."""
        async with self.stores.transaction() as store:
            mine = (
                OutboxRow.platform == self.platform,
                OutboxRow.chat_id == chat_id,
                OutboxRow.kind == "card",
                OutboxRow.point_id == point_id,
                OutboxRow.state == QUEUED,
            )
            if forced:
                joined = await store.s.execute(update(OutboxRow).where(*mine).values(forced=True))
                if getattr(joined, "rowcount", 0):
                    return None
            elif (await store.s.execute(select(OutboxRow.id).where(*mine).limit(1))).first() is not None:
                return None
            letter = Letter(chat_id, "card", dict(payload or {}), point_id=point_id)
            (row_id,) = await self._put(store, [letter], at, forced=forced)
        self._chats.add(chat_id)
        return row_id

    async def _put(
        self, store: SqlStore, letters: Sequence[Letter], at: datetime, *, forced: bool = False
    ) -> list[int]:
        rows = [
            OutboxRow(
                platform=self.platform,
                chat_id=letter.chat_id,
                kind=letter.kind,
                point_id=letter.point_id,
                state=QUEUED,
                forced=forced,
                payload=letter.payload,
                content=letter.content,
                created_at=at,
            )
            for letter in letters
        ]
        store.s.add_all(rows)
        for chat_id in dict.fromkeys(
            letter.chat_id for letter in letters if letter.chat_id not in self._chats
        ):
            await store.s.execute(
                store._insert(OutboxChatRow)
                .values(platform=self.platform, chat_id=chat_id, lease_owner="", recent=[])
                .on_conflict_do_nothing()
            )
        await store.s.flush()
        return [row.id for row in rows]

    # ---- leases ----------------------------------------------------------------------------------

    async def claim(self, chat_id: str, owner: str, now: float, lease: float) -> Budget | None:
        """The chat's lease for `owner` until now + lease, if free, expired or already theirs; with
        the chat's budget. None: another worker holds it."""
        async with self.stores.transaction() as store:
            result = await store.s.execute(
                update(OutboxChatRow)
                .where(
                    OutboxChatRow.platform == self.platform,
                    OutboxChatRow.chat_id == chat_id,
                    or_(OutboxChatRow.lease_until < now, OutboxChatRow.lease_owner == owner),
                )
                .values(lease_owner=owner, lease_until=now + lease)
                .returning(OutboxChatRow.last_sent, OutboxChatRow.recent, OutboxChatRow.held_until)
            )
            row = result.first()
            return None if row is None else Budget(row[0], list(row[1] or []), row[2])

    async def claim_due(self, owner: str, now: float, lease: float, limit: int = 20) -> dict[str, Budget]:
        """Leases for `owner` of chats with rows waiting whose lease is free or expired (a worker
        that died, or none yet), at most `limit`; chat id -> budget."""
        async with self.stores.transaction() as store:
            free = OutboxChatRow.lease_until < now
            due = (
                select(OutboxChatRow.chat_id)
                .where(
                    OutboxChatRow.platform == self.platform,
                    free,
                    exists().where(
                        OutboxRow.platform == OutboxChatRow.platform,
                        OutboxRow.chat_id == OutboxChatRow.chat_id,
                    ),
                )
                .limit(limit)
            )
            if store.s.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)  # another worker's claim in flight: skipped
            result = await store.s.execute(
                update(OutboxChatRow)
                .where(OutboxChatRow.platform == self.platform, OutboxChatRow.chat_id.in_(due), free)
                .values(lease_owner=owner, lease_until=now + lease)
                .returning(
                    OutboxChatRow.chat_id,
                    OutboxChatRow.last_sent,
                    OutboxChatRow.recent,
                    OutboxChatRow.held_until,
                )
            )
            return {row[0]: Budget(row[1], list(row[2] or []), row[3]) for row in result.all()}

    async def renew(self, owner: str, now: float, lease: float) -> int:
        """Extends every lease `owner` still holds; returns how many."""
        async with self.stores.transaction() as store:
            result = await store.s.execute(
                update(OutboxChatRow)
                .where(OutboxChatRow.platform == self.platform, OutboxChatRow.lease_owner == owner)
                .values(lease_until=now + lease)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def release(self, chat_id: str, owner: str, budget: Budget) -> None:
        """Gives the chat's lease up (nothing left to send), keeping its budget for the next sender."""
        async with self.stores.transaction() as store:
            await store.s.execute(
                update(OutboxChatRow)
                .where(*self._held(chat_id, owner))
                .values(lease_owner="", lease_until=0.0, **_budget(budget))
            )

    async def release_all(self, owner: str) -> None:
        """A worker stopping: its chats are free for the others at once."""
        async with self.stores.transaction() as store:
            await store.s.execute(
                update(OutboxChatRow)
                .where(OutboxChatRow.platform == self.platform, OutboxChatRow.lease_owner == owner)
                .values(lease_owner="", lease_until=0.0)
            )

    # ---- sending ---------------------------------------------------------------------------------

    async def waiting(self, chat_id: str, limit: int = 20) -> list[Waiting]:
        """The chat's oldest rows, in the order they were put."""
        async with self.stores.read() as store:
            rows = await store.s.execute(
                select(OutboxRow)
                .where(OutboxRow.platform == self.platform, OutboxRow.chat_id == chat_id)
                .order_by(OutboxRow.id)
                .limit(limit)
            )
            return [
                Waiting(r.id, r.kind, r.point_id, r.state == TAKEN, r.forced, dict(r.payload), r.content)
                for r in rows.scalars()
            ]

    async def take(
        self, ids: Collection[int], chat_id: str = "", owner: str = "", budget: Budget | None = None
    ) -> None:
        """Marks rows as being sent, before their call: if this worker dies now, the next one knows
        they may have gone out. With `budget`: the chat's budget, the call about to be made counted,
        saved too (a worker that dies during the call leaves its successor the right count)."""
        async with self.stores.transaction() as store:
            if ids:
                await store.s.execute(
                    update(OutboxRow).where(OutboxRow.id.in_(list(ids))).values(state=TAKEN)
                )
            if budget is not None:
                await store.s.execute(
                    update(OutboxChatRow).where(*self._held(chat_id, owner)).values(**_budget(budget))
                )

    async def finish(
        self,
        chat_id: str,
        owner: str,
        ids: Collection[int],
        budget: Budget,
        follow: Sequence[Letter] = (),
        at: datetime | None = None,
    ) -> tuple[list[int], bool]:
        """Rows done (sent, or their failure told): deleted, the chat's budget saved, and the rows that
        follow from them (a notice, a private message's word in the group) inserted, all at once.
        Returns the new rows' ids, and whether `owner` still holds the chat."""
        async with self.stores.transaction() as store:
            if ids:
                await store.s.execute(delete(OutboxRow).where(OutboxRow.id.in_(list(ids))))
            saved = await store.s.execute(
                update(OutboxChatRow).where(*self._held(chat_id, owner)).values(**_budget(budget))
            )
            held = bool(getattr(saved, "rowcount", 0))
            if not follow:
                return [], held
            assert at is not None
            return await self._put(store, follow, at), held

    async def still_waiting(self, ids: Collection[int]) -> set[int]:
        if not ids:
            return set()
        async with self.stores.read() as store:
            rows = await store.s.execute(select(OutboxRow.id).where(OutboxRow.id.in_(list(ids))))
            return {row_id for (row_id,) in rows}

    async def move_chat(self, old: str, new: str) -> None:
        """A chat got a new id (a group became a supergroup): what waits for it follows."""
        async with self.stores.transaction() as store:
            await store.s.execute(
                update(OutboxRow)
                .where(OutboxRow.platform == self.platform, OutboxRow.chat_id == old)
                .values(chat_id=new)
            )
            await store.s.execute(
                store._insert(OutboxChatRow)
                .values(platform=self.platform, chat_id=new, lease_owner="", recent=[])
                .on_conflict_do_nothing()
            )

    def _held(self, chat_id: str, owner: str) -> tuple[Any, ...]:
        return (
            OutboxChatRow.platform == self.platform,
            OutboxChatRow.chat_id == chat_id,
            OutboxChatRow.lease_owner == owner,
        )


def _budget(budget: Budget) -> dict[str, Any]:
    return {"last_sent": budget.last_sent, "recent": list(budget.recent), "held_until": budget.held_until}
