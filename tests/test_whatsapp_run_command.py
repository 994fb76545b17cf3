"""`draftbot run` with the four WHATSAPP_* settings serves Meta's webhook on its one HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.runner import configured_platforms, run
from bot.settings import Settings
from tests.telegram_fake.harness import free_port
from tests.whatsapp_fake.harness import PHONE_ID, SECRET, TEMPLATES, TOKEN, VERIFY
from tests.whatsapp_fake.server import FakeGraph
from tests.whatsapp_fake.user import Network, Person


def test_whatsapp_is_configured_only_when_all_four_settings_are_present() -> None:
    env = {
        "WHATSAPP_ACCESS_TOKEN": "t",
        "WHATSAPP_PHONE_NUMBER_ID": "1",
        "WHATSAPP_APP_SECRET": "s",
        "WHATSAPP_VERIFY_TOKEN": "v",
    }
    assert configured_platforms(Settings.from_env(env)) == ["whatsapp"]
    for name in env:
        assert configured_platforms(Settings.from_env({k: v for k, v in env.items() if k != name})) == []


async def test_draftbot_run_answers_a_whatsapp_message_through_the_configured_graph_url(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = FakeGraph(TOKEN, PHONE_ID, lambda: datetime.now(UTC), templates={("puntos_nuevos", "es")})
    await graph.start()
    port = free_port()
    env = {
        "WHATSAPP_ACCESS_TOKEN": TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY,
        "WHATSAPP_GRAPH_URL": graph.base_url,
        "WHATSAPP_TEMPLATE_ES": TEMPLATES["es"].name,
        "DRAFTBOT_HTTP_HOST": "127.0.0.1",
        "DRAFTBOT_HTTP_PORT": str(port),
        "DATABASE_URL": sqlite_url,
    }
    stop = asyncio.Event()
    runner = asyncio.create_task(run(env, stop))
    try:
        async with asyncio.timeout(30), aiohttp.ClientSession() as http:
            while True:  # until the server listens and says WhatsApp serves
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                        if answer.status == 200 and "whatsapp" in (await answer.json())["platforms"]:
                            break
                await asyncio.sleep(0.02)
        ana = Person(Network(graph, f"http://127.0.0.1:{port}/whatsapp", SECRET), "Ana", "50255500001")
        await ana.say("ayuda")
        assert ana.statuses == [200]
        async with asyncio.timeout(30):  # the answer goes from the bot's outbox: a guard, not a measure
            while not ana.texts():
                await asyncio.sleep(0.02)
        assert any("unirse" in text for text in ana.texts())
    finally:
        stop.set()
        assert await asyncio.wait_for(runner, 30) == 0
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
        await graph.stop()
    assert "draftbot run: started whatsapp" in capsys.readouterr().out
