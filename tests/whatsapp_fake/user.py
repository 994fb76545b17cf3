"""Simulated WhatsApp people: each message is a webhook as Meta posts it, signed with the app secret
(X-Hub-Signature-256: sha256=HMAC-SHA256 of the raw body), sent to the bot's /whatsapp route."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.whatsapp_fake.server import JSON, FakeGraph

_ids = itertools.count(1)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Network:
    """The fake Graph API and where Meta would post the webhooks."""

    graph: FakeGraph
    webhook_url: str
    app_secret: str
    waba_id: str = "WABA1"
    # Waits until what the bot put into its outbox while answering has been sent, so what a webhook
    # caused is visible when `post` returns (the bot answers 200 once its rows are in the outbox).
    settle: Callable[[], Awaitable[None]] | None = None

    def envelope(self, message: JSON, contact: JSON) -> JSON:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.waba_id,
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550000000",
                                    "phone_number_id": self.graph.phone_number_id,
                                },
                                "contacts": [contact],
                                "messages": [message],
                            },
                        }
                    ],
                }
            ],
        }

    async def report_statuses(self) -> int:
        """Posts what became of the bot's accepted messages (the fake's `statuses()`), one webhook, as
        Meta does; returns the bot's answer (200 when there was nothing to report)."""
        statuses = self.graph.statuses()
        if not statuses:
            return 200
        envelope = self.envelope({}, {})
        value = envelope["entry"][0]["changes"][0]["value"]
        del value["contacts"], value["messages"]
        value["statuses"] = statuses
        return await self.post(envelope)

    async def post(self, payload: JSON, *, signature: str | None = "good") -> int:
        """Posts a webhook; returns the HTTP status the bot answered."""
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-Hub-Signature-256"] = sign(self.app_secret, body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook_url, data=body, headers=headers) as r,
        ):
            await r.read()
            status = r.status
        if self.settle is not None:
            await self.settle()
        return status


@dataclass
class Person:
    network: Network
    name: str
    wa_id: str
    bsuid: str | None = None  # the business-scoped user id, when Meta gives one
    statuses: list[int] = field(default_factory=list)

    @property
    def address(self) -> str:
        """What the bot writes to: the phone number when known, else the BSUID."""
        return self.wa_id or str(self.bsuid)

    def _message(
        self, kind: str, content: JSON, *, reply_to: str | None = None, group: str | None = None
    ) -> JSON:
        stamp = str(int(self.network.graph.clock().timestamp()))
        message: JSON = {"id": f"wamid.USER{next(_ids):08d}", "timestamp": stamp, "type": kind, kind: content}
        if self.wa_id:
            message["from"] = self.wa_id
        if self.bsuid:
            message["from_user_id"] = self.bsuid
        if reply_to is not None:
            message["context"] = {"from": "15550000000", "id": reply_to}
        if group is not None:
            message["group_id"] = group
        return message

    def _contact(self) -> JSON:
        contact: JSON = {"profile": {"name": self.name}}
        if self.wa_id:
            contact["wa_id"] = self.wa_id
        if self.bsuid:
            contact["user_id"] = self.bsuid
        return contact

    async def send(self, message: JSON, **post: Any) -> JSON:
        self.network.graph.heard_from(self.address)
        status = await self.network.post(self.network.envelope(message, self._contact()), **post)
        self.statuses.append(status)
        return message

    async def say(self, text: str, *, reply_to: str | None = None, group: str | None = None) -> JSON:
        return await self.send(self._message("text", {"body": text}, reply_to=reply_to, group=group))

    async def press(self, card: JSON, title: str) -> JSON:
        """Taps the reply button titled `title` on an interactive message the bot sent."""
        buttons = card["interactive"]["action"]["buttons"]
        chosen = next(b["reply"] for b in buttons if b["reply"]["title"] == title)
        content = {"type": "button_reply", "button_reply": {"id": chosen["id"], "title": chosen["title"]}}
        return await self.send(self._message("interactive", content, reply_to=card["id"]))

    async def pick(self, listing: JSON, title: str) -> JSON:
        """Opens a list message the bot sent and picks the row titled `title`."""
        rows = [r for section in listing["interactive"]["action"]["sections"] for r in section["rows"]]
        chosen = next(r for r in rows if r["title"] == title)
        content = {"type": "list_reply", "list_reply": {"id": chosen["id"], "title": chosen["title"]}}
        return await self.send(self._message("interactive", content, reply_to=listing["id"]))

    async def attach(self, filename: str, content: bytes, caption: str = "", mime_type: str = "") -> JSON:
        """Sends a file (Meta keeps it; the webhook names its media id)."""
        mime = mime_type or "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        media_id = self.network.graph.upload_by_person(content, mime, filename)
        document: JSON = {"id": media_id, "filename": filename, "mime_type": mime, "sha256": "fake"}
        if caption:
            document["caption"] = caption
        return await self.send(self._message("document", document))

    # ---- what the bot sent this person --------------------------------------------------------

    def received(self) -> list[JSON]:
        return self.network.graph.sent(self.address)

    def texts(self) -> list[str]:
        out = []
        for m in self.received():
            if m.get("type") == "text":
                out.append(m["text"]["body"])
            elif m.get("type") == "interactive":
                out.append(m["interactive"]["body"]["text"])
            elif m.get("type") == "document":
                out.append(m["document"].get("caption", ""))
        return out

    def cards(self) -> list[JSON]:
        return [
            m
            for m in self.received()
            if m.get("type") == "interactive" and m["interactive"]["type"] == "button"
        ]

    def lists(self) -> list[JSON]:
        return [
            m
            for m in self.received()
            if m.get("type") == "interactive" and m["interactive"]["type"] == "list"
        ]

    def documents(self) -> list[bytes]:
        media = self.network.graph.media
        return [media[m["document"]["id"]].content for m in self.received() if m.get("type") == "document"]
