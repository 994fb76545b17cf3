"""Routing the core's deliveries to the adapter of each chat's platform.

A meeting may be bound to a Telegram group and a Slack channel at once: a command typed on one
platform yields deliveries for chats on both, and each goes to its own adapter.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from drafting.replies import Delivery, Outcome

log = logging.getLogger("draftbot.dispatch")


class Channel(Protocol):
    """One platform's way of showing deliveries. `origin` is the adapter's own note of the request
    (message to reply to, button press to answer) when the request came from that platform, else None."""

    platform: str

    async def deliver(self, delivery: Delivery, origin: Any | None) -> None: ...


class Dispatcher:
    def __init__(self, channels: Sequence[Channel] = ()) -> None:
        self.channels: dict[str, Channel] = {}
        for channel in channels:
            self.register(channel)

    def register(self, channel: Channel) -> None:
        self.channels[channel.platform] = channel

    async def dispatch(self, outcome: Outcome, *, platform: str, origin: Any | None) -> None:
        """Delivers every message; one chat failing does not keep the others from theirs."""
        for delivery in outcome.deliveries:
            target = platform
            if delivery.chat is not None:
                target = delivery.chat.platform
            elif delivery.private_to is not None:
                target = delivery.private_to.platform
            channel = self.channels.get(target)
            if channel is None:
                log.warning("no adapter running for platform %s; a delivery was dropped", target)
                continue
            try:
                await channel.deliver(delivery, origin if target == platform else None)
            except Exception:
                log.exception("delivery to %s failed", target)
