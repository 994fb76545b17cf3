"""Every format in English: a meeting with `idioma: en`, played in chat, compiles a .docx worded in
English throughout (draft mark, generated sentences, headers, list labels, state notes, dates)."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument

from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from tests.kit import Room

SPANISH = ("BORRADOR", "versión", "en discusión", "celebró", "somete", "reunión", " de noviembre", "TEMAS")


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


def all_text(doc: DocxDocument) -> str:
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    header = [p.text for p in doc.sections[0].header.paragraphs]
    return "\n".join([*header, *(p.text for p in doc.paragraphs), *cells])


async def english_draft(room: Room, fmt: str, extra: str, points: list[str]) -> DocxDocument:
    meeting = (
        f"newmeeting\ntitle: Report of the meeting\nformat: {fmt}\nlanguage: en\n"
        f"place: San Pedro Sula, Honduras\ndate: 2016-11-15\n{extra}"
    )
    assert (await room.say("st", meeting)).ok
    assert (await room.say("st", "delegations Canada, Mexico and Honduras")).ok
    for name, who in (("Mexico", "mx"), ("rapporteur", "rap")):
        assert (await room.admit("st", name, who)).ok
    # only Mexico has a delegate here: the secretariat names the three that took part
    assert (await room.say("st", "attendance Canada, Mexico and Honduras")).ok
    for text in points:
        assert (await room.say("mx", text)).ok
    (draft,) = documents(await room.say("rap", "compile"))
    doc = Document(io.BytesIO(draft.content))
    assert doc.sections[0].header.paragraphs[0].text.endswith("DRAFT – version 1")
    return doc


async def test_an_english_informe_is_worded_in_english(service: DraftingService) -> None:
    doc = await english_draft(
        Room(service),
        "informe",
        "network: Network of Consular Protection Liaison Officers\nkind: regular\n"
        "before: Regional Consultation Group on Migration (RCGM)",
        ["propose Thank the delegations for their reports.", "sub 1 Including the workshops."],
    )
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:3] == ["REPORT OF THE MEETING", "San Pedro Sula, Honduras", "15 November 2016"]
    assert texts[3] == (
        "The Network of Consular Protection Liaison Officers held its regular meeting on 15 November 2016, "
        "in San Pedro Sula, Honduras, prior to the meeting of the Regional Consultation Group on Migration "
        "(RCGM), with the participation of representatives of the following countries: Canada, Honduras "
        "and Mexico."
    )
    assert texts[4].startswith("The Network submits for the consideration of the Regional Consultation")
    assert texts[5] == "[Thank the delegations for their reports.] (under discussion)"
    assert not [word for word in SPANISH if word in all_text(doc)]


async def test_an_english_programme_is_worded_in_english(service: DraftingService) -> None:
    doc = await english_draft(
        Room(service),
        "programa",
        "",
        ["propose Consular cooperation", "sub 1 Share good practices | Country presentations | Ongoing"],
    )
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts == ["REPORT OF THE MEETING", "San Pedro Sula, Honduras, 15 November 2016"]
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["THEMES", "OBJECTIVES", "ACTIVITIES", "TIMETABLE"]
    assert rows[1][0] == "[Consular cooperation] (under discussion)"
    assert not [word for word in SPANISH if word in all_text(doc)]


async def test_an_english_working_tables_report_is_worded_in_english(service: DraftingService) -> None:
    doc = await english_draft(
        Room(service),
        "mesas",
        "",
        [
            "propose Consular Protection and Human Rights",
            "sub 1 Good practices:\n· Task force in Honduras\n· Labour rights week",
            "sub 1 Recommendations:\na) Harmonise public policies\nb) Specialised protocols",
        ],
    )
    text = all_text(doc)
    assert "Good practices:" in text and "Recommendations:" in text
    assert "a) Harmonise public policies" in text or "Harmonise public policies" in text
    assert not [word for word in SPANISH if word in text]
