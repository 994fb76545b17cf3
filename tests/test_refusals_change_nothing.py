"""A refused request changes nothing, in any table, and is answered exactly once however often the
platform delivers it."""

from __future__ import annotations

from bot.slack.text import escape
from drafting.i18n import t
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import Room
from tests.kit import set_up_meeting as set_up_room
from tests.slack_fake.harness import MEETING_ES, slack_world
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


async def _one_point(run: BotRun) -> JSON:
    chat = run.fake.group()
    await set_up_meeting(run, chat, ["México", "Panamá"])
    await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
    return chat


async def test_a_strangers_reply_to_a_card_is_refused_and_links_nothing(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = await _one_point(run)
        before = await snapshot(stores)
        hola = await run.say(run.user("Intruso"), chat, "hola", reply_to=run.fake.card(chat["id"], 1))
        assert run.replies_to(hola) == [t("es", "error.not_member", prefix="/")]
        assert await snapshot(stores) == before
        # Had the refused "hola" joined the point's chain, a reply to it would be a comment on point 1.
        answer = await run.say(run.user("Panamá"), chat, "Bienvenido.", reply_to=hola)
        assert run.replies_to(answer) == []
        assert await snapshot(stores) == before


async def test_a_delegates_bad_reply_to_a_card_is_refused_and_links_nothing(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = await _one_point(run)
        before = await snapshot(stores)
        for text in ("Con un \x1b escape.", "x" * 3500):
            bad = await run.say(run.user("Panamá"), chat, text, reply_to=run.fake.card(chat["id"], 1))
            replies = run.replies_to(bad)
            assert len(replies) == 1 and replies[0], f"one answer to {text[:20]!r}: {replies}"
            assert replies[0] != t("es", "point.comment_noted", label="1")
            assert await snapshot(stores) == before, f"{text[:20]!r} changed something"


async def test_a_refused_command_delivered_twice_is_answered_once(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = await _one_point(run)
        refused = await run.say(run.user("Intruso"), chat, "/aprobar 1")
        assert run.replies_to(refused) == [t("es", "error.not_member", prefix="/")]
        before = await snapshot(stores)
        run.fake.redeliver(run.fake.updates[-1])
        await run.settle()
        assert run.replies_to(refused) == [t("es", "error.not_member", prefix="/")]
        assert await snapshot(stores) == before


async def test_a_refused_reply_delivered_twice_is_answered_once(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = await _one_point(run)
        hola = await run.say(run.user("Intruso"), chat, "hola", reply_to=run.fake.card(chat["id"], 1))
        run.fake.redeliver(run.fake.updates[-1])
        await run.settle()
        assert run.replies_to(hola) == [t("es", "error.not_member", prefix="/")]


async def test_the_service_answers_a_repeated_refused_update_once_and_a_new_one_again(any_url: str) -> None:
    stores = await SqlStoreFactory.open(any_url)
    try:
        await _repeated_refusal(DraftingService(stores, clock=FakeClock()))
    finally:
        await stores.close()


async def _repeated_refusal(service: DraftingService) -> None:
    room = Room(service)
    await set_up_room(room, ["México"])
    first = await room.say("stranger", "aprobar 1", dedup_key="update-7")
    assert not first.ok and not first.duplicate and first.texts()
    again = await room.say("stranger", "aprobar 1", dedup_key="update-7")
    assert again.duplicate and again.texts() == []
    other = await room.say("stranger", "aprobar 1", dedup_key="update-8")
    assert not other.ok and other.texts() == first.texts()


async def test_a_strangers_slack_thread_reply_is_refused_once_across_workers_and_changes_nothing(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with slack_world(service) as first, slack_world(service) as second:
        await first.command("U0ST", MEETING_ES)
        await first.command("U0ST", "delegaciones México")
        await first.admit("U0ST", "México", "U0MX")
        await first.command("U0MX", "proponer Agradecer a Honduras.")
        before = await snapshot(stores)
        event = first.sender.message_event("U0XX", "hola", first.channel, thread_ts=first.card("1").ts)
        await first.sender.event(event, event_id="Ev-refused")
        await first.settle()
        refusal = escape(t("es", "error.not_member", prefix="/draft "))
        assert first.fake.ephemerals_for("U0XX") == [refusal]
        assert await snapshot(stores) == before
        # Slack retries the event on another worker: it was answered already.
        await second.sender.event(event, event_id="Ev-refused")
        await second.settle()
        assert second.fake.ephemerals_for("U0XX") == [] and first.fake.ephemerals_for("U0XX") == [refusal]
        assert await snapshot(stores) == before
