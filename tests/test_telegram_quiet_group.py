"""A typed position is shown on the point's card and acknowledged with a reaction on the command,
without a new message in the group; where the group takes no reactions, the acknowledgement is a reply.
Several typed at about the same time are acknowledged once, in one message naming each; sub-points
show on the card without a message each."""

from __future__ import annotations

from bot.dispatch import Dispatcher
from drafting.service import DraftingService
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


async def _meeting_with_a_point(run: BotRun, delegations: tuple[str, ...] = ("México", "Panamá")) -> JSON:
    chat = run.fake.group()
    await set_up_meeting(run, chat, list(delegations))
    await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
    return chat


def _bot_messages(run: BotRun, chat: JSON) -> int:
    return len(run.fake.bot_messages(chat["id"]))


async def test_a_typed_approval_shows_on_the_card_with_a_reaction_and_no_new_message(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run)
        before = _bot_messages(run, chat)
        message = await run.say(run.user("Panamá"), chat, "/aprobar 1")
        assert "✅ aprueba Panamá" in run.fake.card(chat["id"], 1)["text"]
        assert run.fake.reactions[(chat["id"], message["message_id"])] == ["👍"]
        assert run.replies_to(message) == []
        assert _bot_messages(run, chat) == before


async def test_a_typed_abstention_is_acknowledged_the_same_way(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run)
        before = _bot_messages(run, chat)
        message = await run.say(run.user("Panamá"), chat, "/abstenerse 1")
        assert "se abstiene Panamá" in run.fake.card(chat["id"], 1)["text"]
        assert run.fake.reactions[(chat["id"], message["message_id"])] == ["👍"]
        assert _bot_messages(run, chat) == before


async def test_in_a_group_without_reactions_the_approval_is_answered_in_text(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run)
        run.fake.reactions_off.add(chat["id"])
        message = await run.say(run.user("Panamá"), chat, "/aprobar 1")
        assert "✅ aprueba Panamá" in run.fake.card(chat["id"], 1)["text"]
        assert run.replies_to(message) == ["Panamá aprueba el punto 1."]
        assert (chat["id"], message["message_id"]) not in run.fake.reactions


async def test_sub_points_show_on_the_card_without_a_message_each(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run)
        before = _bot_messages(run, chat)
        await run.say(run.user("Panamá"), chat, "/subpunto 1 Se agradece su oferta de sede.")
        await run.say(run.user("México"), chat, "/subpunto 1 Se toma nota del taller regional.")
        card = run.fake.card(chat["id"], 1)["text"]
        assert "a. Se agradece su oferta de sede." in card
        assert "b. Se toma nota del taller regional." in card
        assert _bot_messages(run, chat) == before


async def test_a_sub_point_that_voids_positions_still_says_so_in_the_group(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run)
        await run.say(run.user("Panamá"), chat, "/aprobar 1")
        await run.say(run.user("México"), chat, "/subpunto 1 Se toma nota del taller regional.")
        card = run.fake.card(chat["id"], 1)["text"]
        assert "a. Se toma nota del taller regional." in card
        assert "✅ aprueba Panamá" not in card
        assert run.last_text(chat) == (
            "México propone el subpunto 1.a. El texto del punto 1 cambió: "
            "las posiciones anteriores ya no cuentan."
        )


def _held_for_company() -> Dispatcher:
    # A window far longer than the test: what is held goes out only when flushed (or with the next
    # message in the group), whatever the machine's speed.
    return Dispatcher(digest_window=600)


async def test_approvals_typed_together_are_acknowledged_once_naming_each(service: DraftingService) -> None:
    async with running_bot(service, dispatcher=_held_for_company()) as run:
        chat = await _meeting_with_a_point(run, ("México", "Panamá", "Costa Rica", "Belice"))
        before = _bot_messages(run, chat)
        typed = [
            run.fake.send(run.user(name), chat, "/aprobar 1") for name in ("Panamá", "Costa Rica", "Belice")
        ]
        await run.settle()
        await run.dispatcher.flush()
        await run.settle()
        card = run.fake.card(chat["id"], 1)["text"]
        for name in ("Panamá", "Costa Rica", "Belice"):
            assert f"✅ aprueba {name}" in card
        assert all((chat["id"], m["message_id"]) not in run.fake.reactions for m in typed)
        assert _bot_messages(run, chat) == before + 1
        assert sorted(run.last_text(chat).splitlines()) == [
            "Belice aprueba el punto 1.",
            "Costa Rica aprueba el punto 1.",
            "Panamá aprueba el punto 1.",
        ]


async def test_a_lone_typed_approval_held_for_company_is_still_a_reaction(service: DraftingService) -> None:
    async with running_bot(service, dispatcher=_held_for_company()) as run:
        chat = await _meeting_with_a_point(run)
        before = _bot_messages(run, chat)
        message = await run.say(run.user("Panamá"), chat, "/aprobar 1")
        await run.dispatcher.flush()
        await run.settle()
        assert "✅ aprueba Panamá" in run.fake.card(chat["id"], 1)["text"]
        assert run.fake.reactions[(chat["id"], message["message_id"])] == ["👍"]
        assert _bot_messages(run, chat) == before


async def test_an_approval_held_for_company_rides_on_the_adoption_message(service: DraftingService) -> None:
    async with running_bot(service, dispatcher=_held_for_company()) as run:
        chat = await _meeting_with_a_point(run)
        before = _bot_messages(run, chat)
        await run.say(run.user("Panamá"), chat, "/aprobar 1")
        await run.say(run.user("México"), chat, "/aprobar 1")
        assert run.fake.card(chat["id"], 1)["text"].startswith("Punto 1 — adoptado")
        assert _bot_messages(run, chat) == before + 1
        assert (
            run.last_text(chat) == "Panamá aprueba el punto 1.\n\n✅ El punto 1 queda adoptado por consenso."
        )
