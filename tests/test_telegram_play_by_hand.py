"""Playing a meeting from another terminal: the fake server's control routes and its command line."""

from __future__ import annotations

import asyncio
import io

import pytest
from docx import Document as open_docx

from drafting.service import DraftingService
from tests.telegram_fake.__main__ import main
from tests.telegram_fake.control import HttpDriver
from tests.telegram_fake.harness import running_bot
from tests.telegram_fake.scenario import play_meeting


async def test_the_scripted_meeting_plays_over_http_against_a_running_bot(service: DraftingService) -> None:
    async with running_bot(service, control=True) as run, HttpDriver(run.fake.url, quiet=0.05) as driver:
        await driver.connect(wait=10)
        played = await play_meeting(driver)
        text = "\n".join(p.text for p in open_docx(io.BytesIO(played.final)).paragraphs)
        assert all(point[:60] in text for point in played.adopted)


async def test_say_and_log_on_the_command_line_talk_to_the_bot(
    service: DraftingService, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running_bot(service, control=True) as run:
        url = run.fake.url
        assert await asyncio.to_thread(main, ["say", "--url", url, "--as", "Ana", "/ayuda"]) == 0
        # `say` waits for a quiet spell, a person's measure; on a loaded machine the answer may come
        # later, so the test waits for the bot itself to be done before reading the log
        await run.settle()
        assert await asyncio.to_thread(main, ["log", "--url", url]) == 0
        out = capsys.readouterr().out
        assert "sent #1" in out
        assert "#2" in out  # the bot's answer, printed by `log`
        (group,) = [chat for chat in run.fake.chats.values() if chat["type"] == "group"]
        assert run.fake.texts(group["id"])[0].splitlines()[0] in out
