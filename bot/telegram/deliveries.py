"""The core's deliveries for Telegram, as rows of the shared outbox (bot/telegram/outbox.py): texts and
documents in a chat's lane, cards by point, invitation codes privately with a word in the group, and a
button's replies in its answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.telegram.origin import TelegramOrigin
from bot.telegram.outbox import PLATFORM, Outbox, Outgoing
from bot.telegram.render import marked_text, with_mentions
from drafting.journal import RequestOrigin
from drafting.replies import Delivery, Document, PointCard, Text


class Deliveries:
    """What `TelegramAdapter.deliver` does; `acknowledge(chat, message)` reacts on a typed command."""

    def __init__(self, outbox: Outbox, acknowledge: Callable[[int, int], Awaitable[bool]]) -> None:
        self.outbox = outbox
        self._acknowledge = acknowledge

    def batches_ack(self, origin: Any | None) -> bool:
        """A typed command's acknowledgement (a reaction on it, one call in the group each) may wait a
        moment and go out with others as one message (bot/dispatch.py); a button's is its toast."""
        return isinstance(origin, TelegramOrigin) and origin.answers is None and origin.message_id is not None

    def revive(self, origin: RequestOrigin) -> TelegramOrigin | None:
        """A request whose replies another worker journaled and never sent (bot/dispatch.py): answered
        as if this worker had taken it, replying to the command (its forum topic is not journaled)."""
        if origin.chat.platform != PLATFORM:
            return None
        user = origin.user
        try:
            message_id = int(origin.message_id) if origin.message_id else None
            user_id = int(user.user_id) if user is not None and user.platform == PLATFORM else None
        except ValueError:
            return None
        return TelegramOrigin(origin.chat, message_id, None, user_id=user_id)

    async def deliver(self, delivery: Delivery, origin: Any | None) -> None:
        here = origin if isinstance(origin, TelegramOrigin) else None
        if delivery.private_to is not None:
            await self._deliver_privately(delivery, here)
            return
        target = delivery.chat or (here.chat if here is not None else None)
        if target is None or target.platform != PLATFORM:
            return
        chat_id = int(target.chat_id)
        lane = self.outbox.lane(chat_id)
        message = delivery.message
        same = here is not None and here.chat == target
        if isinstance(message, PointCard):
            await lane.card(message.point_id)
            return
        if (
            same
            and here is not None
            and here.answers is not None
            and delivery.chat is None
            and isinstance(message, Text)
        ):
            here.answers.append(message.text)
            return
        if (
            same
            and here is not None
            and here.message_id is not None
            and delivery.ephemeral
            and delivery.chat is None
            and isinstance(message, Text)
            and await self._acknowledge(chat_id, here.message_id)
        ):
            return  # a typed position: the card shows it, a reaction on the command acknowledges it
        reply_to = here.message_id if same and here is not None else None
        thread = here.thread_id if same and here is not None else None
        outgoing = Outgoing(
            "text",
            point_id=delivery.point_id,
            reply_to=reply_to,
            thread_id=thread,
            answer=delivery.chat is None,
            requester=here.user_id if here is not None else None,
        )
        if isinstance(message, Document):
            outgoing.kind, outgoing.document = "document", message
        elif message.marked:
            outgoing.text, marks = marked_text(message)
            outgoing.entities = marks or ()
        else:
            outgoing.text, outgoing.entities = with_mentions(message.text, message.mentions)
        await lane.put(outgoing)

    async def _deliver_privately(self, delivery: Delivery, origin: TelegramOrigin | None) -> None:
        """An invitation code: to the user's private chat; the group hears only where it went."""
        user = delivery.private_to
        assert user is not None
        if user.platform != PLATFORM:
            return
        back = delivery.chat or (origin.chat if origin is not None else None)
        back_lane = (
            self.outbox.lane(int(back.chat_id)) if back is not None and back.platform == PLATFORM else None
        )
        reply_to = origin.message_id if origin is not None and origin.chat == back else None
        thread = origin.thread_id if origin is not None and origin.chat == back else None

        def follow_up(note: Text | None) -> tuple[int, Outgoing] | None:
            if note is None or back_lane is None:
                return None
            return back_lane.chat_id, Outgoing("text", text=note.text, reply_to=reply_to, thread_id=thread)

        message = delivery.message
        private = self.outbox.lane(int(user.user_id))
        if isinstance(message, Document):
            outgoing = Outgoing("document", document=message)
        else:
            outgoing = Outgoing(
                "text", text=message.as_text() if isinstance(message, PointCard) else message.text
            )
        outgoing.then = follow_up(delivery.notice)
        outgoing.instead = follow_up(delivery.fallback)
        if back_lane is not None:
            outgoing.notice_to = (back_lane.chat_id, reply_to, thread)
        await private.put(outgoing)
