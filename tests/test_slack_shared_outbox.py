"""Two Slack workers (two adapters on one database, behind one Slack app) share the outbox: a channel's
posts are sent by the worker holding that channel; when it is killed with a message waiting, the other
takes the channel over and sends it once; the message the dead worker was posting is not posted again,
and whoever asked for it hears it may not have arrived (issue 12's outbox, on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from functools import partial

from bot.dispatch import Dispatcher
from bot.slack.adapter import SlackAdapter
from bot.slack.outbox import key
from drafting.model import ChatRef
from drafting.service import DraftingService
from tests.slack_fake.harness import MEETING_ES, SECRET, SlackWorld, slack_world
from tests.slack_fake.sender import SlackSender

ST, MX = "U0ST", "U0MX"
HELP = "Comandos de draftbot"  # the answer to `ayuda`
MAY_NOT = "puede que no haya llegado"


async def _until(condition: Callable[[], Awaitable[bool] | bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):  # a guard against hangs, not a measure
        while True:
            done = condition()
            if done if isinstance(done, bool) else await done:
                return
            await asyncio.sleep(0.01)


async def test_a_killed_workers_channel_is_taken_over_and_each_message_is_posted_once(
    shared: DraftingService,
) -> None:
    async with slack_world(shared) as a:
        b = SlackAdapter(shared, Dispatcher(), a.adapter.config)  # a second worker, same app
        await b.start()
        b_sender = SlackSender(f"http://127.0.0.1:{b.port}/slack/events", SECRET, team=a.fake.team)
        fake, chat = a.fake, ChatRef("slack", a.channel, a.fake.team)
        assert a.adapter.outbox is not None and b.outbox is not None
        gate = fake.hold("chat.postMessage")
        try:
            await a.sender.command(ST, "ayuda", a.channel)  # answered at once; its post waits in Slack
            await _until(
                lambda: any(HELP in str(c.params.get("text")) for c in fake.calls_to("chat.postMessage"))
            )
            await a.sender.command(ST, MEETING_ES, a.channel)  # its post waits behind, in the outbox
            await _until(lambda: len_waiting(a, chat, 2))
            assert await b.outbox.poll() == 0, "b took a channel a holds"

            await a.adapter.outbox.kill()  # a dies: its lease runs out, nobody renews it
            gate.set()  # the call a was making lands after all (Slack had it)
            async with asyncio.timeout(30):  # a guard against hangs (nobody taking over), not a measure
                await _until(lambda: any(t.startswith("Reunión creada") for t in fake.texts(a.channel)))
                await b.drain()
                await _until(lambda: len_waiting(a, chat, 0))

            texts = fake.texts(a.channel)
            assert sum(HELP in text for text in texts) == 1, "the message a was posting went again"
            assert sum(text.startswith("Reunión creada") for text in texts) == 1
            posts = [c for c in fake.calls_to("chat.postMessage") if HELP in str(c.params.get("text"))]
            assert len(posts) == 1
            told = [e for e in fake.ephemerals_for(ST) if MAY_NOT in e]
            assert len(told) == 1 and HELP in told[0]
            # and b goes on serving the channel: a new request's answer is posted by b
            await b_sender.command(MX, "ayuda", a.channel)
            await b.drain()
            assert sum(HELP in text for text in fake.texts(a.channel)) == 2
        finally:
            gate.set()
            a.adapter.outbox.mine.clear()  # what the dead worker put was sent by b
            await b_sender.close()
            await b.stop()


def posted(world: SlackWorld, n: int) -> bool:
    return sum(HELP in text for text in world.fake.texts(world.channel)) == n


async def len_waiting(world: SlackWorld, chat: ChatRef, n: int) -> bool:
    assert world.adapter.outbox is not None
    return len(await world.adapter.outbox.store.waiting(key(chat))) == n


async def test_two_workers_posting_in_one_channel_keep_slacks_pace_together(shared: DraftingService) -> None:
    """About one chat.postMessage a second per channel, whichever worker's request asked for it."""
    async with slack_world(shared, post_interval=1.0) as a:
        b = SlackAdapter(shared, Dispatcher(), a.adapter.config)
        await b.start()
        b_sender = SlackSender(f"http://127.0.0.1:{b.port}/slack/events", SECRET, team=a.fake.team)
        try:
            for n, (sender, worker) in enumerate(((a.sender, a.adapter), (b_sender, b)) * 2, start=1):
                assert (await sender.command(ST, "ayuda", a.channel)).status == 200
                await _until(partial(posted, a, n))
                await worker.drain()  # its worker has given the channel up: the next one takes it
            posts = [c.at for c in a.fake.calls_to("chat.postMessage")]
            assert len(posts) == 4
            gaps = [later - earlier for earlier, later in itertools.pairwise(posts)]
            assert min(gaps) >= 0.9, gaps  # a lower bound: a loaded machine only widens the gaps
        finally:
            await b_sender.close()
            await b.stop()


async def test_a_card_waiting_for_its_next_edit_does_not_hold_up_the_messages_behind_it(
    service: DraftingService,
) -> None:
    async with slack_world(service, card_edit_interval=10.0) as w:
        await w.command(ST, MEETING_ES)
        await w.command(ST, "delegaciones México, Honduras")
        await w.admit(ST, "México", MX)
        await w.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")
        card = w.card("1")  # drawn just now: its next edit waits up to 10 s
        assert (await w.sender.press(MX, w.channel, card.ts, "approve", "1")).status == 200
        await _until(partial(len_waiting, w, ChatRef("slack", w.channel, w.fake.team), 1))  # its edit waits
        assert (await w.sender.command(ST, "ayuda", w.channel)).status == 200  # its answer comes behind
        await _until(partial(posted, w, 1))
        assert w.fake.calls_to("chat.update") == [], "the answer waited behind the card's edit"
        await w.settle()
        assert len(w.fake.calls_to("chat.update")) == 1
        assert "✅ aprueba México" in w.card("1").block_text()


async def test_a_cards_edit_does_not_wait_behind_messages_waiting_for_the_channels_pace(
    service: DraftingService,
) -> None:
    """Posts go one a second per channel; a card is edited in place (chat.update, not a post), so a
    burst of announcements does not hold the cards back."""
    async with slack_world(service) as w:
        await w.command(ST, MEETING_ES)
        await w.command(ST, "delegaciones México, Honduras")
        await w.admit(ST, "México", MX)
        await w.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")
        card = w.card("1")
        assert w.adapter.outbox is not None
        await w.adapter.drain()  # the channel is given up; its next sender paces posts 20 s apart
        w.adapter.outbox.post_interval = 20.0
        assert (await w.sender.command(ST, "ayuda", w.channel)).status == 200  # waits for the pace
        await _until(partial(len_waiting, w, ChatRef("slack", w.channel, w.fake.team), 1))
        assert (await w.sender.press(MX, w.channel, card.ts, "approve", "1")).status == 200
        await _until(lambda: bool(w.fake.calls_to("chat.update")), timeout=15.0)
        assert not posted(w, 1), "the answer went before its pace allowed"
        assert "✅ aprueba México" in w.card("1").block_text()
