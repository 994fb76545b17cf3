"""A button press in webhook mode is answered inside the webhook's 200 (issue 12): Telegram makes the one
Bot API call a webhook's answer names in its `method` field, so the press needs no request of its own.
The fake does what Telegram does with such an answer; `TELEGRAM_WEBHOOK_ANSWERS=call` keeps the call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from drafting.service import DraftingService
from tests.processes import free_port, until
from tests.telegram_fake.harness import running_bot, set_up_meeting
from tests.telegram_fake.server import JSON, FakeTelegram


async def test_a_pressed_button_is_answered_in_the_webhooks_200_without_a_call_of_its_own(
    service: DraftingService,
) -> None:
    async with running_bot(service, webhook=True) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        query = await run.press(run.user("México"), run.fake.card(chat["id"], 1), "Aprobar")
        answers = run.fake.sent("answerCallbackQuery")
        assert [(c.params["callback_query_id"], c.in_reply) for c in answers] == [(query["id"], True)]
        answered = run.fake.callbacks[query["id"]]
        assert answered["answered"] and "México aprueba el punto 1." in answered["answer"]["text"]


async def test_with_answers_by_call_a_press_is_answered_by_its_own_request(service: DraftingService) -> None:
    async with running_bot(service, webhook=True, answer_in_reply=False) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        query = await run.press(run.user("México"), run.fake.card(chat["id"], 1), "Aprobar")
        answers = run.fake.sent("answerCallbackQuery")
        assert [(c.params["callback_query_id"], c.in_reply) for c in answers] == [(query["id"], False)]
        assert run.fake.callbacks[query["id"]]["answered"]


@asynccontextmanager
async def hook(fake: FakeTelegram, answer: Any, status: int = 200) -> AsyncIterator[list[JSON]]:
    """A webhook that answers every update with `answer` (a JSON body) and this status."""
    got: list[JSON] = []

    async def receive(request: web.Request) -> web.Response:
        got.append(await request.json())
        return web.json_response(answer, status=status)

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    fake.webhook = {"url": f"http://127.0.0.1:{port}/hook", "secret_token": ""}
    try:
        yield got
    finally:
        await runner.cleanup()


async def test_the_fake_makes_the_call_a_webhooks_200_names_once_and_tells_the_bot_nothing() -> None:
    fake = FakeTelegram(webhook_retry=0.2)
    await fake.start()
    try:
        chat, user = fake.group(), fake.user("Ana")
        fake.started.add(user["id"])
        reply = {"method": "sendMessage", "chat_id": chat["id"], "text": "hola"}
        async with hook(fake, reply) as got:
            fake.send(user, chat, "uno")
            await until(lambda: len(fake.sent("sendMessage")) == 1, "the call in the reply", timeout=10)
            assert [m["text"] for m in fake.bot_messages(chat["id"])] == ["hola"]
            assert got[0]["message"]["text"] == "uno" and fake.sent("sendMessage")[0].in_reply
        # an error in the named call is nobody's business but the fake's: the update stays answered
        async with hook(fake, {"method": "answerCallbackQuery", "callback_query_id": "nope"}):
            fake.send(user, chat, "dos")
            await until(
                lambda: len(fake.sent("answerCallbackQuery", ok=False)) == 1,
                "the call in the reply",
                timeout=10,
            )
            assert fake.sent("answerCallbackQuery", ok=False)[0].error == 400
            assert not fake.unacknowledged()
        # no call without a 200, nor without a method
        for answer, status in ((reply, 500), ({"ok": True}, 200)):
            async with hook(fake, answer, status):
                fake.send(user, chat, "tres")
                await asyncio.sleep(0.3)
        assert len(fake.sent("sendMessage")) == 1
    finally:
        await fake.stop()


def test_answers_by_call_come_from_the_environment() -> None:
    from bot.telegram.config import TelegramConfig

    base = {"TELEGRAM_BOT_TOKEN": "1:x"}
    assert TelegramConfig.from_env(base).answer_in_reply
    assert not TelegramConfig.from_env({**base, "TELEGRAM_WEBHOOK_ANSWERS": "call"}).answer_in_reply
