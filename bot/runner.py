"""`draftbot run`: starts every platform adapter whose credentials are set, in one asyncio loop.

Each adapter has `start()` and `stop()`; deliveries for any chat go through one `Dispatcher`, so a
meeting bound to a Telegram group and a Slack channel is served by one process (or by several
processes on one PostgreSQL, each with the same adapters).

When a platform receives its updates over HTTP (Telegram webhook, Slack HTTP mode) the process runs one
HTTP server (`bot.http`, DRAFTBOT_HTTP_HOST:DRAFTBOT_HTTP_PORT, default 0.0.0.0:8080) with every such
route and GET /healthz (with DRAFTBOT_HTTP_PORT set, /healthz is served in polling / Socket Mode
too); it starts before the adapters (their routes, and /healthz, answer 503 until every adapter
serves) and stops before them (requests being processed finish first). Every ~30 s
(DRAFTBOT_SWEEP_SECONDS) the process ends due silence procedures and redraws cards an edit was lost
for (`redraw_stale`); every second it sends the replies a dead worker committed but never handed to
its platform (the delivery journal, `Dispatcher.sweep_journal`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.dispatch import Dispatcher
from bot.http import HttpConfig, HttpServer, database_probe
from bot.settings import Settings, SettingsError
from bot.web import WebConfig, mount_web
from bot.wiring import open_service
from drafting.service import DraftingService

log = logging.getLogger("draftbot.runner")

SWEEP_SECONDS = 30.0


class Adapter(Protocol):
    platform: str

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def redraw_stale(self) -> int: ...


def configured_platforms(settings: Settings) -> list[str]:
    platforms = []
    if settings.telegram_enabled:
        platforms.append("telegram")
    if settings.slack_enabled:
        platforms.append("slack")
    if settings.whatsapp_enabled:
        platforms.append("whatsapp")
    return platforms


def build_adapters(
    service: DraftingService,
    dispatcher: Dispatcher,
    settings: Settings,
    http: HttpServer | None = None,
) -> list[Adapter]:
    """The configured adapters; those receiving updates over HTTP add their route to `http`."""
    adapters: list[Adapter] = []
    for platform in configured_platforms(settings):
        if platform == "telegram":
            from bot.telegram.adapter import build_telegram

            adapters.append(build_telegram(service, dispatcher, settings, http))
        elif platform == "slack":
            from bot.slack.adapter import build_slack

            adapters.append(build_slack(service, dispatcher, settings, http))
        elif platform == "whatsapp" and http is not None:
            from bot.whatsapp import build_whatsapp

            adapters.append(build_whatsapp(service, dispatcher, settings, http))
    return adapters


async def sweep_forever(
    service: DraftingService,
    dispatcher: Dispatcher,
    every: float = SWEEP_SECONDS,
    adapters: Sequence[Adapter] = (),
) -> None:
    """Ends silence procedures whose deadline passed, and redraws cards whose last edit was lost. Both
    live in the database, not in a timer or a queue, so a restart or a second worker loses nothing."""
    while True:
        try:
            outcome = await service.sweep()
            await dispatcher.dispatch(outcome, platform="system", origin=None)
        except Exception:
            log.exception("silence sweep failed; trying again next round")
        for adapter in adapters:
            try:
                await adapter.redraw_stale()
            except Exception:
                log.exception("redrawing stale %s cards failed; trying again next round", adapter.platform)
        await asyncio.sleep(every)


async def run(settings: Settings | Mapping[str, str] | None = None, stop: asyncio.Event | None = None) -> int:
    """`settings` as the entry point built them; a mapping (tests) or None (this process's
    environment) is read into settings here, where a malformed value stops before anything opens."""
    if not isinstance(settings, Settings):
        try:
            settings = Settings.from_env(settings)
        except SettingsError as error:
            print(f"draftbot run: {error}", file=sys.stderr, flush=True)
            return 2
    platforms = configured_platforms(settings)
    if not platforms:
        print(
            "draftbot run: no platform configured. Set TELEGRAM_BOT_TOKEN (Telegram) and/or "
            "SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode), "
            "and/or the four WHATSAPP_* settings (see .env.example).\n"
            "Without a platform, try `draftbot demo` or `draftbot console`.",
            flush=True,
        )
        return 2
    http_config = HttpConfig.from_settings(settings)
    service, stores = await open_service(
        settings.database_url or None, templates=settings.templates, journal=True
    )
    dispatcher = Dispatcher(
        digest_window=settings.digest_seconds, journal=service.journal, grace=settings.journal_grace_seconds
    )
    http = HttpServer(http_config.binds, database=database_probe(stores), timing=http_config.timing)
    adapters = build_adapters(service, dispatcher, settings, http)
    # Served when a platform posts to it, or when asked for (DRAFTBOT_HTTP_PORT set: a health check for
    # a polling / Socket Mode process, as under docker compose).
    serving = http if http.has_routes or settings.http_port is not None else None
    if serving is None and settings.public_url:
        serving = http  # the meeting's web page was asked for
    if serving is not None:
        mount_web(http, stores, WebConfig.from_settings(settings, http.port), service.clock)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    started: list[str] = []
    for adapter in adapters:
        http.expect(adapter.platform)
    sweeper: asyncio.Task[None] | None = None
    try:
        if serving is not None:
            await serving.start()
            # `panel` links point here (the bound port is known only now when it was 0).
            service.public_url = WebConfig.from_settings(settings, serving.port).public_url
        for adapter in adapters:
            await adapter.start()
            started.append(adapter.platform)
            http.ready(adapter.platform)
        listening = f"; HTTP on {serving.address}" if serving is not None else ""
        print(
            f"draftbot run: started {', '.join(started)} "
            f"(database: {stores.engine.url.get_backend_name()}{listening})",
            flush=True,
        )
        every = settings.sweep_seconds
        sweeper = asyncio.create_task(sweep_forever(service, dispatcher, every, adapters))
        # Replies a dead worker committed and never handed over, and what it held for company.
        dispatcher.start(min(1.0, settings.journal_grace_seconds / 2))
        await stop.wait()
    finally:
        with contextlib.suppress(Exception):
            await dispatcher.stop()
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        if serving is not None:
            with contextlib.suppress(Exception):
                await serving.stop()  # no new requests; those being processed finish
        with contextlib.suppress(Exception):
            await dispatcher.flush()  # announcements held to share a message go out now
        for adapter in reversed(adapters):
            if adapter.platform in started:
                with contextlib.suppress(Exception):
                    await adapter.stop()
        await stores.close()
        print("draftbot run: stopped", flush=True)
    return 0
