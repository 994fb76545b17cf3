"""What the bot posts in Slack channels goes through the shared outbox (`storage.outbox_store`, platform
"slack"), as Telegram's and WhatsApp's messages do.

A chat of the outbox is a channel of one workspace (`key`: "<team>/<channel>"). The worker that handled
a request puts its rows (texts, one per `chat.postMessage`; documents; card requests, which join one
still waiting for the same card) right after the core committed, and the worker holding the channel's
lease sends them, oldest first, through the channel's own calls (`SlackChannel.sent_or_told`):

- Slack allows about one `chat.postMessage` a second per channel (short bursts beyond, then 429 with a
  Retry-After). The channel's pacer (last post, a 429's hold) is loaded from the chat's shared budget
  when the lease is taken and saved before each text's call and after every row, so all workers
  together post at that pace (a worker dying during a call leaves its successor the budget without
  that one post: at worst one post a second early); a 429 holds the channel, and the same call is
  made again after its Retry-After.
- Card edits (`chat.update`, Tier 3, per workspace) are not held to the posting pace, only to a 429's
  hold; a card row is drawn fresh from the database through the shared `CardSync` when its turn comes,
  so a burst of presses costs one edit per card for every row it coalesced into, at most one per
  `edit_interval` per card and worker.
- A text or document row is marked taken before its call: a successor that finds it taken (its worker
  died during the call) does not send it again and tells the person who caused it that it may not have
  arrived, with what it said; a card row is simply drawn again.
- A killed worker's channels are taken over within `LEASE` + `POLL` s (`bot.outbox_leases`).

Slack acknowledges a request before the core runs (it wants an answer within 3 s), so unlike Telegram's
webhook the rows cannot be put before the request is answered: in HTTP mode the request itself is kept
in the Slack inbox until its work is done, and a worker killed between its ack and the core's commit
leaves it to another worker (bot/slack/inbox.py); once the core committed, the rows are put in the
same task, before its work is done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bot.cardsync import Pacer
from bot.outbox_leases import LEASE, POLL, LeaseKeeper, worker_id
from bot.outbox_senders import Senders
from drafting.model import ChatRef
from storage.outbox_store import Budget, Letter, OutboxStore, Waiting
from storage.store import SqlStoreFactory

log = logging.getLogger("draftbot.slack.outbox")

PLATFORM = "slack"
ONCE = ("text", "document")  # rows never sent twice (a card is drawn again)
POST_INTERVAL = 1.0  # seconds between two posts in one channel, all workers together


def key(chat: ChatRef) -> str:
    """The outbox's chat id of a channel: channels are leased per workspace and channel."""
    return f"{chat.workspace}/{chat.chat_id}"


def chat_of(chat_key: str) -> ChatRef:
    workspace, _, channel = chat_key.rpartition("/")
    return ChatRef(PLATFORM, channel, workspace)


class LeaseLost(Exception):
    """Another worker holds this channel now."""


Send = Callable[[ChatRef, Waiting, Pacer], Awaitable[None]]  # one row's calls, paced by the pacer
Doubt = Callable[[ChatRef, Waiting], Awaitable[None]]  # a row its worker died sending: tell, do not send
# Seconds a card edit should still wait (edited just now); None for a post, which goes in order at the
# channel's pace
Later = Callable[[ChatRef, Waiting], float | None]
LOOK_AHEAD = 20  # rows read at once, to pass a card that must wait


class SlackOutbox(Senders):
    """This worker's senders, one task per channel it holds."""

    lane_name = "slack-lane"

    def __init__(
        self,
        stores: SqlStoreFactory,
        send: Send,
        doubt: Doubt,
        later: Later | None = None,
        *,
        post_interval: float = POST_INTERVAL,
        clock: Callable[[], float] = time.time,
        lease: float = LEASE,
    ) -> None:
        self.store = OutboxStore(stores, PLATFORM)
        self.send = send  # the channel's call for one row
        self.doubt = doubt  # tells whom a row concerned that it may not have arrived
        self.later = later or (lambda chat, row: None)
        self.post_interval = post_interval
        self.clock = clock  # wall clock: budgets and leases are compared across workers
        self.lease = lease
        self.owner = worker_id()
        self.lanes: dict[str, asyncio.Task[None]] = {}
        self.again: set[str] = set()  # rows were put while its sender ran: look again before releasing
        self.mine: set[int] = set()  # rows this worker put that it has not seen sent yet
        self.skipped = 0  # rows a dead worker was sending, not sent again (for logs and tests)
        self.leases = LeaseKeeper(
            PLATFORM, self.store, self.owner, clock, lease, busy=self._busy, poll=self.poll
        )

    # ---- putting -------------------------------------------------------------------------------

    async def put(self, chat: ChatRef, letters: list[tuple[str, dict[str, Any], bytes | None]]) -> None:
        """Into the outbox (committed when this returns), then sent by whoever holds the channel."""
        if not letters:
            return
        k = key(chat)
        rows = [Letter(k, kind, payload, content=content) for kind, payload, content in letters]
        self.mine.update(await self.store.put(rows, datetime.now(UTC)))
        self.kick(k)

    async def put_card(
        self, chat: ChatRef, point_id: int, *, forced: bool = False, payload: dict[str, Any] | None = None
    ) -> None:
        k = key(chat)
        row_id = await self.store.put_card(k, point_id, forced=forced, at=datetime.now(UTC), payload=payload)
        if row_id is not None:
            self.mine.add(row_id)
        self.kick(k)

    # ---- one channel's sender ------------------------------------------------------------------

    async def _work(self, chat_key: str) -> None:
        try:
            while chat_key in self.again:
                self.again.discard(chat_key)
                budget = await self.store.claim(chat_key, self.owner, self.clock(), self.lease)
                if budget is None:
                    return  # another worker sends here (or, if it dies, whoever takes over)
                pacer = Pacer(self.post_interval)
                pacer.last = budget.last_sent or -1e9
                pacer.recent = deque(budget.recent)
                pacer.hold_until = budget.held_until
                await self._drain(chat_key, pacer)
                await self.store.release(chat_key, self.owner, self._budget(pacer))
        except asyncio.CancelledError:
            raise
        except LeaseLost:
            log.warning("slack: another worker took over channel %s", chat_key)
        except Exception:
            log.exception("slack: the sender of channel %s stopped; its lease runs out", chat_key)

    async def _drain(self, chat_key: str, pacer: Pacer) -> None:
        chat = chat_of(chat_key)
        while rows := await self.store.waiting(chat_key, LOOK_AHEAD):
            row, wait = self._next(chat, rows, pacer)
            if row is None:
                # Every row here is a card edited a moment ago; rows put meanwhile (by any worker)
                # are looked for again soon.
                await asyncio.sleep(min(wait, POLL))
                continue
            try:
                if row.taken and row.kind in ONCE:
                    # A worker died while sending it: it may have gone out, so it is not sent again.
                    self.skipped += 1
                    log.warning("slack: a %s in %s may not have arrived; not sent again", row.kind, chat_key)
                    await self.doubt(chat, row)
                else:
                    if row.kind in ONCE:
                        await self.store.take([row.id], chat_key, self.owner, self._budget(pacer))
                    else:
                        await self.store.take([row.id])
                    await self.send(chat, row, pacer)
            except (asyncio.CancelledError, LeaseLost):
                raise
            except Exception:
                log.exception("slack: a %s for %s failed", row.kind, chat_key)
            _, held = await self.store.finish(chat_key, self.owner, [row.id], self._budget(pacer))
            self.mine.discard(row.id)
            if not held:
                raise LeaseLost(chat_key)

    def _next(self, chat: ChatRef, rows: list[Waiting], pacer: Pacer) -> tuple[Waiting | None, float]:
        """The oldest row that may go now, else how long until one may. Posts (texts, files, a card's
        first post) go in their order at the channel's pace, and never pass one another (their order is
        the conversation's). A card's edit is limited by its own pace only (at most one per card and
        `edit_interval`), so it passes posts waiting for theirs, and the rows behind a waiting edit go
        meanwhile: a card is edited in place, and its state a moment later is the same either way."""
        soonest = float("inf")
        posts_wait = False
        for row in rows:
            if row.taken:
                return row, 0.0
            wait = self.later(chat, row)
            if wait is None:
                if posts_wait:
                    continue
                wait = pacer.wait_time(self.clock())
                posts_wait = wait > 0
            if wait <= 0:
                return row, 0.0
            soonest = min(soonest, wait)
        return None, soonest

    def _budget(self, pacer: Pacer) -> Budget:
        now = self.clock()
        return Budget(pacer.last, [t for t in pacer.recent if t > now - 60.0], pacer.hold_until)
