"""One Telegram chat's sender: the worker holding the chat's lease sends its outbox rows, in order,
at the chat's shared pace (see `bot.telegram.outbox` for the whole picture)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import InputFile, LinkPreviewOptions, Message, MessageEntity, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.bounded import BoundedDict, BoundedSet
from bot.cardsync import Pacer
from bot.telegram.card_lane import PLATFORM, CardLane
from bot.telegram.delivery import (
    Doubtful,
    copy_for_requester,
    notice_here,
    notice_private_failed,
    surely_not_sent,
)
from bot.telegram.outgoing import Outgoing, Place
from bot.telegram.pacing import retry_seconds
from bot.telegram.render import MAX_CAPTION, MAX_TEXT, split_text, units
from drafting.model import ChatRef
from drafting.ports import TransientStoreError
from drafting.replies import Document
from storage.outbox_store import Budget

if TYPE_CHECKING:
    from bot.telegram.outbox import Outbox

log = logging.getLogger("draftbot.telegram.outbox")

T = TypeVar("T")
REMEMBERED = 1000  # entries each per-process memory keeps (cards, topics, idle chats, moved chats)
BATCH = 20  # rows read at a time: the next one, and the texts that may merge with it

Follow = list[tuple[int, Outgoing]]  # messages a delivery or its failure leads to, for given chats


class LeaseLost(Exception):
    """Another worker holds this chat now (this one was too slow to renew its lease)."""


class Lane(CardLane):
    """One chat's sender in this worker: runs while it holds the chat's lease and rows wait."""

    def __init__(self, outbox: Outbox, chat_id: int, *, offline: bool = False) -> None:
        self.outbox = outbox
        self.chat_id = chat_id
        self.offline = offline  # sends from memory (`send_now`): nothing of it is in the database
        self.taking: list[int] = []  # the rows the next calls send: taken, with the budget, before each
        limits = outbox.limits
        self.pacer = Pacer(limits.chat_interval, limits.group_per_minute if chat_id < 0 else 0)
        self.posted: BoundedSet[int] = BoundedSet(REMEMBERED)  # points whose card is known to be here
        self.unposted: BoundedSet[int] = BoundedSet(REMEMBERED)  # points whose first card failed to post
        self.topics: BoundedDict[int, int] = BoundedDict(REMEMBERED)  # point -> topic made before its card
        self.topic_names: BoundedDict[int, str] = BoundedDict(REMEMBERED)  # topic -> the name we gave it
        self.is_forum: bool | None = None if chat_id < 0 else False
        self.no_topics = False  # a forum where creating a topic failed: reply chains instead, until restart
        self.again = False  # rows were put while running: look again before giving the lease up
        self.task: asyncio.Task[None] | None = None
        self.cards: BoundedDict[int, str] = BoundedDict(REMEMBERED)  # point -> its card here, as last read
        self.holding = False  # this lane holds the chat's lease and is sending its rows
        self.queued: set[int] = set()  # points whose card row waits, not taken, for this holding lane
        self.card_takes = 0  # card rows this lane has begun to draw

    # ---- what the adapter calls ----------------------------------------------------------------

    @property
    def idle(self) -> bool:
        return self.task is None or self.task.done()

    async def put(self, outgoing: Outgoing) -> None:
        await self.outbox.put(self.chat_id, outgoing)

    async def card(self, point_id: int, *, forced: bool = False) -> None:
        """The point's card changed: post it here if it is not here yet, else edit it. Requests for
        the same card coalesce while none is being drawn: a burst costs one edit.

        A request this lane knows to be waiting in the outbox (it put it while holding the chat, and
        has not begun drawing a card since) is joined here, without a transaction: only the lease
        holder takes a chat's rows, so that row is drawn after now, from a read that sees what was
        committed before this call. A request joined in the database is not remembered: the row it
        joined may have been being taken at that moment (PostgreSQL). (Should the lease have run out
        unnoticed and another worker drawn the card already, the stale-card sweep redraws it: its
        shown version is behind.)"""
        if not forced and self.holding and point_id in self.queued:
            return
        takes = self.card_takes
        row_id = await self.outbox.put_card(self.chat_id, point_id, forced=forced)
        if row_id is not None and not forced and self.holding and self.card_takes == takes:
            self.queued.add(point_id)  # this lane has taken no card since: the new row still waits

    async def refresh(self, point_id: int) -> None:
        """Re-reads the point and edits its card here (a card found showing an older state)."""
        self.posted.add(point_id)
        await self.card(point_id)

    async def repost(self) -> int:
        """Queues again the first cards of this chat whose post failed."""
        points = [p for p in self.unposted if p not in self.posted]
        for point_id in list(self.unposted):
            self.unposted.discard(point_id)
        for point_id in points:
            await self.card(point_id)
        return len(points)

    async def send_now(self, outgoing: Outgoing) -> None:
        """Sends a text or document from memory, outside the outbox (the database is out of reach)."""
        try:
            if outgoing.kind == "document":
                follow = await self._send_document(outgoing)
            elif outgoing.kind == "text":
                follow = await self._send_texts([outgoing])
            else:
                return  # a card: redrawn from the database once it is back (`redraw_stale`)
            for chat_id, message in follow:
                await self.outbox.put(chat_id, message)
        except Exception:
            log.exception("telegram: a message for chat %s could not be sent from memory", self.chat_id)

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def kick(self) -> None:
        self.again = True
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(
                self._work(), name=f"telegram-lane-{self.chat_id}"
            )

    # ---- the worker ----------------------------------------------------------------------------

    async def _work(self) -> None:
        store, owner = self.outbox.store, self.outbox.owner
        try:
            while self.again:
                self.again = False
                budget = await store.claim(str(self.chat_id), owner, self.outbox.clock(), self.outbox.lease)
                if budget is None:
                    return  # another worker sends here; it (or, if it dies, whoever takes over) sends ours
                self._load(budget)
                log.debug("telegram: %s sends to chat %s", self.outbox.owner, self.chat_id)
                self.holding = True
                await self._drain()
                self._let_go()
                await store.release(str(self.chat_id), owner, self._budget())
        except asyncio.CancelledError:
            raise
        except LeaseLost:
            log.warning("telegram: another worker took over chat %s", self.chat_id)
        except TransientStoreError as error:  # its lease runs out; this worker or another goes on later
            log.warning("telegram: the outbox of chat %s waits for the database (%s)", self.chat_id, error)
        except Exception:
            log.exception("telegram: the sender of chat %s stopped", self.chat_id)
        finally:
            self._let_go()

    def _let_go(self) -> None:
        """Not holding the chat: what waits for it is no longer this lane's to take."""
        self.holding = False
        self.queued.clear()

    async def _drain(self) -> None:
        while True:
            rows = [Outgoing.from_row(r) for r in await self.outbox.store.waiting(str(self.chat_id), BATCH)]
            if not rows:
                return
            first = rows[0]
            log.debug("telegram: %s takes row %s (%s)", self.outbox.owner, first.row_id, first.kind)
            try:
                if first.taken and first.kind in ("text", "document"):
                    # A worker died while sending it: it may have gone out, so it is not sent again.
                    doubt = Doubtful("a send interrupted by a worker's end", RuntimeError("no answer"))
                    await self._finish([first], await self._undelivered([first], doubt))
                    continue
                await self._ready()
                await self._step(first, rows[1:])
            except (asyncio.CancelledError, LeaseLost, TransientStoreError):
                raise
            except Exception:
                log.exception("telegram: a card or message for chat %s failed", self.chat_id)
                await self._finish([first], [])

    def _load(self, budget: Budget) -> None:
        self.pacer.last = budget.last_sent or -1e9
        self.pacer.recent = deque(budget.recent)
        self.pacer.hold_until = budget.held_until

    def _budget(self) -> Budget:
        now = self.outbox.clock()
        return Budget(
            self.pacer.last, [t for t in self.pacer.recent if t > now - 60.0], self.pacer.hold_until
        )

    async def _finish(self, batch: Sequence[Outgoing], follow: Follow) -> None:
        """These rows are done: deleted, the chat's budget saved, their follow-ups put, at once."""
        ids = [o.row_id for o in batch if o.row_id is not None]
        self.taking = []
        letters = [outgoing.letter(chat_id) for chat_id, outgoing in follow]
        new, held = await self.outbox.store.finish(
            str(self.chat_id), self.outbox.owner, ids, self._budget(), letters, datetime.now(UTC)
        )
        self.outbox.sent(ids, new)
        for chat_id, _ in follow:
            if chat_id != self.chat_id:
                self.outbox.lane(chat_id).kick()
        if not held:
            raise LeaseLost(self.chat_id)

    async def _take(self, batch: Sequence[Outgoing]) -> None:
        await self.outbox.store.take([o.row_id for o in batch if o.row_id is not None])

    def _sending(self, batch: Sequence[Outgoing]) -> None:
        """The rows the next calls send: each call takes them, and saves the budget, before it goes."""
        self.taking = [o.row_id for o in batch if o.row_id is not None]

    async def _ready(self) -> None:
        """Waits until this chat and the bot as a whole may send again."""
        while True:
            now = self.outbox.clock()
            wait = max(self.pacer.wait_time(now), self.outbox.global_pacer.wait_time(now))
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def _step(self, first: Outgoing, rest: list[Outgoing]) -> None:
        if first.kind == "card":
            assert first.point_id is not None
            self.queued.discard(first.point_id)  # drawn from here on: a later change needs a row again
            self.card_takes += 1
            await self._take([first])
            try:
                again = await self._show_card(first.point_id, first.forced)
            except (Doubtful, TelegramError):
                self.unposted.add(first.point_id)  # no message on record: the sweep puts it again
                await self._finish([first], [])
                raise
            self.unposted.discard(first.point_id)
            if again:  # asked before this row is done, so it stands even if the chat changed hands
                await self.card(first.point_id, forced=True)
            await self._finish([first], [])
        elif first.kind == "document":
            self._sending([first])
            await self._finish([first], await self._send_document(first))
        elif first.kind == "retire":
            self._sending([first])
            await self._retire(first.retire)
            await self._finish([first], [])
        else:
            batch = await self._batch(first, rest)
            self._sending(batch)
            await self._finish(batch, await self._send_texts(batch))

    # ---- calls with pacing and retries -----------------------------------------------------------

    async def _call(self, what: str, make: Callable[[int], Awaitable[T]], *, repeatable: bool = True) -> T:
        """One Bot API call for this chat, paced. A 429 waits `retry_after` (for every worker: the
        hold is saved with the chat's budget) and goes again; so does, after a back-off, a network
        error that surely had no effect. One that may have had an effect is repeated only if the call
        is `repeatable` (an edit, a read); otherwise `Doubtful` is raised."""
        attempts = max(1, self.outbox.limits.retries)
        for attempt in range(1, attempts + 1):
            await self._ready()
            now = self.outbox.clock()
            self.pacer.spend(now)
            self.outbox.global_pacer.spend(now)
            if not self.offline:
                await self.outbox.store.take(
                    self.taking, str(self.chat_id), self.outbox.owner, self._budget()
                )
            try:
                return await make(self.chat_id)
            except RetryAfter as error:
                seconds = retry_seconds(error)
                self.outbox.rate_limited += 1
                log.warning(
                    "telegram: 429 on %s in chat %s; retrying after %.0fs", what, self.chat_id, seconds
                )
                self.pacer.hold(self.outbox.clock() + seconds)
                if not self.offline:
                    await self._finish([], [])
                if attempt == attempts:
                    raise
            except ChatMigrated as error:
                old, new = self.chat_id, int(error.new_chat_id)
                log.info("telegram: chat %s became %s", old, new)
                await self.outbox.move(old, new)
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

    async def _batch(self, first: Outgoing, rest: list[Outgoing]) -> list[Outgoing]:
        """The first text and the texts waiting right after it that go to the same place, as one."""
        batch = [first]
        if not first.mergeable:
            return batch
        place = await self._place(first)
        length = units(first.text)
        for candidate in rest:
            if candidate.taken or not candidate.mergeable or length + 2 + units(candidate.text) > MAX_TEXT:
                break
            if (await self._place(candidate)).thread_id != place.thread_id:
                break
            batch.append(candidate)
            length += 2 + units(candidate.text)
        return batch

    async def _send_texts(self, batch: list[Outgoing]) -> Follow:
        first = batch[0]
        place = await self._place(first)
        for other in batch[1:]:
            if (await self._place(other)).reply_to != place.reply_to:
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
            if first.instead is not None and _cannot_write(error):
                return [first.instead]
            return await self._undelivered(batch, error)
        except (Doubtful, TelegramError) as error:
            return await self._undelivered(batch, error)
        return [first.then] if first.then is not None else []

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

    async def _send_document(self, outgoing: Outgoing) -> Follow:
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
            if outgoing.instead is not None and _cannot_write(error):
                return [outgoing.instead]
            return await self._undelivered([outgoing], error)
        except (Doubtful, TelegramError) as error:
            return await self._undelivered([outgoing], error)
        return [outgoing.then] if outgoing.then is not None else []

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

    async def _undelivered(self, batch: list[Outgoing], error: Exception) -> Follow:
        """Whoever caused each of these messages hears that it could not be delivered, or may not
        have been (`Doubtful`): never sent again blindly, never dropped without a word."""
        doubtful = isinstance(error, Doubtful)
        log.warning(
            "telegram: %s message(s) for chat %s %s: %s",
            len(batch),
            self.chat_id,
            "may not have arrived" if doubtful else "could not be delivered",
            error,
        )
        follow: Follow = []
        for outgoing in batch:
            follow += await self._tell(outgoing, doubtful=doubtful)
        return follow

    async def _tell(self, outgoing: Outgoing, *, doubtful: bool) -> Follow:
        if outgoing.notice:
            log.error("telegram: a notice about an undelivered message in chat %s was lost too", self.chat_id)
            return []
        if outgoing.notice_to is not None:  # a private message: said where it was asked for
            chat_id, reply_to, thread = outgoing.notice_to
            lang = await self.outbox.service.language_for(ChatRef(PLATFORM, str(chat_id)))
            text = notice_private_failed(lang, doubtful=doubtful)
            return [(chat_id, Outgoing("text", text=text, reply_to=reply_to, thread_id=thread, notice=True))]
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
            return [(self.chat_id, here)]
        copy = Outgoing("text", text=copy_for_requester(lang, outgoing.text, doubtful=doubtful), notice=True)
        copy.instead = (self.chat_id, here)  # the requester never opened a private chat with the bot
        return [(requester, copy)]


def _cannot_write(error: Exception) -> bool:
    """The user never opened a private chat with the bot, or blocked it."""
    if isinstance(error, Forbidden):
        return True
    text = str(error).lower()
    return "chat not found" in text or "user not found" in text or "initiate conversation" in text


def wall_clock() -> float:
    return time.time()
