"""Group commit for button presses: presses that arrive while a press transaction is in flight are
taken together in the next one, so one BEGIN/COMMIT (and, on SQLite, one turn of the single writer)
serves many presses.

A batch is read at once and written at once (on PostgreSQL one statement each, storage.press_many).
Each press is decided as a press alone is (drafting.press), in arrival order within its point, on the
point as the presses before it in the batch left it, so its answer is the one it would have had run
alone in that order. A press the fast path does not take (a
refusal, an adoption, anything uncommon) only read, and goes to the general path after the batch as it
would alone. If anything in a batch fails (a lost race, the database in trouble, a bug in one press),
the whole batch is rolled back and every press in it is run again on its own, one after another in
the batch's order, so one failing press neither loses nor changes the others.

Batches lock their points in ascending id order, so two batches (of two lanes or two workers) never
wait for each other in a cycle. On PostgreSQL several lanes may write at once (`lanes`); a new lane
starts only when every lane is inside a transaction, so a quiet bot runs each press alone at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

from drafting import press as fast
from drafting.commands import Command
from drafting.ports import (
    PointSnapshot,
    PressContext,
    PressRecord,
    PressStore,
    RetryableConflict,
    StoreFactory,
    TransientStoreError,
)
from drafting.replies import Outcome
from drafting.turn import Context


class _Alone:
    """The lane was cancelled (shutdown) before this press was taken: its caller runs it alone."""


ALONE: Final = _Alone()
# What a batch gives each press: recorded (its decision and card version), an outcome (a duplicate,
# or the answer of a press run again alone), None (the general path takes it), or ALONE.
Taken = tuple[fast.Decision, int] | Outcome | None | _Alone

ATTEMPTS = 4  # a transaction that lost a race is run again, from a fresh read
LIMIT = 50  # presses per transaction: a long batch holds its points' locks and its first presses' answers


@dataclass
class _Pending:
    ctx: Context
    command: Command
    point_id: int
    taken: asyncio.Future[Taken] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class PressBatcher:
    def __init__(
        self,
        stores: Callable[[], StoreFactory],
        clock: Callable[[], datetime],
        lanes: int = 1,
    ) -> None:
        self.stores = stores  # read at each batch: a test may swap the service's factory
        self.clock = clock
        self.lanes = max(1, lanes)
        self._waiting: list[_Pending] = []
        self._tasks: set[asyncio.Task[None]] = set()  # kept referenced while they run
        self._active = 0  # lanes running, counted without waiting for their tasks' done callbacks
        self._idle = 0  # lanes started that have not yet taken their batch

    async def press(self, ctx: Context, command: Command, point_id: int) -> Taken:
        pending = _Pending(ctx, command, point_id)
        self._waiting.append(pending)
        if not self._tasks:  # no lane left: none counts as running (one cancelled before it began)
            self._active = self._idle = 0
        if self._idle == 0 and self._active < self.lanes:
            self._active += 1
            self._idle += 1
            task = asyncio.create_task(self._lane())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await pending.taken

    async def _lane(self) -> None:
        idle = True
        batch: list[_Pending] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:LIMIT], self._waiting[LIMIT:]
                if idle:
                    self._idle -= 1
                    idle = False
                # Stable: presses on one point keep their order of arrival.
                batch.sort(key=lambda p: p.point_id)
                try:
                    results = await self._run(batch)
                except Exception:
                    await self._one_by_one(batch)
                else:
                    for pending, result in zip(batch, results, strict=True):
                        if not pending.taken.done():
                            pending.taken.set_result(result)
                batch = []
        finally:
            # No await from the loop's last check to here: a press arriving now sees this lane gone.
            self._active -= 1
            if idle:
                self._idle -= 1
            # Cancelled (shutdown) mid-batch: nobody is left waiting for an answer that never comes.
            left = batch + (self._waiting if self._active == 0 else [])
            if self._active == 0:
                self._waiting = []
            for pending in left:
                if not pending.taken.done():
                    pending.taken.set_result(ALONE)

    async def _one_by_one(self, batch: list[_Pending]) -> None:
        """The batch was rolled back: each press again on its own, in the batch's order (so each is
        answered as it would have been had they come one by one), its failure its own."""
        while batch:
            pending = batch[0]
            try:
                result: Taken = await self.alone(pending.ctx, pending.command, pending.point_id)
            except Exception as error:
                if not pending.taken.done():
                    pending.taken.set_exception(error)
            else:
                if not pending.taken.done():
                    pending.taken.set_result(result)
            del batch[0]  # the lane's `finally` answers what is left if this is cancelled

    async def alone(self, ctx: Context, command: Command, point_id: int) -> Outcome | None:
        """The common press in one read and one write (drafting.press); None: the general path
        takes it (anything uncommon, a refusal, or the database in trouble, which it answers)."""
        for attempt in range(ATTEMPTS):
            try:
                async with self.stores().press() as store:
                    (taken,) = await _take(store, [(ctx, command, point_id)], self.clock())
            except RetryableConflict:
                if attempt == ATTEMPTS - 1:
                    return None
                await asyncio.sleep(0.01 * (attempt + 1))
                continue
            except TransientStoreError:
                return None
            return await fast.outcome(ctx, *taken) if isinstance(taken, tuple) else taken
        return None

    async def _run(self, batch: list[_Pending]) -> list[Taken]:
        async with self.stores().press() as store:
            return list(await _take(store, [(p.ctx, p.command, p.point_id) for p in batch], self.clock()))


async def _take(
    store: PressStore, presses: list[tuple[Context, Command, int]], now: datetime
) -> list[tuple[fast.Decision, int] | Outcome | None]:
    """Presses' read, decisions and write in `store`'s transaction: each recorded (its decision and
    card version), a duplicate, or None (the general path takes it). All are read at once; each is
    decided on its point as the presses before it in the batch left it, as if it had read it again."""
    gathered = await store.press_contexts(
        [(ctx.chat, ctx.user.platform, ctx.dedup_key, point_id) for ctx, _, point_id in presses]
    )
    left: dict[int, PointSnapshot] = {}  # a point as the batch's presses so far left it
    keys: set[tuple[str, str]] = set()  # updates claimed by the batch so far
    taken: list[tuple[fast.Decision, int] | Outcome | None] = []
    records: list[PressRecord] = []
    for (ctx, command, point_id), context in zip(presses, gathered, strict=True):
        key = (ctx.user.platform, ctx.dedup_key) if ctx.dedup_key is not None else None
        if context is None:
            taken.append(None)
            continue
        if context.claimed or key in keys:
            taken.append(Outcome(duplicate=True))
            continue
        snap = left.get(point_id, context.snapshot)
        decision = fast.decide(ctx, command, PressContext(snap, claimed=False), now)
        if decision is None:
            taken.append(None)
            continue
        if key is not None:
            keys.add(key)
        version = snap.point.card_version + 1
        left[point_id] = replace(decision.snapshot, point=replace(snap.point, card_version=version))
        records.append(decision.record)
        taken.append((decision, version))
    await store.record_presses(records, now)
    return taken
