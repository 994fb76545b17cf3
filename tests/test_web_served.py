"""The page is served by `draftbot run` on its one HTTP port, and by `draftbot serve` for the demo."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, redirect_stdout
from pathlib import Path

import aiohttp

from bot.runner import run
from bot.web.serve import serve
from tests.kit import MEETING
from tests.processes import free_port, until
from tests.telegram_fake.server import FakeTelegram
from tests.webkit import LINK


@asynccontextmanager
async def stopping(task_of: object) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(task_of(stop))  # type: ignore[operator]
    try:
        yield stop
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 60) == 0
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)


async def test_draftbot_run_serves_the_page_on_its_port_with_links_on_the_public_url(sqlite_url: str) -> None:
    telegram = FakeTelegram()
    await telegram.start()
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "TELEGRAM_BASE_FILE_URL": telegram.base_file_url,
        "TELEGRAM_RATE_LIMITS": "off",
        "DRAFTBOT_HTTP_HOST": "127.0.0.1",
        "DRAFTBOT_PUBLIC_URL": f"https://draftbot.example.org:{port}",
        "DRAFTBOT_HTTP_PORT": str(port),
        "DATABASE_URL": sqlite_url,
    }
    try:
        async with stopping(lambda stop: run(env, stop)):
            chat, st = telegram.group(), telegram.user("Secretaría")
            telegram.start_bot(st)
            telegram.send(st, chat, "/" + MEETING)
            await until(lambda: any("Reunión creada" in t for t in telegram.texts(chat["id"])), "the meeting")
            telegram.send(st, chat, "/panel")
            await until(lambda: any("/m/1/t/" in t for t in telegram.texts(st["id"])), "the private link")
            (link,) = [m.group(0) for t in telegram.texts(st["id"]) if (m := LINK.search(t))]
            assert link.startswith(f"https://draftbot.example.org:{port}/m/1/t/")
            local = link.replace(f"https://draftbot.example.org:{port}", f"http://127.0.0.1:{port}")
            async with (
                aiohttp.ClientSession() as session,
                session.get(local, allow_redirects=False) as answer,
            ):
                assert answer.status == 303
                cookie = answer.headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie  # https outside: the cookie says so
    finally:
        await telegram.stop()


async def test_draftbot_serve_prints_a_one_time_link_to_the_demo_meeting(tmp_path: Path) -> None:
    printed = io.StringIO()
    with redirect_stdout(printed):
        async with stopping(lambda stop: serve(tmp_path, port=0, stop=stop)):
            await until(lambda: "/m/1/t/" in printed.getvalue(), "the link", timeout=120)
            link = re.search(r"http://127\.0\.0\.1:\d+/m/1/t/\S+", printed.getvalue())
            assert link is not None
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as browser, browser.get(link.group(0)) as page:
                assert page.status == 200
                html = await page.text()
    assert "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE" in html
    assert "Secretaría Técnica" in html and 'id="final-download"' in html
    assert "Ctrl+C" in printed.getvalue()
