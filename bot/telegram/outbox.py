"""What the bot sends to Telegram, one lane per chat, within Telegram's flood limits.

Telegram allows about one message a second in a chat and about twenty a minute in a group; beyond
that it answers 429 with a `retry_after`. Every message and card edit for a chat therefore goes
through that chat's lane, a small worker that:

- waits for the chat's budget (`Limits`) before each call, and on a 429 holds the whole chat for
  `retry_after` seconds, then makes the same call again;
- keeps card edits as a set of points whose card is out of date, not as a queue: when the budget
  comes, the card is read fresh from the database and edited once, however many positions arrived
  meanwhile (the database stays the source of truth; the lane only remembers *which* cards to redo);
- when texts pile up for the same place (a burst of typed positions), sends them as one message;
- posts a point's card the first time (creating a forum topic for it in a forum supergroup) and
  edits it after, through the shared card protocol (`bot.cardsync.CardSync`: the claim against other
  workers, a duplicate deleted, the version each card message shows so `TelegramAdapter.redraw_stale`
  finds edits a crash lost, an edit skipped when the newest version is shown already and made again
  when a newer one was committed meanwhile); the lane is Telegram's `CardPort`;
- links every message posted for a point with `link_message`, so a reply to any of them is a
  comment on that point;
- splits texts at 4096 characters and captions at 1024;
- makes again a call that surely did not take effect (`delivery.surely_not_sent`), up to
  `Limits.retries` times, but never blindly one that adds a message and may have taken effect (the
  connection broke after the request went out): a text or document is then not sent twice, and
  whoever asked for it hears that it may not have arrived; a card is posted once more, and a copy
  that did land is found at its first press (`pressed`): adopted as the card if none is recorded,
  else deleted, so no card the bot lost track of keeps taking presses it never shows;
- when a message finally cannot go out, tells the person who caused it (`_undelivered`): a private
  copy of the text, or a short notice in the chat replying to their request; nothing is dropped
  without a word.

Nothing here is needed across a restart: the database knows which cards show an older state, and
the adapter redraws them when it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import Bot, InputFile, LinkPreviewOptions, Message, MessageEntity, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.bounded import BoundedDict, BoundedSet
from bot.cardsync import Pacer, Pending
from bot.telegram.card_lane import PLATFORM, CardLane
from bot.telegram.delivery import (
    Doubtful,
    copy_for_requester,
    notice_here,
    notice_private_failed,
    surely_not_sent,
)
from bot.telegram.outgoing import Outgoing, Place
from bot.telegram.pacing import Limits, retry_seconds
from bot.telegram.render import MAX_CAPTION, MAX_TEXT, split_text, units
from drafting.model import ChatRef
from drafting.replies import Document
from drafting.service import DraftingService

__all__ = ["PLATFORM", "REMEMBERED", "Limits", "Outbox", "Outgoing", "Pacer", "retry_seconds"]

log = logging.getLogger("draftbot.telegram.outbox")

T = TypeVar("T")
REMEMBERED = 1000  # entries each per-process memory keeps (cards, topics, idle chats, moved chats)


class Outbox:
    """The lanes of every chat, sharing one bot and one overall budget."""

    def __init__(
        self,
        bot: Bot,
        service: DraftingService,
        limits: Limits,
        *,
        on_migrated: Callable[[int, int], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.service = service
        self.limits = limits
        self.on_migrated = on_migrated
        self.clock = clock
        self.lanes: dict[int, Lane] = {}  # idle lanes beyond REMEMBERED are forgotten (`_forget_idle`)
        self.moved: BoundedDict[int, int] = BoundedDict(REMEMBERED)  # old chat id -> new (supergroups)
        self.global_pacer = Pacer(1.0 / limits.global_per_second if limits.global_per_second else 0.0)

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
        """Keeps at most REMEMBERED lanes: idle ones are dropped, oldest first (a dropped lane holds
        nothing to send; its chat gets a new one when it is written to again)."""
        if len(self.lanes) < REMEMBERED:
            return
        for chat_id, lane in list(self.lanes.items()):
            if len(self.lanes) < REMEMBERED:
                return
            if lane.idle and not len(lane.unposted):
                lane.stop()
                del self.lanes[chat_id]

    def chat_moved(self, old: int, new: int) -> None:
        """Later messages for `old` go to `new`; a lane already running for `old` follows."""
        if old == new:
            return
        self.moved[old] = new
        lane = self.lanes.pop(old, None)
        if lane is None:
            return
        existing = self.lanes.get(new)
        if existing is None:
            lane.chat_id = new
            self.lanes[new] = lane
            return
        # Both ids had a lane: the old one finishes what it is doing (already on the new id) and
        # hands the rest over.
        lane.chat_id = new
        existing.queue.extend(lane.queue)
        existing.pending.absorb(lane.pending)
        lane.queue.clear()
        existing._kick()

    def idle(self) -> bool:
        return all(lane.idle for lane in self.lanes.values())

    def repost_unposted(self) -> int:
        """Queues again every first card whose post failed; the stale-card sweep calls this, as those
        cards have no message on record for it to find. Returns how many."""
        return sum(lane.repost() for lane in list(self.lanes.values()))

    async def drain(self, timeout: float | None = None) -> None:
        """Returns once every lane has sent everything it holds."""
        deadline = None if timeout is None else self.clock() + timeout
        while not self.idle():
            if deadline is not None and self.clock() > deadline:
                return
            await asyncio.sleep(0.005)

    async def close(self, timeout: float = 5.0) -> None:
        await self.drain(timeout)
        if not self.idle():
            left = sum(len(lane.queue) + len(lane.pending) for lane in self.lanes.values())
            log.warning("telegram: stopping with %s messages or card edits not sent", left)
        for lane in list(self.lanes.values()):
            lane.stop()
        for lane in list(self.lanes.values()):
            if lane.task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await lane.task


class Lane(CardLane):
    """One chat's sender: one call at a time, in order, at the chat's pace."""

    def __init__(self, outbox: Outbox, chat_id: int) -> None:
        self.outbox = outbox
        self.chat_id = chat_id
        limits = outbox.limits
        self.pacer = Pacer(limits.chat_interval, limits.group_per_minute if chat_id < 0 else 0)
        self.queue: deque[Outgoing] = deque()
        self.pending = Pending()  # points whose card here must be re-read and edited (coalesced)
        self.posted: BoundedSet[int] = BoundedSet(REMEMBERED)  # points whose card is known to be here
        self.unposted: BoundedSet[int] = BoundedSet(REMEMBERED)  # points whose first card failed to post
        self.topics: BoundedDict[int, int] = BoundedDict(REMEMBERED)  # point -> topic made before its card
        self.topic_names: BoundedDict[int, str] = BoundedDict(REMEMBERED)  # topic -> the name we gave it
        self.is_forum: bool | None = None if chat_id < 0 else False
        self.no_topics = False  # a forum where creating a topic failed: reply chains instead, until restart
        self.wake = asyncio.Event()
        self.busy = False
        self.edit_next = False
        self.task: asyncio.Task[None] | None = None

    # ---- what the adapter calls ----------------------------------------------------------------

    @property
    def idle(self) -> bool:
        return not self.queue and not self.pending and not self.busy

    def put(self, outgoing: Outgoing) -> None:
        self.queue.append(outgoing)
        self._kick()

    async def card(self, point_id: int) -> None:
        """The point's card changed: post it here if it is not here yet, else edit it (coalesced)."""
        if point_id not in self.posted and await self._card_message(point_id) is not None:
            self.posted.add(point_id)
        if point_id in self.posted:
            self.pending.mark(point_id)
        else:
            self.queue.append(Outgoing("card", point_id=point_id))
        self._kick()

    def refresh(self, point_id: int) -> None:
        """Re-reads the point and edits its card here (a card found showing an older state)."""
        self.posted.add(point_id)
        self.pending.mark(point_id)
        self._kick()

    def repost(self) -> int:
        """Queues again the first cards of this chat whose post failed."""
        points = [p for p in self.unposted if p not in self.posted]
        for point_id in list(self.unposted):
            self.unposted.discard(point_id)
        queued = {o.point_id for o in self.queue if o.kind == "card"}
        for point_id in points:
            if point_id not in queued:
                self.queue.append(Outgoing("card", point_id=point_id))
        if points:
            self._kick()
        return len(points)

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _kick(self) -> None:
        self.wake.set()
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(
                self._work(), name=f"telegram-lane-{self.chat_id}"
            )

    # ---- the worker ----------------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            if not self.queue and not self.pending:
                self.wake.clear()
                await self.wake.wait()
                continue
            await self._ready()
            self.busy = True
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("telegram: a card or message for chat %s failed", self.chat_id)
            finally:
                self.busy = False

    async def _ready(self) -> None:
        """Waits until this chat and the bot as a whole may send again."""
        while True:
            now = self.outbox.clock()
            wait = max(self.pacer.wait_time(now), self.outbox.global_pacer.wait_time(now))
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def _step(self) -> None:
        take_edit = bool(self.pending) and (not self.queue or self.edit_next)
        if take_edit:
            point_id, forced = self.pending.take()
            self.edit_next = False
            await self._show_card(point_id, forced)
            return
        outgoing = self.queue.popleft()
        self.edit_next = True
        if outgoing.kind == "card":
            assert outgoing.point_id is not None
            try:
                await self._show_card(outgoing.point_id)
            except (Doubtful, TelegramError):
                self.unposted.add(outgoing.point_id)  # no message on record: the sweep re-queues it
                raise
            self.unposted.discard(outgoing.point_id)
        elif outgoing.kind == "document":
            await self._send_document(outgoing)
        elif outgoing.kind == "retire":
            await self._retire(outgoing.retire)
        else:
            await self._send_texts(outgoing)

    # ---- calls with pacing and retries -----------------------------------------------------------

    async def _call(self, what: str, make: Callable[[int], Awaitable[T]], *, repeatable: bool = True) -> T:
        """One Bot API call for this chat, paced. A 429 waits `retry_after` and goes again; so does, after
        a back-off, a network error that surely had no effect. One that may have had an effect is
        repeated only if the call is `repeatable` (an edit, a read); otherwise `Doubtful` is raised."""
        attempts = max(1, self.outbox.limits.retries)
        for attempt in range(1, attempts + 1):
            await self._ready()
            now = self.outbox.clock()
            self.pacer.spend(now)
            self.outbox.global_pacer.spend(now)
            try:
                return await make(self.chat_id)
            except RetryAfter as error:
                seconds = retry_seconds(error)
                log.warning(
                    "telegram: 429 on %s in chat %s; retrying after %.0fs", what, self.chat_id, seconds
                )
                self.pacer.hold(self.outbox.clock() + seconds)
                if attempt == attempts:
                    raise
            except ChatMigrated as error:
                old, new = self.chat_id, int(error.new_chat_id)
                log.info("telegram: chat %s became %s", old, new)
                self.outbox.chat_moved(old, new)
                self.chat_id = new
                if self.outbox.on_migrated is not None:
                    await self.outbox.on_migrated(old, new)
                if attempt == attempts:
                    raise
            except BadRequest:
                raise
            except NetworkError as error:  # TimedOut included
                if not repeatable and not surely_not_sent(error):
                    raise Doubtful(what, error) from error
                if attempt == attempts:
                    raise
                log.warning("telegram: %s in chat %s failed (%s); trying again", what, self.chat_id, error)
                await asyncio.sleep(min(self.outbox.limits.backoff * 2.0 ** (attempt - 1), 10.0))
        raise AssertionError("unreachable")

    # ---- texts ---------------------------------------------------------------------------------

    async def _send_texts(self, first: Outgoing) -> None:
        place = await self._place(first)
        batch = [first]
        length = units(first.text)
        if first.mergeable:
            while self.queue and self.queue[0].mergeable:
                candidate = self.queue[0]
                if length + 2 + units(candidate.text) > MAX_TEXT:
                    break
                other = await self._place(candidate)
                if other.thread_id != place.thread_id:
                    break
                batch.append(self.queue.popleft())
                length += 2 + units(candidate.text)
                if other.reply_to != place.reply_to:
                    place.reply_to = None
        points = {o.point_id for o in batch}
        point_id = points.pop() if len(points) == 1 else None
        text = "\n\n".join(o.text for o in batch) if len(batch) > 1 else first.text
        try:
            # a text with its changes marked fits one message (the adapter made sure), so it is not split
            pieces = [text] if first.entities else split_text(text)
            for piece in pieces:
                message = await self._send_message(piece, place, entities=first.entities)
                if point_id is not None:
                    await self.outbox.service.link_message(self.chat, str(message.message_id), point_id)
        except (Forbidden, BadRequest) as error:
            if first.on_forbidden is not None and _cannot_write(error):
                await first.on_forbidden()
                return
            await self._undelivered(batch, error)
            return
        except (Doubtful, TelegramError) as error:
            await self._undelivered(batch, error)
            return
        if first.on_sent is not None:
            await first.on_sent()

    async def _send_message(
        self, text: str, place: Place, markup: Any = None, entities: Sequence[MessageEntity] = ()
    ) -> Message:
        reply = (
            ReplyParameters(message_id=place.reply_to, allow_sending_without_reply=True)
            if place.reply_to is not None
            else None
        )

        def send(thread: int | None) -> Callable[[int], Awaitable[Message]]:
            return lambda chat_id: self.outbox.bot.send_message(
                chat_id,
                text,
                message_thread_id=thread,
                reply_parameters=reply,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                entities=entities or None,
            )

        try:
            return await self._call("sendMessage", send(place.thread_id), repeatable=False)
        except BadRequest as error:
            if place.thread_id is None or "thread not found" not in error.message.lower():
                raise
            # The topic was deleted: say it in the chat's general flow rather than not at all.
            return await self._call("sendMessage", send(None), repeatable=False)

    async def _place(self, outgoing: Outgoing) -> Place:
        """Where a message goes; where the requester wrote when that cannot be found out (the
        database or a topic's creation failed): a message in the wrong place beats none."""
        try:
            return await self._find_place(outgoing)
        except Exception as error:
            log.warning("telegram: no place found for a message in chat %s (%s)", self.chat_id, error)
            return Place(outgoing.thread_id, outgoing.reply_to)

    async def _find_place(self, outgoing: Outgoing) -> Place:
        """The requester's thread, or the point's topic or reply chain."""
        if outgoing.point_id is None or (outgoing.answer and outgoing.reply_to is not None):
            return Place(outgoing.thread_id, outgoing.reply_to)
        placed = await self._card_message(outgoing.point_id)
        if placed is not None and placed.thread_id:
            topic = int(placed.thread_id)
            return Place(topic, outgoing.reply_to if outgoing.thread_id == topic else None)
        if placed is not None:
            return Place(outgoing.thread_id, outgoing.reply_to or int(placed.message_id))
        if await self._forum():
            created = await self._topic(outgoing.point_id, None)
            if created is not None:
                return Place(created, outgoing.reply_to if outgoing.thread_id == created else None)
        return Place(outgoing.thread_id, outgoing.reply_to)

    # ---- documents -----------------------------------------------------------------------------

    async def _send_document(self, outgoing: Outgoing) -> None:
        document = outgoing.document
        assert document is not None
        place = await self._place(outgoing)
        caption, rest = document.caption, ""
        if units(caption) > MAX_CAPTION:
            caption, rest = "", caption
        reply = (
            ReplyParameters(message_id=place.reply_to, allow_sending_without_reply=True)
            if place.reply_to is not None
            else None
        )
        try:
            await self._send_document_call(document, caption, place, reply)
            for piece in split_text(rest) if rest else []:
                await self._send_message(piece, place)
        except (Forbidden, BadRequest) as error:
            if outgoing.on_forbidden is not None and _cannot_write(error):
                await outgoing.on_forbidden()
                return
            await self._undelivered([outgoing], error)
            return
        except (Doubtful, TelegramError) as error:
            await self._undelivered([outgoing], error)
            return
        if outgoing.on_sent is not None:
            await outgoing.on_sent()

    async def _send_document_call(
        self, document: Document, caption: str, place: Place, reply: ReplyParameters | None
    ) -> None:
        await self._call(
            "sendDocument",
            lambda chat_id: self.outbox.bot.send_document(
                chat_id,
                InputFile(document.content, filename=document.filename, attach=True),
                caption=caption or None,
                message_thread_id=place.thread_id,
                reply_parameters=reply,
                write_timeout=60,
                read_timeout=60,
            ),
            repeatable=False,
        )

    # ---- messages that could not go out --------------------------------------------------------

    async def _undelivered(self, batch: list[Outgoing], error: Exception) -> None:
        """Tells whoever caused each of these messages that it could not be delivered, or may not
        have been (`Doubtful`): never sent again blindly, never dropped without a word."""
        doubtful = isinstance(error, Doubtful)
        log.warning(
            "telegram: %s message(s) for chat %s %s: %s",
            len(batch),
            self.chat_id,
            "may not have arrived" if doubtful else "could not be delivered",
            error,
        )
        for outgoing in batch:
            await self._tell(outgoing, doubtful=doubtful)

    async def _tell(self, outgoing: Outgoing, *, doubtful: bool) -> None:
        if outgoing.notice:
            log.error("telegram: a notice about an undelivered message in chat %s was lost too", self.chat_id)
            return
        if outgoing.notice_to is not None:  # a private message: said where it was asked for
            chat_id, reply_to, thread = outgoing.notice_to
            lang = await self.outbox.service.language_for(ChatRef(PLATFORM, str(chat_id)))
            text = notice_private_failed(lang, doubtful=doubtful)
            self.outbox.lane(chat_id).put(
                Outgoing("text", text=text, reply_to=reply_to, thread_id=thread, notice=True)
            )
            return
        lang = await self.outbox.service.language_for(self.chat)
        here = Outgoing(
            "text",
            text=notice_here(lang, doubtful=doubtful),
            reply_to=outgoing.reply_to,
            thread_id=outgoing.thread_id,
            notice=True,
        )
        requester = outgoing.requester
        if outgoing.kind != "text" or requester is None or requester == self.chat_id:
            self.put(here)
            return

        async def say_here_instead() -> None:  # the requester never opened a private chat with the bot
            self.put(here)

        copy = Outgoing("text", text=copy_for_requester(lang, outgoing.text, doubtful=doubtful), notice=True)
        copy.on_forbidden = say_here_instead
        self.outbox.lane(requester).put(copy)


def _cannot_write(error: Exception) -> bool:
    """The user never opened a private chat with the bot, or blocked it."""
    if isinstance(error, Forbidden):
        return True
    text = str(error).lower()
    return "chat not found" in text or "user not found" in text or "initiate conversation" in text
