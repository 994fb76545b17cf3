"""Routing the core's deliveries to the adapter of each chat's platform.

A meeting may be bound to a Telegram group and a Slack channel at once: a command typed on one
platform yields deliveries for chats on both, and each goes to its own adapter.

Nothing the core decided to send is lost with a worker. The deliveries that must survive were written
to the delivery journal in the command's own transaction (drafting.journal); as this dispatcher hands
them to their channels the journal records it (`Handover`: how far the entry got, then its deletion).
Where the channel puts them in the shared outbox (Telegram, Slack, WhatsApp) that record rides in the put's
own transaction, so a worker killed right after the put leaves nothing to send again; otherwise (a
reaction, a direct post) it is one statement after the last hand-over, and a worker killed in between
has those few sent again. An entry still there `grace` seconds later is a dead worker's: any worker's
journal sweep (`sweep_journal`, every second or so under `draftbot run`) takes it (a lease, so one
worker does) and delivers what was not handed over yet. A worker that is merely slow keeps its
entries by renewing their lease.

Fewer messages in a busy group: some deliveries are held, per chat, for `digest_window` seconds from
the first, and go out together.

- Announcements the core marks as a `Digest` (a delegate joined): one message listing them all, so
  ten delegates joining within a few seconds make one group message, not ten, on every platform.
- Acknowledgements only the requester needs (a typed position noted: `Delivery.ephemeral`), on a
  platform that would otherwise spend a call on each in the group (a channel whose
  `batches_ack(origin)` says so: Telegram, for a typed command, acknowledged by a reaction on it).
  One alone goes as before (the reaction); several become one message with each line. Slack shows
  them to the requester alone, unheld.

Any other text for that chat takes what is held along, on top of the same message (the announcement
folded into the next message); a document sends it first. So the order of what the group reads is
kept; a card is edited in place and overtakes nothing.

What is held is a journal entry with a due time (`DeliveryJournal.hold`), not only this process's
memory: this worker's timer releases it when due, together with whatever other workers hold for the
same chat; if this worker dies, another's sweep releases it `grace` seconds later. A window of 0 (the
default, and in tests that do not ask for one) holds nothing. Without a journal (a service built
without one) what is held lives in this process only, as before.

Entries written by another worker come back platform-neutral (`RequestOrigin`): a channel with
`revive(origin) -> its own origin | None` answers the request its own way; otherwise an answer goes
to the chat the request came from.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any, Protocol

from bot.bounded import BoundedSet
from bot.held import Groups, Held, grouped, keeping, mark_done, revived, together_text, unserved
from drafting.journal import Handover, JournalRecord, hold_key
from drafting.model import ChatRef
from drafting.ports import DeliveryJournal
from drafting.replies import Delivery, Outcome, PointCard, Text

log = logging.getLogger("draftbot.dispatch")

_Chat = tuple[str, str]  # (platform, chat id) of a chat something is held for
GRACE = 5.0  # seconds a journal entry is left to the worker that wrote it (DRAFTBOT_JOURNAL_GRACE_SECONDS)


class Channel(Protocol):
    """One platform's way of showing deliveries. `origin` is the adapter's own note of the request
    (message to reply to, button press to answer) when the request came from that platform, else None.
    A channel may also have `batches_ack(origin) -> bool`: True has the requester-only acknowledgement
    of that request held and sent with others (see the module's docstring); and
    `revive(origin: RequestOrigin) -> Any | None`: its own origin for a request journaled elsewhere."""

    platform: str

    async def deliver(self, delivery: Delivery, origin: Any | None) -> None: ...


class Dispatcher:
    def __init__(
        self,
        channels: Sequence[Channel] = (),
        *,
        digest_window: float = 0.0,
        journal: DeliveryJournal | None = None,
        grace: float = GRACE,
    ) -> None:
        self.channels: dict[str, Channel] = {}
        self.digest_window = digest_window
        # None: the journal of the first journaled outcome dispatched (a service built with one).
        self.journal = journal
        self.grace = grace
        self._held: dict[_Chat, list[Held]] = {}
        self._timers: dict[_Chat, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._unserved: BoundedSet[int] = BoundedSet(1000)  # entries for platforms not served here
        for channel in channels:
            self.register(channel)

    def register(self, channel: Channel) -> None:
        self.channels[channel.platform] = channel

    async def dispatch(self, outcome: Outcome, *, platform: str, origin: Any | None) -> None:
        """Delivers every message; one chat failing does not keep the others from theirs."""
        if self.journal is None and outcome.journal is not None:
            self.journal = outcome.journal
        entry = outcome.journal_id if self.journal is not None else None
        await self._dispatch(outcome.deliveries, platform, origin, entry, frozenset(outcome.journaled))

    async def _dispatch(
        self,
        deliveries: Sequence[Delivery],
        platform: str,
        origin: Any | None,
        entry: int | None,
        journaled: Collection[int],
        step: int = 0,
    ) -> None:
        """`entry`: the journal entry holding the deliveries whose index is in `journaled`, `step` of
        its deliveries handed over before these (a sweep resumes there)."""
        book = self.journal
        plan: list[tuple[str, Delivery, Any | None, ChatRef | None, bool]] = []
        for index, delivery in enumerate(deliveries):
            target = platform
            if delivery.chat is not None:
                target = delivery.chat.platform
            elif delivery.private_to is not None:
                target = delivery.private_to.platform
            here = origin if target == platform else None
            kept = entry is not None and index in journaled
            plan.append((target, delivery, here, self._holds(delivery, target, here), kept))
        holding = [Held(d, here, chat, entry) for _, d, here, chat, _ in plan if chat is not None]
        now = [(target, d, here, kept) for target, d, here, chat, kept in plan if chat is None]
        total = sum(1 for *_, kept in now if kept)
        async with keeping(self.journal, [entry] if entry is not None else [], self.grace):
            if holding and (book is None or entry is None):
                for held in holding:
                    self._hold(held)
            elif holding and book is not None and entry is not None:
                # Held first, as its own entries: the entry goes on with what goes now (or is done).
                keep = [d for _, d, _, kept in now if kept]
                if not await self._hold_in_journal(book, entry, holding, keep):
                    return  # a sweep took the entry (this worker stalled): the sweeper sends it all
                entry, step = (entry, 0) if keep else (None, 0)
            recorded = entry is None
            for target, delivery, here, kept in now:
                if kept and entry is not None:
                    step += 1
                    total -= 1
                    handover = Handover(advance=(entry, step)) if total else Handover(done=(entry,))
                    recorded = await self._deliver_now(target, delivery, here, handover)
                else:
                    await self._deliver_now(target, delivery, here, None)
            if not recorded and book is not None and entry is not None:
                await mark_done(book, [entry])

    def holding(self) -> bool:
        """Something is waiting for company."""
        return bool(self._held)

    async def flush(self) -> None:
        """Sends everything held now, without waiting for its window."""
        for task in list(self._timers.values()):
            task.cancel()
        self._timers.clear()
        for chat in list(self._held):
            await self._release(chat)

    # ---- the journal's sweep ----------------------------------------------------------------------

    async def sweep_journal(self, limit: int = 50) -> int:
        """Delivers the journal entries nobody delivered `grace` seconds after they were due: those of
        a worker that died. Returns how many entries it took."""
        book = self.journal
        if book is None:
            return 0
        records = await book.claim_due(self.grace, self.grace, limit)
        async with keeping(
            book, [r.id for r in records], self.grace
        ):  # the last ones wait for the first ones
            for record in records:
                await self._sweep_one(book, record)
        if records:
            log.info("delivered %s journal entries a worker had left", len(records))
        return len(records)

    async def _sweep_one(self, book: DeliveryJournal, record: JournalRecord) -> None:
        missing = unserved(record, self.channels)
        if missing:  # left to a worker that runs that platform's adapter
            if record.id not in self._unserved:  # said once, though taken every round
                self._unserved.add(record.id)
                log.warning("journal entry %s is for %s, not served here", record.id, ", ".join(missing))
            await book.extend([record.id], 0.0)
            return
        try:
            if record.hold:
                await self._release_records(record.hold, [record])
                return
            deliveries, origin = revived(record, self.channels)
            rest = deliveries[record.step :]  # those before were handed over already
            await self._dispatch(rest, record.platform, origin, record.id, range(len(rest)), record.step)
        except Exception:
            log.exception("journal entry %s could not be delivered; it is taken again later", record.id)

    def start(self, every: float = 1.0) -> None:
        """Sweeps the journal every `every` seconds until `stop()`."""
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever(every))

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None

    async def _sweep_forever(self, every: float) -> None:
        while True:
            try:
                await self.sweep_journal()
            except Exception:
                log.exception("journal sweep failed; trying again next round")
            await asyncio.sleep(every)

    # ---- what is held, and how it goes out ---------------------------------------------------------

    def _holds(self, delivery: Delivery, target: str, origin: Any | None) -> ChatRef | None:
        """The chat a delivery waits in for company, or None when it goes now."""
        if self.digest_window <= 0:
            return None
        if delivery.digest is not None and delivery.chat is not None:
            return delivery.chat
        asked_in = getattr(origin, "chat", None)
        batches = getattr(self.channels.get(target), "batches_ack", None)
        if (
            delivery.ephemeral
            and delivery.chat is None
            and delivery.private_to is None
            and isinstance(delivery.message, Text)
            and isinstance(asked_in, ChatRef)
            and batches is not None
            and batches(origin)
        ):
            return asked_in
        return None

    async def _hold_in_journal(
        self, book: DeliveryJournal, entry: int, holding: list[Held], keep: list[Delivery]
    ) -> bool:
        """What is held becomes journal entries of its own, one per chat, due when the window closes.
        False: the entry is gone (another worker's sweep took it)."""
        chats: dict[ChatRef, list[Held]] = {}
        for held in holding:
            chats.setdefault(held.chat, []).append(held)
        groups = [(hold_key(chat), [h.delivery for h in items]) for chat, items in chats.items()]
        try:
            ids = await book.hold(entry, groups, self.digest_window, keep)
        except Exception:
            log.exception("held messages stay in journal entry %s; a sweep sends them", entry)
            return False
        for entry_id, items in zip(ids, chats.values(), strict=False):
            for held in items:
                self._hold(replace(held, entry=entry_id))
        return bool(ids)

    def _hold(self, held: Held) -> None:
        chat = (held.chat.platform, held.chat.chat_id)
        self._held.setdefault(chat, []).append(held)
        if chat not in self._timers:
            self._timers[chat] = asyncio.create_task(self._release_later(chat))

    async def _release_later(self, chat: _Chat) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(self.digest_window)
            self._timers.pop(chat, None)
            await self._release(chat)

    async def _release(self, chat: _Chat) -> None:
        groups, entries = await self._collect(chat)
        await self._send_groups(groups, entries)

    async def _release_records(self, hold: str, records: list[JournalRecord]) -> None:
        """Held entries another worker left (the sweep): sent as that worker would have."""
        platform, _, chat_id = hold.partition(":")
        mine = self._held.pop((platform, chat_id), [])
        timer = self._timers.pop((platform, chat_id), None)
        if timer is not None:
            timer.cancel()
        if self.journal is not None:  # and whatever else waits for that chat, due or not
            records = [*records, *await self.journal.take_held(hold, self.grace)]
        groups, entries = grouped(mine, records, self.channels)
        await self._send_groups(groups, entries)

    async def _collect(self, chat: _Chat) -> tuple[Groups, list[int]]:
        """What is held for `chat`, taken: this worker's, and in the journal every worker's."""
        mine = self._held.pop(chat, [])
        timer = self._timers.pop(chat, None)
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()
        records: list[JournalRecord] = []
        book = self.journal
        if book is not None and any(h.entry is not None for h in mine):
            try:
                records = await book.take_held(f"{chat[0]}:{chat[1]}", self.grace)
            except Exception:
                log.exception("held messages for %s stay in the journal; a sweep sends them", chat[1])
                return [], []
        return grouped(mine, records, self.channels)

    async def _send_groups(self, groups: Groups, entries: list[int]) -> None:
        """Each group as one message; the taken entries end with the last one's hand-over."""
        recorded = not entries
        async with keeping(self.journal, entries, self.grace):
            for n, (group, held) in enumerate(groups, 1):
                handover = Handover(done=tuple(entries)) if n == len(groups) and entries else None
                rode = await self._send_group(group, held, handover)
                recorded = recorded or rode
        if not recorded:
            await mark_done(self.journal, entries)

    async def _send_group(self, group: str, held: list[Held], handover: Handover | None = None) -> bool:
        target = held[0].chat.platform
        if len(held) == 1:  # alone: as it would have gone (for an acknowledgement, a reaction)
            return await self._deliver(target, held[0].delivery, held[0].origin, handover)
        together = Delivery(together_text(group, held), chat=held[0].chat)
        return await self._deliver(target, together, None, handover)

    async def _deliver_now(
        self, target: str, delivery: Delivery, origin: Any | None, handover: Handover | None
    ) -> bool:
        """A delivery not held: what is held for its chat goes with it (or before it). True: its
        hand-over is recorded (it rode in the platform's transaction)."""
        chat = delivery.chat
        key = (chat.platform, chat.chat_id) if chat is not None else None
        if key is None or key not in self._held or isinstance(delivery.message, PointCard):
            return await self._deliver(target, delivery, origin, handover)
        groups, entries = await self._collect(key)
        message = delivery.message
        if not (isinstance(message, Text) and not message.marked):
            await self._send_groups(groups, entries)  # a document or a marked text: they go first
            return await self._deliver(target, delivery, origin, handover)
        lines = [together_text(group, held).text for group, held in groups]
        if lines:
            text = "\n\n".join([*lines, message.text])
            delivery = replace(delivery, message=replace(message, text=text))
        if handover is None and not entries:
            return await self._deliver(target, delivery, origin)
        both = Handover(
            done=(*(handover.done if handover else ()), *entries),
            advance=handover.advance if handover else None,
        )
        async with keeping(self.journal, entries, self.grace):
            rode = await self._deliver(target, delivery, origin, both)
        if not rode:
            await mark_done(self.journal, entries)
        return rode

    # ---- delivering, and what the journal is told --------------------------------------------------

    async def _deliver(
        self, target: str, delivery: Delivery, origin: Any | None, handover: Handover | None = None
    ) -> bool:
        """Hands `delivery` to its channel; with a `handover`, recorded in the transaction that puts
        the channel's outbox rows. True when it was (else the caller records it, or a later one does)."""
        channel = self.channels.get(target)
        if channel is None:
            log.warning("no adapter running for platform %s; a delivery was dropped", target)
            return False
        book = self.journal
        try:
            if handover is None or book is None:
                await channel.deliver(delivery, origin)
                return False
            with book.carrying(handover):
                await channel.deliver(delivery, origin)
        except Exception:
            log.exception("delivery to %s failed", target)
        return handover is not None and handover.rode
