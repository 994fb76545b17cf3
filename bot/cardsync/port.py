"""What a platform supplies to `CardSync`, and what it needs from the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from drafting.model import ChatRef
from drafting.ports import CardMessage
from drafting.replies import PointCard


@dataclass(frozen=True)
class Posted:
    """A card message the platform just posted: its id, and the thread it opens or sits in."""

    message_id: str
    thread_id: str = ""


class CardPort(Protocol):
    """One chat's card messages on one platform. Errors a platform cannot recover from propagate;
    rate limits (429) are the port's to wait out, with the shared `Pacer` if it likes."""

    @property
    def chat(self) -> ChatRef: ...

    async def post(self, card: PointCard) -> Posted:
        """Posts the card as a new message (with its buttons, in its thread or topic)."""
        ...

    async def edit(self, placed: CardMessage, card: PointCard) -> bool:
        """Makes `placed` show `card`. False when that message is gone (deleted, too old to edit):
        the card is then posted again in its place. A platform that cannot edit (WhatsApp) returns
        True when `placed` already says what `card` says, else False, so that `post` re-posts."""
        ...

    async def delete(self, copy: CardMessage) -> None:
        """Deletes a duplicate card this worker posted (another worker's claim won). Best effort."""
        ...


class CardStore(Protocol):
    """The database's side of the protocol; `DraftingService` is one."""

    async def claim_card_message(self, card: CardMessage) -> CardMessage: ...

    async def save_card_message(self, card: CardMessage) -> None: ...

    async def mark_card_shown(self, point_id: int, chat: ChatRef, version: int) -> int: ...
