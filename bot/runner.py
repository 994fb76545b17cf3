"""`draftbot run`: starts every platform adapter whose credentials are set, in one asyncio loop.

Each adapter has `start()` and `stop()`; deliveries for any chat go through one `Dispatcher`, so a
meeting bound to a Telegram group and a Slack channel is served by one process (or by several
processes on one PostgreSQL, each with the same adapters).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Mapping
from typing import Protocol

from bot.dispatch import Dispatcher
from bot.wiring import open_service
from drafting.service import DraftingService

log = logging.getLogger("draftbot.runner")

SWEEP_SECONDS = 30.0


class Adapter(Protocol):
    platform: str

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


def configured_platforms(env: Mapping[str, str]) -> list[str]:
    platforms = []
    if env.get("TELEGRAM_BOT_TOKEN"):
        platforms.append("telegram")
    if env.get("SLACK_BOT_TOKEN") and (env.get("SLACK_SIGNING_SECRET") or env.get("SLACK_APP_TOKEN")):
        platforms.append("slack")
    return platforms


def build_adapters(service: DraftingService, dispatcher: Dispatcher, env: Mapping[str, str]) -> list[Adapter]:
    adapters: list[Adapter] = []
    for platform in configured_platforms(env):
        if platform == "telegram":
            from bot.telegram.adapter import build_telegram

            adapters.append(build_telegram(service, dispatcher, env))
        elif platform == "slack":
            from bot.slack.adapter import build_slack

            adapters.append(build_slack(service, dispatcher, env))
    return adapters


async def sweep_forever(
    service: DraftingService, dispatcher: Dispatcher, every: float = SWEEP_SECONDS
) -> None:
    """Ends silence procedures whose deadline passed. The deadline lives in the database, not in a
    timer, so a restart or a second worker loses nothing."""
    while True:
        try:
            outcome = await service.sweep()
            await dispatcher.dispatch(outcome, platform="system", origin=None)
        except Exception:
            log.exception("silence sweep failed; trying again next round")
        await asyncio.sleep(every)


async def run(env: Mapping[str, str] | None = None, stop: asyncio.Event | None = None) -> int:
    env = dict(os.environ) if env is None else env
    platforms = configured_platforms(env)
    if not platforms:
        print(
            "draftbot run: no platform configured. Set TELEGRAM_BOT_TOKEN (Telegram) and/or "
            "SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode).\n"
            "Without a platform, try `draftbot demo` or `draftbot console`.",
            flush=True,
        )
        return 2
    service, stores = await open_service(env.get("DATABASE_URL"))
    dispatcher = Dispatcher()
    adapters = build_adapters(service, dispatcher, env)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    started: list[str] = []
    sweeper: asyncio.Task[None] | None = None
    try:
        for adapter in adapters:
            await adapter.start()
            started.append(adapter.platform)
        print(
            f"draftbot run: started {', '.join(started)} (database: {stores.engine.url.get_backend_name()})",
            flush=True,
        )
        sweeper = asyncio.create_task(sweep_forever(service, dispatcher))
        await stop.wait()
    finally:
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        for adapter in reversed(adapters):
            if adapter.platform in started:
                with contextlib.suppress(Exception):
                    await adapter.stop()
        await stores.close()
        print("draftbot run: stopped", flush=True)
    return 0
