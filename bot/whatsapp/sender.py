"""What WhatsApp lets the bot do with a message, behind one small class: post (text, a card with reply
buttons, a list, a document, a template), no edits, no deletions, and the platform's limits. Every
send goes through `_post`: paced per recipient and for the whole number with the shared `Pacer`, and
retried after a wait on Meta's rate-limit answers (130429, 131056). The shared outbox
(`bot.whatsapp.outbox`) calls it from the worker holding the recipient's chat, with that recipient's
pacer loaded from the budget all workers share.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.bounded import BoundedDict
from bot.cardsync import Pacer
from bot.whatsapp.config import Pacing
from bot.whatsapp.graph import PAIR_RATE, THROUGHPUT, GraphClient, GraphError

log = logging.getLogger("draftbot.whatsapp")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME = {".docx": DOCX, ".pdf": "application/pdf", ".md": "text/plain", ".txt": "text/plain"}


@dataclass(frozen=True)
class Limits:
    """Meta's documented limits for the Cloud API."""

    text: int = 4096  # characters of a text message
    body: int = 1024  # characters of an interactive message's body, and of a document caption
    footer: int = 60
    buttons: int = 3  # reply buttons on one interactive message
    button_title: int = 20
    list_rows: int = 10
    row_title: int = 24
    row_description: int = 72
    list_button: int = 20
    document: int = 100 * 1024 * 1024
    group_members: int = 8
    edits: bool = False  # a sent message cannot be changed: cards are posted again
    deletes: bool = False


LIMITS = Limits()


class NotSupported(Exception):
    """WhatsApp cannot do this (edit or delete a sent message)."""


@dataclass(frozen=True)
class Recipient:
    to: str  # a wa_id (phone number) or a BSUID, or a group id
    group: bool = False

    def fields(self) -> dict[str, str]:
        if self.group:
            return {"recipient_type": "group", "to": self.to}
        if "." in self.to:  # a BSUID (CC.digits) goes in "recipient"; a phone number in "to"
            return {"recipient_type": "individual", "recipient": self.to}
        return {"recipient_type": "individual", "to": self.to}


class WhatsAppSender:
    limits = LIMITS

    def __init__(self, graph: GraphClient, pacing: Pacing | None = None) -> None:
        self.graph = graph
        self.pacing = pacing or Pacing()
        self.overall = Pacer(1.0 / self.pacing.per_second if self.pacing.per_second else 0.0)
        self.people: BoundedDict[str, Pacer] = BoundedDict(10_000)
        self.waited = 0  # sends that waited for a pacer or a rate-limit answer, for logs and tests
        # wall clock: a recipient's pacer is saved in the shared outbox and read by other workers
        self.clock: Callable[[], float] = time.time

    async def _post(self, to: Recipient, payload: dict[str, Any]) -> str:
        """Sends one message, paced; a rate-limit answer holds the pacer it names and retries."""
        person = self._pacer(to.to)
        for attempt in range(self.pacing.retries + 1):
            wait = max(self.overall.wait_time(self.clock()), person.wait_time(self.clock()))
            while wait > 0:
                self.waited += 1
                await asyncio.sleep(wait)
                wait = max(self.overall.wait_time(self.clock()), person.wait_time(self.clock()))
            self.overall.spend(self.clock())
            person.spend(self.clock())
            try:
                return await self.graph.send(payload)
            except GraphError as error:
                if error.code not in (PAIR_RATE, THROUGHPUT) or attempt == self.pacing.retries:
                    raise
                pause = self.pacing.backoff * 2**attempt
                log.warning(
                    "whatsapp: rate limit %s sending to %s; retrying in %.1f s", error.code, to.to, pause
                )
                (person if error.code == PAIR_RATE else self.overall).hold(self.clock() + pause)
        raise AssertionError("unreachable")

    def _pacer(self, to: str) -> Pacer:
        if to not in self.people:
            self.people[to] = Pacer(self.pacing.per_person_interval, self.pacing.per_person_per_minute)
        return self.people[to]

    async def text(self, to: Recipient, text: str, *, reply_to: str | None = None) -> list[str]:
        ids = []
        for part in chunks(text, self.limits.text):
            payload: dict[str, object] = {
                **to.fields(),
                "type": "text",
                "text": {"body": part, "preview_url": False},
            }
            if reply_to:
                payload["context"] = {"message_id": reply_to}
            ids.append(await self._post(to, payload))
        return ids

    async def buttons(
        self, to: Recipient, body: str, buttons: list[tuple[str, str]], footer: str = ""
    ) -> str:
        """An interactive message with reply buttons ((id, title) pairs); never to a group."""
        if to.group:
            raise NotSupported("interactive messages cannot go to a WhatsApp group")
        interactive: dict[str, object] = {
            "type": "button",
            "body": {"text": clip(body, self.limits.body)},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": id_, "title": clip(title, self.limits.button_title)}}
                    for id_, title in buttons[: self.limits.buttons]
                ]
            },
        }
        if footer:
            interactive["footer"] = {"text": clip(footer, self.limits.footer)}
        return await self._post(to, {**to.fields(), "type": "interactive", "interactive": interactive})

    async def choices(
        self, to: Recipient, body: str, button: str, rows: list[tuple[str, str, str]], footer: str = ""
    ) -> str:
        """A list message ((id, title, description) rows, at most 10 in one section); never to a group."""
        if to.group:
            raise NotSupported("interactive messages cannot go to a WhatsApp group")
        limits = self.limits
        section = {
            "rows": [
                {"id": id_, "title": clip(title, limits.row_title)}
                | ({"description": clip(about, limits.row_description)} if about else {})
                for id_, title, about in rows[: limits.list_rows]
            ]
        }
        interactive: dict[str, object] = {
            "type": "list",
            "body": {"text": clip(body, limits.body)},
            "action": {"button": clip(button, limits.list_button), "sections": [section]},
        }
        if footer:
            interactive["footer"] = {"text": clip(footer, limits.footer)}
        return await self._post(to, {**to.fields(), "type": "interactive", "interactive": interactive})

    async def document(self, to: Recipient, filename: str, content: bytes, caption: str) -> str:
        suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
        media_id = await self.graph.upload(filename, content, MIME.get(suffix, "application/octet-stream"))
        document = {"id": media_id, "filename": filename, "caption": clip(caption, self.limits.body)}
        return await self._post(to, {**to.fields(), "type": "document", "document": document})

    async def template(self, to: Recipient, name: str, language: str, parameters: list[str]) -> str:
        template = {
            "name": name,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}],
        }
        return await self._post(to, {**to.fields(), "type": "template", "template": template})

    async def edit(self, *_: object) -> None:
        raise NotSupported("WhatsApp messages cannot be edited")

    async def delete(self, *_: object) -> None:
        raise NotSupported("the Cloud API cannot delete a sent message")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chunks(text: str, limit: int) -> list[str]:
    """Splits at line ends where it can, so no message exceeds the limit."""
    parts: list[str] = []
    rest = text or " "
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return parts
