"""The working-tables report as reference 004 lays it out, from a meeting played in chat: the
"Trata | Tráfico" two-column table, lists lettered a), b) where the text does, "·" bullets and the
numbered sub-headings ("2. Obstáculos …"). Read back with python-docx and with LibreOffice."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument

from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from tests.kit import Room
from tests.office import libreoffice_after

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

MEETING = (
    "nuevareunion\n"
    "titulo: Informe de las mesas de trabajo\n"
    "organismos: Conferencia Regional sobre Migración (CRM)\n"
    "formato: mesas\n"
    "lugar: San José, Costa Rica\n"
    "fecha: 2016-06-23..2016-06-24"
)
# reference 004, as delegates would type it
OPENING = (
    "Mesas de Trabajo: Protección Consular y Derechos Humanos, Salvador Gutierrez, OIM y Luis Diego "
    "Obando, ACNUR. Salón Londres"
)
CAPITALS = "RECUENTO SOBRE LA RESPONSABILIDAD COMPARTIDA EN EL TEMA DE PROTECCION CONSULAR"
YEAR_2014 = [
    "Instar a la red consular para trabajar con la sociedad civil",
    "Indicadores comunes para el registro de migrantes",
    "Reconocer los avances en materia de niñez",
]
YEAR_2015 = [
    "Posibilidad de integrar un dialogo entre la red consular y sociedad civil",
    "Instaurar una Red Consular de protección en México.",
]
TRAFFICKING = "Trata de personas y Tráfico Ilícito de Migrantes"
LEFT = [
    "Guatemala: Protocolo de repatriación en Guatemala con la participación de cónsules.",
    "México: Mesas temáticas que han permitido crear instrumentos para atender casos de trata.",
    "Trata: Hay leyes en todos los países.",
]
RIGHT = [
    "Grupos interdisciplinarios e interinstitucionales en fronteras sur y norte.",
    "SLV: Detectaron grupos de ecuatorianos traficados y se enjuició al traficante.",
]
OBSTACLES = "2. Obstáculos para asumir la responsabilidad compartida"
BULLETS = ["Falta de sistematización de datos.", "Rotación de funcionarios y falta de capacitación."]


def lettered(items: list[str]) -> str:
    return "\n".join(f"{chr(97 + i)}) {item}" for i, item in enumerate(items))


async def compiled(room: Room) -> DocumentReply:
    assert (await room.say("st", MEETING)).ok
    assert (await room.say("st", "delegaciones Costa Rica y México")).ok
    for name, who in (("Costa Rica", "cr"), ("México", "mx"), ("relator", "rap")):
        assert (await room.admit("st", name, who)).ok
    assert (await room.say("cr", f"proponer {OPENING}\n{CAPITALS}")).ok
    assert (await room.say("cr", f"subpunto 1 2014:\n{lettered(YEAR_2014)}\n2015:\n{lettered(YEAR_2015)}")).ok
    assert (await room.say("mx", f"proponer {TRAFFICKING}")).ok
    rows = [f"{LEFT[0]} | {RIGHT[0]}", f"{LEFT[1]} | {RIGHT[1]}", f"{LEFT[2]} |"]
    assert (await room.say("mx", "subpunto 2 Trata | Tráfico\n" + "\n".join(rows))).ok
    assert (await room.say("mx", f"subpunto 2 {OBSTACLES}\n" + "\n".join(f"· {b}" for b in BULLETS))).ok
    for who in ("cr", "mx"):
        for number in (1, 2):
            assert (await room.say(who, f"aprobar {number}")).ok
    assert (await room.say("rap", "finalizar")).ok
    outcome: Outcome = await room.say("st", "descargar")
    (final,) = [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]
    return final


def numbering(doc: DocxDocument, paragraph_text: str) -> tuple[str, str, str]:
    """(numId, numFmt, lvlText) of the list paragraph with that text."""
    p = next(p for p in doc.paragraphs if p.text == paragraph_text)
    num_id = p._p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
    root = doc.part.numbering_part.element
    num = next(n for n in root.findall(f"{W}num") if n.get(f"{W}numId") == num_id)
    abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")
    abstract = next(a for a in root.findall(f"{W}abstractNum") if a.get(f"{W}abstractNumId") == abstract_id)
    level = abstract.find(f"{W}lvl")
    return num_id, level.find(f"{W}numFmt").get(f"{W}val"), level.find(f"{W}lvlText").get(f"{W}val")


async def test_the_two_column_table_lists_and_sub_headings_as_reference_004(
    service: DraftingService, tmp_path: Path
) -> None:
    final = await compiled(Room(service))
    doc = Document(io.BytesIO(final.content))
    # the opening line in mixed case, as typed, in bold
    heading = next(p for p in doc.paragraphs if p.text == OPENING)
    assert all(run.bold for run in heading.runs)
    # the line in capitals under it stands as typed, left-aligned and kept with what follows, not
    # justified (its words would be stretched across the line)
    capitals = next(p for p in doc.paragraphs if p.text == CAPITALS)
    assert capitals._p.find(f"{W}pPr/{W}jc") is None and capitals.paragraph_format.keep_with_next
    # "Trata | Tráfico": a two-column table, its header repeated on each page, each column's lines
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["Trata", "Tráfico"]
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert [p.text for p in table.rows[1].cells[0].paragraphs] == LEFT
    assert [p.text for p in table.rows[1].cells[1].paragraphs] == RIGHT
    # a) b) lists: Word letters them, each run restarting at a)
    first = numbering(doc, YEAR_2014[0])
    second = numbering(doc, YEAR_2015[0])
    assert first[1:] == second[1:] == ("lowerLetter", "%1)")
    assert first[0] != second[0]
    assert numbering(doc, YEAR_2014[2])[0] == first[0]
    # numbered sub-heading in bold, its bullets with the middle dot
    sub_heading = next(p for p in doc.paragraphs if p.text == OBSTACLES)
    assert all(run.bold for run in sub_heading.runs)
    assert numbering(doc, BULLETS[0])[1:] == ("bullet", "·")
    # LibreOffice numbers the lettered lists as typed
    shown = libreoffice_after("accept", final.content, tmp_path)
    assert [f"a) {YEAR_2014[0]}", f"b) {YEAR_2014[1]}", f"c) {YEAR_2014[2]}"] == shown[
        shown.index("2014:") + 1 : shown.index("2014:") + 4
    ]
    assert f"a) {YEAR_2015[0]}" in shown and f"b) {YEAR_2015[1]}" in shown
    assert shown[-3:] == [OBSTACLES, *BULLETS]  # a bullet has no label string; its symbol is above
