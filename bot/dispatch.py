"""Routing the core's deliveries to the adapter of each chat's platform.

A meeting may be bound to a Telegram group and a Slack channel at once: a command typed on one
platform yields deliveries for chats on both, and each goes to its own adapter.

Announcements the core marks as a `Digest` (a delegate joined) are held here, per chat, for
`digest_window` seconds from the first, and go out as one message listing them all: ten delegates
joining within a few seconds make one group message, not ten, on every platform. Anything else for
that chat sends what is held first, so the order of the group's messages is kept. What is held is in
this process only, for those few seconds: `flush()` sends it (at shutdown); a killed process loses
those announcements, never the joins themselves (they are committed, and `member` lists them). A
window of 0 (the default, and in tests that do not ask for one) holds nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from drafting.replies import Delivery, Outcome, together

log = logging.getLogger("draftbot.dispatch")

_Held = tuple[str, str, str]  # (platform, chat id, the digest's catalogue key)


class Channel(Protocol):
    """One platform's way of showing deliveries. `origin` is the adapter's own note of the request
    (message to reply to, button press to answer) when the request came from that platform, else None."""

    platform: str

    async def deliver(self, delivery: Delivery, origin: Any | None) -> None: ...


class Dispatcher:
    def __init__(self, channels: Sequence[Channel] = (), *, digest_window: float = 0.0) -> None:
        self.channels: dict[str, Channel] = {}
        self.digest_window = digest_window
        self._held: dict[_Held, list[Delivery]] = {}
        self._timers: dict[_Held, asyncio.Task[None]] = {}
        for channel in channels:
            self.register(channel)

    def register(self, channel: Channel) -> None:
        self.channels[channel.platform] = channel

    async def dispatch(self, outcome: Outcome, *, platform: str, origin: Any | None) -> None:
        """Delivers every message; one chat failing does not keep the others from theirs."""
        for delivery in outcome.deliveries:
            chat = delivery.chat
            if delivery.digest is not None and chat is not None and self.digest_window > 0:
                self._hold((chat.platform, chat.chat_id, delivery.digest.key), delivery)
                continue
            if chat is not None:
                await self._release_chat(chat.platform, chat.chat_id)
            target = platform
            if chat is not None:
                target = chat.platform
            elif delivery.private_to is not None:
                target = delivery.private_to.platform
            await self._deliver(target, delivery, origin if target == platform else None)

    def holding(self) -> bool:
        """Some announcement is waiting for others of its kind."""
        return bool(self._held)

    async def flush(self) -> None:
        """Sends everything held now, without waiting for its window."""
        for task in list(self._timers.values()):
            task.cancel()
        self._timers.clear()
        for key in list(self._held):
            await self._release(key)

    async def _deliver(self, target: str, delivery: Delivery, origin: Any | None) -> None:
        channel = self.channels.get(target)
        if channel is None:
            log.warning("no adapter running for platform %s; a delivery was dropped", target)
            return
        try:
            await channel.deliver(delivery, origin)
        except Exception:
            log.exception("delivery to %s failed", target)

    def _hold(self, key: _Held, delivery: Delivery) -> None:
        self._held.setdefault(key, []).append(delivery)
        if key not in self._timers:
            self._timers[key] = asyncio.create_task(self._release_later(key))

    async def _release_later(self, key: _Held) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(self.digest_window)
            self._timers.pop(key, None)
            await self._release(key)

    async def _release_chat(self, platform: str, chat_id: str) -> None:
        for key in [k for k in self._held if k[:2] == (platform, chat_id)]:
            timer = self._timers.pop(key, None)
            if timer is not None:
                timer.cancel()
            await self._release(key)

    async def _release(self, key: _Held) -> None:
        held = self._held.pop(key, [])
        if not held:
            return
        if len(held) == 1:
            delivery = held[0]
        else:
            digests = [d.digest for d in held if d.digest is not None]
            delivery = Delivery(together(digests), chat=held[0].chat)
        await self._deliver(key[0], delivery, None)
