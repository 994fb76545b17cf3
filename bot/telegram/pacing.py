"""Telegram's flood limits for the shared `Pacer`, and the wait a 429 asks for."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.cardsync.pacing import Pacer

__all__ = ["Limits", "Pacer", "retry_seconds"]

# python-telegram-bot warns, while building every RetryAfter, that `retry_after` will become a
# timedelta; `retry_seconds` below takes either, so the warning says nothing to act on.
warnings.filterwarnings("ignore", message=r".*`retry_after` will be of type", category=PTBDeprecationWarning)


@dataclass(frozen=True)
class Limits:
    """Client-side pacing. The defaults are Telegram's published limits."""

    chat_interval: float = 1.0  # seconds between two messages in one chat
    group_per_minute: int = 20  # messages in any 60 seconds in one group (0: no such limit)
    global_per_second: float = 30.0  # messages a second over all chats (0: no such limit)
    retries: int = 6  # attempts of one call after 429s and errors that surely did not take effect
    backoff: float = 0.5  # seconds before the second attempt after a network error, doubling after

    @classmethod
    def off(cls) -> Limits:
        """No client-side pacing (tests, a local fake server); 429s are still honoured."""
        return cls(chat_interval=0.0, group_per_minute=0, global_per_second=0.0, backoff=0.0)


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: int | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
