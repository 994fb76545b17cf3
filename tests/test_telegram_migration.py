"""A group upgraded to a supergroup gets a new chat id; its meeting, cards and threads follow it."""

from __future__ import annotations

from bot.telegram.adapter import chat_ref
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.telegram_fake.harness import running_bot, set_up_meeting


async def test_a_group_upgraded_to_a_supergroup_keeps_its_meeting(service: DraftingService) -> None:
    async with running_bot(service) as run:
        group = run.fake.group("CRM")
        await set_up_meeting(run, group, ["México", "Panamá"])
        await run.say(run.user("México"), group, "/proponer Agradecer a la Secretaría Técnica.")
        supergroup = run.fake.migrate(group)
        await run.settle()
        assert await service.language_for(chat_ref(supergroup["id"])) == "es"
        listed = await run.say(run.user("Panamá"), supergroup, "/puntos")
        assert "1. Agradecer a la Secretaría Técnica." in run.replies_to(listed)[0]
        # The card, carried over with its id, still takes presses and is edited in the supergroup.
        card = run.fake.card(supergroup["id"], 1)
        await run.press(run.user("Panamá"), card, "Aprobar")
        assert "✅ aprueba Panamá" in run.fake.card(supergroup["id"], 1)["text"]
        # Replies to it are still comments on point 1.
        comment = await run.say(run.user("México"), supergroup, "Gracias.", reply_to=card)
        assert run.fake.reactions[(supergroup["id"], comment["message_id"])] == ["👍"]
        history = await run.say(run.user("México"), supergroup, "/punto 1")
        assert "Gracias." in run.replies_to(history)[0]


async def test_a_message_for_the_old_group_id_follows_the_upgrade(
    service: DraftingService, clock: FakeClock
) -> None:
    async with running_bot(service) as run:
        group = run.fake.group("CRM")
        await set_up_meeting(run, group, ["México", "Panamá"])
        await run.say(run.user("México"), group, "/proponer Agradecer a la Secretaría Técnica.")
        await run.say(run.user("rapporteur"), group, "/silencio 1 24h")
        # The upgrade happens while the bot is not looking (its service messages are never seen).
        supergroup = run.fake.migrate(group, announce=False)
        clock.advance(hours=25)
        await run.dispatcher.dispatch(await service.sweep(), platform="system", origin=None)
        await run.adapter.drain()
        refused = [c for c in run.fake.sent(chat_id=group["id"], ok=False) if c.error == 400]
        assert refused  # Telegram answered "upgraded to a supergroup", and the message followed:
        assert any("queda adoptado" in text for text in run.fake.texts(supergroup["id"]))
        assert run.fake.card(supergroup["id"], 1)["text"].startswith("Punto 1 — adoptado")
        assert await service.language_for(chat_ref(supergroup["id"])) == "es"
