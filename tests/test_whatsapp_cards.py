"""WhatsApp cards through the shared card protocol (bot.cardsync, issue 13): WhatsApp cannot edit a
message, so a point's card is posted again when its text, state or open amendment changes, and that
new message becomes the point's card in the chat (recorded with the version it shows, as on Telegram
and Slack). A position taken is not worth a new message; no card is left recorded as stale."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import Room
from tests.test_whatsapp_one_to_one import POINT, seated
from tests.whatsapp_fake.harness import whatsapp_bot

NEW_TEXT = "Agradecer al Gobierno de Honduras por la organización de la reunión y su hospitalidad."


async def test_a_position_posts_no_new_card_but_a_new_text_does_and_it_becomes_the_card(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, beto, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        first = ana.cards()[-1]
        await beto.press(beto.cards()[-1], "Aprobar")
        assert ana.cards()[-1] == first  # Honduras's approval: no new message for Ana
        await rosa.say(f"enmendar 1 {NEW_TEXT}")
        await rosa.say("aceptar 1")
        latest = ana.cards()[-1]
        assert latest["id"] != first["id"] and NEW_TEXT in latest["interactive"]["body"]["text"]
        point_id = int(first["interactive"]["action"]["buttons"][0]["reply"]["id"].split(":")[1])
        (placed,) = [m for m in await service.card_messages(point_id) if m.chat.chat_id == ana.bsuid]
        assert placed.message_id == latest["id"]
        assert await service.stale_cards("whatsapp") == []
        await ana.say("Apoyamos el nuevo texto.", reply_to=first["id"])  # an older card still works
        assert any("Apoyamos el nuevo texto." in text for text in rosa.texts())
