"""The real Telegram adapter, on the real python-telegram-bot Application, against the fake server.

`running_bot(service)` starts a `FakeTelegram` and a `TelegramAdapter` polling it (or, with
`webhook=True`, receiving its updates by webhook), and yields a `BotRun` whose `say`/`press` push an
update and wait until the bot has handled it and sent everything it had to send.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.dispatch import Dispatcher
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.config import TelegramConfig
from bot.telegram.outbox import Limits
from drafting.service import DraftingService
from tests.kit import MEETING
from tests.telegram_fake.server import JSON, FakeTelegram

SETTLE_TIMEOUT = 30.0  # a guard against hangs, not a measure of anything


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class BotRun:
    fake: FakeTelegram
    adapter: TelegramAdapter
    dispatcher: Dispatcher
    people: dict[str, JSON] = field(default_factory=dict)
    # other platforms' outboxes on the same dispatcher (WhatsApp's): settled means they are idle too
    others: list[Callable[[], bool]] = field(default_factory=list)

    def _idle(self) -> bool:
        outboxes = [self.adapter.outbox.idle, *self.others]
        return self.adapter.handled >= self.fake.deliveries and all(idle() for idle in outboxes)

    async def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Until every pushed update was handled and every resulting message sent."""
        async with asyncio.timeout(timeout):
            while True:
                await self.fake.wait_handed_out(timeout)
                if self._idle():
                    await asyncio.sleep(0)
                    if self._idle():
                        return
                await asyncio.sleep(0.005)

    async def say(self, user: JSON, chat: JSON, text: str, **options: Any) -> JSON:
        message = self.fake.send(user, chat, text, **options)
        await self.settle()
        return message

    async def press(self, user: JSON, message: JSON, label: str) -> JSON:
        query = self.fake.press_button(user, message, label)
        await self.settle()
        return query

    def user(self, name: str) -> JSON:
        if name not in self.people:
            self.people[name] = self.fake.user(name)
        return self.people[name]

    def replies_to(self, message: JSON) -> list[str]:
        """The bot's messages that answer a given message (a reply to it)."""
        chat_id = message["chat"]["id"]
        return [
            m.get("text") or m.get("caption") or ""
            for m in self.fake.bot_messages(chat_id)
            if m.get("reply_to_message", {}).get("message_id") == message["message_id"]
        ]

    def last_text(self, chat: JSON) -> str:
        texts = self.fake.texts(chat["id"])
        return texts[-1] if texts else ""

    def private_texts(self, user: JSON) -> list[str]:
        return self.fake.texts(user["id"])

    async def invite(self, secretariat: JSON, chat: JSON, target: str) -> str:
        """The secretariat asks for a code; it arrives privately; returns it."""
        before = len(self.private_texts(secretariat))
        await self.say(secretariat, chat, f"/invitar {target}")
        for text in self.private_texts(secretariat)[before:]:
            match = re.search(r"/join (\S+)", text)
            if match:
                return match.group(1)
        raise AssertionError(
            f"no code in {self.private_texts(secretariat)[before:]} / {self.fake.texts(chat['id'])[-3:]}"
        )


@asynccontextmanager
async def running_bot(
    service: DraftingService,
    *,
    limits: Limits | None = None,
    webhook: bool = False,
    secret: str = "s3cret-token_for-tests",
    username: str = "draftbot_test_bot",
    dispatcher: Dispatcher | None = None,
    control: bool = False,
    answer_in_reply: bool = True,
) -> AsyncIterator[BotRun]:
    """`dispatcher`: share one with other platforms' adapters for a meeting across platforms.
    `control`: also serve the fake's HTTP control routes (`tests.telegram_fake.control`)."""
    fake = FakeTelegram(username=username)
    if control:
        from tests.telegram_fake.control import add_control

        add_control(fake)
    await fake.start()
    dispatcher = dispatcher or Dispatcher()
    port = free_port() if webhook else 0
    config = TelegramConfig(
        token=fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        webhook_url=f"http://127.0.0.1:{port}/telegram" if webhook else "",
        webhook_secret=secret if webhook else "",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_path="telegram",
        poll_timeout=5,
        limits=limits or Limits.off(),
        answer_in_reply=answer_in_reply,
    )
    adapter = TelegramAdapter(service, dispatcher, config)
    await adapter.start()
    try:
        yield BotRun(fake, adapter, dispatcher)
    finally:
        await adapter.stop()
        await fake.stop()


async def set_up_meeting(run: BotRun, chat: JSON, delegations: list[str], *, rapporteur: bool = True) -> JSON:
    """A meeting in `chat` with these delegations, each with one delegate, and a rapporteur.

    People are in `run.people`: "st", each delegation's name, and "rapporteur". Returns the
    secretariat's user.
    """
    st = run.user("st")
    run.fake.start_bot(st)
    await run.settle()
    await run.say(st, chat, "/" + MEETING)
    await run.say(st, chat, "/delegaciones " + "; ".join(delegations))
    for name in delegations:
        code = await run.invite(st, chat, name)
        await run.say(run.user(name), chat, f"/unirse {code}")
    if rapporteur:
        code = await run.invite(st, chat, "relator")
        await run.say(run.user("rapporteur"), chat, f"/join {code}")
    return st
