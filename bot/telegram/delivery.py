"""Which failed Bot API calls may be made again, and what people hear when a message cannot go out.

A call that surely did not take effect can be made again: Telegram refused it with an answer (a 429
with `retry_after`, an error it describes: the Bot API's `ok: false` means the method did nothing), or
the connection could not even be opened (refused, or timed out while connecting, or no free
connection in the pool). Anything else broke after the request was on its way (the connection closed
or a read timed out before the answer): Telegram may have done it. A call that adds something
(sendMessage, sendDocument, createForumTopic) is then not repeated blindly: see `Doubtful`.
"""

from __future__ import annotations

import httpx
from telegram.error import NetworkError

from drafting.i18n import t

# httpx errors raised before any byte of the request was sent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Doubtful(Exception):
    """A call that must not be repeated may have taken effect: its answer was lost."""

    def __init__(self, what: str, error: Exception) -> None:
        super().__init__(f"{what}: {error}")
        self.what = what
        self.error = error


def surely_not_sent(error: NetworkError) -> bool:
    """True when the failed request cannot have taken effect, so making it again doubles nothing."""
    cause = error.__cause__
    if cause is None:
        return True  # python-telegram-bot read Telegram's own error answer: the method was not done
    return isinstance(cause, _NOT_SENT)


def copy_for_requester(lang: str, text: str, *, doubtful: bool) -> str:
    """The private copy of a message the group may not have got, for whoever asked for it."""
    key = "delivery.copy_doubtful" if doubtful else "delivery.copy_failed"
    return f"{t(lang, key)}\n\n{text}"


def notice_here(lang: str, *, doubtful: bool) -> str:
    """A short word in the chat itself, replying to the request, when no private copy is possible."""
    return t(lang, "delivery.here_doubtful" if doubtful else "delivery.here_failed")


def notice_private_failed(lang: str, *, doubtful: bool) -> str:
    """In the chat where someone asked, when the private message meant for them did not go out."""
    return t(lang, "delivery.private_doubtful" if doubtful else "delivery.private_failed")
