"""A fake WhatsApp Cloud API (Graph API) on 127.0.0.1, enforcing what Meta documents.

- POST /{version}/{phone_number_id}/messages: text, interactive (button: at most 3 reply buttons, titles
  at most 20 characters, unique ids; list: at most 10 rows, row titles at most 24 characters, the list
  button at most 20), document (a media id uploaded here), template (only the templates registered here,
  in their language). Free-form and interactive messages only within 24 hours of the person's last
  message (error 131047); a template at any time. A group ("recipient_type": "group") takes text,
  documents and templates, never interactive messages; a group holds at most 8 participants.
- POST /{version}/{phone_number_id}/media (multipart): uploads a file (documents up to 100 MB).
- GET /{version}/{media_id}: a file's short-lived download URL, size and type; GET /_media/{id} the
  bytes (what a person sent the bot, or what the bot uploaded).
- Every call needs `Authorization: Bearer <token>`.
- Rate limits: `pair_limit` (n messages per s seconds to one person, 131056 beyond) and `refuse_next`
  (the next sends to a person answered with a given code, e.g. 130429) for tests.
- Statuses: each accepted message to a person is pending until `statuses()` is asked for: then it is
  "delivered", or "failed" with 131047 when the person's window closed meanwhile (or `fail_later`
  named a code for them); the simulated network posts them as Meta's status webhooks.

List messages: at most 10 sections and 10 rows across them, a title on every section when there
are several (up to 24 characters), row titles 1 to 24 characters, descriptions up to 72, unique row
ids, the button 1 to 20 characters: anything else is refused with 131009 (parameter value is not
valid), as Meta's documentation for interactive list messages states the limits.

Errors come back as Graph does, HTTP 400 with {"error": {"message", "type", "code", "error_data",
"fbtrace_id"}}. What the bot sent is kept per recipient for tests to read (`sent(to)`).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

JSON = dict[str, Any]
WINDOW = timedelta(hours=24)
MAX_DOCUMENT = 100 * 1024 * 1024
GROUP_LIMIT = 8

# Graph's codes for what this fake refuses
RE_ENGAGEMENT = 131047  # more than 24 hours since the person's last message
TEMPLATE_MISSING = 132001  # template name does not exist in that language
INVALID_PARAMETER = 131009  # a parameter value is not valid
MEDIA_ERROR = 131053
AUTH = 190
PAIR_RATE = 131056  # (business, consumer) pair rate limit hit


class GraphRefusal(Exception):
    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class Media:
    content: bytes
    mime_type: str
    filename: str


@dataclass
class FakeGraph:
    token: str
    phone_number_id: str
    clock: Callable[[], datetime]
    templates: set[tuple[str, str]] = field(default_factory=set)  # (name, language code)
    version: str = "v23.0"
    last_inbound: dict[str, datetime] = field(default_factory=dict)  # recipient -> last message
    groups: dict[str, list[str]] = field(default_factory=dict)  # group id -> participants
    outbox: list[JSON] = field(default_factory=list)  # every accepted message, with its "id"
    refused: list[tuple[JSON, int]] = field(default_factory=list)
    media: dict[str, Media] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # BSUID -> wa_id, one person two names
    pair_limit: tuple[int, float] | None = None  # (messages, seconds) to one person, real time
    refuse_next: dict[str, list[int]] = field(default_factory=dict)  # recipient -> codes to answer
    fail_later: dict[str, int] = field(default_factory=dict)  # recipient -> code of a later failure
    undelivered: list[JSON] = field(default_factory=list)  # accepted, no status reported yet
    gate: asyncio.Event | None = None  # the next send waits for it, unrecorded (`hold`)
    waiting: int = 0  # sends waiting at the gate
    _pairs: dict[str, deque[float]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_DOCUMENT + 1024 * 1024)
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        app.router.add_post("/{version}/{phone}/media", self._media)
        app.router.add_get("/_media/{media_id}", self._download)
        app.router.add_get("/{version}/{media_id}", self._media_info)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def hold(self) -> asyncio.Event:
        """The next send waits (unrecorded) until the returned event is set: a call in flight, for a
        test; the sends after it go through."""
        self.gate = asyncio.Event()
        return self.gate

    # ---- what the simulated people do ---------------------------------------------------------

    def heard_from(self, who: str) -> None:
        """A person wrote to the business: their customer service window opens now."""
        self.last_inbound[self.aliases.get(who, who)] = self.clock()

    def group(self, group_id: str, participants: list[str]) -> None:
        if len(participants) > GROUP_LIMIT:
            raise GraphRefusal(INVALID_PARAMETER, f"a group holds at most {GROUP_LIMIT} participants")
        self.groups[group_id] = list(participants)

    def upload_by_person(self, content: bytes, mime_type: str, filename: str) -> str:
        """A file a person attaches: Meta keeps it and the webhook names its id."""
        media_id = f"{next(self._ids) + 800000000}"
        self.media[media_id] = Media(content, mime_type, filename)
        return media_id

    def statuses(self) -> list[JSON]:
        """What became of each accepted message since last asked, as Meta's `statuses` entries: failed
        with 131047 when the window closed between acceptance and delivery, else delivered."""
        out: list[JSON] = []
        for message in self.undelivered:
            to = str(message.get("to") or message.get("recipient") or "")
            last = self.last_inbound.get(self.aliases.get(to, to))
            code = self.fail_later.pop(to, None)
            free_form = message.get("type") != "template" and message.get("recipient_type") != "group"
            if code is None and free_form and (last is None or self.clock() - last >= WINDOW):
                code = RE_ENGAGEMENT
            status: JSON = {
                "id": message["id"],
                "status": "failed" if code else "delivered",
                "timestamp": str(int(self.clock().timestamp())),
                "recipient_id": to,
            }
            if code:
                status["errors"] = [{"code": code, "title": "Message failed to send", "message": "failed"}]
            out.append(status)
        self.undelivered.clear()
        return out

    def sent(self, to: str) -> list[JSON]:
        return [m for m in self.outbox if m.get("to") == to or m.get("recipient") == to]

    # ---- the API ------------------------------------------------------------------------------

    def _check_token(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            raise GraphRefusal(AUTH, "Invalid OAuth access token", 401)

    def _check(self, request: web.Request) -> None:
        self._check_token(request)
        if request.match_info["phone"] != self.phone_number_id:
            raise GraphRefusal(100, "Unsupported post request: unknown phone number id")

    async def _messages(self, request: web.Request) -> web.Response:
        body: JSON = {}
        try:
            self._check(request)
            body = await request.json()
            self._validate(body)
        except GraphRefusal as refusal:
            self.refused.append((body, refusal.code))
            return _error(refusal)
        if self.gate is not None:
            gate, self.gate = self.gate, None
            self.waiting += 1
            await gate.wait()
            self.waiting -= 1
        message_id = f"wamid.FAKE{next(self._ids):08d}"
        self.outbox.append({**body, "id": message_id})
        self.undelivered.append({**body, "id": message_id})
        to = str(body.get("to") or body.get("recipient") or "")
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": message_id}],
            }
        )

    def _validate(self, body: JSON) -> None:
        if body.get("messaging_product") != "whatsapp":
            raise GraphRefusal(100, "messaging_product must be whatsapp")
        kind = body.get("type", "text")
        to = str(body.get("to") or body.get("recipient") or "")
        if not to:
            raise GraphRefusal(100, "to or recipient is required")
        group = body.get("recipient_type") == "group"
        self._rate(to)
        if group and to not in self.groups:
            raise GraphRefusal(INVALID_PARAMETER, "unknown group")
        if kind == "template":
            self._template(body.get("template") or {})
            return
        if not group:
            last = self.last_inbound.get(self.aliases.get(to, to))
            if last is None or self.clock() - last >= WINDOW:
                raise GraphRefusal(RE_ENGAGEMENT, "Re-engagement message")
        if kind == "text":
            text = str((body.get("text") or {}).get("body") or "")
            if not text or len(text) > 4096:
                raise GraphRefusal(100, "text.body must be 1 to 4096 characters")
        elif kind == "interactive":
            if group:
                raise GraphRefusal(INVALID_PARAMETER, "interactive messages are not supported in groups")
            _interactive(body.get("interactive") or {})
        elif kind == "document":
            document = body.get("document") or {}
            if document.get("id") not in self.media:
                raise GraphRefusal(MEDIA_ERROR, "Media upload error: unknown media id")
        else:
            raise GraphRefusal(131051, f"Unsupported message type {kind}")

    def _rate(self, to: str) -> None:
        codes = self.refuse_next.get(to)
        if codes:
            code = codes.pop(0)
            raise GraphRefusal(code, "Rate limit hit" if code != PAIR_RATE else "pair rate limit hit")
        if self.pair_limit is None:
            return
        count, seconds = self.pair_limit
        now = time.monotonic()
        recent = self._pairs.setdefault(to, deque())
        while recent and recent[0] <= now - seconds:
            recent.popleft()
        if len(recent) >= count:
            raise GraphRefusal(PAIR_RATE, "(Business Account, Consumer Account) pair rate limit hit")
        recent.append(now)

    async def _media_info(self, request: web.Request) -> web.Response:
        try:
            self._check_token(request)
            media = self.media.get(request.match_info["media_id"])
            if media is None:
                raise GraphRefusal(100, "Unsupported get request: unknown media id")
        except GraphRefusal as refusal:
            return _error(refusal)
        media_id = request.match_info["media_id"]
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/_media/{media_id}",
                "mime_type": media.mime_type,
                "file_size": len(media.content),
                "id": media_id,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        try:
            self._check_token(request)
        except GraphRefusal as refusal:
            return _error(refusal)
        media = self.media.get(request.match_info["media_id"])
        if media is None:
            return web.Response(status=404)
        return web.Response(body=media.content, content_type=media.mime_type)

    def _template(self, template: JSON) -> None:
        name = str(template.get("name") or "")
        code = str((template.get("language") or {}).get("code") or "")
        if (name, code) not in self.templates:
            raise GraphRefusal(
                TEMPLATE_MISSING, f"Template name does not exist in the translation: {name} ({code})"
            )

    async def _media(self, request: web.Request) -> web.Response:
        try:
            self._check(request)
            form = await request.post()
            upload = form.get("file")
            if form.get("messaging_product") != "whatsapp" or not isinstance(upload, web.FileField):
                raise GraphRefusal(100, "messaging_product=whatsapp and a file are required")
            content = upload.file.read()
            if len(content) > MAX_DOCUMENT:
                raise GraphRefusal(MEDIA_ERROR, "documents are limited to 100 MB")
        except GraphRefusal as refusal:
            return _error(refusal)
        media_id = f"{next(self._ids) + 900000000}"
        self.media[media_id] = Media(content, str(form.get("type") or upload.content_type), upload.filename)
        return web.json_response({"id": media_id})


def _interactive(interactive: JSON) -> None:
    body = str((interactive.get("body") or {}).get("text") or "")
    if not body or len(body) > 1024:
        raise GraphRefusal(INVALID_PARAMETER, "interactive body text must be 1 to 1024 characters")
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        buttons = action.get("buttons") or []
        if not 1 <= len(buttons) <= 3:
            raise GraphRefusal(INVALID_PARAMETER, "buttons: 1 to 3 reply buttons")
        ids = [b.get("reply", {}).get("id") for b in buttons]
        if len(set(ids)) != len(ids):
            raise GraphRefusal(INVALID_PARAMETER, "button ids must be unique")
        for button in buttons:
            title = str(button.get("reply", {}).get("title") or "")
            if not title or len(title) > 20:
                raise GraphRefusal(INVALID_PARAMETER, f"button title must be 1 to 20 characters: {title!r}")
    elif interactive.get("type") == "list":
        _list(action)
    else:
        raise GraphRefusal(INVALID_PARAMETER, "interactive type must be button or list")


def _list(action: JSON) -> None:
    if len(str(action.get("button") or "")) > 20 or not action.get("button"):
        raise GraphRefusal(INVALID_PARAMETER, "list button must be 1 to 20 characters")
    sections = action.get("sections") or []
    if not 1 <= len(sections) <= 10:
        raise GraphRefusal(INVALID_PARAMETER, "a list holds 1 to 10 sections")
    for section in sections:
        title = str(section.get("title") or "")
        if (len(sections) > 1 and not title) or len(title) > 24:
            raise GraphRefusal(INVALID_PARAMETER, "section titles: 1 to 24 characters, required with several")
    rows = [row for section in sections for row in section.get("rows") or []]
    if not 1 <= len(rows) <= 10:
        raise GraphRefusal(INVALID_PARAMETER, "a list holds 1 to 10 rows across all sections")
    ids = [row.get("id") for row in rows]
    if len(set(ids)) != len(ids) or not all(ids) or any(len(str(i)) > 200 for i in ids):
        raise GraphRefusal(INVALID_PARAMETER, "row ids: unique, 1 to 200 characters")
    for row in rows:
        if not row.get("title") or len(str(row["title"])) > 24:
            raise GraphRefusal(
                INVALID_PARAMETER, f"row title must be 1 to 24 characters: {row.get('title')!r}"
            )
        if len(str(row.get("description") or "")) > 72:
            raise GraphRefusal(INVALID_PARAMETER, "row description must be at most 72 characters")


def _error(refusal: GraphRefusal) -> web.Response:
    return web.json_response(
        {
            "error": {
                "message": refusal.message,
                "type": "OAuthException",
                "code": refusal.code,
                "error_data": {"messaging_product": "whatsapp", "details": refusal.message},
                "fbtrace_id": "FAKETRACE",
            }
        },
        status=refusal.status,
    )
