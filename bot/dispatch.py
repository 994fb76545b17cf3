"""Routing the core's deliveries to the adapter of each chat's platform.

A meeting may be bound to a Telegram group and a Slack channel at once: a command typed on one
platform yields deliveries for chats on both, and each goes to its own adapter.

Fewer messages in a busy group: some deliveries are held here, per chat, for `digest_window`
seconds from the first, and go out together.

- Announcements the core marks as a `Digest` (a delegate joined): one message listing them all, so
  ten delegates joining within a few seconds make one group message, not ten, on every platform.
- Acknowledgements only the requester needs (a typed position noted: `Delivery.ephemeral`), on a
  platform that would otherwise spend a call on each in the group (a channel whose
  `batches_ack(origin)` says so: Telegram, for a typed command, acknowledged by a reaction on it).
  One alone goes as before (the reaction); several become one message with each line. Slack shows
  them to the requester alone, unheld.

Any other text for that chat takes what is held along, on top of the same message (the announcement
folded into the next message); a document sends it first. So the order of what the group reads is
kept; a card is edited in place and overtakes nothing.
What is held is in this process only, for those few seconds: `flush()` sends it (at shutdown); a
killed process loses those words, never the joins or positions themselves (they are committed, and
the card and `member` show them). A window of 0 (the default, and in tests that do not ask for one)
holds nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from drafting.model import ChatRef
from drafting.replies import Delivery, Outcome, PointCard, Text, together

log = logging.getLogger("draftbot.dispatch")

_Key = tuple[str, str, str]  # (platform, chat id, what is held: a digest's catalogue key, or "ack")
ACK = "ack"


class Channel(Protocol):
    """One platform's way of showing deliveries. `origin` is the adapter's own note of the request
    (message to reply to, button press to answer) when the request came from that platform, else None.
    A channel may also have `batches_ack(origin) -> bool`: True has the requester-only acknowledgement
    of that request held and sent with others (see the module's docstring)."""

    platform: str

    async def deliver(self, delivery: Delivery, origin: Any | None) -> None: ...


@dataclass(frozen=True)
class _Held:
    delivery: Delivery
    origin: Any | None


class Dispatcher:
    def __init__(self, channels: Sequence[Channel] = (), *, digest_window: float = 0.0) -> None:
        self.channels: dict[str, Channel] = {}
        self.digest_window = digest_window
        self._held: dict[_Key, list[_Held]] = {}
        self._timers: dict[_Key, asyncio.Task[None]] = {}
        for channel in channels:
            self.register(channel)

    def register(self, channel: Channel) -> None:
        self.channels[channel.platform] = channel

    async def dispatch(self, outcome: Outcome, *, platform: str, origin: Any | None) -> None:
        """Delivers every message; one chat failing does not keep the others from theirs."""
        for delivery in outcome.deliveries:
            chat = delivery.chat
            target = platform
            if chat is not None:
                target = chat.platform
            elif delivery.private_to is not None:
                target = delivery.private_to.platform
            key = self._holds(delivery, target, origin if target == platform else None)
            if key is not None:
                self._hold(key, _Held(delivery, origin if target == platform else None))
                continue
            if chat is not None and self._held and not isinstance(delivery.message, PointCard):
                delivery = await self._before(chat, delivery)
            await self._deliver(target, delivery, origin if target == platform else None)

    def holding(self) -> bool:
        """Something is waiting for company."""
        return bool(self._held)

    async def flush(self) -> None:
        """Sends everything held now, without waiting for its window."""
        for task in list(self._timers.values()):
            task.cancel()
        self._timers.clear()
        for key in list(self._held):
            await self._release(key)

    # ---- what is held, and how it goes out ---------------------------------------------------------

    def _holds(self, delivery: Delivery, target: str, origin: Any | None) -> _Key | None:
        if self.digest_window <= 0:
            return None
        chat = delivery.chat
        if delivery.digest is not None and chat is not None:
            return (chat.platform, chat.chat_id, delivery.digest.key)
        asked_in = getattr(origin, "chat", None)
        batches = getattr(self.channels.get(target), "batches_ack", None)
        if (
            delivery.ephemeral
            and chat is None
            and delivery.private_to is None
            and isinstance(delivery.message, Text)
            and isinstance(asked_in, ChatRef)
            and batches is not None
            and batches(origin)
        ):
            return (target, asked_in.chat_id, ACK)
        return None

    def _hold(self, key: _Key, held: _Held) -> None:
        self._held.setdefault(key, []).append(held)
        if key not in self._timers:
            self._timers[key] = asyncio.create_task(self._release_later(key))

    async def _release_later(self, key: _Key) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(self.digest_window)
            self._timers.pop(key, None)
            await self._release(key)

    async def _before(self, chat: ChatRef, delivery: Delivery) -> Delivery:
        """What is held for `chat` goes out before `delivery`: on top of it when it is plain text."""
        keys = [k for k in self._held if k[:2] == (chat.platform, chat.chat_id)]
        foldable = isinstance(delivery.message, Text) and not delivery.message.marked
        lines: list[str] = []
        for key in keys:
            timer = self._timers.pop(key, None)
            if timer is not None:
                timer.cancel()
            if foldable:
                lines.append(self._together(key, self._held.pop(key)).text)
            else:
                await self._release(key)
        if not lines:
            return delivery
        message = delivery.message
        assert isinstance(message, Text)
        return replace(delivery, message=replace(message, text="\n\n".join([*lines, message.text])))

    def _together(self, key: _Key, held: list[_Held]) -> Text:
        if len(held) == 1 and isinstance(held[0].delivery.message, Text):
            return held[0].delivery.message
        if key[2] == ACK:
            texts = [h.delivery.message for h in held if isinstance(h.delivery.message, Text)]
            return Text("\n".join(m.text for m in texts))
        return together([h.delivery.digest for h in held if h.delivery.digest is not None])

    async def _release(self, key: _Key) -> None:
        held = self._held.pop(key, [])
        if not held:
            return
        if len(held) == 1:  # alone: as it would have gone (for an acknowledgement, a reaction)
            await self._deliver(key[0], held[0].delivery, held[0].origin)
            return
        chat = held[0].delivery.chat or getattr(held[0].origin, "chat", None)
        assert isinstance(chat, ChatRef)
        await self._deliver(key[0], Delivery(self._together(key, held), chat=chat), None)

    async def _deliver(self, target: str, delivery: Delivery, origin: Any | None) -> None:
        channel = self.channels.get(target)
        if channel is None:
            log.warning("no adapter running for platform %s; a delivery was dropped", target)
            return
        try:
            await channel.deliver(delivery, origin)
        except Exception:
            log.exception("delivery to %s failed", target)
