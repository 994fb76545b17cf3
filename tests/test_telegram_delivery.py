"""Nothing the bot decided to send is lost without a word, and nothing Telegram may have taken is sent twice.

The fake server makes Telegram refuse a call N times (`fail`, as a 500: it did nothing) or take a
sendMessage and then drop the connection unanswered (`lose_answer`: the bot cannot know it arrived).
"""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot.telegram.delivery import surely_not_sent
from bot.telegram.outbox import REMEMBERED, Limits, Outbox
from drafting.i18n import t
from drafting.service import DraftingService
from tests.telegram_fake.harness import free_port, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON, TOKEN, FakeTelegram

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

RETRIES = Limits.off().retries  # attempts the outbox makes of a call Telegram refused


def card_messages(run_fake_messages: list[JSON], label: int) -> list[JSON]:
    return [m for m in run_fake_messages if m.get("text", "").startswith(f"Punto {label} — ")]


async def test_a_reply_telegram_refused_a_few_times_is_made_again_and_arrives_once(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        run.fake.fail("sendMessage", times=RETRIES - 1, code=500, chat_id=chat["id"])
        asked = await run.say(run.user("México"), chat, "/puntos")
        assert len(run.replies_to(asked)) == 1
        assert [c.error for c in run.fake.sent("sendMessage", chat["id"], ok=False)][-RETRIES:] == [
            *([500] * (RETRIES - 1)),
            None,
        ]


async def test_a_reply_that_never_gets_into_the_group_reaches_whoever_asked_privately(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México"])  # the secretariat has a private chat with the bot
        run.fake.fail("sendMessage", times=RETRIES, code=500, chat_id=chat["id"])
        asked = await run.say(st, chat, "/puntos")
        assert run.replies_to(asked) == []
        copy = run.private_texts(st)[-1]
        assert copy.startswith(t("es", "delivery.copy_failed"))
        # The copy holds the very reply the group should have had, as asking again shows.
        again = await run.say(st, chat, "/puntos")
        (reply,) = run.replies_to(again)
        assert copy.endswith("\n\n" + reply)


async def test_without_a_private_chat_the_asker_finds_a_notice_under_their_request(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        mexico = run.user("México")  # never opened a private chat with the bot
        run.fake.fail("sendMessage", times=RETRIES, code=500, chat_id=chat["id"])
        asked = await run.say(mexico, chat, "/puntos")
        assert run.replies_to(asked) == [t("es", "delivery.here_failed")]


async def test_a_reply_telegram_took_without_answering_is_not_posted_twice_and_the_asker_knows(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México"])
        run.fake.lose_answer("sendMessage", chat_id=chat["id"])
        asked = await run.say(st, chat, "/puntos")
        assert len(run.replies_to(asked)) == 1
        assert run.private_texts(st)[-1].startswith(t("es", "delivery.copy_doubtful"))


async def test_a_card_copy_whose_post_lost_its_answer_is_retired_at_its_first_press(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        run.fake.lose_answer("sendMessage", chat_id=chat["id"], starts="Punto 1 — ")
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        lost, *_ = card_messages(run.fake.bot_messages(chat["id"]), 1)
        await run.press(run.user("Panamá"), lost, "Aprobar")
        (card,) = card_messages(run.fake.bot_messages(chat["id"]), 1)
        assert "✅ aprueba Panamá" in card["text"]
        assert card["reply_markup"]["inline_keyboard"]  # the card that stays still takes positions


async def test_a_card_the_bot_lost_track_of_becomes_the_card_when_pressed(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        run.fake.lose_answer("sendMessage", times=2, chat_id=chat["id"], starts="Punto 1 — ")
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        first, *_ = card_messages(run.fake.bot_messages(chat["id"]), 1)
        await run.press(run.user("Panamá"), first, "Aprobar")
        assert "✅ aprueba Panamá" in run.fake.messages[(chat["id"], first["message_id"])]["text"]
        # Once found, it is the card: the next position shows there too.
        await run.press(run.user("México"), first, "Aprobar")
        assert "✅ aprueba México" in run.fake.messages[(chat["id"], first["message_id"])]["text"]


async def test_a_private_code_that_cannot_be_sent_is_owned_up_to_in_the_group(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México"], rapporteur=False)
        await run.say(st, chat, "/delegaciones México, Panamá")
        run.fake.fail("sendMessage", times=RETRIES, code=500, chat_id=st["id"])
        asked = await run.say(st, chat, "/invitar Panamá")
        assert run.replies_to(asked) == [t("es", "delivery.private_failed")]


async def test_a_code_whose_private_send_lost_its_answer_is_not_sent_twice(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México"], rapporteur=False)
        await run.say(st, chat, "/delegaciones México, Panamá")
        before = len(run.private_texts(st))
        run.fake.lose_answer("sendMessage", chat_id=st["id"])
        asked = await run.say(st, chat, "/invitar Panamá")
        codes = [text for text in run.private_texts(st)[before:] if "/join " in text]
        assert len(codes) == 1
        assert run.replies_to(asked) == [t("es", "delivery.private_doubtful")]


async def test_a_document_telegram_took_without_answering_is_not_sent_twice(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        run.fake.lose_answer("sendDocument", chat_id=chat["id"])
        asked = await run.say(run.user("rapporteur"), chat, "/compilar")
        assert len(run.fake.documents(chat["id"])) == 1
        assert t("es", "delivery.here_doubtful") in run.replies_to(asked)


async def test_the_outbox_remembers_a_bounded_number_of_cards_topics_and_chats(
    service: DraftingService,
) -> None:
    outbox = Outbox(Bot(TOKEN), service, Limits.off())
    lane = outbox.lane(-100)
    for point in range(3 * REMEMBERED):
        lane.posted.add(point)
        lane.topics[point] = point
        lane.topic_names[point] = str(point)
    for chat_id in range(1, 3 * REMEMBERED):
        outbox.lane(chat_id)
        outbox.chat_moved(-chat_id - 10**9, chat_id)
    assert len(lane.posted) <= REMEMBERED
    assert len(lane.topics) <= REMEMBERED and len(lane.topic_names) <= REMEMBERED
    assert len(outbox.lanes) <= REMEMBERED and len(outbox.moved) <= REMEMBERED
    assert 3 * REMEMBERED - 1 in lane.posted  # the newest are the ones kept


async def test_only_a_refused_connection_or_an_answered_error_counts_as_surely_not_sent() -> None:
    async def failure(url: str) -> NetworkError:
        request = HTTPXRequest()
        await request.initialize()
        try:
            await request.post(url, read_timeout=5, connect_timeout=5)
        except NetworkError as error:
            return error
        finally:
            await request.shutdown()
        raise AssertionError("the call went through")

    fake = FakeTelegram()
    await fake.start()
    try:
        chat = fake.group()
        url = f"{fake.base_url}{fake.token}/sendMessage?chat_id={chat['id']}&text=hola"
        fake.fail("sendMessage", code=500)
        assert surely_not_sent(await failure(url))  # Telegram answered: it did nothing
        fake.lose_answer("sendMessage")
        assert not surely_not_sent(await failure(url))  # it was done, but the answer is lost
        assert fake.texts(chat["id"]) == ["hola"]
    finally:
        await fake.stop()
    refused = f"http://127.0.0.1:{free_port()}/bot{TOKEN}/sendMessage"  # nothing listens there
    assert surely_not_sent(await failure(refused))


async def test_a_message_whose_forum_topic_cannot_be_made_goes_to_the_general_flow(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group("CRM foro", forum=True)
        await set_up_meeting(run, chat, ["México"])
        run.fake.fail("createForumTopic", times=RETRIES, code=500, chat_id=chat["id"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        assert any(text.startswith("México propone") for text in run.fake.texts(chat["id"]))


async def test_a_first_card_telegram_would_not_take_is_posted_by_the_next_sweep(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        run.fake.fail("sendMessage", times=RETRIES, code=500, chat_id=chat["id"], starts="Punto 1 — ")
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        assert card_messages(run.fake.bot_messages(chat["id"]), 1) == []
        await run.adapter.redraw_stale()  # what `draftbot run` does every ~30 s
        await run.settle()
        (card,) = card_messages(run.fake.bot_messages(chat["id"]), 1)
        assert card["reply_markup"]["inline_keyboard"]
