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
for (`redraw_stale`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.dispatch import Dispatcher
from bot.http import HttpConfig, HttpServer, database_probe
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


def configured_platforms(env: Mapping[str, str]) -> list[str]:
    platforms = []
    if env.get("TELEGRAM_BOT_TOKEN"):
        platforms.append("telegram")
    if env.get("SLACK_BOT_TOKEN") and (env.get("SLACK_SIGNING_SECRET") or env.get("SLACK_APP_TOKEN")):
        platforms.append("slack")
    from bot.whatsapp.config import whatsapp_configured

    if whatsapp_configured(env):
        platforms.append("whatsapp")
    return platforms


def build_adapters(
    service: DraftingService,
    dispatcher: Dispatcher,
    env: Mapping[str, str],
    http: HttpServer | None = None,
) -> list[Adapter]:
    """The configured adapters; those receiving updates over HTTP add their route to `http`."""
    adapters: list[Adapter] = []
    for platform in configured_platforms(env):
        if platform == "telegram":
            from bot.telegram.adapter import build_telegram

            adapters.append(build_telegram(service, dispatcher, env, http))
        elif platform == "slack":
            from bot.slack.adapter import build_slack

            adapters.append(build_slack(service, dispatcher, env, http))
        elif platform == "whatsapp" and http is not None:
            from bot.whatsapp import build_whatsapp

            adapters.append(build_whatsapp(service, dispatcher, env, http))
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


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        log.warning("%s=%r is not a number of seconds; using %s", name, raw, default)
        return default


async def run(env: Mapping[str, str] | None = None, stop: asyncio.Event | None = None) -> int:
    env = dict(os.environ) if env is None else env
    platforms = configured_platforms(env)
    if not platforms:
        print(
            "draftbot run: no platform configured. Set TELEGRAM_BOT_TOKEN (Telegram) and/or "
            "SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode), "
            "and/or the four WHATSAPP_* settings (see .env.example).\n"
            "Without a platform, try `draftbot demo` or `draftbot console`.",
            flush=True,
        )
        return 2
    binds = HttpConfig.from_env(env).binds  # a malformed port fails here, before anything is opened
    service, stores = await open_service(env.get("DATABASE_URL"))
    dispatcher = Dispatcher()
    http = HttpServer(binds, database=database_probe(stores))
    adapters = build_adapters(service, dispatcher, env, http)
    # Served when a platform posts to it, or when asked for (DRAFTBOT_HTTP_PORT set: a health check for
    # a polling / Socket Mode process, as under docker compose).
    serving = http if http.has_routes or env.get("DRAFTBOT_HTTP_PORT", "").strip() else None
    if serving is None and env.get("DRAFTBOT_PUBLIC_URL", "").strip():
        serving = http  # the meeting's web page was asked for
    if serving is not None:
        mount_web(http, stores, WebConfig.from_env(env, http.port), service.clock)
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
            service.public_url = WebConfig.from_env(env, serving.port).public_url
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
        every = _seconds(env, "DRAFTBOT_SWEEP_SECONDS", SWEEP_SECONDS)
        sweeper = asyncio.create_task(sweep_forever(service, dispatcher, every, adapters))
        await stop.wait()
    finally:
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        if serving is not None:
            with contextlib.suppress(Exception):
                await serving.stop()  # no new requests; those being processed finish
        for adapter in reversed(adapters):
            if adapter.platform in started:
                with contextlib.suppress(Exception):
                    await adapter.stop()
        await stores.close()
        print("draftbot run: stopped", flush=True)
    return 0
