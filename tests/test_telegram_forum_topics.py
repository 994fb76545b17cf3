"""In a forum supergroup each point gets its own topic, and what is written there belongs to it."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


async def _forum_with_two_points(run: BotRun) -> JSON:
    chat = run.fake.group("CRM foro", forum=True)
    await set_up_meeting(run, chat, ["México", "Panamá"])
    await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
    await run.say(run.user("Panamá"), chat, "/proponer Tomar nota del informe de la OIM.")
    return chat


async def test_each_point_gets_its_own_topic_with_its_card_in_it(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _forum_with_two_points(run)
        topics = {
            name: thread for (chat_id, thread), name in run.fake.topics.items() if chat_id == chat["id"]
        }
        assert sorted(topics) == [
            "Punto 1 · Agradecer a la Secretaría Técnica.",
            "Punto 2 · Tomar nota del informe de la OIM.",
        ]
        card1 = run.fake.card(chat["id"], 1)
        card2 = run.fake.card(chat["id"], 2)
        assert card1["message_thread_id"] == topics["Punto 1 · Agradecer a la Secretaría Técnica."]
        assert card2["message_thread_id"] == topics["Punto 2 · Tomar nota del informe de la OIM."]
        announcement = next(
            m for m in run.fake.bot_messages(chat["id"]) if m.get("text", "").startswith("México propone")
        )
        assert announcement.get("message_thread_id") == card1["message_thread_id"]


async def test_a_plain_message_in_a_points_topic_is_a_comment_on_it(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _forum_with_two_points(run)
        topic = run.fake.card(chat["id"], 2)["message_thread_id"]
        message = await run.say(run.user("México"), chat, "Proponemos mencionar a UNICEF.", thread=topic)
        # Acknowledged by a reaction on the comment, in its topic, not by one more message there.
        assert run.fake.reactions[(chat["id"], message["message_id"])] == ["👍"]
        assert run.replies_to(message) == []
        asked = await run.say(run.user("st"), chat, "/punto 2")
        assert "Proponemos mencionar a UNICEF." in run.replies_to(asked)[0]


async def test_a_position_typed_in_a_topic_needs_no_number(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _forum_with_two_points(run)
        topic = run.fake.card(chat["id"], 1)["message_thread_id"]
        await run.say(run.user("Panamá"), chat, "/abstenerse", thread=topic)
        assert "➖ se abstiene Panamá" in run.fake.card(chat["id"], 1)["text"]
        assert "➖" not in run.fake.card(chat["id"], 2)["text"]


async def test_buttons_in_a_topic_edit_the_card_in_its_topic(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _forum_with_two_points(run)
        card = run.fake.card(chat["id"], 1)
        await run.press(run.user("México"), card, "Aprobar")
        await run.press(run.user("Panamá"), card, "Aprobar")
        adopted = run.fake.card(chat["id"], 1)
        assert adopted["message_id"] == card["message_id"]
        assert adopted["text"].startswith("Punto 1 — adoptado")
        notice = next(
            m for m in run.fake.bot_messages(chat["id"]) if m.get("text", "").startswith("✅ El punto 1")
        )
        assert notice["message_thread_id"] == card["message_thread_id"]


async def test_a_renumbered_point_renames_its_topic(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _forum_with_two_points(run)
        await run.say(run.user("rapporteur"), chat, "/mover 2 1")
        names = sorted(name for (chat_id, _), name in run.fake.topics.items() if chat_id == chat["id"])
        assert names == [
            "Punto 1 · Tomar nota del informe de la OIM.",
            "Punto 2 · Agradecer a la Secretaría Técnica.",
        ]


async def test_without_the_right_to_create_topics_points_live_in_reply_chains(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group("CRM foro", forum=True)
        await set_up_meeting(run, chat, ["México", "Panamá"])
        run.fake.fail(
            "createForumTopic", code=400, description="Bad Request: not enough rights to create a topic"
        )
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        await run.say(run.user("Panamá"), chat, "/proponer Tomar nota del informe de la OIM.")
        card = run.fake.card(chat["id"], 2)
        assert "message_thread_id" not in card
        assert len(run.fake.sent("createForumTopic", ok=False)) == 1  # not tried again for every point
        comment = await run.say(run.user("México"), chat, "De acuerdo.", reply_to=card)
        assert run.fake.reactions[(chat["id"], comment["message_id"])] == ["👍"]
