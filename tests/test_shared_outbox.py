"""Two Telegram workers (two `Outbox`es) on one database share each chat's outbox: what one puts while
the other sends to that chat goes out through the other, in order, once; a message a worker was sending
when it died is not sent again, and whoever asked for it hears it may not have arrived (issue 12)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from telegram import Bot

from bot.telegram.outbox import Limits, Outbox, Outgoing
from drafting.i18n import t
from drafting.service import DraftingService
from storage.outbox_store import OutboxStore
from storage.store import SqlStoreFactory
from tests.telegram_fake.harness import running_bot, set_up_meeting
from tests.telegram_fake.server import FakeTelegram

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@asynccontextmanager
async def workers(service: DraftingService, n: int) -> AsyncIterator[tuple[FakeTelegram, list[Outbox]]]:
    fake = FakeTelegram()
    await fake.start()
    bots = [Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) for _ in range(n)]
    outboxes = [Outbox(bot, service, Limits.off()) for bot in bots]
    try:
        for bot in bots:
            await bot.initialize()
        yield fake, outboxes
    finally:
        for outbox in outboxes:
            await outbox.close()
        for bot in bots:
            await bot.shutdown()
        await fake.stop()


async def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):  # a guard against hangs, not a measure
        while not condition():
            await asyncio.sleep(0.01)


async def test_what_a_worker_puts_while_another_sends_to_the_chat_goes_out_through_that_one_in_order(
    service: DraftingService,
) -> None:
    async with workers(service, 2) as (fake, (a, b)):
        chat = fake.group()
        gate = fake.hold("sendMessage")
        await a.put(chat["id"], Outgoing("text", text="primero", notice=True))
        await _until(lambda: len(fake.sent("sendMessage", ok=False)) == 1)  # a is sending to the chat
        await b.put(chat["id"], Outgoing("text", text="segundo", notice=True))
        await b.put(chat["id"], Outgoing("text", text="tercero", notice=True))
        await b.poll()
        assert all(lane.idle for lane in b.lanes.values()), "b sent to a chat a holds"
        assert len(fake.sent("sendMessage", ok=False)) == 1
        gate.set()
        await _until(lambda: fake.texts(chat["id"]) == ["primero", "segundo", "tercero"])
        await _until(lambda: a.idle() and not b.mine)  # sent by a, and b knows it
        assert fake.texts(chat["id"]) == ["primero", "segundo", "tercero"]


async def test_a_message_a_dead_worker_was_sending_is_not_sent_again_and_its_requester_is_told(
    service: DraftingService,
) -> None:
    async with workers(service, 1) as (fake, (live,)):
        chat, asker = fake.group(), fake.user("México")
        fake.start_bot(asker)
        stores = service.stores
        assert isinstance(stores, SqlStoreFactory)
        store = OutboxStore(stores, "telegram")
        # A worker that has since died had put this text, taken it, and was making its call.
        dead = Outgoing("text", text="Puntos de la reunión: …", requester=asker["id"])
        (row,) = await store.put([dead.letter(chat["id"])], datetime.now(UTC))
        assert await store.claim(str(chat["id"]), "dead-worker", 1.0, 4.0) is not None
        await store.take([row])

        assert await live.poll() == 1  # its lease ran out long ago: taken over
        private = asker["id"]
        await _until(lambda: len(fake.texts(private)) == 1)
        await live.drain(30)
        assert fake.texts(chat["id"]) == [], "a message that may have gone out was sent again"
        (copy,) = fake.texts(private)
        assert copy.startswith(t("es", "delivery.copy_doubtful")) and copy.endswith("Puntos de la reunión: …")
        assert await store.waiting(str(chat["id"])) == []


async def test_with_the_outbox_out_of_reach_answers_are_sent_from_memory(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        stores = service.stores
        assert isinstance(stores, SqlStoreFactory)
        async with stores.engine.begin() as conn:
            await conn.execute(text("DROP TABLE outbox"))  # the outbox's rows cannot be written
        asked = await run.say(run.user("México"), chat, "/puntos")
        (answer,) = run.replies_to(asked)
        assert answer.startswith("Aún no hay puntos.")
