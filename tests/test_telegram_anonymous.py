"""Anonymous group admins and channels (`sender_chat`) cannot take positions or write texts."""

from __future__ import annotations

from bot.telegram import texts
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import PointRow, PositionHistoryRow
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


async def _meeting(run: BotRun) -> JSON:
    chat = run.fake.group("CRM", supergroup=True)
    await set_up_meeting(run, chat, ["México", "Panamá"])
    await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
    return chat


async def test_an_anonymous_admin_cannot_take_a_position(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting(run)
        card = run.fake.card(chat["id"], 1)
        message = await run.say(run.fake.anonymous_admin(), chat, "/aprobar 1", sender_chat=chat)
        assert run.replies_to(message) == [texts.say("es", "anonymous")]
        assert await stores.count(PositionHistoryRow) == 0
        assert run.fake.card(chat["id"], 1)["text"] == card["text"]


async def test_a_channel_sender_cannot_propose_or_comment(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting(run)
        channel = run.fake.channel("Cancillería de Panamá")
        proposal = await run.say(run.fake.channel_bot(), chat, "/proponer Otro punto.", sender_chat=channel)
        comment = await run.say(
            run.fake.channel_bot(),
            chat,
            "Comentario.",
            sender_chat=channel,
            reply_to=run.fake.card(chat["id"], 1),
        )
        expected = texts.say("es", "channel", name="Cancillería de Panamá")
        assert run.replies_to(proposal) == [expected]
        assert run.replies_to(comment) == [expected]
        assert await stores.count(PointRow) == 1


async def test_an_anonymous_admin_may_still_read_the_list_of_points(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting(run)
        message = await run.say(run.fake.anonymous_admin(), chat, "/puntos", sender_chat=chat)
        (reply,) = run.replies_to(message)
        assert "1. Agradecer a la Secretaría Técnica." in reply


async def test_the_buttons_still_work_for_the_person_behind_an_anonymous_admin(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting(run)
        await run.press(run.user("Panamá"), run.fake.card(chat["id"], 1), "Aprobar")
        assert "✅ aprueba Panamá" in run.fake.card(chat["id"], 1)["text"]
