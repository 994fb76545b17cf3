"""The WhatsApp adapter: Meta's webhook on the process's HTTP server (`/whatsapp`) and the channel
that shows the core's deliveries.

- GET /whatsapp: the subscription handshake (hub.verify_token must be WHATSAPP_VERIFY_TOKEN).
- POST /whatsapp: X-Hub-Signature-256 is checked over the raw body before it is parsed: missing →
  401, wrong → 403, a message older than Meta's 7 days of redelivery → 403; nothing is written then.
  The answer is 200 only after every message's effect is committed, what it sends put into the shared
  outbox (`outbox.py`; sent by the worker holding each recipient); an error answers 500, so Meta
  delivers it again, and the core's claim (the message id, Context.dedup_key) makes the repeat change
  nothing.

What people do, and what the core is asked (one-to-one, the main mode; typed commands with or without
"/"): `unirse <code>` joins and makes the chat their seat in the meeting; a command → `handle_text`; a
reply to a card → `comment` on its point; Aprobar / Abstenerse → `press`; Objetar → the reason is asked
(the question kept in the database) and their next message that is not a command is it; `puntos` /
`items` → a list message of the open points, a row picked → that point's card (`lists.py`); a .docx
with the caption `plantilla` → downloaded from Meta and given to the core's `template` command as
Telegram's and Slack's files are (any other document gets a message saying what the bot takes). In a
group (a drafting committee of 8 or fewer) typed commands only.

Statuses in the same webhooks: a message Meta had accepted and now reports `failed` goes to the
channel (held outside the 24-hour window, else logged and its requester told).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from aiohttp import web

from bot.dispatch import Dispatcher
from bot.http import HttpServer
from bot.whatsapp.channel import BUTTON, GROUP, PLATFORM, WhatsAppChannel, WhatsAppOrigin
from bot.whatsapp.config import WhatsAppConfig
from bot.whatsapp.graph import GraphClient, GraphError
from bot.whatsapp.lists import PAGE, ROW, open_points, page
from bot.whatsapp.outbox import WhatsAppOutbox
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.webhook import MAX_AGE, Incoming, parse_all, signature_ok, verification
from drafting.commands import Command, ParseError
from drafting.commands import parse as parse_command
from drafting.i18n import t
from drafting.model import ChatRef, UserRef
from drafting.replies import Delivery, Outcome, PointCard, Text
from drafting.report import word_template
from drafting.service import DraftingService
from drafting.turn import Context
from storage.store import SqlStoreFactory
from storage.whatsapp_store import WhatsAppStore

log = logging.getLogger("draftbot.whatsapp")


class WhatsAppAdapter:
    platform = PLATFORM

    def __init__(
        self,
        service: DraftingService,
        dispatcher: Dispatcher,
        config: WhatsAppConfig,
        http: HttpServer,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.config = config
        self.clock = clock or service.clock
        self.graph = GraphClient(config)
        self.store = WhatsAppStore(service.stores, config.phone_number_id)  # type: ignore[arg-type]
        self.channel = WhatsAppChannel(
            service, WhatsAppSender(self.graph, config.pacing), self.store, config, self.clock
        )
        stores = service.stores
        assert isinstance(stores, SqlStoreFactory), "the outbox lives in the SQL database"
        self.outbox = WhatsAppOutbox(
            stores,
            self.channel.send_row,
            self.channel.pacer_for,
            language=lambda chat_id: service.language_for(ChatRef(PLATFORM, chat_id, config.phone_number_id)),
        )
        self.channel.outbox = self.outbox
        dispatcher.register(self.channel)
        self.handled = 0  # messages whose effect is committed, for tests and logs
        http.add_post(config.path, self._post)
        http.add_page("GET", config.path, self._verify)

    async def start(self) -> None:
        await self.outbox.start()
        log.info("whatsapp: webhook on %s, phone number id %s", self.config.path, self.config.phone_number_id)

    async def stop(self) -> None:
        await self.outbox.close()
        await self.graph.close()

    async def redraw_stale(self) -> int:
        """Called every ~30 s by `draftbot run`: cards are never edited on WhatsApp, so nothing to
        redraw; the news that waited a minute go now, one message per person."""
        try:
            return await self.channel.digest()
        except Exception:
            log.exception("whatsapp: sending digests failed; trying again next round")
            return 0

    # ---- HTTP ----------------------------------------------------------------------------------

    async def _verify(self, request: web.Request) -> web.Response:
        challenge = verification(dict(request.query), self.config.verify_token)
        if challenge is None:
            return web.Response(status=403, text="wrong verify token")
        return web.Response(text=challenge)

    async def _post(self, request: web.Request) -> web.Response:
        raw = await request.read()
        header = request.headers.get("X-Hub-Signature-256")
        if not header:
            return web.Response(status=401, text="signature missing")
        if not signature_ok(self.config.app_secret, raw, header):
            return web.Response(status=403, text="bad signature")
        try:
            messages, statuses = parse_all(raw)
        except ValueError:
            return web.Response(status=400, text="malformed body")
        now = self.clock()
        if any(m.sent_at is not None and now - m.sent_at > MAX_AGE for m in messages):
            return web.Response(status=403, text="stale body")
        for message in messages:
            if message.phone_number_id != self.config.phone_number_id:
                log.warning("whatsapp: a message for phone number id %s was ignored", message.phone_number_id)
                continue
            try:
                await self._handle(message)
            except Exception:
                log.exception(
                    "whatsapp: handling message %s failed; Meta will deliver it again", message.message_id
                )
                return web.Response(status=500, text="try again")
            self.handled += 1
        for status in statuses:
            if status.status != "failed" or status.phone_number_id != self.config.phone_number_id:
                continue
            try:
                await self.channel.failed(status.message_id, status.code, status.title)
            except Exception:
                log.exception(
                    "whatsapp: a failed status for %s was not handled; Meta will send it again",
                    status.message_id,
                )
                return web.Response(status=500, text="try again")
        return web.Response(text="ok")

    # ---- the work ------------------------------------------------------------------------------

    async def _handle(self, message: Incoming) -> None:
        phone = self.config.phone_number_id
        user = UserRef(PLATFORM, message.user_id, phone, message.name)
        one_to_one = not message.group
        chat = ChatRef(PLATFORM, message.user_id if one_to_one else GROUP + message.group, phone)
        if one_to_one:
            await self.store.heard_from(message.user_id, message.address, self.clock())
        ctx = Context(
            chat, user, prefix="", dedup_key=message.message_id, private=one_to_one, seat=one_to_one
        )
        origin = WhatsAppOrigin(chat, user, message.message_id)
        outcome = await self._ask(ctx, message)
        if one_to_one:
            await self.channel.release(chat)
        if outcome is not None:
            await self.dispatcher.dispatch(outcome, platform=PLATFORM, origin=origin)

    async def _ask(self, ctx: Context, message: Incoming) -> Outcome | None:
        if message.button.startswith((ROW + ":", PAGE + ":")) and not message.group:
            return await self._picked(ctx, message.button)
        if message.kind == "document":
            return await self._document(ctx, message)
        if message.button.startswith(BUTTON + ":"):
            _, point, action = message.button.split(":", 2)
            if action == "object":
                await self.store.ask_reason(message.user_id, int(point))
                card = await self.service.card(int(point))
                lang = await self.service.language_for(ctx.chat)
                label = card.label if card is not None else point
                return Outcome((Delivery(Text(t(lang, "whatsapp.ask_reason", label=label))),))
            return await self.service.press(ctx, int(point), action)
        text = message.text.strip().removeprefix("/").strip()
        if not text:
            return None  # a sticker, a reaction, a location: nothing for the meeting
        if message.reply_to:
            point_id = await self.service.point_for_message(ctx.chat, message.reply_to)
            if point_id is not None and not _is_command(text):
                return await self.service.comment(ctx, point_id, text)
            if point_id is not None:  # "aprobar" in answer to a card means that card's point
                ctx = replace(ctx, thread_point_id=point_id)
        pending = await self.store.pending_reason(message.user_id) if not message.group else None
        if pending is not None and not _is_command(text):
            outcome = await self.service.press(ctx, pending, "object", text)
            await self.store.ask_reason(message.user_id, None)  # once the objection is committed
            return outcome
        if pending is not None:
            await self.store.ask_reason(message.user_id, None)  # a command instead: the question lapses
        outcome = await self.service.handle_text(ctx, text)
        command = parse_command(text)
        listed = outcome.ok and not message.group and isinstance(command, Command) and command.name == "items"
        if listed and await self._list(ctx):
            return None  # the list says it all, and each row leads to the point's card
        return outcome

    # ---- the list of open points ---------------------------------------------------------------

    async def _list(self, ctx: Context, first: int = 0) -> bool:
        """Sends the open points as a list message; False when there are none (the text goes)."""
        found = await open_points(self.service, ctx.chat)
        to = await self.store.address(ctx.chat.chat_id)
        if found is None or not found[1] or first >= len(found[1]) or to is None:
            return False
        shown = page(await self.service.language_for(ctx.chat), found[1], first)
        await self.channel.choices(ctx.chat, shown.body, shown.button, shown.rows, shown.footer)
        return True

    async def _picked(self, ctx: Context, row: str) -> Outcome | None:
        """A row of the list: a point's card, or the next page. A row naming no open point of this
        person's meeting (an old list, a forged reply) is told so and changes nothing."""
        kind, _, value = row.partition(":")
        found = await open_points(self.service, ctx.chat)
        if value.isdigit() and found is not None:
            if kind == PAGE and await self._list(ctx, int(value)):
                return None
            point = next((p for p in found[1] if p.id == int(value)), None) if kind == ROW else None
            if point is not None:
                await self.channel.show(ctx.chat, await self._card(point.id), fresh=True)
                return None
        lang = await self.service.language_for(ctx.chat)
        return Outcome((Delivery(Text(t(lang, "whatsapp.list_unknown"))),), ok=False)

    async def _card(self, point_id: int) -> PointCard:
        card = await self.service.card(point_id)
        assert card is not None  # found open a moment ago; points are withdrawn, never deleted
        return card

    # ---- documents sent to the bot -------------------------------------------------------------

    async def _document(self, ctx: Context, message: Incoming) -> Outcome:
        """A Word template with the caption `plantilla` goes to the core as Telegram's file does; a
        file larger than a template can be is not downloaded (the core refuses it as no .docx)."""
        lang = await self.service.language_for(ctx.chat)
        caption = message.text.strip().removeprefix("/").strip()
        command = parse_command(caption)
        if not (isinstance(command, Command) and command.name == "template" and message.media_id):
            return Outcome((Delivery(Text(t(lang, "whatsapp.documents_accepted"))),), ok=False)
        try:
            media = await self.graph.media(message.media_id)
            content = b""
            if media.size <= word_template.MAX_BYTES:
                content = await self.graph.download(media.url, word_template.MAX_BYTES) or b""
        except GraphError as error:
            log.warning("whatsapp: document %s could not be downloaded: %s", message.media_id, error)
            return Outcome((Delivery(Text(t(lang, "whatsapp.document_failed"))),), ok=False)
        return await self.service.handle_text(replace(ctx, attachment=(message.filename, content)), caption)


def _is_command(text: str) -> bool:
    parsed = parse_command(text)
    return not (isinstance(parsed, ParseError) and parsed.key == "error.unknown_command")
