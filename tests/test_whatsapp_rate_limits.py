"""Meta's rate limits (issue 13): 130429 when the phone number's throughput is exceeded, 131056 when
too many messages go to one person in a short time. The bot paces its sends per recipient and for the
whole number, and on either answer waits and sends again: each message arrives once, in order."""

from __future__ import annotations

from bot.whatsapp.config import Pacing
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import Room
from tests.test_whatsapp_one_to_one import seated
from tests.whatsapp_fake.harness import whatsapp_bot

POINTS = [
    "Tomar nota del informe de la Secretaría Técnica.",
    "Agradecer a la OIM por su apoyo técnico.",
    "Solicitar a la Presidencia Pro-Témpore un calendario de reuniones.",
]


async def test_a_pair_rate_limit_answer_is_waited_out_and_the_card_arrives_once(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        run.graph.refuse_next[ana.address] = [131056, 131056]
        await rosa.say("proponer " + POINTS[0])
        assert [code for _, code in run.graph.refused] == [131056, 131056]
        cards = [c for c in ana.cards() if POINTS[0] in c["interactive"]["body"]["text"]]
        assert len(cards) == 1


async def test_a_throughput_answer_is_waited_out_too(service: DraftingService, clock: FakeClock) -> None:
    async with whatsapp_bot(service, clock) as run:
        _, _, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINTS[0])
        run.graph.refuse_next[rosa.address] = [130429]
        await rosa.say("punto 1")
        assert [code for _, code in run.graph.refused] == [130429]
        answers = [text for text in rosa.texts() if text.startswith("Punto 1 — en discusión")]
        assert len(answers) == 2  # her card, then the answer to `punto 1`, once


async def test_sends_to_one_person_are_paced_and_arrive_in_order_under_a_per_person_limit(
    service: DraftingService, clock: FakeClock
) -> None:
    pacing = Pacing(per_second=0, per_person_per_minute=0, per_person_interval=0.1, backoff=0.1)
    async with whatsapp_bot(service, clock, pacing=pacing) as run:
        run.graph.pair_limit = (1, 0.05)  # one message per 50 ms to a person, 131056 beyond
        ana, _, rosa = await seated(run, Room(service))
        for point in POINTS:
            await rosa.say("proponer " + point)
        shown = [c["interactive"]["body"]["text"] for c in ana.cards()]
        assert [next(p for p in POINTS if p in text) for text in shown] == POINTS  # once each, in order
