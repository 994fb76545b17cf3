"""What the bot sends to Telegram: a shared outbox in the database, sent chat by chat within
Telegram's flood limits, by whichever worker holds the chat.

Telegram allows about one message a second in a chat and about twenty a minute in a group; beyond
that it answers 429 with a `retry_after`. Everything the bot sends (texts, documents, card posts and
edits, deletions of card copies) is first a row of the outbox (`storage.outbox_store`), put before the
update that caused it is answered, so a worker killed afterwards loses none of it. Then:

- one worker at a time sends to a chat: the one holding the chat's lease (claimed by a conditional
  update, renewed every second while it lives; `bot.outbox_leases`, shared with WhatsApp). A killed
  worker's lease runs out within `LEASE` seconds, and every worker looks for chats with rows and no
  live lease every `POLL` seconds, so another takes over within 5 s;
- the chat's budget (last send, sends of the last minute, a 429's hold) is kept with the lease, so
  all workers together keep Telegram's limits (`Limits`); on a 429 the chat is held `retry_after`
  seconds for everybody, then the same call is made again;
- a card is a row too, one per chat and point while it waits: when its turn comes the card is read
  fresh from the database and drawn once, however many positions arrived meanwhile, through the shared
  card protocol (`bot.cardsync.CardSync`: the claim of a first card, a duplicate deleted, the version
  each card message shows so `TelegramAdapter.redraw_stale` finds edits a crash lost, an edit made
  again when a newer version was committed meanwhile); the lane is Telegram's `CardPort`, posting a
  point's first card in its forum topic where the chat is a forum;
- when texts pile up for the same place (a burst of typed positions), they go as one message;
- every message posted for a point is linked to it (`link_message`), so a reply to any of them is a
  comment on that point; texts are split at 4096 characters and captions at 1024;
- a call that surely did not take effect (`delivery.surely_not_sent`) is made again, up to
  `Limits.retries` times, but a text or document is marked taken before its call and never sent
  twice: if its answer is lost, or its worker died during the call, whoever asked for it hears that it
  may not have arrived (`Lane._undelivered`: a private copy of the text, or a short notice in the chat
  replying to their request); a card post whose answer was lost is posted once more, and a copy that
  did land is found at its first press (`CardLane.pressed`);
- a message that finally cannot go out is told to the person who caused it; nothing is dropped
  without a word.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

from telegram import Bot

from bot.bounded import BoundedDict
from bot.cardsync import Pacer
from bot.outbox_leases import LEASE, LeaseKeeper, worker_id
from bot.telegram.card_lane import PLATFORM
from bot.telegram.lane import REMEMBERED, Lane, wall_clock
from bot.telegram.outgoing import Outgoing
from bot.telegram.pacing import Limits, retry_seconds
from drafting.service import DraftingService
from storage.outbox_store import OutboxStore
from storage.store import SqlStoreFactory

__all__ = ["PLATFORM", "REMEMBERED", "Lane", "Limits", "Outbox", "Outgoing", "Pacer", "retry_seconds"]

log = logging.getLogger("draftbot.telegram.outbox")


class Outbox:
    """This worker's senders of every chat, sharing one bot and one overall budget."""

    def __init__(
        self,
        bot: Bot,
        service: DraftingService,
        limits: Limits,
        *,
        on_migrated: Callable[[int, int], Awaitable[None]] | None = None,
        clock: Callable[[], float] = wall_clock,
        lease: float = LEASE,
    ) -> None:
        self.bot = bot
        self.service = service
        self.limits = limits
        self.on_migrated = on_migrated
        self.clock = clock  # wall clock: the budget and the leases are compared across workers
        self.lease = lease
        stores = service.stores
        assert isinstance(stores, SqlStoreFactory), "the outbox lives in the SQL database"
        self.store = OutboxStore(stores, PLATFORM)
        self.owner = worker_id()
        self.lanes: dict[int, Lane] = {}  # idle lanes beyond REMEMBERED are forgotten (`_forget_idle`)
        self.moved: BoundedDict[int, int] = BoundedDict(REMEMBERED)  # old chat id -> new (supergroups)
        self.global_pacer = Pacer(1.0 / limits.global_per_second if limits.global_per_second else 0.0)
        self.mine: set[int] = set()  # rows this worker put that it has not seen sent yet (`idle`)
        self.rate_limited = 0  # 429s received (a figure for benchmarks and logs)
        self.leases = LeaseKeeper(
            PLATFORM, self.store, self.owner, clock, lease, busy=self._busy, poll=self.poll
        )
        self._unkept: set[asyncio.Task[None]] = set()  # messages sent from memory (`put`)

    def set_limits(self, limits: Limits) -> None:
        self.limits = limits
        self.global_pacer.interval = 1.0 / limits.global_per_second if limits.global_per_second else 0.0
        for lane in self.lanes.values():
            lane.pacer.interval = limits.chat_interval
            lane.pacer.per_minute = limits.group_per_minute if lane.chat_id < 0 else 0

    def lane(self, chat_id: int) -> Lane:
        while chat_id in self.moved:
            chat_id = self.moved[chat_id]
        lane = self.lanes.get(chat_id)
        if lane is None:
            self._forget_idle()
            lane = self.lanes[chat_id] = Lane(self, chat_id)
        return lane

    def _forget_idle(self) -> None:
        """Keeps at most REMEMBERED lanes: idle ones are dropped, oldest first (what a dropped lane's
        chat waits for is in the database; the chat gets a new lane when it is written to again)."""
        if len(self.lanes) < REMEMBERED:
            return
        for chat_id, lane in list(self.lanes.items()):
            if len(self.lanes) < REMEMBERED:
                return
            if lane.idle and not len(lane.unposted):
                del self.lanes[chat_id]

    # ---- putting -------------------------------------------------------------------------------

    async def put(self, chat_id: int, outgoing: Outgoing) -> None:
        """Into the outbox (committed when this returns), then sent by whoever holds the chat."""
        lane = self.lane(chat_id)
        try:
            (row_id,) = await self.store.put([outgoing.letter(lane.chat_id)], datetime.now(UTC))
        except Exception as error:
            # The database is out of reach (the "please try again" answers of an outage): sent from
            # this worker's memory at once, as a lone worker would, rather than not at all.
            log.warning("telegram: the outbox is out of reach (%s); sending from memory", error)
            task = asyncio.get_running_loop().create_task(
                Lane(self, lane.chat_id, offline=True).send_now(outgoing)
            )
            self._unkept.add(task)
            task.add_done_callback(self._unkept.discard)
            return
        self.mine.add(row_id)
        self._start()
        lane.kick()

    async def put_card(self, chat_id: int, point_id: int, *, forced: bool = False) -> int | None:
        """Returns the new row's id, or None when a waiting request was joined."""
        lane = self.lane(chat_id)
        row_id = await self.store.put_card(str(lane.chat_id), point_id, forced=forced, at=datetime.now(UTC))
        if row_id is not None:
            self.mine.add(row_id)
        self._start()
        lane.kick()
        return row_id

    def sent(self, done: Iterable[int], new: Iterable[int]) -> None:
        self.mine.difference_update(done)
        self.mine.update(new)

    # ---- chats that change id --------------------------------------------------------------------

    def chat_moved(self, old: int, new: int) -> None:
        """Later messages for `old` go to `new`; a lane already running for `old` follows."""
        if old == new:
            return
        self.moved[old] = new
        lane = self.lanes.pop(old, None)
        if lane is None:
            return
        lane.chat_id = new
        self.lanes.setdefault(new, lane)

    async def move(self, old: int, new: int) -> None:
        """`chat_moved`, and what waits in the database for `old` follows to `new`."""
        self.chat_moved(old, new)
        try:
            await self.store.move_chat(str(old), str(new))
        except Exception:
            log.exception("telegram: what waits for chat %s stays there for now", old)
        self.lane(new).kick()

    # ---- the worker's background: leases renewed, chats nobody sends found ----------------------

    def _start(self) -> None:
        self.leases.start()

    async def start(self) -> None:
        self._start()

    def _busy(self) -> bool:
        return not all(lane.idle for lane in self.lanes.values())

    async def poll(self) -> int:
        """Takes the chats whose rows nobody sends (none yet, or a worker that died); returns how many.
        Forgets rows of its own that another worker sent."""
        claimed = await self.store.claim_due(self.owner, self.clock(), self.lease)
        for chat_id in claimed:
            with contextlib.suppress(ValueError):
                self.lane(int(chat_id)).kick()
        if self.mine and all(lane.idle for lane in self.lanes.values()):
            self.mine &= await self.store.still_waiting(self.mine)
        return len(claimed)

    # ---- waiting and stopping --------------------------------------------------------------------

    def idle(self) -> bool:
        """Nothing this worker put is waiting, and none of its senders is running."""
        return not self.mine and not self._unkept and all(lane.idle for lane in self.lanes.values())

    async def repost_unposted(self) -> int:
        """Puts again every first card whose post failed; the stale-card sweep calls this, as those
        cards have no message on record for it to find. Returns how many."""
        return sum([await lane.repost() for lane in list(self.lanes.values())])

    async def drain(self, timeout: float | None = None) -> None:
        """Returns once everything this worker put has been sent."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self.idle():
            if deadline is not None and loop.time() > deadline:
                return
            if all(lane.idle for lane in self.lanes.values()):
                with contextlib.suppress(Exception):
                    await self.poll()
            await asyncio.sleep(0.005 if self.mine else 0.05)

    async def close(self, timeout: float = 5.0) -> None:
        """Sends what it can within `timeout`; what is left stays in the outbox for the other workers
        (or this one's next start), its chats given up at once."""
        await self.drain(timeout)
        if not self.idle():
            log.warning(
                "telegram: stopping with %s messages or card edits left to the next worker", len(self.mine)
            )
        await self.leases.stop()
        for lane in list(self.lanes.values()):
            lane.stop()
        for task in [lane.task for lane in self.lanes.values() if lane.task is not None]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.store.release_all(self.owner)
