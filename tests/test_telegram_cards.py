"""Point cards: posted once, with Approve / Object / Abstain buttons, edited in place as positions come."""

from __future__ import annotations

import asyncio
import json

from bot.telegram.render import parse_callback
from drafting.service import DraftingService
from tests.kit import DELEGATIONS
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


async def _meeting_with_a_point(run: BotRun, delegations: list[str]) -> JSON:
    chat = run.fake.group()
    await set_up_meeting(run, chat, delegations)
    await run.say(run.user(delegations[0]), chat, "/proponer Agradecer a la Secretaría Técnica.")
    return chat


async def test_a_proposed_point_gets_one_card_with_three_buttons_carrying_only_ids(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, ["México", "Panamá"])
        card = run.fake.card(chat["id"], 1)
        buttons = card["reply_markup"]["inline_keyboard"][0]
        assert [b["text"] for b in buttons] == ["Aprobar", "Objetar", "Abstenerse"]
        for button in buttons:
            assert len(button["callback_data"].encode()) <= 64
            assert parse_callback(button["callback_data"]) is not None
            assert "Secretaría" not in button["callback_data"]
        assert "⏳ pendiente México" in card["text"] and "⏳ pendiente Panamá" in card["text"]


async def test_the_approve_button_edits_the_card_in_place(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, ["México", "Panamá"])
        card = run.fake.card(chat["id"], 1)
        messages_before = len(run.fake.bot_messages(chat["id"]))
        query = await run.press(run.user("Panamá"), card, "Aprobar")
        edited = run.fake.card(chat["id"], 1)
        assert edited["message_id"] == card["message_id"]
        assert "✅ aprueba Panamá" in edited["text"]
        assert (
            len(run.fake.bot_messages(chat["id"])) == messages_before
        )  # the answer is a toast, not a message
        assert run.fake.answer(query) == {"text": "Panamá aprueba el punto 1.", "show_alert": False}


async def test_the_object_button_says_how_to_object_and_changes_nothing(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, ["México", "Panamá"])
        card = run.fake.card(chat["id"], 1)
        query = await run.press(run.user("Panamá"), card, "Objetar")
        answer = run.fake.answer(query)
        assert answer is not None and answer["show_alert"]
        assert "/objetar 1 <motivo>" in answer["text"]
        assert run.fake.card(chat["id"], 1)["text"] == card["text"]
        await run.say(run.user("Panamá"), chat, "/objetar 1 Falta mencionar a la OIM.")
        assert "❌ objeta Panamá: Falta mencionar a la OIM." in run.fake.card(chat["id"], 1)["text"]


async def test_the_abstain_button_records_an_abstention(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, ["México", "Panamá"])
        await run.press(run.user("Panamá"), run.fake.card(chat["id"], 1), "Abstenerse")
        assert "➖ se abstiene Panamá" in run.fake.card(chat["id"], 1)["text"]


async def test_a_press_by_someone_who_is_not_a_delegate_is_refused_in_an_alert(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, ["México", "Panamá"])
        card = run.fake.card(chat["id"], 1)
        stranger = await run.press(run.user("stranger"), card, "Aprobar")
        rapporteur = await run.press(run.user("rapporteur"), card, "Aprobar")
        for query in (stranger, rapporteur):
            answer = run.fake.answer(query)
            assert answer is not None and answer["show_alert"], answer
        assert run.fake.answer(stranger)["text"].startswith("Usted no es miembro")  # type: ignore[index]
        assert run.fake.card(chat["id"], 1)["text"] == card["text"]


async def test_the_last_position_adopts_the_point_and_takes_the_buttons_away(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, ["México", "Panamá"])
        card = run.fake.card(chat["id"], 1)
        await run.press(run.user("México"), card, "Aprobar")
        await run.press(run.user("Panamá"), card, "Aprobar")
        adopted = run.fake.card(chat["id"], 1)
        assert adopted["text"].startswith("Punto 1 — adoptado")
        assert "reply_markup" not in adopted
        assert "✅ El punto 1 queda adoptado por consenso." in run.fake.texts(chat["id"])
        # An old button pressed again is re-checked against the point's state and refused.
        late = run.fake.press(
            run.user("Panamá"), card, card["reply_markup"]["inline_keyboard"][0][2]["callback_data"]
        )
        await run.settle()
        answer = run.fake.answer(late)
        assert answer is not None and answer["show_alert"] and "adoptado" in answer["text"]


async def test_a_typed_position_edits_the_card_and_answers_the_command(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, ["México", "Panamá"])
        message = await run.say(run.user("Panamá"), chat, "/approve 1")
        # answered with a reaction, not a new message (tests/test_telegram_quiet_group.py)
        assert run.fake.reactions[(chat["id"], message["message_id"])] == ["👍"]
        assert "✅ aprueba Panamá" in run.fake.card(chat["id"], 1)["text"]


async def test_a_burst_of_positions_is_shown_with_few_edits_of_the_card(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _meeting_with_a_point(run, DELEGATIONS)
        card = run.fake.card(chat["id"], 1)
        edits_before = len(run.fake.sent("editMessageText"))
        gate = run.fake.hold("editMessageText")  # the first edit stays in flight while the burst arrives
        queries = [run.fake.press_button(run.user(name), card, "Aprobar") for name in DELEGATIONS]
        async with asyncio.timeout(30):
            while not all(run.fake.callbacks[q["id"]]["answered"] for q in queries):
                await asyncio.sleep(0.01)
        gate.set()
        await run.settle()
        edits = run.fake.sent("editMessageText")[edits_before:]
        assert len(edits) <= 2, [json.dumps(e.params)[:80] for e in edits]
        final = run.fake.card(chat["id"], 1)["text"]
        assert final.startswith("Punto 1 — adoptado")
        assert all(f"✅ aprueba {name}" in final for name in DELEGATIONS)
