"""Showing the core's deliveries in WhatsApp chats: texts, point cards, documents.

A one-to-one chat is a member's seat in the meeting. A point's card is an interactive message with
the Aprobar / Objetar / Abstenerse reply buttons; WhatsApp cannot edit it, so a new card is posted
when the point's text, state or open amendment changes (a position taken elsewhere is not worth a
message: the tally is one `punto n` away). Every card message is linked to its point, so a reply to
any of them is a comment on that point. In a group (no interactive messages there) the card is text
with the typed commands.

Outside a person's 24-hour window nothing free-form can reach them: the message is held in the
database, and the meeting language's pre-approved template tells them once that messages wait; the
held messages go when they write again (`release`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.whatsapp.config import WhatsAppConfig
from bot.whatsapp.graph import GraphError
from bot.whatsapp.sender import Recipient, WhatsAppSender
from drafting.i18n import t
from drafting.model import ChatRef, UserRef
from drafting.replies import Delivery, Document, PointCard, Text
from drafting.service import DraftingService
from storage.whatsapp_store import WhatsAppStore

log = logging.getLogger("draftbot.whatsapp")

PLATFORM = "whatsapp"
GROUP = "g:"  # chat ids of groups start so; a one-to-one chat's id is its person's id
BUTTON = "pos"  # reply button ids: pos:<point id>:<action>


@dataclass(frozen=True)
class WhatsAppOrigin:
    chat: ChatRef
    user: UserRef
    message_id: str = ""


def is_group(chat: ChatRef) -> bool:
    return chat.chat_id.startswith(GROUP)


def signature(card: PointCard) -> str:
    seen = "\x1f".join([card.state, card.text, card.amendment, *card.subpoints])
    return hashlib.sha256(seen.encode()).hexdigest()


class WhatsAppChannel:
    """The `Channel` for platform "whatsapp" in the dispatcher."""

    platform = PLATFORM

    def __init__(
        self,
        service: DraftingService,
        sender: WhatsAppSender,
        store: WhatsAppStore,
        config: WhatsAppConfig,
        clock: Callable[[], datetime],
    ) -> None:
        self.service = service
        self.sender = sender
        self.store = store
        self.config = config
        self.clock = clock

    async def deliver(self, delivery: Delivery, origin: object | None) -> None:
        here = origin if isinstance(origin, WhatsAppOrigin) else None
        if delivery.private_to is not None:
            person = delivery.private_to
            if person.platform != PLATFORM:
                return
            await self.show(ChatRef(PLATFORM, person.user_id, person.workspace), delivery.message)
            if delivery.notice is not None and here is not None and is_group(here.chat):
                await self.show(here.chat, delivery.notice)
            return
        chat = delivery.chat or (here.chat if here is not None else None)
        if chat is None or chat.platform != PLATFORM:
            log.warning("a WhatsApp delivery without a chat was dropped")
            return
        news = delivery.chat is not None and (here is None or here.chat != chat)
        if news and isinstance(delivery.message, Text) and not is_group(chat):
            await self._news(chat, delivery.message)
            return
        await self.show(chat, delivery.message)

    async def _news(self, chat: ChatRef, message: Text) -> None:
        """What others did reaches a member at once, unless news went to them within the last minute:
        then it waits, and goes with the rest in one message (`digest`), so a busy minute in the
        meeting's other chats does not ring their phone at every line."""
        now = self.clock()
        if not await self.store.window_open(chat.chat_id, now):
            await self.show(chat, message)  # held for the window, with the template
            return
        if await self.store.news_now(chat.chat_id, now):
            await self.show(chat, message)
            return
        await self.store.queue(chat.chat_id, {"kind": "text", "text": message.text}, now)

    async def digest(self) -> int:
        """Sends the news that waited a minute, one message per person; returns how many went."""
        due = await self.store.digests_due(self.clock())
        for user_id in due:
            chat = ChatRef(PLATFORM, user_id, self.config.phone_number_id)
            await self.release(chat)
            await self.store.news_now(user_id, self.clock())
        return len(due)

    async def show(self, chat: ChatRef, message: Text | PointCard | Document) -> None:
        seen = (
            await self.store.card_signature(chat.chat_id, message.point_id)
            if isinstance(message, PointCard)
            else None
        )
        if isinstance(message, PointCard) and seen == signature(message):
            return
        if is_group(chat):
            await self._send(chat, Recipient(chat.chat_id.removeprefix(GROUP), group=True), message)
            return
        to = await self.store.address(chat.chat_id)
        if to is None:
            log.warning("whatsapp: no address for %s; a message was dropped", chat.chat_id)
            return
        if not await self.store.window_open(chat.chat_id, self.clock()):
            await self._hold(chat, message)
            return
        try:
            await self._send(chat, Recipient(to), message)
        except GraphError as error:
            if not error.window_closed:  # Meta's clock says the window closed before ours did
                raise
            await self._hold(chat, message)

    async def _send(self, chat: ChatRef, to: Recipient, message: Text | PointCard | Document) -> None:
        lang = await self.service.language_for(chat)
        if isinstance(message, Text):
            await self.sender.text(to, message.text)
        elif isinstance(message, Document):
            await self.sender.document(to, message.filename, message.content, message.caption)
        elif message.buttons and not to.group:
            ids = [(f"{BUTTON}:{message.point_id}:{b.action}", b.label) for b in message.buttons]
            hint = t(lang, "whatsapp.card_hint", label=message.label)
            posted = await self.sender.buttons(to, message.as_text(), ids, footer=hint)
            await self._posted(chat, message, [posted])
        else:
            text = message.as_text()
            if message.buttons:
                text += "\n\n" + t(lang, "whatsapp.not_in_group", label=message.label)
            await self._posted(chat, message, await self.sender.text(to, text))

    async def _posted(self, chat: ChatRef, card: PointCard, message_ids: list[str]) -> None:
        for message_id in message_ids:
            await self.service.link_message(chat, message_id, card.point_id)
        await self.store.card_shown(chat.chat_id, card.point_id, signature(card))

    # ---- the 24-hour window --------------------------------------------------------------------

    async def _hold(self, chat: ChatRef, message: Text | PointCard | Document) -> None:
        payload: dict[str, Any]
        if isinstance(message, Text):
            payload = {"kind": "text", "text": message.text}
        elif isinstance(message, PointCard):
            payload = {"kind": "card", "point_id": message.point_id}
        else:
            content = base64.b64encode(message.content).decode()
            payload = {
                "kind": "document",
                "filename": message.filename,
                "content": content,
                "caption": message.caption,
            }
        if not await self.store.hold(chat.chat_id, payload, self.clock()):
            return
        lang = await self.service.language_for(chat)
        template = self.config.templates.get(lang) or next(iter(self.config.templates.values()), None)
        to = await self.store.address(chat.chat_id)
        if template is None or to is None:
            log.warning(
                "whatsapp: no template configured for %s; %s waits for them to write", lang, chat.chat_id
            )
            return
        count = await self.store.held_count(chat.chat_id)
        title = await self._title(chat)
        await self.sender.template(Recipient(to), template.name, template.language, [str(count), title])
        await self.store.template_sent(chat.chat_id, self.clock())

    async def _title(self, chat: ChatRef) -> str:
        async with self.service.stores.transaction() as store:
            meeting = await store.meeting_for_chat(chat)
            return meeting.title if meeting is not None else "draftbot"

    async def release(self, chat: ChatRef) -> None:
        """They wrote: what waited for them goes now, oldest first; a card as its point is now."""
        texts: list[int] = []  # consecutive texts go as one message
        for held_id, payload in await self.store.held(chat.chat_id):
            message: Text | PointCard | Document | None
            if payload["kind"] == "text":
                texts.append(held_id)
                continue
            await self._texts(chat, texts)
            texts = []
            if payload["kind"] == "card":
                message = await self.service.card(int(payload["point_id"]))
            else:
                content = base64.b64decode(str(payload["content"]))
                message = Document(str(payload["filename"]), content, str(payload["caption"]))
            if message is not None:
                await self.show(chat, message)
            await self.store.release(held_id)
        await self._texts(chat, texts)

    async def _texts(self, chat: ChatRef, held_ids: list[int]) -> None:
        if not held_ids:
            return
        waiting = dict(await self.store.held(chat.chat_id))
        lines = [str(waiting[i]["text"]) for i in held_ids if i in waiting]
        if lines:
            await self.show(chat, Text("\n\n".join(lines)))
        for held_id in held_ids:
            await self.store.release(held_id)
