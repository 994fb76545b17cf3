"""A WhatsApp group (a drafting committee of at most 8) bound to the meeting: commands are typed, cards
are text with the commands to type (no buttons in groups), and a card is posted again, never edited,
when its point's text or state changes."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import MEETING, Room, code_in
from tests.test_whatsapp_one_to_one import POINT
from tests.whatsapp_fake.harness import whatsapp_bot

GROUP = "120363040000000001"
AMENDED = "Agradecer a la delegación de Honduras y a la Secretaría Técnica por la organización de la reunión."


async def test_a_committee_group_works_by_typed_commands_and_gets_a_new_card_when_the_text_changes(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        room = Room(service)
        await room.say("st", MEETING)
        await room.say("st", "delegaciones Guatemala y Honduras")
        ana, beto, rosa, sofia = (run.person(name) for name in ("Ana", "Beto", "Rosa", "Sofía"))
        run.graph.group(GROUP, [ana.address, beto.address, rosa.address, sofia.address])
        # the secretariat's code for another chat, used in the group, binds it
        await sofia.say("unirse " + code_in(await room.say("st", "invitar grupo")), group=GROUP)
        for person, target in ((ana, "Guatemala"), (beto, "Honduras")):
            await person.say("unirse " + code_in(await room.say("st", f"invitar {target}")), group=GROUP)
        await rosa.say("unirse " + code_in(await room.say("st", "invitar relator")), group=GROUP)

        def in_group() -> list[dict[str, object]]:
            return run.graph.sent(GROUP)

        await rosa.say("proponer " + POINT, group=GROUP)
        cards = [m for m in in_group() if POINT in str(m.get("text"))]
        assert len(cards) == 1 and all(m["type"] == "text" for m in in_group())
        assert "aprobar 1" in str(cards[0]["text"])
        await ana.say("aprobar 1", group=GROUP)
        assert len([m for m in in_group() if POINT in str(m.get("text"))]) == 1  # a position: no new card
        await beto.say("enmendar 1 " + AMENDED, group=GROUP)
        await rosa.say("aceptar 1", group=GROUP)
        assert any(AMENDED in str(m.get("text")) and "Punto 1" in str(m.get("text")) for m in in_group())
        assert not [code for _, code in run.graph.refused]  # nothing the platform would refuse was tried
