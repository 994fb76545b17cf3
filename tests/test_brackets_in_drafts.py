"""Drafts print open brackets as they are, in bold; finalize refuses while any remain and lists them."""

from __future__ import annotations

from io import BytesIO

from docx import Document

from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.db_snapshot import snapshot
from tests.kit import DELEGATIONS, Room, set_up_meeting

BRACKETED = "Solicitar a [la ST / la PPT] que presente [antes de la próxima reunión] un informe."
SUB = "Se encomienda a la Secretaría Técnica [coordinar un taller virtual]."


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


async def _meeting_with_brackets(service: DraftingService) -> Room:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:2])
    assert (await room.say(people["Canadá"], "proponer " + BRACKETED)).ok
    assert (await room.say(people["Canadá"], "proponer Tomar nota de los talleres.")).ok
    assert (await room.say(people["Canadá"], "subpunto 2 " + SUB)).ok
    for name in DELEGATIONS[:2]:
        assert (await room.say(people[name], "aprobar 2")).ok
    return room


async def test_the_draft_docx_prints_each_open_bracket_as_written_in_bold(service: DraftingService) -> None:
    room = await _meeting_with_brackets(service)
    (draft,) = documents(await room.say("rap", "compilar"))
    runs = [run for p in Document(BytesIO(draft.content)).paragraphs for run in p.runs if run.text]
    bold = {run.text for run in runs if run.bold}
    assert "[la ST / la PPT]" in bold
    assert "[antes de la próxima reunión]" in bold
    assert "[coordinar un taller virtual]" in bold
    plain = [run.text for run in runs if not run.bold]
    assert " que presente " in plain, "the agreed words around a bracket stay plain"


async def test_the_markdown_preview_prints_open_brackets_in_bold(service: DraftingService) -> None:
    room = await _meeting_with_brackets(service)
    (draft,) = documents(await room.say("rap", "compilar"))
    assert r"Solicitar a **\[la ST / la PPT\]** que presente **\[antes de la próxima reunión\]**" in (
        draft.preview
    )
    assert r"**\[coordinar un taller virtual\]**" in draft.preview


async def test_finalize_refuses_while_brackets_remain_and_lists_them(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room = await _meeting_with_brackets(service)
    before = await snapshot(stores)
    outcome = await room.say("rap", "finalizar")
    assert not outcome.ok
    (text,) = outcome.texts()
    assert "corchetes sin resolver" in text
    assert "1: [1: la ST / la PPT] [2: antes de la próxima reunión]" in text
    assert "2.a: [1: coordinar un taller virtual]" in text
    assert "resolver <punto> <corchete>" in text
    assert await snapshot(stores) == before


PROGRAMA = (
    "nuevareunion\ntitulo: Programa de trabajo\nformato: programa\n"
    "lugar: Tegucigalpa, Honduras\nfecha: 2008-11-19"
)
MESAS = (
    "nuevareunion\ntitulo: Mesas de trabajo\nformato: mesas\nlugar: San José, Costa Rica\nfecha: 2016-06-23"
)


async def _other_format(service: DraftingService, meeting: str, texts: list[str]) -> DocumentReply:
    """A programa or mesas meeting whose points hold open brackets, compiled as a draft."""
    room = Room(service)
    assert (await room.say("st", meeting)).ok
    assert (await room.say("st", "delegaciones Honduras y México")).ok
    for name, who in (("Honduras", "hn"), ("relator", "rap")):
        assert (await room.admit("st", name, who)).ok
    for text in texts:
        assert (await room.say("hn", text)).ok, text
    (draft,) = documents(await room.say("rap", "compilar"))
    return draft


def _bold_runs(data: bytes) -> tuple[set[str], set[str]]:
    """The text of the bold runs and of the plain ones, table cells included."""
    doc = Document(BytesIO(data))
    paragraphs = list(doc.paragraphs)
    paragraphs += [p for table in doc.tables for row in table.rows for c in row.cells for p in c.paragraphs]
    runs = [run for p in paragraphs for run in p.runs if run.text]
    return {r.text for r in runs if r.bold}, {r.text for r in runs if not r.bold}


async def test_a_programa_draft_prints_open_brackets_in_bold_in_the_table(service: DraftingService) -> None:
    draft = await _other_format(
        service,
        PROGRAMA,
        [
            "proponer Cooperación consular",
            "subpunto 1 Compartir información | Talleres [virtuales / presenciales] | [Enero de 2009]",
        ],
    )
    bold, plain = _bold_runs(draft.content)
    assert {"[virtuales / presenciales]", "[Enero de 2009]"} <= bold
    assert "Talleres " in plain, "the agreed words beside a bracket stay plain"
    assert r"Talleres **\[virtuales / presenciales\]**" in draft.preview
    assert r"**\[Enero de 2009\]**" in draft.preview


async def test_a_mesas_draft_prints_open_brackets_in_bold_in_text_lists_and_tables(
    service: DraftingService,
) -> None:
    draft = await _other_format(
        service,
        MESAS,
        [
            "proponer Protección Consular\nSe acordó [fortalecer / crear] la red.",
            "subpunto 1 Buenas prácticas:\n· Fuerza de Tarea en [Honduras]",
            "subpunto 1 Trata | Tráfico\nProtocolo [regional] | Grupos en fronteras",
        ],
    )
    bold, plain = _bold_runs(draft.content)
    assert {"[fortalecer / crear]", "[Honduras]", "[regional]"} <= bold
    assert " la red." in plain and "Fuerza de Tarea en " in plain
    assert r"Se acordó **\[fortalecer / crear\]** la red." in draft.preview
    assert r"Fuerza de Tarea en **\[Honduras\]**" in draft.preview
    assert r"Protocolo **\[regional\]**" in draft.preview
