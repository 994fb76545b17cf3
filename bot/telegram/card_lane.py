"""A lane's point cards: Telegram's `CardPort` for the shared `CardSync` (post in the point's forum
topic where the chat is a forum, edit, delete a duplicate), and a card copy the bot lost track of found
at its first press. `Lane` in `bot.telegram.lane` is a `CardLane`; see `bot.telegram.outbox`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import ForumTopic, LinkPreviewOptions, Message, MessageEntity
from telegram.error import BadRequest, Forbidden

from bot.bounded import BoundedDict, BoundedSet
from bot.cardsync import NOT_SHOWN, CardSync, Posted
from bot.telegram.delivery import Doubtful
from bot.telegram.outgoing import Outgoing, Place
from bot.telegram.render import card_keyboard, card_message, topic_name
from drafting.model import ChatRef
from drafting.ports import CardMessage
from drafting.replies import PointCard

if TYPE_CHECKING:
    from bot.telegram.outbox import Outbox

log = logging.getLogger("draftbot.telegram.outbox")

PLATFORM = "telegram"
T = TypeVar("T")


class CardLane:
    """The card half of a lane; the lane supplies the state below and its paced calls."""

    outbox: Outbox
    chat_id: int
    posted: BoundedSet[int]  # points whose card is known to be here
    cards: BoundedDict[int, str]  # point -> the message id of its card here, as last read
    topics: BoundedDict[int, int]  # point -> forum topic created before its card was posted
    topic_names: BoundedDict[int, str]  # topic -> the name we last gave it
    is_forum: bool | None
    no_topics: bool  # a forum where creating a topic failed: reply chains instead, until restart

    @property
    def chat(self) -> ChatRef:
        return ChatRef(PLATFORM, str(self.chat_id))

    async def _call(self, what: str, make: Callable[[int], Awaitable[T]], *, repeatable: bool = True) -> T:
        raise NotImplementedError

    async def _send_message(
        self, text: str, place: Place, markup: Any = None, entities: Sequence[MessageEntity] = ()
    ) -> Message:
        raise NotImplementedError

    async def put(self, outgoing: Outgoing) -> None:
        raise NotImplementedError

    async def refresh(self, point_id: int) -> None:
        raise NotImplementedError

    async def _card_message(self, point_id: int) -> CardMessage | None:
        return self._remember(point_id, self._here(await self.outbox.service.card_messages(point_id)))

    def _here(self, placed: list[CardMessage]) -> CardMessage | None:
        return next((p for p in placed if p.chat == self.chat), None)

    def _remember(self, point_id: int, placed: CardMessage | None) -> CardMessage | None:
        """What the database just said the point's card here is, remembered for `pressed`."""
        if placed is not None:
            self.cards[point_id] = placed.message_id
        else:
            self.cards.pop(point_id, None)
        return placed

    async def _forum(self) -> bool:
        if self.no_topics:
            return False
        if self.is_forum is None:
            try:
                info = await self._call("getChat", lambda chat_id: self.outbox.bot.get_chat(chat_id))
                self.is_forum = bool(info.is_forum)
            except Exception:
                log.warning("telegram: could not tell whether chat %s is a forum", self.chat_id)
                return False
        return self.is_forum

    async def _topic(self, point_id: int, card: PointCard | None) -> int | None:
        """The forum topic of a point whose card is not posted yet, created on first need."""
        if point_id in self.topics:
            return self.topics[point_id]
        if card is None:
            card = await self.outbox.service.card(point_id)
            if card is None:
                return None
        name = topic_name(card)

        def create(chat_id: int) -> Awaitable[ForumTopic]:
            return self.outbox.bot.create_forum_topic(chat_id, name)

        try:
            try:
                topic = await self._call("createForumTopic", create, repeatable=False)
            except Doubtful as error:
                # A topic may have been made: one more leaves at worst an empty topic behind.
                log.warning(
                    "telegram: a topic in chat %s may have been made (%s); again", self.chat_id, error
                )
                topic = await self._call("createForumTopic", create, repeatable=False)
        except BadRequest as error:
            # Not a forum after all, or the bot may not manage topics: points live in reply chains here.
            log.warning("telegram: no topic for point %s in chat %s: %s", point_id, self.chat_id, error)
            self.no_topics = True
            return None
        self.topics[point_id] = topic.message_thread_id
        self.topic_names[topic.message_thread_id] = name
        return topic.message_thread_id

    async def _show_card(self, point_id: int, forced: bool = False) -> bool:
        """Posts the point's card here, or edits the one posted, from a fresh read of the point; the
        protocol (versions, claim, duplicates, a newer version drawn meanwhile) is `CardSync`'s. True
        when it must be drawn again (forced): a newer version was committed meanwhile."""
        card, messages = await self.outbox.service.card_and_messages(point_id)
        if card is None:
            return False  # the point is gone: nothing of it stays remembered
        placed = self._remember(point_id, self._here(messages))
        if placed is not None:
            self.posted.add(point_id)
        return await CardSync(self.outbox.service, self).draw(card, placed, forced=forced)

    # ---- the CardPort this lane is for `CardSync` --------------------------------------------------

    async def post(self, card: PointCard) -> Posted:
        """The card as a new message, in the point's forum topic where the chat is a forum."""
        topic: int | None = None
        if await self._forum():
            topic = await self._topic(card.point_id, card)
        text, entities = card_message(card)
        message = await self._post(text, topic, card_keyboard(card), entities)
        self.topics.pop(card.point_id, None)
        self.posted.add(card.point_id)
        return Posted(str(message.message_id), str(topic) if topic else "")

    async def edit(self, placed: CardMessage, card: PointCard) -> bool:
        message_id = int(placed.message_id)
        (text, entities), keyboard = card_message(card), card_keyboard(card)
        # No memory of what the card shows is trusted here but the database's: another worker may have
        # edited it. An edit that changes nothing costs one call, answered "not modified".
        try:
            await self._call(
                "editMessageText",
                lambda chat_id: self.outbox.bot.edit_message_text(
                    text,
                    chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=keyboard,
                    entities=entities or None,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                ),
            )
        except BadRequest as error:
            reason = error.message.lower()
            if "not found" in reason or "can't be edited" in reason:
                return False  # deleted by someone: posted again
            if "not modified" not in reason:  # "not modified": it already shows this
                raise
        if placed.thread_id:
            await self._rename_topic(int(placed.thread_id), topic_name(card))
        return True

    async def delete(self, copy: CardMessage) -> None:
        await self._delete_copy(int(copy.message_id), int(copy.thread_id) if copy.thread_id else None)

    async def _post(
        self, text: str, topic: int | None, keyboard: Any, entities: Sequence[MessageEntity] = ()
    ) -> Message:
        """A new card's message. When the answer to its sendMessage was lost, it is sent once more and
        that one recorded: a copy that did land is a card the bot does not know, and the first press
        on it finds that out (`pressed`)."""
        try:
            return await self._send_message(text, Place(topic, None), keyboard, entities)
        except Doubtful as error:
            log.warning(
                "telegram: a card in chat %s may have been posted (%s); posting it again", self.chat_id, error
            )
            return await self._send_message(text, Place(topic, None), keyboard, entities)

    async def pressed(self, point_id: int, message_id: int, thread_id: int | None) -> None:
        """A button of point `point_id` was pressed on message `message_id` here. A message that is not
        the point's recorded card is a copy the bot lost track of (the answer to its post was lost):
        if the point has no card here on record, that message becomes it (recorded, then redrawn);
        otherwise it is deleted (or, where Telegram refuses, loses its buttons), so it does not go
        on taking presses while never showing them. The press itself counts either way: its buttons
        named the point and the position, and the core still checks them.

        A press on the message last read as the point's card here is not read again: a point's card
        message changes only when that message is gone (deleted, or the chat moved), and a gone
        message takes no presses."""
        if self.cards.get(point_id) == str(message_id):
            return
        try:
            placed = await self._card_message(point_id)
            if placed is not None and placed.message_id == str(message_id):
                return
            if placed is None:
                found = CardMessage(
                    point_id, self.chat, str(message_id), str(thread_id or ""), shown_version=NOT_SHOWN
                )
                placed = await self.outbox.service.claim_card_message(found)
                self._remember(point_id, placed)
                if placed.message_id == found.message_id:
                    log.info(
                        "telegram: card %s of point %s in chat %s found again",
                        message_id,
                        point_id,
                        self.chat_id,
                    )
                    await self.refresh(point_id)
                    return
        except Exception:  # the database is down: the stale copy is dealt with at its next press
            log.exception("telegram: could not check the card pressed in chat %s", self.chat_id)
            return
        log.info("telegram: retiring card copy %s of point %s in chat %s", message_id, point_id, self.chat_id)
        await self.put(Outgoing("retire", retire=message_id))

    async def _retire(self, message_id: int) -> None:
        try:
            await self._call(
                "deleteMessage", lambda chat_id: self.outbox.bot.delete_message(chat_id, message_id)
            )
            return
        except (BadRequest, Forbidden) as error:  # older than 48 hours, say
            log.info("telegram: card copy %s in chat %s not deleted (%s)", message_id, self.chat_id, error)
        try:
            await self._call(
                "editMessageReplyMarkup",
                lambda chat_id: self.outbox.bot.edit_message_reply_markup(
                    chat_id, message_id, reply_markup=None
                ),
            )
        except (BadRequest, Forbidden) as error:
            log.warning(
                "telegram: card copy %s in chat %s keeps its buttons: %s", message_id, self.chat_id, error
            )

    async def _delete_copy(self, message_id: int, topic: int | None) -> None:
        try:
            await self._call(
                "deleteMessage", lambda chat_id: self.outbox.bot.delete_message(chat_id, message_id)
            )
            if topic is not None:
                await self._call(
                    "deleteForumTopic", lambda chat_id: self.outbox.bot.delete_forum_topic(chat_id, topic)
                )
        except (BadRequest, Forbidden) as error:
            log.warning("telegram: a duplicate card in chat %s stays: %s", self.chat_id, error)

    async def _rename_topic(self, topic: int, name: str) -> None:
        known = self.topic_names.get(topic)
        self.topic_names[topic] = name
        if known is None or known == name:
            return
        try:
            await self._call(
                "editForumTopic", lambda chat_id: self.outbox.bot.edit_forum_topic(chat_id, topic, name=name)
            )
        except BadRequest as error:
            log.info("telegram: topic %s not renamed: %s", topic, error)
