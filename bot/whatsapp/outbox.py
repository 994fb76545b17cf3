"""What the bot sends on WhatsApp goes through the shared outbox (`storage.outbox_store`, platform
"whatsapp", one chat per recipient: a person's id, or "g:" and a group's id), as Telegram's does.

The webhook handler puts rows (texts, documents, list messages, templates, and card requests, which
join one still waiting for the same card) before it answers 200, so a worker killed afterwards loses
none of it. The worker holding a recipient's lease sends them, oldest first, through the channel's
existing paths (`WhatsAppChannel.send_row`): the 24-hour window (held + template), cards drawn fresh
from the database through `CardSync` when their turn comes, failed statuses, pacing and the rate-limit
retries of `WhatsAppSender._post`. The recipient's pacer is loaded from the chat's shared budget when
the lease is taken and saved with every row, so all workers together keep one pace per recipient.

Leases as Telegram's, kept by the same `bot.outbox_leases.LeaseKeeper`: a killed worker's recipients
are taken over within `LEASE` + `POLL` s. A text, document, list or template row is marked taken before its
call: found taken by a successor (its worker died during the call) it is not sent again, but whoever
asked for it hears that it may not have arrived, as on Telegram: a text meant for others is copied to
its requester with a word that it may not have arrived, anything else gets that word in its own chat
(a template, the window's own notice, is only logged; so is a lost notice, which would loop).

The sending loop is WhatsApp's own over `OutboxStore`: Telegram's `Lane` mixes it with topics,
merging and notices; the leases' background is shared.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.cardsync import Pacer
from bot.outbox_leases import LEASE, LeaseKeeper, worker_id
from bot.outbox_senders import Senders
from drafting.i18n import t
from storage.outbox_store import Budget, Letter, OutboxStore, Waiting
from storage.store import SqlStoreFactory

log = logging.getLogger("draftbot.whatsapp.outbox")

PLATFORM = "whatsapp"
ONCE = ("text", "document", "list", "template")  # rows never sent twice (a card is drawn again)


class LeaseLost(Exception):
    """Another worker holds this recipient now."""


Send = Callable[[str, Waiting], Awaitable[None]]
PacerFor = Callable[[str], Awaitable[Pacer | None]]


class WhatsAppOutbox(Senders):
    """This worker's senders, one task per recipient it holds."""

    lane_name = "whatsapp-lane"

    def __init__(
        self,
        stores: SqlStoreFactory,
        send: Send,
        pacer_for: PacerFor,
        *,
        clock: Callable[[], float] = time.time,
        lease: float = LEASE,
        language: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self.store = OutboxStore(stores, PLATFORM)
        self.send = send  # sends one row to a recipient (the channel)
        self.pacer_for = pacer_for  # the recipient's pacer in the sender, None when it has no address
        self.clock = clock
        self.lease = lease
        self.language = language  # a recipient's meeting language, for a word to them ("es" without)
        self.owner = worker_id()
        self.lanes: dict[str, asyncio.Task[None]] = {}
        self.again: set[str] = set()  # rows were put while its sender ran: look again before releasing
        self.mine: set[int] = set()  # rows this worker put that it has not seen sent yet
        self.skipped = 0  # rows a dead worker was sending, not sent again (for logs and tests)
        self.leases = LeaseKeeper(
            PLATFORM, self.store, self.owner, clock, lease, busy=self._busy, poll=self.poll
        )

    # ---- putting -------------------------------------------------------------------------------

    async def put(self, letter: Letter) -> None:
        """Into the outbox (committed when this returns), then sent by whoever holds the recipient."""
        await self.put_all([letter])

    async def put_all(self, letters: list[Letter]) -> None:
        """Several letters in one transaction: all of them in the outbox, or none."""
        self.mine.update(await self.store.put(letters, datetime.now(UTC)))
        for chat_id in dict.fromkeys(letter.chat_id for letter in letters):
            self.kick(chat_id)

    async def put_card(self, chat_id: str, point_id: int, *, forced: bool = False) -> None:
        row_id = await self.store.put_card(chat_id, point_id, forced=forced, at=datetime.now(UTC))
        if row_id is not None:
            self.mine.add(row_id)
        self.kick(chat_id)

    # ---- one recipient's sender ----------------------------------------------------------------

    async def _work(self, chat_id: str) -> None:
        try:
            while chat_id in self.again:
                self.again.discard(chat_id)
                budget = await self.store.claim(chat_id, self.owner, self.clock(), self.lease)
                if budget is None:
                    return  # another worker sends here (or, if it dies, whoever takes over)
                pacer = await self.pacer_for(chat_id)
                if pacer is not None:
                    pacer.last = budget.last_sent or -1e9
                    pacer.recent = deque(budget.recent)
                    pacer.hold_until = budget.held_until
                await self._drain(chat_id, pacer)
                await self.store.release(chat_id, self.owner, self._budget(pacer))
        except asyncio.CancelledError:
            raise
        except LeaseLost:
            log.warning("whatsapp: another worker took over recipient %s", chat_id)
        except Exception:
            log.exception("whatsapp: the sender of recipient %s stopped; its lease runs out", chat_id)

    async def _drain(self, chat_id: str, pacer: Pacer | None) -> None:
        while rows := await self.store.waiting(chat_id, 1):
            row = rows[0]
            follow: list[Letter] = []
            if row.taken and row.kind in ONCE:
                # A worker died while sending it: it may have gone out, so it is not sent again.
                self.skipped += 1
                log.warning("whatsapp: a %s to %s may not have arrived; not sent again", row.kind, chat_id)
                follow = await self._doubt(chat_id, row)
            else:
                if row.kind in ONCE:
                    await self.store.take([row.id], chat_id, self.owner, self._budget(pacer))
                else:
                    await self.store.take([row.id])
                try:
                    await self.send(chat_id, row)
                except (asyncio.CancelledError, LeaseLost):
                    raise
                except Exception:
                    log.exception("whatsapp: a %s for %s failed", row.kind, chat_id)
            at = datetime.now(UTC)
            new, held = await self.store.finish(
                chat_id, self.owner, [row.id], self._budget(pacer), follow, at
            )
            self.mine.discard(row.id)
            self.mine.update(new)
            for letter in follow:  # one for this recipient is read next, in this loop
                if letter.chat_id != chat_id:
                    self.kick(letter.chat_id)
            if not held:
                raise LeaseLost(chat_id)

    async def _doubt(self, chat_id: str, row: Waiting) -> list[Letter]:
        """The word for whoever asked for a message a dead worker was sending (see the docstring)."""
        if row.kind == "template" or row.payload.get("notice"):
            return []
        requester = str(row.payload.get("requester") or "")
        if row.kind == "text" and requester and requester != chat_id:
            lang = await self._language(requester)
            copy = f"{t(lang, 'whatsapp.copy_doubtful')}\n\n{row.payload.get('text', '')}"
            return [Letter(requester, "text", {"text": copy, "requester": "", "notice": True})]
        lang = await self._language(chat_id)
        return [Letter(chat_id, "text", {"text": t(lang, "whatsapp.here_doubtful"), "notice": True})]

    async def _language(self, chat_id: str) -> str:
        if self.language is None:
            return "es"
        try:
            return await self.language(chat_id)
        except Exception:
            return "es"

    def _budget(self, pacer: Pacer | None) -> Budget:
        if pacer is None:
            return Budget()
        now = self.clock()
        return Budget(pacer.last, [t for t in pacer.recent if t > now - 60.0], pacer.hold_until)
