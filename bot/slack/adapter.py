"""The Slack adapter: slack-bolt's `AsyncApp`, in HTTP mode (`/slack/events`) or Socket Mode.

Every listener acknowledges first and does its work in a background task after the ack, so Slack
gets its answer within milliseconds: in HTTP mode the answer waits for one short INSERT (the inbox,
below), not for the command's transaction. Before a listener runs, Bolt has
verified the request's signature (v0 HMAC-SHA256, five-minute window) and dropped the bot's own
events; the HTTP handler also refuses a malformed timestamp with 401 before Bolt sees it.

In HTTP mode the common requests are answered before Bolt sees them at all (`_acked_early`): a
correctly signed button press, event, modal submission or slash command from our installation's team is
answered with the empty 200 its listener's `ack()` would give, once its body is written to the inbox
(below), and Bolt dispatches it right after (`_dispatch_soon`). Bolt's dispatch (middleware, listener
matching, arguments built per listener) is most of what a request costs; a burst of presses arrives
at once and each waits for the ones before it, so this is what keeps the ack short under a burst.
Whatever answers with a body (a URL verification, an SSL
check, a refusal for another team) or is not correctly signed still goes through Bolt first.

What people do, and what the core is asked:
- `/draft <command>` (English or Spanish)          → `handle_text`
- `@draftbot <command>`, in a channel or a thread  → `handle_text`; in a card's thread the point is implied
- a plain reply in a card's thread                 → `comment`
- Approve / Abstain buttons                        → `press`
- Object button → modal asking the reason → submit → `press(..., "object", reason)`
- Ad referéndum button → modal asking the date → submit → `press(..., "approve", until_text=date)`

Identity: a channel is (team of this installation, channel id); a person is (their own team, user
id), so someone from another workspace in a shared channel is never taken for a member here. A
request from a team the app is not installed in (compared with auth.test, for every listener kind
and both modes) is refused before any listener runs and writes nothing (bot/slack/trust.py); form
bodies are read there too, since Bolt's parser takes any body containing the word "payload" for an
interactivity payload.

Configuration (environment): SLACK_BOT_TOKEN (xoxb-…, required); SLACK_SIGNING_SECRET for HTTP mode
(path /slack/events); SLACK_APP_TOKEN (xapp-…) for Socket Mode instead; SLACK_API_URL for another Web
API base URL (the fake in tests/slack_fake). The app is installed from bot/slack/manifest.json (scopes,
the /draft command, the events, interactivity); replace its example URLs with the public one.
SLACK_CONCURRENCY (default 16): requests handled at once after their ack, per process (each may hold a
database connection while it runs).

Where HTTP mode listens: under `draftbot run`, /slack/events is a route on the process's one HTTP
server (`bot.http`: DRAFTBOT_HTTP_HOST:DRAFTBOT_HTTP_PORT, default 0.0.0.0:8080, with GET /healthz and
Telegram's webhook), so several identical workers can sit behind one address. The old SLACK_HOST /
SLACK_PORT (default 0.0.0.0:3000) still work: set, the same server listens there too. An adapter
started on its own (tests) serves /slack/events and /healthz on SLACK_HOST:SLACK_PORT.

Several workers: a retried event (X-Slack-Retry-Num) may reach another worker; the core records each
request's id (event_id, trigger_id, action_ts, view id) in the transaction of its effect, so the repeat
changes nothing. What the bot posts in a channel (texts, card posts and edits, files) is a row of the
shared outbox, sent by whichever worker holds the channel's lease at Slack's pace for the channel, and
taken over within 5 s from a worker that dies (bot/slack/outbox.py). Cards record the version they
show; `redraw_stale()` (on start and every ~30 s from `draftbot run`) edits those an edit was lost
for. Slack needs its ack within 3 s, so this adapter acknowledges first and works after; Slack does
not resend an acknowledged request, so in HTTP mode each request answered early is first written to
the database's Slack inbox (one INSERT, after the signature and the team were checked: a forged or
foreign request writes nothing) and deleted once its work is done. A process killed in between leaves
the row, and any worker's sweep (every second or less) dispatches it again through Bolt, without the
signature check (done when it came; its timestamp is stale by then) but through the same team check
and listeners, after DRAFTBOT_JOURNAL_GRACE_SECONDS (bot/slack/inbox.py). A request handled twice so is
never doubled (its request id above). Socket Mode has no inbox: Bolt's Socket Mode handler
acknowledges the envelope when the listener's `ack()` returns, before the work, so Slack does not
deliver it again either, and a process killed in between still loses that request there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.dispatch import Dispatcher
from bot.http import HttpServer, database_probe
from bot.settings import Settings
from bot.slack.blocks import (
    ACTION_PREFIX,
    ACTIONS,
    AD_REFERENDUM,
    AD_REFERENDUM_VIEW,
    OBJECT_VIEW,
)
from bot.slack.bodies import (
    Install,
    authorized_team,
    response_url,
)
from bot.slack.channel import SlackChannel
from bot.slack.config import DEFAULT_API_URL as DEFAULT_API_URL
from bot.slack.config import SlackConfig as SlackConfig
from bot.slack.config import make_client as make_client
from bot.slack.inbox import TICKET, SlackInbox, Ticket
from bot.slack.origin import PLATFORM, SlackOrigin
from bot.slack.outbox import SlackOutbox
from bot.slack.trust import Home, bolt_request, read_body, refusal
from bot.slack.work import PREFIX as PREFIX
from bot.slack.work import SlackWork
from drafting.model import ChatRef, UserRef
from drafting.service import DraftingService
from storage.inbox_store import InboxRecord, InboxStore
from storage.store import SqlStoreFactory

log = logging.getLogger("draftbot.slack")

_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SlackAdapter:
    platform = PLATFORM

    def __init__(
        self,
        service: DraftingService,
        dispatcher: Dispatcher,
        config: SlackConfig,
        *,
        client: AsyncWebClient | None = None,
        http: HttpServer | None = None,
    ) -> None:
        """`http`: the process's shared server (`draftbot run`), given /slack/events in HTTP mode;
        without one, HTTP mode starts a server of its own on `config.host:config.port`."""
        self.service = service
        self.dispatcher = dispatcher
        self.config = config
        self.client = client or make_client(config)
        self.channel = SlackChannel(
            service,
            self.client,
            edit_interval=config.card_edit_interval,
            post_interval=config.post_interval,
        )
        stores = service.stores
        # Every post and card edit is a row of the shared outbox (bot/slack/outbox.py), sent by the
        # worker holding the channel; a database without one (none here) posts at once.
        self.outbox = (
            SlackOutbox(
                stores,
                self.channel.sent_or_told,
                self.channel.doubt,
                self.channel.later,
                post_interval=config.post_interval,
            )
            if isinstance(stores, SqlStoreFactory)
            else None
        )
        self.channel.outbox = self.outbox
        # HTTP mode: what is answered before its work runs is kept until that work is done
        # (bot/slack/inbox.py); Socket Mode is not covered (see the module's docstring).
        self.inbox = (
            SlackInbox(InboxStore(stores), self._again, grace=config.inbox_grace)
            if isinstance(stores, SqlStoreFactory) and not config.socket_mode
            else None
        )
        dispatcher.register(self.channel)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret,
            process_before_response=True,  # listeners only ack and start a task, so this answers at once
            request_verification_enabled=not config.socket_mode,
            name="draftbot",
        )
        self.port: int | None = None  # the bound port once started in HTTP mode
        self._tasks: set[asyncio.Task[None]] = set()
        self._answered: deque[tuple[AsyncBoltRequest, Ticket | None]] = deque()  # to dispatch
        self._pump: asyncio.Task[None] | None = None
        self._limit = asyncio.Semaphore(config.workers)
        self.work = SlackWork(service, dispatcher, self.channel, self.client)
        self.home: Home | None = None  # the installation, from auth.test at start
        self.http = http
        self._own_http: HttpServer | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._verifier = SignatureVerifier(config.signing_secret) if config.signing_secret else None
        self._register()
        if http is not None and not config.socket_mode:
            http.add_post(config.path, self._http)

    # ---- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        identity = await self.client.auth_test()  # a wrong token fails here, not on the first request
        self.home = Home.of(identity.data if isinstance(identity.data, dict) else {})
        log.info("slack: signed in as %s in team %s", identity.get("user_id"), identity.get("team_id"))
        if self.config.socket_mode:
            self._socket = AsyncSocketModeHandler(self.app, self.config.app_token, web_client=self.client)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack: Socket Mode connected")
        elif self.http is None:
            own = HttpServer(
                [(self.config.host, self.config.port)], database=database_probe(self.service.stores)
            )
            own.add_post(self.config.path, self._http)
            await own.start()
            own.ready(PLATFORM)  # signed in above, and the route is live now
            self._own_http = own
            self.port = own.port
            log.info("slack: listening on %s:%s%s", self.config.host, self.port, self.config.path)
        else:
            self.port = self.http.port
        if self.outbox is not None:
            await self.outbox.start()  # finds channels a dead worker left rows in
        if self.inbox is not None:
            self.inbox.start()  # and requests a dead worker answered and never handled
        await self.redraw_stale()

    async def stop(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._own_http is not None:
            await self._own_http.stop()
            self._own_http = None
        try:
            await asyncio.wait_for(self.drain(), timeout=10)
        except TimeoutError:
            for task in list(self._tasks):
                task.cancel()
        if self.inbox is not None:
            await self.inbox.stop()  # what was not handled stays for the other workers' sweeps
        if self.outbox is not None:
            await self.outbox.close()  # what is left stays for the other workers

    async def drain(self) -> None:
        """Waits until every acknowledged request has been handled and its answers delivered."""
        while self._tasks or self.channel.busy():
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
            await self.channel.drain()
        if self.inbox is not None:
            await self.inbox.flush()

    async def redraw_stale(self) -> int:
        """Edits every card whose message shows less than its point's latest version (an edit lost to
        a crash or a restart); returns how many were found."""
        try:
            stale = await self.service.stale_cards(PLATFORM)
        except Exception:
            log.exception("slack: could not look for stale cards; trying again later")
            return 0
        for placed in stale:
            try:
                await self.channel.show_card(placed.chat, placed.point_id)
            except Exception:  # this card waits for the next round; the others go on
                log.exception("slack: redrawing the card of point %s failed", placed.point_id)
        if stale:
            log.info("slack: redrawing %s card(s) that showed an older state", len(stale))
        return len(stale)

    # ---- HTTP mode ------------------------------------------------------------------------------

    async def _http(self, request: web.Request) -> web.Response:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        if timestamp is not None and not _TIMESTAMP.fullmatch(timestamp):
            return _unauthorised()  # Bolt's verifier would fail on int("…") with a 500
        raw = await request.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _unauthorised()
        incoming = bolt_request(text, request.query_string, request.headers, request.content_type)
        if self._acked_early(incoming, timestamp, request.headers.get("X-Slack-Signature")):
            # Written before the answer: Slack never sends an acknowledged request again.
            ticket = await self.inbox.keep(request.content_type, text) if self.inbox is not None else None
            self._dispatch_soon(incoming, ticket)
            return web.Response(status=200)  # what `ack()` answers
        response = await self.app.async_dispatch(incoming)
        content_type = response.headers.pop("content-type", ["text/plain"])[0]
        return web.Response(
            status=response.status,
            body=response.body.encode("utf-8"),
            headers={"Content-Type": content_type},
        )

    def _acked_early(self, incoming: AsyncBoltRequest, timestamp: str | None, signature: str | None) -> bool:
        """True for a request whose answer is an empty 200 whatever Bolt makes of it: correctly signed
        (Bolt's own check, done here once more), from our installation, and of a kind every listener of
        which only acks. The rest go through Bolt before they are answered."""
        if self.home is None or self._verifier is None or timestamp is None or signature is None:
            return False
        if not self._verifier.is_valid(incoming.raw_body, timestamp, signature):
            return False
        body = incoming.body
        if body.get("type") in ("block_actions", "view_submission", "event_callback"):
            return self.home.serves(incoming.context)
        if "command" in body and body.get("ssl_check") is None:
            return self.home.serves(incoming.context)
        return False

    async def _dispatch(self, incoming: AsyncBoltRequest, ticket: Ticket | None = None) -> None:
        """Bolt's handling of a request already answered: its listener's ack goes nowhere. Its inbox
        row (`ticket`) goes when the work the listener started is done (`_guarded`), or here when no
        listener started any."""
        if ticket is not None:
            incoming.context[TICKET] = ticket  # read by `_spawn`, from the listener's context
        try:
            response = await self.app.async_dispatch(incoming)
        finally:
            if ticket is not None and not ticket.taken and self.inbox is not None:
                self.inbox.finished(ticket)
        if response.status != 200:
            log.warning("slack: a request answered early was %s for Bolt", response.status)

    def _again(self, record: InboxRecord) -> None:
        """A request a worker answered and did not handle (it died), dispatched again through Bolt
        with the same middleware (our installation only) and listeners. Its signature was verified
        when it came and its timestamp is stale now, so it goes as a request Bolt does not verify:
        one whose transport authenticated it (`mode="socket_mode"`, which only skips that check)."""
        body = read_body(record.body, record.content_type)
        incoming = AsyncBoltRequest(body=body, mode="socket_mode")
        incoming.raw_body = record.body
        self.work.seen.pop(str(body.get("event_id") or ""), None)  # this process may have seen it
        self._dispatch_soon(incoming, Ticket(record.id, again=True))

    # ---- listeners: ack, then a task ------------------------------------------------------------

    def _register(self) -> None:
        self.app.use(self._only_our_installation)
        # Bolt tries the listeners in this order until one matches, building each one's arguments
        # anew (a fair part of what a request costs before its ack): buttons come first, as they come
        # in bursts (a card's presses) and Slack waits for each ack.
        pressed = "|".join((*ACTIONS, AD_REFERENDUM))
        self.app.action(re.compile(rf"^{ACTION_PREFIX}({pressed})$"))(self._on_action)
        self.app.command(self.config.command)(self._on_command)
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.app.view(OBJECT_VIEW)(self._on_view)
        self.app.view(AD_REFERENDUM_VIEW)(self._on_view)

    async def _only_our_installation(
        self,
        body: dict[str, Any],
        context: AsyncBoltContext,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        """Every listener kind, in HTTP and Socket Mode, passes here after the signature check: a
        request from a team this app is not installed in is answered and goes no further."""
        home = self.home or Home(authorized_team(context))
        if home.serves(context):
            return await next()
        log.warning("slack: refused a request from team %s (installed in %s)", context.team_id, home.team)
        answer, aside = refusal(body, context)
        url = response_url(body)
        if aside is not None and url is not None:
            person = UserRef(PLATFORM, str((body.get("user") or {}).get("id") or ""), context.team_id or "")
            origin = SlackOrigin(ChatRef(PLATFORM, "", context.team_id or ""), person, response_url=url)
            self._spawn(self._tell_refused(origin, aside))
        return answer

    async def _tell_refused(self, origin: SlackOrigin, text: str) -> None:
        await self.channel.respond(origin, text, ephemeral=True)

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        self._spawn(self.work.command(body, Install.of(context, self.home)), context)

    async def _on_mention(self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        self._spawn(self.work.mention(body, Install.of(context, self.home)), context)

    async def _on_message(self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        self._spawn(self.work.message(body, Install.of(context, self.home)), context)

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        self._spawn(self.work.action(body, Install.of(context, self.home)), context)

    async def _on_view(self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()  # closes the modal; the answer comes as a message
        self._spawn(self.work.view(body, Install.of(context, self.home)), context)

    def _dispatch_soon(self, incoming: AsyncBoltRequest, ticket: Ticket | None) -> None:
        """Bolt's dispatch of requests answered early, one after the other in one task. Under a burst
        the answers still to send wait for their inbox row's INSERT, which waits for its turn on the
        loop: one dispatch between two turns, not one per request answered so far."""
        self._answered.append((incoming, ticket))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._dispatch_all())
            self._tasks.add(self._pump)
            self._pump.add_done_callback(self._tasks.discard)

    async def _dispatch_all(self) -> None:
        while self._answered:
            incoming, ticket = self._answered.popleft()
            await self._logged(self._dispatch(incoming, ticket))
            await asyncio.sleep(0)  # what waits for the loop (answers, their INSERT) goes first

    async def _logged(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("slack: handling a request failed")

    def _spawn(self, work: Coroutine[Any, Any, None], context: AsyncBoltContext | None = None) -> None:
        """`context`: the listener's, whose request's inbox row goes when this work is done."""
        ticket = context.get(TICKET) if context is not None else None
        if isinstance(ticket, Ticket):
            ticket.taken = True
        else:
            ticket = None
        task = asyncio.get_running_loop().create_task(self._guarded(work, ticket))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, work: Coroutine[Any, Any, None], ticket: Ticket | None = None) -> None:
        async with self._limit:
            try:
                await work
            except Exception:
                log.exception("slack: handling a request failed")
                if ticket is not None and self.inbox is not None:
                    self.inbox.failed(ticket)  # tried again by a sweep, a few times
                return
        if ticket is not None and self.inbox is not None:
            self.inbox.finished(ticket)


def _unauthorised() -> web.Response:
    return web.json_response({"error": "invalid request"}, status=401)


def build_slack(
    service: DraftingService,
    dispatcher: Dispatcher,
    settings: Settings,
    http: HttpServer | None = None,
) -> SlackAdapter:
    """What `draftbot run` calls when SLACK_BOT_TOKEN (and a secret or an app token) are set; `http`
    serves /slack/events in HTTP mode."""
    return SlackAdapter(service, dispatcher, SlackConfig.from_settings(settings), http=http)
