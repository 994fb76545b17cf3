"""The card protocol, once for every platform (see the package docstring)."""

from __future__ import annotations

import logging

from bot.cardsync.port import CardPort, CardStore, Posted
from drafting.ports import CardMessage
from drafting.replies import PointCard

log = logging.getLogger("draftbot.cardsync")

NOT_SHOWN = -1  # shown_version of a card message whose content is unknown: stale until redrawn


class CardSync:
    """Draws a point's card in the port's chat from a fresh read of the point."""

    def __init__(self, store: CardStore, port: CardPort) -> None:
        self.store = store
        self.port = port

    async def draw(self, card: PointCard, placed: CardMessage | None, *, forced: bool = False) -> bool:
        """Makes the chat show `card`: posts it if `placed` is None (claimed against other workers),
        else edits `placed` unless it is recorded as showing this version already (`forced` edits
        anyway). Returns True when the card must be drawn again from a newer read: a newer version was
        committed while this edit was on its way, and another worker's newer edit may have landed
        first, under ours."""
        if placed is None:
            return await self._post_first(card)
        if placed.shown_version >= card.version and not forced:
            return False  # this worker or another drew this version already
        if not await self.port.edit(placed, card):
            log.info("card of point %s in %s is gone; posting it again", card.point_id, placed.chat)
            await self.store.save_card_message(self._message(card, await self.port.post(card)))
            return False
        latest = await self.store.mark_card_shown(card.point_id, placed.chat, card.version)
        return latest > card.version

    async def _post_first(self, card: PointCard) -> bool:
        """A first card is claimed: when another worker recorded its card for this point and chat
        meanwhile, ours is deleted and theirs edited to show what ours did."""
        mine = self._message(card, await self.port.post(card))
        stands = await self.store.claim_card_message(mine)
        if stands.message_id == mine.message_id:
            return False
        log.info(
            "point %s already has a card in %s (%s); deleting the copy %s",
            card.point_id,
            mine.chat,
            stands.message_id,
            mine.message_id,
        )
        await self.port.delete(mine)
        return await self.draw(card, stands, forced=True)

    def _message(self, card: PointCard, posted: Posted) -> CardMessage:
        return CardMessage(
            card.point_id, self.port.chat, posted.message_id, posted.thread_id, shown_version=card.version
        )
