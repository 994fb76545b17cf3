"""Outside the 24-hour customer service window only a pre-approved template can reach a person: the
bot sends the meeting language's template once, holds the rest in the database, and sends it when they
write again."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import Room
from tests.test_whatsapp_one_to_one import POINT, seated
from tests.whatsapp_fake.harness import whatsapp_bot

SECOND = "Tomar nota del informe de la Secretaría Técnica."


async def test_after_a_day_of_silence_one_template_is_sent_and_the_cards_wait_for_an_answer(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        seen = len(ana.received())
        clock.advance(hours=25)
        await rosa.say("proponer " + POINT)  # Rosa writes: her window is open, Ana's is not
        await rosa.say("proponer " + SECOND)
        waiting = ana.received()[seen:]
        assert [m["type"] for m in waiting] == ["template"]
        template = waiting[0]["template"]
        assert (template["name"], template["language"]["code"]) == ("puntos_nuevos", "es")
        assert not [code for _, code in run.graph.refused if code == 131047]  # nothing free-form was tried
        await ana.say("puntos")
        cards = [
            m["interactive"]["body"]["text"]
            for m in ana.received()[seen:]
            if m["type"] == "interactive" and m["interactive"]["type"] == "button"
        ]
        assert len(cards) == 2 and POINT in cards[0] and SECOND in cards[1]


async def test_when_meta_closes_the_window_before_the_bot_thought_the_message_is_held_not_lost(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        run.graph.last_inbound.pop(ana.address)  # Meta no longer counts Ana's last message
        await rosa.say("proponer " + POINT)
        assert ana.received()[-1]["type"] == "template"
        await ana.say("hola")
        assert any(POINT in text for text in ana.texts())
