"""Showing the core's deliveries in Slack channels: texts, point cards, documents, private codes.

What goes to a channel for everyone (`chat.postMessage`, `chat.update` of a card, a file) is a row of
the shared outbox (`bot.slack.outbox`): `deliver` puts the rows and returns; the worker holding the
channel's lease sends them in order through `send_row`, paced for the channel by all workers together.
Without an outbox (a channel used on its own) the same rows are sent at once, in order.

What is tied to the request and shown to one person stays direct, from the worker handling it:
ephemeral messages (`chat.postEphemeral`: an invitation code, a refusal, "your message was not
posted") and `response_url` answers. Slack limits those per request and per person, not per channel,
so they do not spend the channel's budget; a response_url is valid 30 minutes and a few uses, and an
ephemeral message is only shown to someone in the channel now, so neither gains from waiting for
another worker; and if the worker dies before sending one, the person sees no answer and asks again,
as with any request lost between its ack and its handling.

A point's card is posted once per channel and then edited in place with `chat.update`; its thread is
the point's thread. A request only asks for the card to be drawn (a card row, joining one still
waiting); when its turn comes the card is read fresh from the database and drawn through the shared
protocol (`bot.cardsync.CardSync`: which version a card message shows, the claim of a first card
against other workers, a duplicate deleted, a card deleted by someone posted again, "a newer version
was drawn meanwhile"); this module supplies Slack's `CardPort` (`_SlackCards`). A burst of presses on
one card costs about one edit per `edit_interval`, and ends with the card as it is in the database.
Messages put after a card's first post go into its thread: the rows are sent in order.

Nothing is dropped silently: 500/503 and dropped connections are tried again a bounded number of
times, a 429 after its Retry-After (held for the channel); a row that still fails is told to the
person whose request caused it (ephemeral, else the request's response_url), with what it said. A
card edit that fails is redrawn later by `redraw_stale`; a card that could never be posted is told
like a message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncServerErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.bounded import BoundedDict
from bot.cardsync import NOT_SHOWN, CardSync, Pacer
from bot.slack.cards import SlackCards
from bot.slack.origin import (
    MAY_NOT_HAVE_ARRIVED,
    PLATFORM,
    NotDelivered,
    Row,
    SlackOrigin,
    row_said,
    said,
    text_rows,
)
from bot.slack.outbox import POST_INTERVAL, SlackOutbox
from bot.slack.text import chunks, escape
from drafting.i18n import t
from drafting.model import ChatRef, UserRef
from drafting.ports import CardMessage
from drafting.replies import Delivery, Document, PointCard, Text
from drafting.service import DraftingService
from drafting.textdiff import by_line, slack
from storage.outbox_store import Waiting

log = logging.getLogger("draftbot.slack")

_NOT_THERE = {"not_in_channel", "channel_not_found", "is_archived"}  # the bot cannot post there
_SLOTS = 2_000  # cards whose last edit time is remembered (the per-card throttle)
_CARDS = 20_000  # (channel, point) -> card ts, a cache of the database
_EXCERPT = 300  # characters of an undelivered message repeated to its requester
_RATE_LIMIT_RETRIES = 3
T = TypeVar("T")


def sending_client(client: AsyncWebClient) -> AsyncWebClient:
    """The client for the channel's posts and edits: 500/503 tried again, but a 429 comes back to
    `SlackChannel._call`, which holds the whole channel for its Retry-After."""
    sender = AsyncWebClient(token=client.token, base_url=client.base_url, timeout=client.timeout)
    sender.retry_handlers.append(AsyncServerErrorRetryHandler(max_retry_count=2))
    return sender


class SlackChannel:
    """The `Channel` for platform "slack" in the dispatcher."""

    platform = PLATFORM

    def __init__(
        self,
        service: DraftingService,
        client: AsyncWebClient,
        *,
        edit_interval: float = 1.0,
        post_interval: float = POST_INTERVAL,
    ) -> None:
        self.service = service
        self.client = client
        self.sender = sending_client(client)
        self.edit_interval = edit_interval
        self.post_interval = post_interval
        self.outbox: SlackOutbox | None = None  # set by the adapter: every post goes through it
        self._slots: BoundedDict[tuple[ChatRef, int], float] = BoundedDict(_SLOTS)  # last edit (loop time)
        self._cards: BoundedDict[tuple[ChatRef, int], str] = BoundedDict(_CARDS)  # (channel, point) -> ts
        self._pacers: BoundedDict[ChatRef, Pacer] = BoundedDict(_SLOTS)  # without an outbox

    async def deliver(self, delivery: Delivery, origin: object | None) -> None:
        here = origin if isinstance(origin, SlackOrigin) else None
        try:
            await self._deliver(delivery, here)
        except Exception as error:
            if not await self.own_up(here, said(delivery), error):
                log.error("a Slack delivery failed and its requester could not be told: %s", error)
            raise

    async def own_up(self, here: SlackOrigin | None, what: str, error: Exception | None) -> bool:
        """Tells the requester a message of theirs was not shown (None: may not have been), and what
        it said."""
        if here is None:
            return False
        excerpt = what if len(what) <= _EXCERPT else what[: _EXCERPT - 1] + "…"
        try:
            lang = await self.service.language_for(here.chat)  # the meeting's, as the core speaks it
        except Exception:
            lang = "es"
        if error is None:
            text = MAY_NOT_HAVE_ARRIVED.get(lang, MAY_NOT_HAVE_ARRIVED["es"]).format(excerpt=excerpt)
        else:
            reason = error.response.get("error") if isinstance(error, SlackApiError) else None
            text = t(lang, "slack.not_delivered", error=reason or type(error).__name__, excerpt=excerpt)
        if await self._ephemeral(here.chat, here.user, text, here.thread_ts):
            return True
        return await self.respond(here, text, ephemeral=True)

    async def _deliver(self, delivery: Delivery, here: SlackOrigin | None) -> None:
        chat = delivery.chat or (here.chat if here is not None else None)
        if chat is None or chat.platform != PLATFORM:
            log.warning("a Slack delivery without a channel was dropped")
            return
        message = delivery.message
        if delivery.private_to is not None:
            await self._private(delivery, chat, here)
            return
        if isinstance(message, PointCard):
            told = {"requester": here.requester(), "said": message.as_text()} if here is not None else {}
            await self.show_card(chat, message.point_id, told=told)
            return
        only_requester = here is not None and delivery.chat is None and (here.refused or delivery.ephemeral)
        if isinstance(message, Text) and here is not None and only_requester:
            shown = await self._ephemeral(chat, here.user, message.text, here.thread_ts)
            if not shown and not await self.respond(here, message.text, ephemeral=True):
                raise NotDelivered("neither an ephemeral message nor the response_url took it")
            return
        where: dict[str, Any] = {
            "point": delivery.point_id,
            # an answer goes where the question was; news for the meeting do not
            "thread_ts": here.thread_ts if here is not None and delivery.chat is None else None,
            "requester": here.requester() if here is not None else None,
        }
        if isinstance(message, Document):
            payload = where | {"filename": message.filename, "caption": message.caption}
            await self.put(chat, [("document", payload, message.content)])
            return
        if here is not None and chat == here.chat and here.response_url:
            where["answer_url"] = here.response_url  # a command typed where the bot is not a member
        if message.marked:
            text = "\n".join(slack(line) for line in by_line(list(message.marked)))
            rows: list[Row] = [("text", where | {"text": part, "said": part}, None) for part in chunks(text)]
        else:
            rows = text_rows(message.text, where, chat, message.mentions)
        await self.put(chat, rows)

    async def put(self, chat: ChatRef, rows: Sequence[Row]) -> None:
        """Into the outbox; without one, sent at once, in order."""
        if self.outbox is not None:
            await self.outbox.put(chat, list(rows))
            return
        for kind, payload, content in rows:
            await self.send_row(
                chat, Waiting(0, kind, None, False, False, payload, content), self._pacer(chat)
            )

    def _pacer(self, chat: ChatRef) -> Pacer:
        pacer = self._pacers.get(chat)
        if pacer is None:
            pacer = self._pacers[chat] = Pacer(self.post_interval)
        return pacer

    # ---- sending one row (the outbox's worker for the channel, or at once) -----------------------

    async def send_row(self, chat: ChatRef, row: Waiting, pacer: Pacer) -> None:
        """One row's call(s), paced; an error that remains is raised."""
        payload = row.payload
        if row.kind == "card":
            assert row.point_id is not None
            await self._draw_row(chat, row.point_id, row.forced, pacer)
            return
        thread = payload.get("thread_ts")
        if payload.get("point") is not None:
            thread = await self.card_ts(chat, int(payload["point"])) or thread
        if row.kind == "document":
            await self._call(
                pacer,
                lambda: self.sender.files_upload_v2(
                    channel=chat.chat_id,
                    thread_ts=thread,
                    file=row.content or b"",
                    filename=str(payload["filename"]),
                    title=str(payload["filename"]),
                    initial_comment=escape(str(payload.get("caption") or "")),
                ),
                post=True,
            )
            return
        try:
            await self._call(
                pacer,
                lambda: self.sender.chat_postMessage(
                    channel=chat.chat_id,
                    text=str(payload["text"]),
                    thread_ts=thread,
                    unfurl_links=False,
                    unfurl_media=False,
                ),
                post=True,
            )
        except SlackApiError as error:
            url, requester = payload.get("answer_url"), payload.get("requester")
            if error.response.get("error") not in _NOT_THERE or not url or requester is None:
                raise
            # A command typed where the bot is not a member: the command's response_url still works.
            origin = SlackOrigin.of(requester)
            if not await self.respond(origin, str(payload.get("said") or ""), ephemeral=False):
                raise

    async def sent_or_told(self, chat: ChatRef, row: Waiting, pacer: Pacer) -> None:
        """`send_row` for the outbox: a row that fails is told to its requester, then raised."""
        try:
            await self.send_row(chat, row, pacer)
        except Exception as error:
            told = row.payload.get("requester")
            if (
                row.kind == "card"
                and row.point_id is not None
                and await self.card_ts(chat, row.point_id) is not None
            ):
                raise  # an edit: `redraw_stale` draws it again later
            if told is not None and not await self.own_up(SlackOrigin.of(told), row_said(row), error):
                log.error("a Slack message failed and its requester could not be told: %s", error)
            raise

    async def doubt(self, chat: ChatRef, row: Waiting) -> None:
        """A row its worker died sending: not sent again; whoever caused it hears it may not have
        arrived."""
        told = row.payload.get("requester")
        if told is None or not await self.own_up(SlackOrigin.of(told), row_said(row), None):
            log.error("slack: a message in %s may not have arrived, and nobody could be told", chat.chat_id)

    async def _call(self, pacer: Pacer, make: Callable[[], Awaitable[T]], *, post: bool) -> T:
        """A call for the channel: a post waits for the channel's pace and counts in it; any call waits
        out a 429's hold, and a 429 holds the channel for its Retry-After and is made again."""
        for attempt in range(_RATE_LIMIT_RETRIES + 1):
            now = time.time()
            wait = pacer.wait_time(now) if post else pacer.hold_until - now
            if wait > 0:
                await asyncio.sleep(wait)
            if post:
                pacer.spend(time.time())
            try:
                return await make()
            except SlackApiError as error:
                if error.response.status_code != 429 or attempt == _RATE_LIMIT_RETRIES:
                    raise
                retry_after = float(error.response.headers.get("Retry-After", "1") or 1)
                log.info(
                    "slack: 429 in %s; holding the channel %.0f s",
                    "a post" if post else "a call",
                    retry_after,
                )
                pacer.hold(time.time() + retry_after)
        raise AssertionError("unreachable")

    # ---- direct: tied to the request, for one person -------------------------------------------

    async def respond(self, origin: SlackOrigin, text: str, *, ephemeral: bool) -> bool:
        """Answers through the request's response_url (valid 30 minutes, a few times)."""
        if not origin.response_url:
            return False
        webhook = AsyncWebhookClient(origin.response_url)
        try:
            for part in chunks(text):
                response = await webhook.send(
                    text=escape(part),
                    response_type="ephemeral" if ephemeral else "in_channel",
                    replace_original=False,
                )
                if response.status_code != 200:
                    log.warning("response_url answered %s", response.status_code)
                    return False
        except (OSError, aiohttp.ClientError) as error:
            log.warning("response_url failed: %s", error)
            return False
        return True

    async def react(self, chat: ChatRef, ts: str, name: str = "white_check_mark") -> bool:
        """Marks a person's message (a comment recorded); False if Slack would not."""
        if not ts:
            return False
        try:
            await self.client.reactions_add(channel=chat.chat_id, timestamp=ts, name=name)
        except SlackApiError as error:
            if error.response.get("error") == "already_reacted":
                return True
            log.info("reaction on %s failed: %s", ts, error.response.get("error"))
            return False
        return True

    async def tell(self, chat: ChatRef, user: UserRef, text: str, thread_ts: str | None = None) -> bool:
        """A message only `user` sees, where they are."""
        return await self._ephemeral(chat, user, text, thread_ts)

    async def _ephemeral(self, chat: ChatRef, user: UserRef, text: str, thread_ts: str | None) -> bool:
        try:
            for part in chunks(text):
                await self.client.chat_postEphemeral(
                    channel=chat.chat_id,
                    user=user.user_id,
                    text=escape(part),
                    thread_ts=thread_ts,
                    # A preview fetch would spend a one-time link (`panel`) before its owner opens it.
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as error:
            log.warning("ephemeral message to %s failed: %s", user.user_id, error.response.get("error"))
            return False
        return True

    async def _private(self, delivery: Delivery, chat: ChatRef, origin: SlackOrigin | None) -> None:
        """Invitation codes: an ephemeral message only the requester sees; then the public notice."""
        assert delivery.private_to is not None
        text = said(delivery)
        thread = origin.thread_ts if origin is not None and origin.chat == chat else None
        shown = await self._ephemeral(chat, delivery.private_to, text, thread)
        if not shown and origin is not None and origin.user == delivery.private_to:
            shown = await self.respond(origin, text, ephemeral=True)
        public = delivery.notice if shown else delivery.fallback
        if public is not None:
            where = {"thread_ts": thread, "requester": origin.requester() if origin is not None else None}
            await self.put(chat, text_rows(public.text, where, chat))
        elif not shown:
            raise NotDelivered(f"the private message to {delivery.private_to.user_id} was not shown")

    # ---- cards ----------------------------------------------------------------------------------

    async def card_ts(self, chat: ChatRef, point_id: int) -> str | None:
        """The ts of the point's card in this channel (its thread), if it was posted."""
        known = self._cards.get((chat, point_id))
        if known is not None:
            return known
        for card in await self.service.card_messages(point_id):
            if card.chat == chat:
                ts = card.thread_id or card.message_id
                self._cards[(chat, point_id)] = ts
                return ts
        return None

    async def show_card(
        self, chat: ChatRef, point_id: int, *, forced: bool = False, told: dict[str, Any] | None = None
    ) -> None:
        """Asks for the card to show the point as it is now (`told`: whom to tell if it cannot be
        posted, and its text)."""
        if self.outbox is not None:
            await self.outbox.put_card(chat, point_id, forced=forced, payload=told)
        else:
            await self._draw_row(chat, point_id, forced, self._pacer(chat))

    def later(self, chat: ChatRef, row: Waiting) -> float | None:
        """Seconds a card edit should still wait: a card edited less than `edit_interval` ago (presses
        arriving meanwhile join its row). None for a post: a text, a file, or a card this worker has
        not drawn yet (its first post, in the conversation's order)."""
        if row.kind != "card" or row.point_id is None:
            return None
        last = self._slots.get((chat, row.point_id))
        return None if last is None else last + self.edit_interval - asyncio.get_running_loop().time()

    async def _draw_row(self, chat: ChatRef, point_id: int, forced: bool, pacer: Pacer) -> None:
        """Draws the card as the database has it now, at most once per `edit_interval` per card."""
        loop = asyncio.get_running_loop()
        wait = self.later(chat, Waiting(0, "card", point_id, False, forced, {}, None))
        if wait is not None and wait > 0:
            await asyncio.sleep(wait)
        try:
            card, messages = await self.service.card_and_messages(point_id)
            placed = next((m for m in messages if m.chat == chat), None)
            again = card is not None and await CardSync(self.service, SlackCards(self, chat, pacer)).draw(
                card, placed, forced=forced
            )
        finally:
            self._slots[(chat, point_id)] = loop.time()
        if again:
            # a newer state was committed meanwhile: draw it too, over what ours may have hidden
            await self.show_card(chat, point_id, forced=True)

    async def _put_card(self, chat: ChatRef, card: PointCard) -> bool:
        """Draws `card` at once over the message this worker's cache knows (which does not say what it
        shows: updated whatever version is recorded); True when a newer version was committed
        meanwhile."""
        ts = await self.card_ts(chat, card.point_id)
        placed = CardMessage(card.point_id, chat, ts, ts, shown_version=NOT_SHOWN) if ts else None
        return await CardSync(self.service, SlackCards(self, chat, self._pacer(chat))).draw(card, placed)

    def busy(self) -> bool:
        return self.outbox is not None and not self.outbox.idle()

    async def drain(self) -> None:
        """Until everything this worker put has been sent."""
        if self.outbox is not None:
            await self.outbox.drain()
