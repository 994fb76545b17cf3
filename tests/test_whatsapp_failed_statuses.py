"""A message Meta accepted (200 with a wamid) may still fail on its way and be reported later as a
`failed` status (issue 13). When the 24-hour window had closed in between (131047), the message is
held like the others and the template sent, and it goes when the person writes again: nothing is
lost. Another failure is logged and the WhatsApp member whose action sent it is told. A status
reported twice (Meta redelivers) changes nothing the second time."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import Room
from tests.test_whatsapp_one_to_one import POINT, seated
from tests.whatsapp_fake.harness import whatsapp_bot


async def test_a_card_that_fails_because_the_window_closed_meanwhile_is_held_and_goes_when_they_write(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        await run.network.report_statuses()  # what went so far arrived
        clock.advance(hours=23, minutes=59)
        await rosa.say("proponer " + POINT)  # Ana's window is open still: Meta accepts her card
        assert POINT in ana.cards()[-1]["interactive"]["body"]["text"]
        clock.advance(minutes=2)  # ...and closes before it is delivered
        assert await run.network.report_statuses() == 200
        assert ana.received()[-1]["type"] == "template"  # told that messages wait, once
        templates = len([m for m in ana.received() if m["type"] == "template"])
        await ana.say("hola")
        assert POINT in ana.cards()[-1]["interactive"]["body"]["text"]  # the card again, now
        assert len([m for m in ana.received() if m["type"] == "template"]) == templates


async def test_a_failed_status_reported_twice_holds_the_message_once(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        await run.network.report_statuses()
        clock.advance(hours=23, minutes=59)
        await rosa.say("proponer " + POINT)
        clock.advance(minutes=2)
        statuses = [s for s in run.graph.statuses() if s["status"] == "failed"]
        assert any(s["recipient_id"] == ana.address for s in statuses)
        held = []
        for _ in range(2):
            envelope = run.network.envelope({}, {})
            value = envelope["entry"][0]["changes"][0]["value"]
            del value["contacts"], value["messages"]
            value["statuses"] = statuses
            assert await run.network.post(envelope) == 200
            held.append(await run.adapter.store.held_count(str(ana.bsuid)))
        assert held[0] >= 1 and held[1] == held[0]
        assert len([m for m in ana.received() if m["type"] == "template"]) == 1


async def test_another_failure_is_told_to_the_member_whose_action_sent_the_message(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, beto, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        clock.advance(seconds=61)
        await run.adapter.redraw_stale()  # the news of the joins, so the next goes at once
        clock.advance(seconds=61)
        await run.network.report_statuses()
        run.graph.fail_later[beto.address] = 131026  # undeliverable (e.g. an old app)
        await beto.say("punto 1")
        await run.network.report_statuses()
        assert not any("no llegó por WhatsApp" in text for text in beto.texts())  # his own answer
        run.graph.fail_later[ana.address] = 131026
        await beto.say("Sugerimos mencionar a la OIM.", reply_to=beto.cards()[-1]["id"])
        await run.network.report_statuses()
        told = [text for text in beto.texts() if "no llegó por WhatsApp" in text]
        assert len(told) == 1 and "Ana" in told[0] and "131026" in told[0]
