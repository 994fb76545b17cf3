"""Client-side pacing of one chat (or of the whole bot): a minimum interval, an optional budget per
rolling minute, and a hold until the time a rate-limit answer (429) named. Platform-neutral: each
platform's limits fill it in."""

from __future__ import annotations

from collections import deque


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
        """A 429 asked to wait until `until`: nothing more goes out before then."""
        self.hold_until = max(self.hold_until, until)
