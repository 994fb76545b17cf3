"""Client-side pacing within Telegram's flood limits, and the wait a 429 asks for."""

from __future__ import annotations

import warnings
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

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


class Pacer:
    """A minimum interval plus an optional budget per rolling minute."""

    def __init__(self, interval: float, per_minute: int = 0) -> None:
        self.interval = interval
        self.per_minute = per_minute
        self.last = -1e9
        self.recent: deque[float] = deque()
        self.hold_until = 0.0

    def wait_time(self, now: float) -> float:
        wait = max(0.0, self.hold_until - now, self.last + self.interval - now)
        if self.per_minute:
            while self.recent and self.recent[0] <= now - 60.0:
                self.recent.popleft()
            if len(self.recent) >= self.per_minute:
                wait = max(wait, self.recent[0] + 60.0 - now)
        return wait

    def spend(self, now: float) -> None:
        self.last = now
        if self.per_minute:
            self.recent.append(now)

    def hold(self, until: float) -> None:
        self.hold_until = max(self.hold_until, until)


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: int | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
