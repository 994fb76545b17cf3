"""What people send the bot in Telegram, turned into the core's commands: messages (commands, and
replies in a point's thread), edited commands, and button presses on cards; and the answer to a press,
which in webhook mode rides in the webhook's 200 (`WebhookReply`). Separate from the adapter
(`bot.telegram.adapter`), which starts and stops python-telegram-bot, serves the webhook and delivers.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, CallbackQuery, Chat, Message
from telegram.error import BadRequest, RetryAfter

from bot.dispatch import Dispatcher
from bot.telegram import texts
from bot.telegram.origin import TelegramOrigin, chat_ref, user_ref
from bot.telegram.outbox import PLATFORM, Outbox, Outgoing, retry_seconds
from bot.telegram.render import (
    AD_REFERENDUM,
    MAX_CALLBACK_ANSWER,
    is_read_only,
    parse_callback,
    read_command,
    short_answer,
    units,
)
from bot.telegram.render import Command as RenderedCommand
from drafting.i18n import t
from drafting.report import word_template
from drafting.service import DraftingService
from drafting.turn import Context

log = logging.getLogger("draftbot.telegram")


@dataclass
class WebhookReply:
    """The one Bot API call the webhook's answer to the update being processed may carry."""

    query_id: str  # the update's button press: only its answer goes in the reply
    call: dict[str, Any] | None = None


# Set while a webhook update is processed, in the task processing it (`TelegramAdapter.webhook`).
REPLY: contextvars.ContextVar[WebhookReply | None] = contextvars.ContextVar("telegram_reply", default=None)


class Updates:
    """Each kind of update, handled; `username` is the bot's, known once the adapter has started."""

    def __init__(
        self,
        service: DraftingService,
        dispatcher: Dispatcher,
        outbox: Outbox,
        bot: Callable[[], Bot],
        move_chat: Callable[[int, int], Awaitable[bool]],
    ) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.outbox = outbox
        self.bot = bot
        self.move_chat = move_chat
        self.username = ""

    def note_chat(self, chat: Chat) -> None:
        if chat.type == Chat.SUPERGROUP:
            self.outbox.lane(chat.id).is_forum = bool(chat.is_forum)
        elif chat.type in (Chat.GROUP, Chat.PRIVATE, Chat.CHANNEL):
            self.outbox.lane(chat.id).is_forum = False

    async def on_message(self, message: Message) -> None:
        chat = message.chat
        if message.migrate_to_chat_id:
            await self.move_chat(chat.id, message.migrate_to_chat_id)
            return
        if message.migrate_from_chat_id:
            await self.move_chat(message.migrate_from_chat_id, chat.id)
            return
        # a file sent with a command in its caption ("/plantilla" with a .docx) reads as that command
        text = message.text if message.text is not None else message.caption
        if text is None or message.from_user is None or message.is_automatic_forward:
            return
        private = chat.type == Chat.PRIVATE
        command = read_command(text, self.username)
        if command is not None and not private and not _for_us(command, text):
            return  # another bot's command, sent to every bot in the group
        thread_point = await self._thread_point(message)
        if command is None and not private and thread_point is None:
            return  # not addressed to the bot
        self.note_chat(chat)
        ref = chat_ref(chat.id)
        origin = TelegramOrigin(ref, message.message_id, _topic_of(message), user_id=message.from_user.id)
        if message.sender_chat is not None and not (command is not None and is_read_only(command)):
            await self._refuse_sender_chat(message, origin)
            return
        ctx = Context(
            chat=ref,
            user=user_ref(message.from_user),
            prefix="/",
            dedup_key=f"msg:{chat.id}:{message.message_id}",
            thread_point_id=thread_point,
            private=private,
            message_id=str(message.message_id),
            attachment=await _attachment(message) if command is not None else None,
        )
        if command is None:
            if private:
                outcome = await self.service.handle_text(ctx, text)
            else:
                assert thread_point is not None
                outcome = await self.service.comment(ctx, thread_point, text)
        elif command.word == "start":
            # A deep link t.me/<bot>?start=<code> opens the private chat with "/start <code>".
            parts = command.text.split(maxsplit=1)
            english = (message.from_user.language_code or "").startswith("en")
            greeting = "help" if english else "ayuda"
            outcome = await self.service.handle_text(ctx, f"join {parts[1]}" if len(parts) > 1 else greeting)
        else:
            outcome = await self.service.handle_text(ctx, command.text)
        if outcome.duplicate:
            log.info("telegram: message %s in chat %s was already handled", message.message_id, chat.id)
            return
        await self.dispatcher.dispatch(outcome, platform=PLATFORM, origin=origin)

    async def _thread_point(self, message: Message) -> int | None:
        """The point whose thread a message is in: its forum topic, else the message it replies to."""
        ref = chat_ref(message.chat.id)
        topic = _topic_of(message)
        if topic is not None:
            point = await self.service.point_for_thread(ref, str(topic))
            if point is not None:
                return point
        reply = message.reply_to_message
        if reply is not None and not (topic is not None and reply.message_id == topic):
            return await self.service.point_for_message(ref, str(reply.message_id))
        return None

    async def _refuse_sender_chat(self, message: Message, origin: TelegramOrigin) -> None:
        sender = message.sender_chat
        assert sender is not None
        lang = await self.service.language_for(origin.chat)
        if sender.id == message.chat.id:
            text = texts.say(lang, "anonymous")
        else:
            text = texts.say(lang, "channel", name=sender.title or sender.username or str(sender.id))
        await self.outbox.lane(message.chat.id).put(
            Outgoing("text", text=text, reply_to=message.message_id, thread_id=origin.thread_id)
        )

    async def on_edit(self, message: Message) -> None:
        """An edited command is not run again, nor its change applied; the author is told so."""
        text = message.text
        if text is None or message.from_user is None:
            return
        command = read_command(text, self.username)
        if command is None or not _for_us(command, text):
            return
        lang = await self.service.language_for(chat_ref(message.chat.id))
        await self.outbox.lane(message.chat.id).put(
            Outgoing(
                "text",
                text=texts.say(lang, "edit_ignored"),
                reply_to=message.message_id,
                thread_id=_topic_of(message),
            )
        )

    async def on_press(self, query: CallbackQuery) -> None:
        parsed = parse_callback(query.data)
        message = query.message
        if parsed is None or message is None:
            await self._answer(query, texts.say("es", "stale_button"), alert=True)
            return
        point_id, action = parsed
        ref = chat_ref(message.chat.id)
        self.note_chat(message.chat)
        # A card the bot lost track of (its post's answer was lost) is found here, at its first press.
        if (
            isinstance(message, Message)
            and message.from_user is not None
            and message.from_user.id == self.bot().id
        ):
            await self.outbox.lane(message.chat.id).pressed(point_id, message.message_id, _topic_of(message))
        if action in ("object", AD_REFERENDUM):
            # An objection needs its reason, an ad referendum its date, typed: the press only says how
            # (no state is kept).
            lang = await self.service.language_for(ref)
            card = await self.service.card(point_id)
            if card is None or not card.buttons:
                await self._answer(query, texts.say(lang, "stale_button"), alert=True)
            elif action == "object":
                await self._answer(query, texts.say(lang, "object_how", label=card.label), alert=True)
            else:
                how = t(lang, "button.ad_referendum_how", label=card.label, prefix="/")
                await self._answer(query, short_answer(how), alert=True)
            return
        ctx = Context(
            chat=ref,
            user=user_ref(query.from_user),
            prefix="/",
            dedup_key=f"cb:{query.id}",
            thread_point_id=point_id,
        )
        outcome = await self.service.press(ctx, point_id, action)
        if outcome.duplicate:
            await self._answer(query, "")
            return
        origin = TelegramOrigin(
            ref,
            None,
            _topic_of(message) if isinstance(message, Message) else None,
            answers=[],
            user_id=query.from_user.id,
        )
        await self.dispatcher.dispatch(outcome, platform=PLATFORM, origin=origin)
        answer = "\n".join(origin.answers or [])
        if units(answer) > MAX_CALLBACK_ANSWER:
            # Only an answer that did something joins the point's reply chain: a refusal links nothing.
            linked = point_id if outcome.ok else None
            await self.outbox.lane(message.chat.id).put(
                Outgoing("text", text=answer, point_id=linked, requester=query.from_user.id)
            )
        await self._answer(query, short_answer(answer), alert=not outcome.ok)

    async def _answer(self, query: CallbackQuery, text: str, *, alert: bool = False) -> None:
        reply = REPLY.get()
        if reply is not None and reply.query_id == query.id and reply.call is None:
            # Sent with the webhook's 200, after the update's effect is committed: no request of its own.
            reply.call = {"method": "answerCallbackQuery", "callback_query_id": query.id}
            if text:
                reply.call.update(text=text, show_alert=alert)
            return
        for _ in range(3):
            try:
                await self.bot().answer_callback_query(
                    query.id, text=text or None, show_alert=alert and bool(text)
                )
                return
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
            except BadRequest as error:  # too old, or answered already (a repeated update)
                log.info("telegram: callback %s not answered: %s", query.id, error)
                return


async def _attachment(message: Message) -> tuple[str, bytes] | None:
    """The file sent with a command, downloaded; None without one. A file larger than a Word template
    can be is not downloaded: its name comes with no content, which the core refuses as no .docx."""
    document = message.document
    if document is None:
        return None
    name = document.file_name or "file"
    if (document.file_size or 0) > word_template.MAX_BYTES:
        return name, b""
    file = await document.get_file()
    return name, bytes(await file.download_as_bytearray())


def _for_us(command: RenderedCommand, text: str) -> bool:
    """A command word we know, or any command sent to us by name (/word@ourbot)."""
    return command.spec is not None or command.word == "start" or "@" in text.split(maxsplit=1)[0]


def _topic_of(message: Message) -> int | None:
    if message.is_topic_message and message.message_thread_id:
        return message.message_thread_id
    return None
