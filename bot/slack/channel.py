"""Showing the core's deliveries in Slack channels: texts, point cards, documents, private codes.

A point's card is posted once per channel and then edited in place with `chat.update`; its thread
is the point's thread. Edits of one card are coalesced by a small worker per (channel, point): a
request only marks the card stale; the worker renders it fresh from the database and edits it, at
most once per `edit_interval` seconds, and goes on until nothing new was asked. A single press is
shown at once; a burst of presses on one card costs about one edit a second, not one per press, and
always ends with the card as it is in the database. The first post of a card is waited for, so the
messages that follow it in the same answer can go into its thread.

What each card message shows, the claim of a first card against other workers (a duplicate is
deleted and the standing card updated), a card deleted by someone posted again, and "a newer version
was drawn meanwhile" are the shared protocol's (`bot.cardsync.CardSync`); this module supplies Slack's
`CardPort` (`_SlackCards`). The adapter's `redraw_stale` finds cards a crash left behind.

Nothing is dropped silently: the client retries what Slack may take on a second try (429 after
its Retry-After, 500/503, a dropped connection) a bounded number of times; a delivery that still
fails is told to the person whose request caused it (ephemeral, else the request's response_url),
with what it said, and raised for the dispatcher's log. A card edit that fails is redrawn later by
`redraw_stale`; a card that could never be posted fails its delivery like any message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.bounded import BoundedDict
from bot.cardsync import NOT_SHOWN, CardSync, Posted
from bot.slack.blocks import card_blocks, card_fallback
from bot.slack.text import chunks, escape, mention_line
from drafting.i18n import t
from drafting.model import ChatRef, UserRef
from drafting.ports import CardMessage
from drafting.replies import Delivery, Document, Mention, PointCard, Text
from drafting.service import DraftingService
from drafting.textdiff import by_line, slack

log = logging.getLogger("draftbot.slack")

PLATFORM = "slack"
_GONE = {"message_not_found", "cant_update_message", "edit_window_closed"}
_NOT_THERE = {"not_in_channel", "channel_not_found", "is_archived"}  # the bot cannot post there
_SLOTS = 2_000  # card workers remembered beyond this are forgotten once idle
_CARDS = 20_000  # (channel, point) -> card ts, a cache of the database
_EXCERPT = 300  # characters of an undelivered message repeated to its requester


class NotDelivered(Exception):
    """Slack would not show a message by any of the ways this channel has."""


@dataclass(frozen=True)
class SlackOrigin:
    """Where a Slack request came from, and how its answers should be shown."""

    chat: ChatRef
    user: UserRef
    thread_ts: str | None = None  # the thread the request was written in
    response_url: str | None = None  # a slash command's or button's own way to answer the requester
    refused: bool = False  # the core refused: every answer goes to the requester only


@dataclass
class _CardSlot:
    stale: bool = False  # an edit was asked for since the worker last read the point
    forced: bool = False  # edit even if the newest version is recorded shown (ours may lie on top of it)
    worker: asyncio.Task[None] | None = None
    last_edit: float = float("-inf")  # loop time of the last edit
    error: Exception | None = None  # why the worker's last attempt failed


class SlackChannel:
    """The `Channel` for platform "slack" in the dispatcher."""

    platform = PLATFORM

    def __init__(
        self, service: DraftingService, client: AsyncWebClient, *, edit_interval: float = 1.0
    ) -> None:
        self.service = service
        self.client = client
        self.edit_interval = edit_interval
        self._slots: dict[tuple[ChatRef, int], _CardSlot] = {}
        # (channel, point) -> card ts
        self._cards: BoundedDict[tuple[ChatRef, int], str] = BoundedDict(_CARDS)

    async def deliver(self, delivery: Delivery, origin: object | None) -> None:
        here = origin if isinstance(origin, SlackOrigin) else None
        try:
            await self._deliver(delivery, here)
        except Exception as error:
            if not await self._own_up(delivery, here, error):
                log.error("a Slack delivery failed and its requester could not be told: %s", error)
            raise

    async def _own_up(self, delivery: Delivery, here: SlackOrigin | None, error: Exception) -> bool:
        """Tells the requester a message of theirs was not shown, and what it said."""
        if here is None:
            return False
        reason = error.response.get("error") if isinstance(error, SlackApiError) else None
        message = delivery.message
        said = (
            message.text
            if isinstance(message, Text)
            else message.as_text()
            if isinstance(message, PointCard)
            else message.caption or message.filename
        )
        excerpt = said if len(said) <= _EXCERPT else said[: _EXCERPT - 1] + "…"
        try:
            lang = await self.service.language_for(here.chat)  # the meeting's, as the core speaks it
        except Exception:
            lang = "es"
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
            await self.show_card(chat, message.point_id)
            return
        only_requester = here is not None and delivery.chat is None and (here.refused or delivery.ephemeral)
        if isinstance(message, Text) and here is not None and only_requester:
            shown = await self._ephemeral(chat, here.user, message.text, here.thread_ts)
            if not shown and not await self.respond(here, message.text, ephemeral=True):
                raise NotDelivered("neither an ephemeral message nor the response_url took it")
            return
        thread = await self._thread_for(delivery, chat, here)
        if isinstance(message, Document):
            await self._upload(chat, thread, message)
            return
        try:
            if message.marked:
                await self.post_marked(chat, message, thread)
            else:
                await self.post_text(chat, message.text, thread, mentions=message.mentions)
        except SlackApiError as error:
            # A command typed where the bot is not a member: the command's response_url still works.
            if here is None or chat != here.chat or error.response.get("error") not in _NOT_THERE:
                raise
            if not await self.respond(here, message.text, ephemeral=False):
                raise

    # ---- texts ----------------------------------------------------------------------------------

    async def post_marked(self, chat: ChatRef, message: Text, thread_ts: str | None = None) -> None:
        """A text that shows changes (`item N`) as `~old~ *new*`, escaped as every text is; rendered a
        line at a time so that a long one splits between lines, never inside a mark."""
        text = "\n".join(slack(line) for line in by_line(list(message.marked)))
        for part in chunks(text):
            await self.client.chat_postMessage(
                channel=chat.chat_id, text=part, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False
            )

    async def post_text(
        self, chat: ChatRef, text: str, thread_ts: str | None = None, mentions: Sequence[Mention] = ()
    ) -> None:
        parts = chunks(text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1 and mentions
            await self.client.chat_postMessage(
                channel=chat.chat_id,
                text=escape(part) + ("\n" + mention_line(mentions, chat.workspace) if last else ""),
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )

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
        message = delivery.message
        text = (
            message.text
            if isinstance(message, Text)
            else message.as_text()
            if isinstance(message, PointCard)
            else message.caption
        )
        thread = origin.thread_ts if origin is not None and origin.chat == chat else None
        shown = await self._ephemeral(chat, delivery.private_to, text, thread)
        if not shown and origin is not None and origin.user == delivery.private_to:
            shown = await self.respond(origin, text, ephemeral=True)
        if shown:
            if delivery.notice is not None:
                await self.post_text(chat, delivery.notice.text, thread)
        elif delivery.fallback is not None:
            await self.post_text(chat, delivery.fallback.text, thread)
        else:
            raise NotDelivered(f"the private message to {delivery.private_to.user_id} was not shown")

    # ---- threads --------------------------------------------------------------------------------

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

    async def _thread_for(self, delivery: Delivery, chat: ChatRef, origin: SlackOrigin | None) -> str | None:
        if delivery.point_id is not None:
            ts = await self.card_ts(chat, delivery.point_id)
            if ts is not None:
                return ts
        if origin is not None and delivery.chat is None:
            return origin.thread_ts  # an answer goes where the question was; news for the meeting do not
        return None

    # ---- cards ----------------------------------------------------------------------------------

    async def show_card(self, chat: ChatRef, point_id: int) -> None:
        """Asks for the card to show the point as it is now; waits only if it was never posted here."""
        key = (chat, point_id)
        if key not in self._slots and len(self._slots) >= _SLOTS:
            self._forget_idle()
        slot = self._slots.setdefault(key, _CardSlot())
        slot.stale = True
        if slot.worker is None or slot.worker.done():
            slot.worker = asyncio.get_running_loop().create_task(self._card_worker(key, slot))
        if await self.card_ts(chat, point_id) is None:
            await asyncio.shield(slot.worker)
            if await self.card_ts(chat, point_id) is None:  # never posted: the delivery failed
                raise slot.error or NotDelivered(f"the card of point {point_id} was not posted")

    def _forget_idle(self) -> None:
        """Drops the slots of cards nobody is editing, once their throttle no longer applies."""
        now = asyncio.get_running_loop().time()
        for key, slot in list(self._slots.items()):
            if (slot.worker is None or slot.worker.done()) and now - slot.last_edit >= self.edit_interval:
                del self._slots[key]

    async def _card_worker(self, key: tuple[ChatRef, int], slot: _CardSlot) -> None:
        chat, point_id = key
        loop = asyncio.get_running_loop()
        while slot.stale:
            wait = slot.last_edit + self.edit_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)  # presses arriving meanwhile are covered by the next read
            slot.stale = False
            forced, slot.forced = slot.forced, False
            try:
                card, messages = await self.service.card_and_messages(point_id)
                placed = next((m for m in messages if m.chat == chat), None)
                if card is not None and await self._draw(chat, card, placed, forced=forced):
                    # a newer state was committed meanwhile: draw it too, over what ours may have hidden
                    slot.stale = slot.forced = True
                slot.error = None
            except Exception as error:
                log.exception("card of point %s in %s could not be shown", point_id, chat.chat_id)
                slot.error = error
                return
            finally:
                slot.last_edit = loop.time()

    def busy(self) -> bool:
        return any(s.worker is not None and not s.worker.done() for s in self._slots.values())

    async def drain(self) -> None:
        """Until every card edit asked for has been made."""
        while self.busy():
            workers = [s.worker for s in self._slots.values() if s.worker is not None and not s.worker.done()]
            await asyncio.gather(*workers, return_exceptions=True)

    async def _put_card(self, chat: ChatRef, card: PointCard) -> bool:
        """Updates (or posts) the card through the shared protocol (`CardSync`); True when a newer
        version was committed meanwhile (this update may have landed on top of another worker's newer
        one), so the card must be drawn again. The ts comes from this worker's cache, which does not
        know what the message shows: the card is updated whatever version is recorded."""
        ts = await self.card_ts(chat, card.point_id)
        placed = CardMessage(card.point_id, chat, ts, ts, shown_version=NOT_SHOWN) if ts else None
        return await self._draw(chat, card, placed)

    async def _draw(
        self, chat: ChatRef, card: PointCard, placed: CardMessage | None, *, forced: bool = False
    ) -> bool:
        """The shared protocol with Slack's port: a card recorded as showing this version already (this
        worker or another drew it) is not updated again, unless `forced`."""
        return await CardSync(self.service, _SlackCards(self, chat)).draw(card, placed, forced=forced)

    # ---- documents ------------------------------------------------------------------------------

    async def _upload(self, chat: ChatRef, thread_ts: str | None, document: Document) -> None:
        await self.client.files_upload_v2(
            channel=chat.chat_id,
            thread_ts=thread_ts,
            file=document.content,
            filename=document.filename,
            title=document.filename,
            initial_comment=escape(document.caption),
        )


class _SlackCards:
    """Slack's `CardPort` for one channel: a card is a message whose thread is the point's thread."""

    def __init__(self, channel: SlackChannel, chat: ChatRef) -> None:
        self.channel = channel
        self._chat = chat

    @property
    def chat(self) -> ChatRef:
        return self._chat

    async def post(self, card: PointCard) -> Posted:
        response = await self.channel.client.chat_postMessage(
            channel=self._chat.chat_id,
            text=escape(card_fallback(card)),
            blocks=card_blocks(card),
            unfurl_links=False,
            unfurl_media=False,
        )
        ts = str(response["ts"])
        self.channel._cards[(self._chat, card.point_id)] = ts
        return Posted(ts, ts)

    async def edit(self, placed: CardMessage, card: PointCard) -> bool:
        try:
            await self.channel.client.chat_update(
                channel=self._chat.chat_id,
                ts=placed.message_id,
                text=escape(card_fallback(card)),
                blocks=card_blocks(card),
            )
        except SlackApiError as error:
            if error.response.get("error") in _GONE:
                return False
            raise
        self.channel._cards[(self._chat, card.point_id)] = placed.thread_id or placed.message_id
        return True

    async def delete(self, copy: CardMessage) -> None:
        try:
            await self.channel.client.chat_delete(channel=self._chat.chat_id, ts=copy.message_id)
        except SlackApiError as error:
            log.warning("a duplicate card in %s stays: %s", self._chat.chat_id, error.response.get("error"))
