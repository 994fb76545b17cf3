"""Slack's `CardPort` for one channel: a card is a message whose thread is the point's thread.

Its calls go through the channel's `_call` with the channel's pacer: a first post waits for the
channel's posting pace and counts in it; an edit or a deletion only waits out a 429's hold."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError

from bot.cardsync import Pacer, Posted
from bot.slack.blocks import card_blocks, card_fallback
from bot.slack.text import escape
from drafting.model import ChatRef
from drafting.ports import CardMessage
from drafting.replies import PointCard

if TYPE_CHECKING:
    from bot.slack.channel import SlackChannel

log = logging.getLogger("draftbot.slack")

_GONE = {"message_not_found", "cant_update_message", "edit_window_closed"}


class SlackCards:
    def __init__(self, channel: SlackChannel, chat: ChatRef, pacer: Pacer) -> None:
        self.channel = channel
        self._chat = chat
        self.pacer = pacer

    @property
    def chat(self) -> ChatRef:
        return self._chat

    async def post(self, card: PointCard) -> Posted:
        sender = self.channel.sender
        response = await self.channel._call(
            self.pacer,
            lambda: sender.chat_postMessage(
                channel=self._chat.chat_id,
                text=escape(card_fallback(card)),
                blocks=card_blocks(card),
                unfurl_links=False,
                unfurl_media=False,
            ),
            post=True,
        )
        ts = str(response["ts"])
        self.channel._cards[(self._chat, card.point_id)] = ts
        return Posted(ts, ts)

    async def edit(self, placed: CardMessage, card: PointCard) -> bool:
        sender = self.channel.sender
        try:
            await self.channel._call(
                self.pacer,
                lambda: sender.chat_update(
                    channel=self._chat.chat_id,
                    ts=placed.message_id,
                    text=escape(card_fallback(card)),
                    blocks=card_blocks(card),
                ),
                post=False,
            )
        except SlackApiError as error:
            if error.response.get("error") in _GONE:
                return False
            raise
        self.channel._cards[(self._chat, card.point_id)] = placed.thread_id or placed.message_id
        return True

    async def delete(self, copy: CardMessage) -> None:
        sender = self.channel.sender
        try:
            await self.channel._call(
                self.pacer,
                lambda: sender.chat_delete(channel=self._chat.chat_id, ts=copy.message_id),
                post=False,
            )
        except SlackApiError as error:
            log.warning("a duplicate card in %s stays: %s", self._chat.chat_id, error.response.get("error"))
