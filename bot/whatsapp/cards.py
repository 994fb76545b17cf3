"""WhatsApp's `CardPort` for the shared card protocol (`bot.cardsync.CardSync`): versions, the claim of
a first card against other workers and "a newer version was drawn meanwhile" are the protocol's; this
module only says how a card reaches one WhatsApp chat.

WhatsApp cannot edit a sent message, so `edit` never changes one: it answers True ("it shows this
already", like Telegram's "not modified") when nothing a member would want a new message for changed
(text, state, open amendments, sub-points: a position taken is one `punto n` away), else False, and the
protocol then posts the card again (`post`), which becomes the point's card in that chat. Every card
message stays linked to its point, so a reply to an older one is still a comment on it. Nor can the
Cloud API delete a message: a duplicate card (two workers posted at once) stays, and says the same.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from bot.cardsync import Posted
from bot.whatsapp.sender import Recipient
from drafting.i18n import t
from drafting.model import ChatRef
from drafting.ports import CardMessage
from drafting.replies import PointCard

if TYPE_CHECKING:
    from bot.whatsapp.channel import WhatsAppChannel

log = logging.getLogger("draftbot.whatsapp")

BUTTON = "pos"  # reply button ids: pos:<point id>:<action>


def signature(card: PointCard) -> str:
    """What a WhatsApp member would want a new card for; positions are left out on purpose."""
    seen = "\x1f".join([card.state, card.text, card.amendment, *card.subpoints])
    return hashlib.sha256(seen.encode()).hexdigest()


class WhatsAppCards:
    """One WhatsApp chat's cards; `fresh` posts even when nothing changed (the member asked for it)."""

    def __init__(
        self,
        channel: WhatsAppChannel,
        chat: ChatRef,
        to: Recipient,
        requester: str = "",
        *,
        fresh: bool = False,
    ) -> None:
        self.channel = channel
        self._chat = chat
        self.to = to
        self.requester = requester
        self.fresh = fresh

    @property
    def chat(self) -> ChatRef:
        return self._chat

    async def post(self, card: PointCard) -> Posted:
        channel, sender = self.channel, self.channel.sender
        lang = await channel.service.language_for(self._chat)
        if card.buttons and not self.to.group:
            ids = [(f"{BUTTON}:{card.point_id}:{b.action}", b.label) for b in card.buttons]
            hint = t(lang, "whatsapp.card_hint", label=card.label)
            message_ids = [await sender.buttons(self.to, card.as_text(), ids, footer=hint)]
        else:
            text = card.as_text()
            if card.buttons:
                text += "\n\n" + t(lang, "whatsapp.not_in_group", label=card.label)
            message_ids = await sender.text(self.to, text)
        for message_id in message_ids[1:]:  # a long card went in parts: a reply to any is on the point
            await channel.service.link_message(self._chat, message_id, card.point_id)
        await channel.store.card_shown(self._chat.chat_id, card.point_id, signature(card))
        await channel.accepted(
            self._chat, self.to, message_ids, {"kind": "card", "point_id": card.point_id}, self.requester
        )
        return Posted(message_ids[0])

    async def edit(self, placed: CardMessage, card: PointCard) -> bool:
        if self.fresh:
            return False
        return await self.channel.store.card_signature(self._chat.chat_id, card.point_id) == signature(card)

    async def delete(self, copy: CardMessage) -> None:
        log.info(
            "whatsapp: a duplicate card %s in %s stays (the Cloud API deletes nothing)",
            copy.message_id,
            copy.chat,
        )
