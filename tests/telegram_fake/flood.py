"""Telegram's flood limits, as the fake enforces them when asked (`FakeTelegram(flood=FloodLimits())`).

Telegram documents about one message a second in a chat and about twenty a minute in a group; beyond
that a call is refused with 429 Too Many Requests and a `retry_after`. Which calls count is not
documented exactly; here every call that adds, changes or removes something in a chat does (messages,
documents, edits, deletions, reactions, topics). A refused call takes no effect and does not count.
"About": a call is allowed a little early (`slack`), as the real limits are not to the millisecond and
the bot's clock and the server's differ by the time a request takes to arrive.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

RATE_LIMITED = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "deleteMessage",
        "setMessageReaction",
        "createForumTopic",
        "editForumTopic",
        "deleteForumTopic",
    }
)


@dataclass
class FloodLimits:
    chat_interval: float = 1.0  # seconds between two calls in one chat
    group_per_minute: int = 20  # calls in any minute in one group (a chat with a negative id)
    slack: float = 0.1  # seconds early a call may come and still pass
    refused: int = 0  # 429s answered
    _last: dict[int, float] = field(default_factory=dict)
    _minute: dict[int, deque[float]] = field(default_factory=dict)

    def check(self, method: str, chat_id: int | None, now: float) -> int | None:
        """None when the call may go (and it is counted), else the seconds to wait (`retry_after`)."""
        if method not in RATE_LIMITED or chat_id is None:
            return None
        wait = self._last.get(chat_id, -1e9) + self.chat_interval - self.slack - now
        recent = self._minute.setdefault(chat_id, deque())
        while recent and recent[0] <= now - 60.0 + self.slack:
            recent.popleft()
        if chat_id < 0 and self.group_per_minute and len(recent) >= self.group_per_minute:
            wait = max(wait, recent[0] + 60.0 - self.slack - now)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        self._last[chat_id] = now
        recent.append(now)
        return None
