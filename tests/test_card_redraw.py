"""Cards record the version they show; stale ones are redrawn; a first card is posted once per chat.

A change committed whose card edit never happened (the process died in between) leaves the card
message's `shown_version` below its point's `card_version`; `redraw_stale()` — run by each adapter on
start and every ~30 s by `draftbot run` — edits it. Two workers posting the first card of a point in
the same chat at once: the first claim stands, the other deletes its copy and edits the one that stands.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Bot

from bot.dispatch import Dispatcher
from bot.slack.adapter import SlackAdapter
from bot.slack.channel import SlackChannel
from bot.telegram.outbox import Limits, Outbox
from bot.telegram.render import card_text
from drafting.model import ChatRef, UserRef
from drafting.ports import CardMessage
from drafting.service import DraftingService
from drafting.turn import Context
from tests.kit import MEETING
from tests.slack_fake.harness import MEETING_ES, SlackWorld, slack_world
from tests.telegram_fake.harness import running_bot, set_up_meeting
from tests.telegram_fake.server import JSON, FakeTelegram

# ---- Telegram ----------------------------------------------------------------------------------------


def _telegram_ctx(user: JSON, chat: JSON) -> Context:
    return Context(
        chat=ChatRef("telegram", str(chat["id"])),
        user=UserRef("telegram", str(user["id"]), "", user["first_name"]),
        prefix="/",
    )


async def test_an_edit_records_the_version_it_shows(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Tomar nota.")
        assert await service.stale_cards("telegram") == []
        await run.press(run.user("Panamá"), run.fake.card(chat["id"], 1), "Aprobar")
        assert await service.stale_cards("telegram") == []
        (placed,) = await service.card_messages(1)
        card = await service.card(1)
        assert card is not None and placed.shown_version == card.version > 0


async def test_a_change_whose_edit_was_lost_is_redrawn(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Tomar nota.")
        before = run.fake.card(chat["id"], 1)["text"]
        # committed, but no adapter ever saw the outcome (as if the process died right after the commit)
        outcome = await service.press(_telegram_ctx(run.user("Panamá"), chat), 1, "approve")
        assert outcome.ok
        assert [c.point_id for c in await service.stale_cards("telegram")] == [1]
        assert run.fake.card(chat["id"], 1)["text"] == before

        assert await run.adapter.redraw_stale() == 1
        await run.settle()
        card = await service.card(1)
        assert card is not None
        assert run.fake.card(chat["id"], 1)["text"] == card_text(card)
        assert "✅ aprueba Panamá" in card_text(card)
        assert await service.stale_cards("telegram") == []
        assert await run.adapter.redraw_stale() == 0


async def test_a_stale_card_that_already_shows_the_change_is_only_marked(service: DraftingService) -> None:
    """The edit went out but the process died before recording it: Telegram answers "not modified"."""
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Tomar nota.")
        await run.press(run.user("Panamá"), run.fake.card(chat["id"], 1), "Aprobar")
        (placed,) = await service.card_messages(1)
        async with service.stores.transaction() as store:
            await store.save_card_message(
                CardMessage(
                    placed.point_id, placed.chat, placed.message_id, placed.thread_id, shown_version=0
                )
            )
        edits = len(run.fake.sent("editMessageText"))
        assert await run.adapter.redraw_stale() == 1
        await run.settle()
        assert len(run.fake.sent("editMessageText")) == edits  # answered "not modified"
        assert await service.stale_cards("telegram") == []


async def test_two_workers_posting_the_first_card_at_once_leave_one(service: DraftingService) -> None:
    fake = FakeTelegram()
    await fake.start()
    bots = [Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) for _ in range(2)]
    # Leases of no length: each worker takes the chat as if the other's lease had run out mid-call
    # (a stalled worker), the one case where two workers draw in one chat at once.
    outboxes = [Outbox(bot, service, Limits.off(), lease=0.0) for bot in bots]
    try:
        for bot in bots:
            await bot.initialize()
        chat = fake.group()
        st, mx = fake.user("Secretaría"), fake.user("México")
        assert (await service.handle_text(_telegram_ctx(st, chat), MEETING)).ok
        assert (await service.handle_text(_telegram_ctx(st, chat), "delegaciones México")).ok
        invited = await service.handle_text(_telegram_ctx(st, chat), "invitar México")
        code = next(t.split("/join ")[1].split()[0] for t in invited.texts() if "/join " in t)
        assert (await service.handle_text(_telegram_ctx(mx, chat), f"unirse {code}")).ok
        assert (await service.handle_text(_telegram_ctx(mx, chat), "proponer Tomar nota.")).ok
        # both workers decide to post the card before either has recorded it
        gate = fake.hold("sendMessage")
        for i, outbox in enumerate(outboxes, start=1):
            await outbox.lane(chat["id"]).card(1)
            await _until(lambda i=i: len(fake.sent("sendMessage", ok=False)) == i)  # type: ignore[misc]
        gate.set()
        await _until(lambda: len(fake.sent("deleteMessage")) == 1 and fake.in_flight == 0)
        for outbox in outboxes:
            await outbox.drain(30)
        cards = [m for m in fake.bot_messages(chat["id"]) if m.get("text", "").startswith("Punto 1 — ")]
        assert len(cards) == 1
        (placed,) = await service.card_messages(1)
        assert placed.message_id == str(cards[0]["message_id"])
        assert len(fake.sent("deleteMessage")) == 1
        card = await service.card(1)
        assert card is not None and cards[0]["text"] == card_text(card)
    finally:
        for outbox in outboxes:
            await outbox.close()
        for bot in bots:
            await bot.shutdown()
        await fake.stop()


async def test_an_older_edit_landing_on_a_newer_one_is_drawn_again(service: DraftingService) -> None:
    """Worker A reads version 1 and its edit is slow; worker B draws version 2 (and records it); A's edit
    lands on top. A sees a newer version was committed meanwhile and draws it again."""
    fake = FakeTelegram()
    await fake.start()
    bots = [Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) for _ in range(2)]
    a, b = (Outbox(bot, service, Limits.off(), lease=0.0) for bot in bots)  # as in the test above
    try:
        for bot in bots:
            await bot.initialize()
        chat = fake.group()
        st, mx, pa = fake.user("Secretaría"), fake.user("México"), fake.user("Panamá")
        assert (await service.handle_text(_telegram_ctx(st, chat), MEETING)).ok
        assert (await service.handle_text(_telegram_ctx(st, chat), "delegaciones México; Panamá")).ok
        for user, name in ((mx, "México"), (pa, "Panamá")):
            invited = await service.handle_text(_telegram_ctx(st, chat), f"invitar {name}")
            code = next(t.split("/join ")[1].split()[0] for t in invited.texts() if "/join " in t)
            assert (await service.handle_text(_telegram_ctx(user, chat), f"unirse {code}")).ok
        assert (await service.handle_text(_telegram_ctx(mx, chat), "proponer Tomar nota.")).ok
        await a.lane(chat["id"]).card(1)
        await a.drain(30)

        assert (await service.press(_telegram_ctx(mx, chat), 1, "approve")).ok  # version n+1
        slow = fake.hold_next("editMessageText")
        await a.lane(chat["id"]).refresh(1)
        await _until(lambda: len(fake.sent("editMessageText", ok=False)) == 1)  # A's edit is on its way
        assert (await service.press(_telegram_ctx(pa, chat), 1, "abstain")).ok  # version n+2
        await b.lane(chat["id"]).refresh(1)
        await _until(lambda: "➖ se abstiene Panamá" in fake.card(chat["id"], 1)["text"])
        await b.drain(30)
        slow.set()  # A's older edit lands on top of B's
        await _until(lambda: fake.in_flight == 0 and len(fake.sent("editMessageText")) >= 2)

        card = await service.card(1)
        assert card is not None
        assert "➖ se abstiene Panamá" in card_text(card)
        await _until(lambda: fake.card(chat["id"], 1)["text"] == card_text(card))
    finally:
        for outbox in (a, b):
            await outbox.close()
        for bot in bots:
            await bot.shutdown()
        await fake.stop()


async def _until(condition: Any, timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


# ---- Slack ----------------------------------------------------------------------------------------

ST, MX, HN = "U0ST", "U0MX", "U0HN"


async def _slack_meeting(world: SlackWorld) -> None:
    await world.command(ST, MEETING_ES)
    await world.command(ST, "delegaciones México y Honduras")
    await world.admit(ST, "México", MX)
    await world.admit(ST, "Honduras", HN)
    await world.command(MX, "proponer Tomar nota.")


def _slack_ctx(world: SlackWorld, user: str) -> Context:
    return Context(
        chat=ChatRef("slack", world.channel, world.fake.team),
        user=UserRef("slack", user, world.fake.team, user),
        prefix="/draft ",
    )


async def test_slack_records_what_its_cards_show_and_redraws_stale_ones(service: DraftingService) -> None:
    async with slack_world(service) as world:
        await _slack_meeting(world)
        await world.press(HN, "1", "approve")
        assert await service.stale_cards("slack") == []
        # a change committed without its edit (a worker that died after the commit)
        assert (await service.press(_slack_ctx(world, MX), 1, "abstain")).ok
        assert [c.point_id for c in await service.stale_cards("slack")] == [1]
        assert "⏳ pendiente México" in world.card("1").block_text()
        assert await world.adapter.redraw_stale() == 1
        await world.settle()
        card = await service.card(1)
        assert card is not None and card.tally in world.card("1").block_text()
        assert "➖ se abstiene México" in world.card("1").block_text()
        assert await service.stale_cards("slack") == []


async def test_slack_redraws_stale_cards_when_it_starts(service: DraftingService) -> None:
    async with slack_world(service) as world:
        await _slack_meeting(world)
        assert (await service.press(_slack_ctx(world, HN), 1, "approve")).ok
        # another worker starting now (a restart) puts the card right
        config = world.adapter.config
        other = SlackAdapter(service, Dispatcher(), config)
        await other.start()
        try:
            await other.drain()
        finally:
            await other.stop()
        assert "✅ aprueba Honduras" in world.card("1").block_text()
        assert await service.stale_cards("slack") == []


async def test_slack_a_card_posted_twice_keeps_the_first_claim(
    service: DraftingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with slack_world(service) as world:
        await _slack_meeting(world)
        first = world.card("1")
        # a second worker that looked before the first one recorded its card
        other = SlackChannel(service, world.adapter.client, edit_interval=0)

        async def not_yet(chat: ChatRef, point_id: int) -> str | None:
            return None

        monkeypatch.setattr(other, "card_ts", not_yet)
        assert (await service.press(_slack_ctx(world, HN), 1, "approve")).ok
        card = await service.card(1)
        assert card is not None
        await other._put_card(ChatRef("slack", world.channel, world.fake.team), card)
        cards = world.fake.cards(world.channel)
        assert [c.ts for c in cards] == [first.ts]
        assert len(world.fake.calls_to("chat.delete")) == 1
        assert card.tally in cards[0].block_text()
        (placed,) = await service.card_messages(1)
        assert placed.message_id == first.ts and placed.shown_version == card.version


async def test_slack_does_not_update_again_a_card_another_worker_already_drew(
    service: DraftingService,
) -> None:
    async with slack_world(service) as world:
        await _slack_meeting(world)
        await world.press(HN, "1", "approve")
        await world.adapter.drain()
        updates = len(world.fake.calls_to("chat.update"))
        # a second worker hears of the same change (a retried event, say) after the first drew it
        other = SlackChannel(service, world.adapter.client, edit_interval=0)
        await other.show_card(ChatRef("slack", world.channel, world.fake.team), 1)
        await other.drain()
        assert len(world.fake.calls_to("chat.update")) == updates
        assert "✅ aprueba Honduras" in world.card("1").block_text()
        assert await service.stale_cards("slack") == []
