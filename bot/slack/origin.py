"""What a Slack delivery becomes before it is sent: where it came from (`SlackOrigin`), the rows of the
outbox a text makes (`text_rows`), what an undelivered one said, and the adapter's own words for a
message that may not have arrived."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.slack.text import chunks, escape, mention_line
from drafting.model import ChatRef, UserRef
from drafting.replies import Delivery, Mention, PointCard, Text
from storage.outbox_store import Waiting

PLATFORM = "slack"
Row = tuple[str, dict[str, Any], bytes | None]  # kind, payload, content: one row of the outbox
MAY_NOT_HAVE_ARRIVED = {
    "es": "⚠️ Un mensaje de draftbot se estaba publicando cuando su proceso se detuvo; puede que no "
    "haya llegado, y no se repite. Decía: «{excerpt}». Escriba /draft puntos para ver el estado de la "
    "reunión.",
    "en": "⚠️ A draftbot message was being posted when its process stopped; it may not have arrived, "
    "and it is not repeated. It said: “{excerpt}”. Type /draft items to see where the meeting stands.",
}


class NotDelivered(Exception):
    """Slack would not show a message by any of the ways this channel has."""


@dataclass(frozen=True)
class SlackOrigin:
    """Where a Slack request came from, and how its answers should be shown."""

    chat: ChatRef
    user: UserRef
    thread_ts: str | None = None  # the thread the request was written in
    response_url: str | None = None  # a slash command's or button's own way to answer the requester
    refused: bool = False  # the core refused: every answer goes to the requester only

    def requester(self) -> dict[str, Any]:
        """Whom a row concerns, kept with it: told if it cannot be delivered."""
        return {
            "chat": self.chat.chat_id,
            "chat_workspace": self.chat.workspace,
            "user": self.user.user_id,
            "workspace": self.user.workspace,
            "thread_ts": self.thread_ts,
            "response_url": self.response_url,
        }

    @classmethod
    def of(cls, requester: dict[str, Any]) -> SlackOrigin:
        chat = ChatRef(PLATFORM, str(requester["chat"]), str(requester["chat_workspace"]))
        user = UserRef(PLATFORM, str(requester["user"]), str(requester["workspace"]))
        return cls(chat, user, requester.get("thread_ts"), requester.get("response_url"))


def text_rows(text: str, where: dict[str, Any], chat: ChatRef, mentions: Sequence[Mention] = ()) -> list[Row]:
    """A text's rows, one per message Slack takes (the mentions under the last one)."""
    parts = chunks(text)
    rows: list[Row] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1 and mentions
        shown = escape(part) + ("\n" + mention_line(mentions, chat.workspace) if last else "")
        rows.append(("text", where | {"text": shown, "said": part}, None))
    return rows


def said(delivery: Delivery) -> str:
    message = delivery.message
    if isinstance(message, Text):
        return message.text
    if isinstance(message, PointCard):
        return message.as_text()
    return message.caption or message.filename


def row_said(row: Waiting) -> str:
    payload = row.payload
    return str(payload.get("said") or payload.get("caption") or payload.get("filename") or "")
