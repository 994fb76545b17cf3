"""`vista` shows the draft's text in the chat; `compilar` says what changed since the last draft."""

from __future__ import annotations

from drafting.model import ChatRef
from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from tests.kit import Room, set_up_meeting

POINT_1 = "Agradecer a las delegaciones de Honduras y México por sus informes."
POINT_2 = "Tomar nota de los talleres disponibles."
POINT_2_AMENDED = "Tomar nota de los talleres y herramientas disponibles."
POINT_3 = "Solicitar a la Secretaría Técnica un informe."


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


async def test_the_preview_shows_the_draft_as_the_document_numbers_it(service: DraftingService) -> None:
    room = Room(service)
    people = await set_up_meeting(room)
    empty = await room.say(people["Honduras"], "vista")
    assert empty.ok and "aún no tiene puntos" in empty.texts()[0]
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    assert (await room.say(people["México"], f"subpunto 1 {POINT_3}")).ok
    outcome = await room.say(people["Canadá"], "vista")
    (text,) = outcome.texts()
    lines = [line for line in text.splitlines() if line]
    # plain text, no Markdown marks; the mark the next compile would carry
    assert lines[:2] == ["BORRADOR – versión 1", "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)"]
    assert f"1. [{POINT_1}] (en discusión)" in lines
    assert f"   a. [{POINT_3}] (en discusión)" in lines
    assert "La Red somete a consideración" in text
    assert not documents(outcome)  # nothing compiled, no version taken
    (draft,) = documents(await room.say("rap", "compilar"))
    assert draft.filename.endswith("-v1.docx")


async def test_on_slack_the_preview_uses_its_bold_and_italics(service: DraftingService) -> None:
    room = Room(service, chat=ChatRef("slack", "C1", "T1"))
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    (text,) = (await room.say(people["Canadá"], "preview")).texts()
    assert [line for line in text.splitlines() if line][1] == "*CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)*"
    assert f"1. [{POINT_1}] _(en discusión)_" in text


async def test_compile_says_what_changed_since_the_last_draft(service: DraftingService) -> None:
    room = Room(service)
    people = await set_up_meeting(room)
    hn, mx = people["Honduras"], people["México"]
    for text in (POINT_1, POINT_2, POINT_3):
        assert (await room.say(hn, f"proponer {text}")).ok
    (first,) = documents(await room.say("rap", "compilar"))
    assert "Cambios desde" not in first.caption
    for name, who in people.items():
        if who.startswith("d"):
            assert (await room.say(who, "aprobar 1")).ok, name
    assert (await room.say(mx, f"enmendar 2 {POINT_2_AMENDED}")).ok
    assert (await room.say("rap", "aceptar 2")).ok
    assert (await room.say(hn, "retirar 3")).ok
    assert (await room.say(mx, "proponer Recibir con beneplácito la propuesta de ACNUR.")).ok
    (second,) = documents(await room.say("rap", "compilar"))
    assert second.caption.endswith(
        "Cambios desde la versión 1:\n· puntos nuevos: 4\n· enmendados: 2\n· adoptados: 1\n· retirados: 3"
    )
    (third,) = documents(await room.say("rap", "compilar"))
    assert third.caption.endswith("Sin cambios en los puntos desde la versión 2.")
    assert (await room.say("rap", "mover 4 1")).ok
    (fourth,) = documents(await room.say("rap", "compilar"))
    # the point that moved, not the ones it passed
    assert fourth.caption.endswith("Cambios desde la versión 3:\n· movidos: 4→1")


async def test_a_programa_preview_puts_each_activity_on_its_own_line_beside_its_date(
    service: DraftingService,
) -> None:
    room = Room(service)
    meeting = (
        "nuevareunion\ntitulo: Programa de trabajo\nformato: programa\n"
        "lugar: Tegucigalpa, Honduras\nfecha: 2008-11-19"
    )
    assert (await room.say("st", meeting)).ok
    assert (await room.say("st", "delegaciones Honduras y México")).ok
    assert (await room.admit("st", "Honduras", "hn")).ok
    assert (await room.say("hn", "proponer Cooperación entre Funcionarios Consulares")).ok
    row = (
        "subpunto 1 Establecer mecanismos de cooperación |\n"
        "Identificar necesidades de capacitación.\nCompartir buenas prácticas. |\n"
        "Continuo.\nPresentaciones durante las reuniones."
    )
    assert (await room.say("hn", row)).ok
    (text,) = (await room.say("hn", "vista")).texts()
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "Identificar necesidades" in line)
    # reference 003: each activity on the line of its calendar entry, the theme and objective once
    assert "Cooperación entre Funcionarios Consulares" in lines[first]
    assert "Establecer mecanismos de cooperación" in lines[first]
    assert "Continuo." in lines[first] and "Compartir" not in lines[first]
    assert "Compartir buenas prácticas." in lines[first + 1]
    assert "Presentaciones durante las reuniones." in lines[first + 1]
    assert "Cooperación" not in lines[first + 1] and "Establecer" not in lines[first + 1]
    # plain text: the state notes in the table's cells without Markdown's asterisks
    assert "(en discusión) |" in lines[first] and "*" not in text
