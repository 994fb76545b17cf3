"""Slack requests answered before their work ran (HTTP mode) are kept until that work is done.

Slack wants its answer within 3 s, so the adapter acknowledges a request first and works after; Slack
never sends an acknowledged request again. So before the answer, the request's raw body (already
verified: signed, from our installation) is written to the `slack_inbox` table, one INSERT on its own
(`keep`). When its work is done (the command committed, or it needed nothing) the row is deleted,
several at once when requests finish together (`finished`). A worker that dies in between leaves the
row: its lease (`grace` seconds, DRAFTBOT_JOURNAL_GRACE_SECONDS, renewed by a worker that is merely
slow) runs out, and any worker's sweep (`sweep`, every second or less) takes it and has the adapter
dispatch it again through Bolt, as if it had just come.

Handling a request twice is harmless: every command, press, comment and form submission carries its
request id (trigger_id, event_id, action_ts, view id) as a dedup key claimed in the command's own
transaction, so a request that committed before its worker died is found a duplicate and changes or
says nothing; its replies were journaled with it (bot/dispatch.py). A row whose handling keeps failing
(an exception, or a worker dying each time) is dropped after `ATTEMPTS` handlings, with an error in
the log; its person sees what the failed attempts left (most often nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.slack.bodies import body_team
from bot.slack.trust import read_body
from storage.inbox_store import InboxRecord, InboxStore

log = logging.getLogger("draftbot.slack.inbox")

TICKET = "draftbot_inbox"  # the key of a request's `Ticket` in its Bolt context
ATTEMPTS = 3  # handlings of one request (the first one included) before it is given up


@dataclass(eq=False)
class Ticket:
    """One handling of an inbox row: `taken` once a listener started its work."""

    id: int
    again: bool = False  # a sweep's handling of a row another handling left
    taken: bool = False


class SlackInbox:
    def __init__(
        self, store: InboxStore, again: Callable[[InboxRecord], None], *, grace: float = 5.0
    ) -> None:
        """`again`: the adapter's dispatch of a row a sweep took (it starts a task, at once)."""
        self.store = store
        self.grace = grace
        self.every = min(1.0, grace / 2)
        self._again = again
        self._mine: set[int] = set()  # rows being handled here: their lease is renewed
        self._finished: set[int] = set()  # rows whose work is done, to delete
        self._renewed = 0.0
        self._waiting: list[tuple[str, str, asyncio.Future[int | None]]] = []  # to write, in order
        self._writing: asyncio.Task[None] | None = None
        self._deleting: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def keep(self, content_type: str, body: str) -> Ticket | None:
        """The request, written before it is answered; None if the database would not take it (the
        request is then handled as before the inbox: acknowledged, and lost with a dying worker).
        Requests that come while a write is under way go together in the next one (a burst)."""
        waiter: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((content_type, body, waiter))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.get_running_loop().create_task(self._write())
        row = await asyncio.shield(waiter)
        if row is None:
            return None
        self._mine.add(row)
        return Ticket(row)

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                rows: list[int | None] = list(
                    await self.store.put_many([(t, b) for t, b, _ in batch], self.grace)
                )
            except Exception:
                log.warning(
                    "slack: %s request(s) not kept in the inbox; handled without", len(batch), exc_info=True
                )
                rows = [None] * len(batch)
            for (_, _, waiter), row in zip(batch, rows, strict=True):
                if not waiter.done():
                    waiter.set_result(row)

    def finished(self, ticket: Ticket) -> None:
        """Its work is done: the row goes (with the others finished meanwhile, in one statement)."""
        self._mine.discard(ticket.id)
        self._finished.add(ticket.id)
        if self._deleting is None or self._deleting.done():
            self._deleting = asyncio.get_running_loop().create_task(self._delete())

    def failed(self, ticket: Ticket) -> None:
        """Its work failed: the row is left to a sweep once its lease runs out (a pause before the next
        attempt), unless it had its last attempt."""
        self._mine.discard(ticket.id)

    async def _delete(self) -> None:
        while self._finished:
            ids = list(self._finished)
            self._finished.clear()
            try:
                await self.store.done(ids)
            except Exception:  # the rows are handled again after the grace, as duplicates
                log.warning("slack: %s finished request(s) stay in the inbox", len(ids), exc_info=True)

    async def flush(self) -> None:
        """Waits until the rows of finished requests are deleted."""
        while self._deleting is not None and not self._deleting.done():
            await asyncio.shield(self._deleting)

    async def sweep(self, limit: int = 20) -> int:
        """Renews this worker's leases, then takes the rows nobody holds and has them handled again.
        Returns how many rows it took."""
        now = self.store.clock()
        if self._mine and now - self._renewed >= self.grace / 3:
            await self.store.extend(self._mine, self.grace)
            self._renewed = now
        records = await self.store.claim(self.grace, limit)
        for record in records:
            if record.id in self._mine:
                continue  # still handled here (its lease was late): it goes on, now renewed
            if record.attempts > ATTEMPTS:
                log.error(
                    "slack: gave up a request after %s attempts: %s",
                    ATTEMPTS,
                    _summary(record),
                )
                self.finished(Ticket(record.id))
                continue
            log.info("slack: handling again a request a worker left (attempt %s)", record.attempts)
            self._mine.add(record.id)
            self._again(record)
        return len(records)

    def start(self) -> None:
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        await self.flush()

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("slack: inbox sweep failed; trying again next round")
            await asyncio.sleep(self.every)


def _summary(record: InboxRecord) -> str:
    """What the log says of a dropped request: its kind and ids, not what a person wrote."""
    body = read_body(record.body, record.content_type)
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    fields = {
        "kind": body.get("type") or body.get("command"),
        "event": (event or {}).get("type"),
        "event_id": body.get("event_id"),
        "trigger_id": body.get("trigger_id"),
        "team": body_team(body),
        "row": record.id,
    }
    return ", ".join(f"{k}={v}" for k, v in fields.items() if v)
