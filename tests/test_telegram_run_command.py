"""`draftbot run` with TELEGRAM_BOT_TOKEN and TELEGRAM_BASE_URL set starts Telegram against that server."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import pytest

from bot.runner import run
from tests.kit import MEETING
from tests.telegram_fake.server import FakeTelegram


async def test_draftbot_run_serves_a_group_through_the_configured_bot_api_server(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeTelegram()
    await fake.start()
    env = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "TELEGRAM_BASE_FILE_URL": fake.base_file_url,
        "TELEGRAM_RATE_LIMITS": "off",
        "TELEGRAM_POLL_TIMEOUT": "5",
        "DATABASE_URL": sqlite_url,
    }
    stop = asyncio.Event()
    runner = asyncio.create_task(run(env, stop))
    try:
        chat = fake.group()
        st = fake.user("Secretaría")
        fake.send(st, chat, "/" + MEETING)
        async with asyncio.timeout(30):
            while not any(text.startswith("Reunión creada") for text in fake.texts(chat["id"])):
                await asyncio.sleep(0.02)
        assert fake.commands["es"] and fake.commands[""]
    finally:
        stop.set()
        assert await asyncio.wait_for(runner, 30) == 0
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
        await fake.stop()
    out = capsys.readouterr().out
    assert "draftbot run: started telegram" in out
