"""One-to-one, WhatsApp's main mode: delegates join by writing `unirse <code>` to the bot's number,
each new point reaches them as a card with Aprobar / Objetar / Abstenerse buttons, an objection's
reason is asked next, a reply to a card is a comment on its point, commands are typed, documents
arrive as files, and a person is known by their business-scoped id, never by their name."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import MEETING, Room, code_in
from tests.whatsapp_fake.harness import WhatsAppRun, whatsapp_bot
from tests.whatsapp_fake.user import Person

POINT = "Agradecer a la delegación de Honduras por la organización de la reunión."


async def seated(run: WhatsAppRun, room: Room) -> tuple[Person, Person, Person]:
    """A meeting set up elsewhere; Guatemala, Honduras and the rapporteur join on WhatsApp."""
    assert (await room.say("st", MEETING)).ok
    assert (await room.say("st", "delegaciones Guatemala y Honduras")).ok
    ana, beto, rosa = run.person("Ana"), run.person("Beto", phone=False), run.person("Rosa")
    for person, target in ((ana, "Guatemala"), (beto, "Honduras"), (rosa, "relator")):
        await person.say("unirse " + code_in(await room.say("st", f"invitar {target}")))
    return ana, beto, rosa


async def test_joining_by_the_bots_number_then_each_new_point_arrives_with_three_buttons(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, beto, rosa = await seated(run, Room(service))
        assert any("se unió" in text and "Guatemala" in text for text in ana.texts())
        await rosa.say("proponer " + POINT)
        for person in (ana, beto, rosa):
            card = person.cards()[-1]
            assert POINT in card["interactive"]["body"]["text"]
            titles = [b["reply"]["title"] for b in card["interactive"]["action"]["buttons"]]
            assert titles == ["Aprobar", "Objetar", "Abstenerse"]
        assert all(m.get("recipient") == beto.bsuid for m in beto.received())  # no phone number: the BSUID


async def test_a_press_counts_for_the_delegation_and_an_objection_asks_for_its_reason(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, beto, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        await ana.press(ana.cards()[-1], "Aprobar")
        await beto.press(beto.cards()[-1], "Objetar")
        assert "motivo" in beto.texts()[-1]
        await beto.say("Falta la consulta con la capital.")
        await rosa.say("punto 1")
        shown = rosa.texts()[-1]
        assert "aprueba Guatemala" in shown
        assert "objeta Honduras: Falta la consulta con la capital." in shown


async def test_the_pending_objection_is_kept_in_the_database_across_a_restart(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        _, beto, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        card = beto.cards()[-1]
    async with whatsapp_bot(service, clock) as run:  # another process, the same database
        run.people.update({"Beto": beto, "Rosa": rosa})
        beto.network = rosa.network = run.network
        run.graph.heard_from(beto.address)
        run.graph.heard_from(rosa.address)
        await beto.press(card, "Objetar")
    async with whatsapp_bot(service, clock) as run:
        beto.network = rosa.network = run.network
        await beto.say("Sin instrucciones de la capital.")
        await rosa.say("punto 1")
        assert "objeta Honduras: Sin instrucciones de la capital." in rosa.texts()[-1]


async def test_a_reply_to_a_card_is_a_comment_on_that_point(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        await rosa.say("proponer Tomar nota del informe de la Secretaría Técnica.")
        first = next(c for c in ana.cards() if POINT in c["interactive"]["body"]["text"])
        await ana.say("Sugerimos mencionar también a la OIM.", reply_to=first["id"])
        assert any(
            "punto 1" in text and "Sugerimos mencionar también a la OIM." in text for text in rosa.texts()
        )


async def test_a_persons_name_changes_nothing_of_who_they_are(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        _, beto, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        beto.name = "Roberto (Honduras)"
        await beto.press(beto.cards()[-1], "Abstenerse")
        await rosa.say("punto 1")
        assert "se abstiene Honduras" in rosa.texts()[-1]


async def test_the_compiled_draft_arrives_as_a_word_file(service: DraftingService, clock: FakeClock) -> None:
    async with whatsapp_bot(service, clock) as run:
        _, _, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        await rosa.say("compilar")
        documents = [m for m in rosa.received() if m.get("type") == "document"]
        assert documents and documents[-1]["document"]["filename"].endswith(".docx")
        assert rosa.documents()[-1].startswith(b"PK")


async def test_a_busy_minute_elsewhere_reaches_a_member_as_one_digest_not_a_message_a_line(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, beto, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        card = beto.cards()[-1]
        clock.advance(seconds=61)
        await run.adapter.redraw_stale()  # the joins announced in the same minute
        clock.advance(seconds=61)
        before = len(ana.received())
        comments = ["Primer comentario.", "Segundo comentario.", "Tercer comentario."]
        for comment in comments:
            await beto.say(comment, reply_to=card["id"])
        news = ana.texts()[before:]
        assert len(news) == 1 and comments[0] in news[0]  # the first at once, the rest wait
        clock.advance(seconds=61)
        assert await run.adapter.redraw_stale() == 2  # Ana and Rosa; `draftbot run` calls it every ~30 s
        news = ana.texts()[before:]
        assert len(news) == 2 and comments[1] in news[1] and comments[2] in news[1]
