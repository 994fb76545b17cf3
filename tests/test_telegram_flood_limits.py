"""Telegram's flood limits: pacing per chat, 429 retried after `retry_after`, backlogs coalesced."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.telegram.outbox import Limits, Pacer
from drafting.service import DraftingService
from tests.telegram_fake.harness import running_bot, set_up_meeting

# python-telegram-bot itself warns, while building a RetryAfter, that `retry_after` will change type.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def test_a_chat_gets_one_message_a_second() -> None:
    pacer = Pacer(1.0)
    assert pacer.wait_time(100.0) == 0
    pacer.spend(100.0)
    assert pacer.wait_time(100.25) == 0.75
    assert pacer.wait_time(101.0) == 0


def test_a_group_gets_twenty_messages_a_minute() -> None:
    pacer = Pacer(0.0, per_minute=20)
    for second in range(20):
        assert pacer.wait_time(float(second)) == 0
        pacer.spend(float(second))
    assert pacer.wait_time(20.0) == 40.0  # the first of the twenty leaves the window at 60
    assert pacer.wait_time(60.0) == 0


def test_a_429_holds_the_chat_until_retry_after() -> None:
    pacer = Pacer(0.0)
    pacer.hold(130.0)
    assert pacer.wait_time(100.0) == 30.0
    assert pacer.wait_time(130.0) == 0


def test_telegrams_limits_are_the_default() -> None:
    assert Limits() == Limits(chat_interval=1.0, group_per_minute=20, global_per_second=30.0)


async def test_a_429_on_a_message_is_retried_after_retry_after(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        run.fake.fail("sendMessage", times=1, retry_after=1)
        message = await run.say(run.user("México"), chat, "/puntos")
        refused, accepted = run.fake.sent("sendMessage", chat["id"], ok=False)[-2:]
        assert refused.error == 429 and accepted.error is None
        assert accepted.at - refused.at >= 0.95  # it waited retry_after before trying again
        assert len(run.replies_to(message)) == 1


async def test_a_429_on_a_card_edit_is_retried_and_the_card_ends_right(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        run.fake.fail("editMessageText", times=2, retry_after=1)
        await run.press(run.user("Panamá"), run.fake.card(chat["id"], 1), "Aprobar")
        assert "✅ aprueba Panamá" in run.fake.card(chat["id"], 1)["text"]
        assert [c.error for c in run.fake.sent("editMessageText", ok=False)] == [429, 429, None]


async def test_replies_piling_up_for_a_chat_go_out_as_one_message(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        names = ["Canadá", "México", "Panamá", "Honduras"]
        await set_up_meeting(run, chat, names)
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        await run.say(run.user("México"), chat, "/proponer Tomar nota del informe.")
        sends_before = len(run.fake.sent("sendMessage", chat["id"]))
        gate = run.fake.hold("sendMessage")
        run.fake.send(run.user("Canadá"), chat, "/objetar 2 Falta la OIM.")  # its reply is held in flight
        async with asyncio.timeout(10):
            while len(run.fake.sent("sendMessage", chat["id"], ok=False)) == sends_before:
                await asyncio.sleep(0.01)
        # Objections, not abstentions: a typed abstention is acknowledged with a reaction, not a reply.
        for name in names[1:]:
            run.fake.send(run.user(name), chat, f"/objetar 2 Pide {name}.")
        async with asyncio.timeout(10):
            while run.adapter.handled < run.fake.deliveries or len(run.fake.updates) > run.fake.deliveries:
                await asyncio.sleep(0.01)
        gate.set()
        await run.settle()
        sends = run.fake.sent("sendMessage", chat["id"])[sends_before:]
        assert len(sends) == 2, [c.params["text"] for c in sends]
        joined = sends[1].params["text"]
        assert all(f"{name} objeta el punto 2: Pide {name}." in joined for name in names[1:])
        assert "Pide Honduras." in run.fake.card(chat["id"], 2)["text"]


async def test_with_a_chat_interval_no_two_messages_to_a_group_are_closer_than_it(
    service: DraftingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    spent: list[tuple[int, float]] = []
    original = Pacer.spend

    def spend(pacer: Pacer, now: float) -> None:
        spent.append((id(pacer), now))
        original(pacer, now)

    async with running_bot(service) as run:
        chat = run.fake.group()
        names = ["Canadá", "México", "Panamá"]
        await set_up_meeting(run, chat, names)
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        run.adapter.set_limits(Limits(chat_interval=0.5, group_per_minute=0, global_per_second=30.0))
        monkeypatch.setattr(Pacer, "spend", spend)
        group_pacer = id(run.adapter.outbox.lane(chat["id"]).pacer)
        for name in names:
            run.fake.press_button(run.user(name), run.fake.card(chat["id"], 1), "Aprobar")
        await run.settle()
        times = [now for pacer, now in spent if pacer == group_pacer]
        assert len(times) >= 2
        assert all(b - a >= 0.5 for a, b in itertools.pairwise(times))
        assert run.fake.card(chat["id"], 1)["text"].startswith("Punto 1 — adoptado")
