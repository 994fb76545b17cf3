"""One message waiting in a Telegram lane, and the place in a chat where it goes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import MessageEntity

from drafting.replies import Document


@dataclass
class Outgoing:
    """One message waiting in a lane."""

    kind: str  # "text" | "document" | "card" | "retire" (a card copy the bot lost track of)
    text: str = ""
    document: Document | None = None
    point_id: int | None = None  # posted in that point's thread, and linked to it
    reply_to: int | None = None  # the requester's message, when answering it
    thread_id: int | None = None  # the requester's forum topic
    answer: bool = False  # a direct answer: it stays where the requester wrote, replying to them
    on_sent: Callable[[], Awaitable[None]] | None = None
    on_forbidden: Callable[[], Awaitable[None]] | None = None
    requester: int | None = None  # the Telegram user whose request this answers: told if it cannot go
    notice_to: tuple[int, int | None, int | None] | None = None  # a private message: (chat, reply_to,
    # thread) of the request, where to say it could not be delivered
    notice: bool = False  # itself a word about a failed delivery: its own failure is only logged
    retire: int = 0  # kind "retire": the message to delete
    entities: Sequence[MessageEntity] = ()  # mentions or marked changes: the text goes alone, unsplit

    @property
    def mergeable(self) -> bool:
        return (
            self.kind == "text"
            and not self.entities
            and self.on_sent is None
            and self.on_forbidden is None
            and self.notice_to is None
            and not self.notice
            and not self.entities
        )


@dataclass
class Place:
    """Where a message goes: a forum topic, and the message it replies to."""

    thread_id: int | None
    reply_to: int | None
