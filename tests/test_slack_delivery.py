"""Nothing the core decided to say on Slack is lost: it is delivered, after bounded retries, or the
person whose request caused it is told it was not, and what it said. And a long-running process
does not remember every channel, card and person it ever met.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import bot.slack.channel
import bot.slack.work
from drafting.service import DraftingService
from tests.slack_fake.harness import MEETING_ES, SlackWorld, slack_world

ST, MX, HN = "U0ST", "U0MX", "U0HN"
NOT_POSTED = "no se publicó"


@pytest.fixture
async def world(service: DraftingService) -> AsyncIterator[SlackWorld]:
    async with slack_world(service) as w:
        yield w


async def test_a_message_slack_answers_503_twice_is_posted_on_the_next_try(world: SlackWorld) -> None:
    world.fake.fail_http("chat.postMessage", 503, times=2)
    await world.command(ST, "ayuda")
    assert len(world.fake.calls_to("chat.postMessage")) == 3
    assert len(world.fake.texts(world.channel)) == 1 and "/draft" in world.fake.texts(world.channel)[0]
    assert world.fake.ephemerals_for(ST) == []  # delivered: nothing to apologise for


async def test_a_message_slack_keeps_refusing_is_told_to_the_person_who_caused_it(world: SlackWorld) -> None:
    await world.command(ST, MEETING_ES)
    world.fake.fail_http("chat.postMessage", 500, times=10)
    await world.command(ST, "delegaciones México, Honduras")
    attempts = len(world.fake.calls_to("chat.postMessage"))
    assert 1 < attempts < 10  # tried again, a bounded number of times
    assert not any("Delegaciones miembro" in t for t in world.fake.texts(world.channel))
    told = world.fake.ephemerals_for(ST)
    assert len(told) == 1
    assert NOT_POSTED in told[0] and "Delegaciones miembro (2): México, Honduras." in told[0]


async def test_a_card_that_could_not_be_posted_is_told_to_its_proposer(world: SlackWorld) -> None:
    await world.command(ST, MEETING_ES)
    await world.command(ST, "delegaciones México, Honduras")
    await world.admit(ST, "México", MX)
    world.fake.fail("chat.postMessage", "fatal_error", times=10)
    await world.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")
    assert world.fake.cards(world.channel) == []
    told = [e for e in world.fake.ephemerals_for(MX) if NOT_POSTED in e and "Punto 1" in e]
    assert len(told) == 1
    assert "fatal_error" in told[0] and "Agradecer a Honduras por su hospitalidad." in told[0]


async def test_when_slack_shows_no_ephemeral_the_failure_goes_through_the_response_url(
    world: SlackWorld,
) -> None:
    await world.command(ST, MEETING_ES)
    world.fake.fail("chat.postMessage", "internal_error", times=1)
    world.fake.fail("chat.postEphemeral", "user_not_in_channel", times=1)
    await world.command(ST, "delegaciones México, Honduras")
    told = [r for r in world.fake.responses if NOT_POSTED in str(r.get("text"))]
    assert len(told) == 1 and told[0]["response_type"] == "ephemeral"
    assert "Delegaciones miembro (2)" in told[0]["text"]


async def test_an_english_meeting_hears_of_a_lost_message_in_english(world: SlackWorld) -> None:
    await world.command(
        ST,
        "newmeeting\ntitle: REPORT\nnetwork: Network\nplace: Panama City, Panama\n"
        "date: 2018-07-19\nlanguage: en",
    )
    world.fake.fail("chat.postMessage", "internal_error", times=1)
    await world.command(ST, "delegations Mexico, Honduras")
    told = world.fake.ephemerals_for(ST)
    assert len(told) == 1 and "it was not posted" in told[0] and "Member delegations (2)" in told[0]


async def test_per_process_memory_of_cards_and_names_stays_bounded(
    service: DraftingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.slack.channel, "_SLOTS", 3)
    monkeypatch.setattr(bot.slack.channel, "_CARDS", 3)
    monkeypatch.setattr(bot.slack.work, "_NAMES", 3)
    async with slack_world(service) as w:
        await w.command(ST, MEETING_ES)
        await w.command(ST, "delegaciones México, Honduras")
        await w.admit(ST, "México", MX)
        for n in range(1, 6):
            await w.command(MX, f"proponer Punto número {n}.")
        for n in range(1, 6):
            await w.mention(f"U0PERSON{n}", "ayuda")
        assert len(w.adapter.channel._slots) <= 3
        assert len(w.adapter.channel._cards) <= 3
        assert len(w.adapter.work.names) <= 3
        # what was forgotten is read again from the database: the first card is edited in place
        await w.press(MX, "1", "approve")
        assert len(w.fake.cards(w.channel)) == 5
        assert "✅ aprueba México" in w.card("1").block_text()


async def test_when_the_objection_form_cannot_open_and_no_ephemeral_shows_the_hint_uses_the_response_url(
    world: SlackWorld,
) -> None:
    await world.command(ST, MEETING_ES)
    await world.command(ST, "delegaciones México, Honduras")
    await world.admit(ST, "México", MX)
    await world.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")
    world.fake.fail("views.open", "expired_trigger_id")
    world.fake.fail("chat.postEphemeral", "user_not_in_channel")
    await world.press(MX, "1", "object")
    told = [r for r in world.fake.responses if "/draft objetar 1" in str(r.get("text"))]
    assert len(told) == 1 and told[0]["response_type"] == "ephemeral"
