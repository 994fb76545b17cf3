"""One message waiting in a Telegram chat's outbox, and the place in a chat where it goes.

An `Outgoing` is kept as a row of the shared outbox (`storage.outbox_store`) until a worker sends it,
so it is plain data: what follows its delivery or its refusal is another `Outgoing` (`then`,
`instead`) for a given chat, not a callback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import MessageEntity

from drafting.replies import Document
from storage.outbox_store import Letter, Waiting


@dataclass
class Outgoing:
    """One message waiting in a chat's outbox."""

    kind: str  # "text" | "document" | "card" | "retire" (a card copy the bot lost track of)
    text: str = ""
    document: Document | None = None
    point_id: int | None = None  # posted in that point's thread, and linked to it
    reply_to: int | None = None  # the requester's message, when answering it
    thread_id: int | None = None  # the requester's forum topic
    answer: bool = False  # a direct answer: it stays where the requester wrote, replying to them
    then: tuple[int, Outgoing] | None = None  # (chat, message) posted once this one is sent
    instead: tuple[int, Outgoing] | None = None  # (chat, message) posted if the recipient cannot be
    # written to (never opened a private chat with the bot, or blocked it)
    requester: int | None = None  # the Telegram user whose request this answers: told if it cannot go
    notice_to: tuple[int, int | None, int | None] | None = None  # a private message: (chat, reply_to,
    # thread) of the request, where to say it could not be delivered
    notice: bool = False  # itself a word about a failed delivery: its own failure is only logged
    retire: int = 0  # kind "retire": the message to delete
    entities: Sequence[MessageEntity] = ()  # mentions or marked changes: the text goes alone, unsplit
    row_id: int | None = None  # its row in the outbox, once put there
    taken: bool = False  # a worker was sending it when it stopped: it may have gone out
    forced: bool = False  # kind "card": drawn even if recorded as shown (a newer edit may lie under it)

    @property
    def mergeable(self) -> bool:
        return (
            self.kind == "text"
            and not self.entities
            and self.then is None
            and self.instead is None
            and self.notice_to is None
            and not self.notice
        )

    # ---- as a row of the outbox ------------------------------------------------------------------

    def letter(self, chat_id: int) -> Letter:
        document = self.document
        return Letter(
            str(chat_id),
            self.kind,
            self.payload(),
            point_id=self.point_id,
            content=document.content if document is not None else None,
        )

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "reply_to": self.reply_to,
            "thread_id": self.thread_id,
            "answer": self.answer,
            "requester": self.requester,
            "notice_to": list(self.notice_to) if self.notice_to is not None else None,
            "notice": self.notice,
            "retire": self.retire,
            "entities": [entity.to_dict() for entity in self.entities],
        }
        if self.document is not None:
            data["filename"], data["caption"] = self.document.filename, self.document.caption
        for key, follow in (("then", self.then), ("instead", self.instead)):
            if follow is not None:
                chat_id, outgoing = follow
                data[key] = {"chat": chat_id, "kind": outgoing.kind, "message": outgoing.payload()}
        return data

    @classmethod
    def from_payload(
        cls, kind: str, data: dict[str, Any], point_id: int | None = None, content: bytes | None = None
    ) -> Outgoing:
        document = None
        if kind == "document":
            document = Document(str(data.get("filename", "")), content or b"", str(data.get("caption", "")))
        notice_to = data.get("notice_to")
        outgoing = cls(
            kind,
            text=str(data.get("text", "")),
            document=document,
            point_id=point_id,
            reply_to=data.get("reply_to"),
            thread_id=data.get("thread_id"),
            answer=bool(data.get("answer")),
            requester=data.get("requester"),
            notice_to=(int(notice_to[0]), notice_to[1], notice_to[2]) if notice_to else None,
            notice=bool(data.get("notice")),
            retire=int(data.get("retire") or 0),
            entities=tuple(
                entity
                for raw in data.get("entities") or []
                if (entity := MessageEntity.de_json(raw, None)) is not None
            ),
        )
        for key in ("then", "instead"):
            follow = data.get(key)
            if follow:
                message = cls.from_payload(str(follow["kind"]), follow["message"])
                setattr(outgoing, key, (int(follow["chat"]), message))
        return outgoing

    @classmethod
    def from_row(cls, row: Waiting) -> Outgoing:
        outgoing = cls.from_payload(row.kind, row.payload, row.point_id, row.content)
        outgoing.row_id, outgoing.taken, outgoing.forced = row.id, row.taken, row.forced
        return outgoing


@dataclass
class Place:
    """Where a message goes: a forum topic, and the message it replies to."""

    thread_id: int | None
    reply_to: int | None
