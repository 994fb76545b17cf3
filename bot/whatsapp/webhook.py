"""Meta's webhook requests: the GET verification handshake, the signature of a POST (checked over the
raw bytes, before anything is parsed), and the messages a POST carries, as typed values."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# Meta redelivers an unacknowledged webhook for up to 7 days; a signed body older than that is a replay.
MAX_AGE = timedelta(days=7)


def signature_ok(secret: str, raw: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def verification(query: dict[str, str], verify_token: str) -> str | None:
    """The challenge to echo when Meta's subscription request carries our verify token."""
    if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
        query.get("hub.verify_token", ""), verify_token
    ):
        return query.get("hub.challenge", "")
    return None


@dataclass(frozen=True)
class Incoming:
    """One message a person sent."""

    phone_number_id: str
    message_id: str
    user_id: str  # the business-scoped user id where given, else the wa_id: never a display name
    address: str  # where replies go: the wa_id when known, else the BSUID
    name: str  # shown in messages only
    kind: str  # text | interactive | document | …
    text: str = ""
    button: str = ""  # the id of a reply button or list row pressed
    reply_to: str = ""  # the message this one answers (context.id)
    group: str = ""  # the group id, for a message in a group
    sent_at: datetime | None = None
    media_id: str = ""  # a document's, to download it (GET /{media-id})
    filename: str = ""


@dataclass(frozen=True)
class Status:
    """What became of a message the bot sent: sent, delivered, read, or failed with an error code."""

    phone_number_id: str
    message_id: str
    status: str
    code: int | None = None
    title: str = ""


def parse(raw: bytes) -> list[Incoming]:
    """The messages in a webhook body; statuses and other fields carry none. ValueError if malformed."""
    return parse_all(raw)[0]


def parse_all(raw: bytes) -> tuple[list[Incoming], list[Status]]:
    """The messages and the statuses in a webhook body. ValueError if malformed."""
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("not an object")
    return list(_messages(body)), list(_statuses(body))


def _statuses(body: dict[str, Any]) -> Iterator[Status]:
    for entry in body.get("entry") or []:
        for change in entry.get("changes") or []:
            if change.get("field") != "messages":
                continue
            value = change.get("value") or {}
            phone = str((value.get("metadata") or {}).get("phone_number_id") or "")
            for status in value.get("statuses") or []:
                error: dict[str, Any] = next(iter(status.get("errors") or []), {})
                code = error.get("code")
                yield Status(
                    phone,
                    str(status.get("id") or ""),
                    str(status.get("status") or ""),
                    code if isinstance(code, int) else None,
                    str(error.get("title") or error.get("message") or ""),
                )


def _messages(body: dict[str, Any]) -> Iterator[Incoming]:
    for entry in body.get("entry") or []:
        for change in entry.get("changes") or []:
            if change.get("field") != "messages":
                continue
            value = change.get("value") or {}
            phone = str((value.get("metadata") or {}).get("phone_number_id") or "")
            contacts = value.get("contacts") or []
            for message in value.get("messages") or []:
                yield _incoming(phone, message, contacts)


def _incoming(phone: str, message: dict[str, Any], contacts: list[dict[str, Any]]) -> Incoming:
    wa_id = str(message.get("from") or "")
    bsuid = str(message.get("from_user_id") or "")
    contact = next(
        (c for c in contacts if (bsuid and c.get("user_id") == bsuid) or (wa_id and c.get("wa_id") == wa_id)),
        contacts[0] if len(contacts) == 1 else {},
    )
    bsuid = bsuid or str(contact.get("user_id") or "")
    wa_id = wa_id or str(contact.get("wa_id") or "")
    if not (bsuid or wa_id):
        raise ValueError("a message from nobody")
    kind = str(message.get("type") or "")
    text, button, media_id, filename = "", "", "", ""
    if kind == "text":
        text = str((message.get("text") or {}).get("body") or "")
    elif kind == "interactive":
        interactive = message.get("interactive") or {}
        chosen = interactive.get("button_reply") or interactive.get("list_reply") or {}
        button = str(chosen.get("id") or "")
    elif kind == "button":  # a quick-reply button of a template
        text = str((message.get("button") or {}).get("text") or "")
    elif kind == "document":
        document = message.get("document") or {}
        text = str(document.get("caption") or "")
        media_id, filename = str(document.get("id") or ""), str(document.get("filename") or "file")
    stamp = str(message.get("timestamp") or "")
    return Incoming(
        phone_number_id=phone,
        message_id=str(message.get("id") or ""),
        user_id=bsuid or wa_id,
        address=wa_id or bsuid,
        name=str((contact.get("profile") or {}).get("name") or ""),
        kind=kind,
        text=text,
        button=button,
        reply_to=str((message.get("context") or {}).get("id") or ""),
        group=str(message.get("group_id") or ""),
        sent_at=datetime.fromtimestamp(int(stamp), UTC) if stamp.isdigit() else None,
        media_id=media_id,
        filename=filename,
    )
