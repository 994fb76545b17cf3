"""The Telegram adapter: draftbot as a bot in Telegram groups, on python-telegram-bot 22.

Configuration (environment):

- `TELEGRAM_BOT_TOKEN` (required): the token from @BotFather.
- `TELEGRAM_BASE_URL`, `TELEGRAM_BASE_FILE_URL`: a custom Bot API server, handed to
  `ApplicationBuilder.base_url` / `base_file_url` (the token is appended, or replaces `{token}`), e.g.
  `http://127.0.0.1:8081/bot` and `http://127.0.0.1:8081/file/bot` for the fake server in
  `tests/telegram_fake`.
- `DATABASE_URL`: read by `draftbot run`, not here.
- Long polling is the default. For a webhook set `TELEGRAM_WEBHOOK_URL` (the public https address
  Telegram posts to) and `TELEGRAM_WEBHOOK_SECRET` (required then; 1-256 of A-Z a-z 0-9 _ -).
  Optional: `TELEGRAM_WEBHOOK_PATH` (default: the path of the URL). Under `draftbot run` the webhook
  is a route on the process's one HTTP server (`bot.http`: `DRAFTBOT_HTTP_HOST:DRAFTBOT_HTTP_PORT`,
  default 0.0.0.0:8080, next to `/healthz` and Slack's `/slack/events`). The old
  `TELEGRAM_WEBHOOK_LISTEN` / `TELEGRAM_WEBHOOK_PORT` (default 0.0.0.0:8443) still work: set, the same
  server listens there too; an adapter started on its own (tests) listens only there.

  The webhook is this adapter's own aiohttp route, not python-telegram-bot's webhook server (which
  answers 200 before the update is processed). A request without the right
  `X-Telegram-Bot-Api-Secret-Token` header gets 403 and is not read; otherwise the update is processed
  (`Application.process_update`: the core commits its effect, with the update id, in one transaction)
  and only then answered 200. A failure answers 500 and a worker not yet started 503, so Telegram
  delivers the update again, maybe to another worker, where the recorded update id makes the repeat a
  no-op. A worker killed mid-update never answered, so nothing acknowledged is ever lost.
  A button press is answered in that same 200 (Telegram makes the `answerCallbackQuery` a webhook's
  answer names in its `method` field: one call per answer, its result never told), which saves a
  request per press; `TELEGRAM_WEBHOOK_ANSWERS=call` answers with a call of its own instead.
- `TELEGRAM_POLL_TIMEOUT`: long-poll seconds (default 25).
- `TELEGRAM_RATE_LIMITS`: `telegram` (default: about 1 message a second per chat, 20 a minute per
  group, 30 a second overall) or `off` (for a local fake server; 429s are still honoured).

What the bot reads, with group privacy mode on: commands (`/propose …`, `/proponer …`,
`/propose@botname …`), replies to its own messages (a reply anywhere in a point card's reply chain is
a comment on that point), messages in a point's forum topic, button presses on cards, and the
service message of a group becoming a supergroup. It keeps no state in python-telegram-bot: every
decision is the core's, in the database; the outbox remembers only which cards to redraw.

Cards survive crashes: every card message records the card version it shows (`shown_version`, set
when it is posted and after every successful edit). On start, and every ~30 s from `draftbot run`,
`redraw_stale()` edits every card that shows less than its point's latest version, so a process killed
between a commit and its card edit leaves no wrong card once a worker runs again. A first card is
claimed (`claim_card_message`): if another worker posted the point's card in that chat first, this
worker deletes its own copy and edits theirs.

Nothing is sent twice or lost without a word (`bot.telegram.outbox`, `bot.telegram.delivery`): a call
Telegram surely did not carry out (a 429, an error it answered, a refused connection) is made again a
bounded number of times; a sendMessage/sendDocument whose answer was lost is not repeated. A message
that cannot go out, or may not have, is told to the user who caused it: privately with its text, or
by a short notice replying to their request. A card post whose answer was lost is posted once more;
the copy that may have landed is found at its first press (`Lane.pressed`): it becomes the card if
none is recorded, else it is deleted.

To play a meeting against a local fake Telegram instead of the real one, see
`python -m tests.telegram_fake --help` (the fake server, and the `draftbot run` line to point at it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Bot, Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.dispatch import Dispatcher
from bot.http import HttpServer, database_probe
from bot.settings import Settings
from bot.telegram.config import TelegramConfig
from bot.telegram.deliveries import Deliveries
from bot.telegram.origin import TelegramOrigin as TelegramOrigin
from bot.telegram.origin import chat_ref as chat_ref
from bot.telegram.origin import user_ref as user_ref
from bot.telegram.outbox import PLATFORM, Limits, Outbox, retry_seconds
from bot.telegram.render import (
    command_menu,
)
from bot.telegram.updates import REPLY, Updates, WebhookReply
from drafting.journal import RequestOrigin
from drafting.model import ChatRef
from drafting.replies import Delivery
from drafting.service import DraftingService

log = logging.getLogger("draftbot.telegram")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# How a typed position is acknowledged: one of the reactions a chat allows unless its admins limit them.
ACK_REACTION = "👍"


class TelegramAdapter:
    """`start()`/`stop()` for `draftbot run`; `deliver()` as the dispatcher's Telegram channel."""

    platform = PLATFORM

    def __init__(
        self,
        service: DraftingService,
        dispatcher: Dispatcher,
        config: TelegramConfig,
        *,
        application: Application[Any, Any, Any, Any, Any, Any] | None = None,
        http: HttpServer | None = None,
    ) -> None:
        """`http`: the process's shared server (`draftbot run`); the webhook route is added to it. Without
        one, webhook mode starts a server of its own on `webhook_listen:webhook_port`."""
        self.service = service
        self.dispatcher = dispatcher
        self.config = config
        self.application = application or self._build_application(config)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.outbox = Outbox(self.bot, service, config.limits, on_migrated=self._moved_by_error)
        self.deliveries = Deliveries(self.outbox, self._acknowledge)
        self.updates = Updates(service, dispatcher, self.outbox, lambda: self.bot, self.move_chat)
        self.handled = 0  # updates taken in; tests wait on it
        self.started = False
        self.accepting = False  # the webhook route processes updates (else 503: Telegram retries)
        self.http = http
        self._own_http: HttpServer | None = None
        self._failed: set[int] = set()  # id() of updates whose handling raised, for the webhook's 500
        if config.webhook and http is not None:
            http.add_post(config.webhook_path, self.webhook)
        dispatcher.register(self)

    @staticmethod
    def _build_application(config: TelegramConfig) -> Application[Any, Any, Any, Any, Any, Any]:
        builder = (
            ApplicationBuilder()
            .token(config.token)
            .base_url(config.base_url)
            .base_file_url(config.base_file_url)
            .concurrent_updates(False)  # one update at a time keeps a chat's commands in order
            .job_queue(None)
        )
        return builder.build()

    @property
    def bot(self) -> Bot:
        bot: Bot = self.application.bot
        return bot

    # ---- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        self.updates.username = app.bot.username or ""
        await self.register_commands()
        await app.start()
        await self.outbox.start()
        if self.config.webhook:
            if self.http is None:
                own = HttpServer(
                    [(self.config.webhook_listen, self.config.webhook_port)],
                    database=database_probe(self.service.stores),
                )
                own.add_post(self.config.webhook_path, self.webhook)
                own.expect(PLATFORM)  # /healthz: 503 until the webhook is set
                await own.start()
                self._own_http = own
            self.accepting = True
            # Every worker registers the same public address; updates not yet confirmed stay queued.
            await self.bot.set_webhook(
                self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
            if self._own_http is not None:
                self._own_http.ready(PLATFORM)
            log.info(
                "telegram: @%s receives updates by webhook at %s",
                self.updates.username,
                self.config.webhook_url,
            )
        else:
            updater = app.updater
            assert updater is not None
            await updater.start_polling(
                timeout=self.config.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
            log.info("telegram: @%s receives updates by long polling", self.updates.username)
        self.started = True
        await self.redraw_stale()

    async def stop(self) -> None:
        app = self.application
        self.accepting = False
        if self._own_http is not None:
            await self._own_http.stop()  # lets requests being processed finish first
            self._own_http = None
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await self.outbox.close()
        await app.shutdown()
        self.started = False

    @property
    def port(self) -> int | None:
        """The port the webhook is served on, once started (None in polling mode)."""
        if not self.config.webhook:
            return None
        server = self._own_http or self.http
        return server.port if server is not None else None

    async def redraw_stale(self) -> int:
        """Edits every card whose message shows less than its point's latest version (an edit lost to
        a crash or a restart); returns how many were found. Safe on several workers at once: the
        second edit of the same content is answered "not modified". First cards whose post failed
        (no message on record) are queued again too."""
        try:
            await self.outbox.repost_unposted()
            stale = await self.service.stale_cards(PLATFORM)
        except Exception:
            log.exception("telegram: could not look for stale cards; trying again later")
            return 0
        for placed in stale:
            with contextlib.suppress(ValueError):
                await self.outbox.lane(int(placed.chat.chat_id)).refresh(placed.point_id)
        if stale:
            log.info("telegram: redrawing %s card(s) that showed an older state", len(stale))
        return len(stale)

    async def register_commands(self) -> None:
        """The command menu in English (default) and Spanish, from the core's command list."""
        try:
            await self.bot.set_my_commands(command_menu("en"))
            await self.bot.set_my_commands(command_menu("es"), language_code="es")
        except TelegramError as error:
            log.warning("telegram: could not register the command menu: %s", error)

    def set_limits(self, limits: Limits) -> None:
        self.outbox.set_limits(limits)

    async def drain(self, timeout: float | None = None) -> None:
        """Waits until every queued message and card edit has been sent."""
        await self.outbox.drain(timeout)

    # ---- updates in ------------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's POST: checked, processed, committed, and only then answered 200."""
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        expected = self.config.webhook_secret
        if not expected or secret is None or not hmac.compare_digest(secret.encode(), expected.encode()):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        if not self.accepting:
            return web.json_response(
                {"ok": False, "error": "starting"}, status=503, headers={"Retry-After": "1"}
            )
        try:
            data = json.loads(await request.read())
            update = Update.de_json(_lean(data), self.bot) if isinstance(data, dict) else None
        except Exception:
            update = None
        if update is None:
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        query = update.callback_query
        reply = WebhookReply(query.id) if query is not None and self.config.answer_in_reply else None
        token = REPLY.set(reply)
        try:
            processed = await self.process(update)
        finally:
            REPLY.reset(token)
        if not processed:
            return web.json_response({"ok": False, "error": "not processed"}, status=500)
        return web.json_response(reply.call if reply is not None and reply.call else {"ok": True})

    async def process(self, update: Update) -> bool:
        """Runs one update through the Application; False if its handling failed (so it is retried)."""
        try:
            await self.application.process_update(update)
        except Exception:
            log.exception("telegram: update %s could not be processed", update.update_id)
            return False
        failed = id(update) in self._failed
        self._failed.discard(id(update))
        return not failed

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            if update.callback_query is not None:
                await self.updates.on_press(update.callback_query)
            elif update.edited_message is not None:
                await self.updates.on_edit(update.edited_message)
            elif update.message is not None:
                await self.updates.on_message(update.message)
        except Exception:
            if self.config.webhook:
                self._failed.add(id(update))
            log.exception("telegram: update %s failed", update.update_id)
        finally:
            self.handled += 1

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: %s", context.error, exc_info=context.error)

    async def _acknowledge(self, chat_id: int, message_id: int) -> bool:
        """👍 on the user's command instead of a new message in the group. False when the chat takes
        no reaction (its admins may allow none): the caller then posts the acknowledgement as text."""
        for _ in range(3):
            try:
                return await self.bot.set_message_reaction(chat_id, message_id, ACK_REACTION)
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
            except TelegramError as error:
                log.info("telegram: no reaction on %s/%s (%s); answering in text", chat_id, message_id, error)
                return False
        return False

    # ---- chats that change id --------------------------------------------------------------------

    async def move_chat(self, old_id: int, new_id: int) -> bool:
        """A group became a supergroup: its meeting, cards and threads follow it to the new id."""
        old, new = chat_ref(old_id), chat_ref(new_id)
        moved = await _move_chat_in_core(self.service, old, new)
        await self.outbox.move(old_id, new_id)
        log.info(
            "telegram: chat %s is now %s (%s)", old_id, new_id, "meeting kept" if moved else "nothing to move"
        )
        return moved

    async def _moved_by_error(self, old_id: int, new_id: int) -> None:
        await _move_chat_in_core(self.service, chat_ref(old_id), chat_ref(new_id))

    # ---- deliveries out (bot/telegram/deliveries.py) -----------------------------------------------

    def batches_ack(self, origin: Any | None) -> bool:
        return self.deliveries.batches_ack(origin)

    def revive(self, origin: RequestOrigin) -> TelegramOrigin | None:
        return self.deliveries.revive(origin)

    async def deliver(self, delivery: Delivery, origin: Any | None) -> None:
        await self.deliveries.deliver(delivery, origin)


# A press brings back the whole card it was made on: its text, entities and keyboard. `Updates.on_press` reads
# only where the card is and who posted it, and turning those parts into PTB objects was most of the
# cost of reading a press.
_CARD_PARTS = frozenset({"text", "entities", "reply_markup", "caption", "caption_entities"})


def _lean(data: dict[str, Any]) -> dict[str, Any]:
    """The update without the parts of a pressed card's message that nothing reads."""
    query = data.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else None
    if isinstance(query, dict) and isinstance(message, dict):
        query["message"] = {k: v for k, v in message.items() if k not in _CARD_PARTS}
    return data


async def _move_chat_in_core(service: DraftingService, old: ChatRef, new: ChatRef) -> bool:
    """Rebinds a chat's meeting, cards and message links to the chat's new id."""
    return await service.move_chat(old, new)


def build_telegram(
    service: DraftingService,
    dispatcher: Dispatcher,
    settings: Settings,
    http: HttpServer | None = None,
) -> TelegramAdapter:
    """What `draftbot run` calls when TELEGRAM_BOT_TOKEN is set; `http` serves the webhook."""
    return TelegramAdapter(service, dispatcher, TelegramConfig.from_settings(settings), http=http)
