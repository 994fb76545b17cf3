"""A Telegram request as the adapter remembers it while answering it, and the core's names for its
chats and people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.telegram.outbox import PLATFORM
from drafting.model import ChatRef, UserRef


@dataclass
class TelegramOrigin:
    """The request being answered: where to reply, and for a button press, what to say in its answer."""

    chat: ChatRef
    message_id: int | None  # the user's message, to reply to
    thread_id: int | None  # its forum topic
    answers: list[str] | None = None  # a button press: replies to the presser go in the callback answer
    user_id: int | None = None  # who asked: told privately when a message for them cannot be posted


def chat_ref(chat_id: int | str) -> ChatRef:
    return ChatRef(PLATFORM, str(chat_id))


def user_ref(user: Any) -> UserRef:
    return UserRef(PLATFORM, str(user.id), "", user.full_name or user.username or str(user.id))
