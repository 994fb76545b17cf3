"""Replies in a card's reply chain are comments on that point."""

from __future__ import annotations

from drafting.i18n import t
from drafting.service import DraftingService
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


async def _two_points(run: BotRun) -> JSON:
    chat = run.fake.group()
    await set_up_meeting(run, chat, ["México", "Panamá"])
    await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
    await run.say(run.user("Panamá"), chat, "/proponer Tomar nota del informe de la OIM.")
    return chat


async def _history(run: BotRun, chat: JSON, label: int) -> str:
    asked = await run.say(run.user("st"), chat, f"/punto {label}")
    return "\n".join(run.replies_to(asked))


async def test_a_reply_to_a_card_is_a_comment_on_its_point(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _two_points(run)
        comment = await run.say(
            run.user("Panamá"),
            chat,
            "Sugerimos mencionar también a la RROCM.",
            reply_to=run.fake.card(chat["id"], 1),
        )
        # Acknowledged by a reaction on the comment, not one more message in the group.
        assert run.fake.reactions[(chat["id"], comment["message_id"])] == ["👍"]
        assert run.replies_to(comment) == []
        assert "Sugerimos mencionar también a la RROCM." in await _history(run, chat, 1)
        assert "RROCM" not in await _history(run, chat, 2)


async def test_a_reply_to_any_bot_message_of_the_chain_is_a_comment_on_the_same_point(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = await _two_points(run)
        run.fake.reactions_off.add(chat["id"])  # the acknowledgement is then a message, in the chain
        first = await run.say(
            run.user("Panamá"), chat, "Primera observación.", reply_to=run.fake.card(chat["id"], 2)
        )
        acknowledgement = next(
            m
            for m in run.fake.bot_messages(chat["id"])
            if m.get("reply_to_message", {}).get("message_id") == first["message_id"]
        )
        second = await run.say(run.user("México"), chat, "Segunda observación.", reply_to=acknowledgement)
        assert run.replies_to(second) == [t("es", "point.comment_noted", label="2")]
        history = await _history(run, chat, 2)
        assert "Primera observación." in history and "Segunda observación." in history


async def test_a_reply_to_the_users_own_command_stays_on_its_point(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _two_points(run)
        typed = await run.say(run.user("Panamá"), chat, "/aprobar 1")
        reply = await run.say(run.user("México"), chat, "De acuerdo con Panamá.", reply_to=typed)
        assert run.fake.reactions[(chat["id"], reply["message_id"])] == ["👍"]
        assert "De acuerdo con Panamá." in await _history(run, chat, 1)
        assert "De acuerdo con Panamá." not in await _history(run, chat, 2)


async def test_a_position_typed_in_reply_to_a_card_needs_no_number(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _two_points(run)
        await run.say(run.user("México"), chat, "/aprobar", reply_to=run.fake.card(chat["id"], 2))
        assert "✅ aprueba México" in run.fake.card(chat["id"], 2)["text"]
        assert "✅ aprueba México" not in run.fake.card(chat["id"], 1)["text"]


async def test_a_reply_to_a_bot_message_outside_any_chain_is_ignored(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _two_points(run)
        setup_message = next(
            m
            for m in run.fake.bot_messages(chat["id"])
            if m.get("text", "").startswith("Delegaciones miembro")
        )
        before = len(run.fake.texts(chat["id"]))
        await run.say(run.user("Panamá"), chat, "Gracias.", reply_to=setup_message)
        assert len(run.fake.texts(chat["id"])) == before


async def test_a_comment_by_someone_outside_the_meeting_is_refused(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _two_points(run)
        message = await run.say(
            run.user("stranger"), chat, "Opino que…", reply_to=run.fake.card(chat["id"], 1)
        )
        assert run.replies_to(message) == [t("es", "error.not_member", prefix="/")]
        assert "Opino" not in await _history(run, chat, 1)
