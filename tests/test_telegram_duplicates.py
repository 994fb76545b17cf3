"""The same update delivered twice, or an edited command, never doubles a point or a position."""

from __future__ import annotations

from bot.telegram import texts
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import PointRow, PositionHistoryRow
from tests.telegram_fake.harness import running_bot, set_up_meeting


async def test_a_command_delivered_twice_creates_one_point(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        update = run.fake.updates[-1]
        before = len(run.fake.texts(chat["id"]))
        run.fake.redeliver(update)
        await run.settle()
        assert await stores.count(PointRow) == 1
        assert len(run.fake.texts(chat["id"])) == before


async def test_a_button_press_delivered_twice_counts_once(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        await run.press(run.user("Panamá"), run.fake.card(chat["id"], 1), "Aprobar")
        run.fake.redeliver(run.fake.updates[-1])
        await run.settle()
        assert await stores.count(PositionHistoryRow) == 1
        assert len([c for c in run.fake.sent("answerCallbackQuery")]) == 1


async def test_the_same_typed_position_delivered_twice_is_taken_once(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        message = await run.say(run.user("Panamá"), chat, "/objetar 1 Falta la OIM.")
        run.fake.redeliver(run.fake.updates[-1])
        await run.settle()
        assert await stores.count(PositionHistoryRow) == 1
        assert len(run.replies_to(message)) == 1


async def test_an_edited_command_is_not_applied_and_its_author_is_told(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        message = await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        await run.say(run.user("México"), chat, "/aprobar 1")
        run.fake.edit(message, "/proponer Agradecer a la Secretaría Técnica y a la OIM.")
        await run.settle()
        assert await stores.count(PointRow) == 1
        assert "y a la OIM" not in run.fake.card(chat["id"], 1)["text"]
        assert texts.say("es", "edit_ignored") in run.replies_to(message)


async def test_an_edited_plain_message_is_ignored_silently(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        message = await run.say(run.user("México"), chat, "Buenos días.")
        before = len(run.fake.texts(chat["id"]))
        run.fake.edit(message, "Buenas tardes.")
        await run.settle()
        assert len(run.fake.texts(chat["id"])) == before
