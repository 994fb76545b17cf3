"""The redline: `compilar cambios` posts, beside the clean draft, a .docx with real Word tracked changes
against the last circulated draft.

A meeting is played through the service: four points (point 2 with two sub-points) circulate as draft 1;
then two amendments are accepted, a new point is proposed, a sub-point is withdrawn and a point is
moved, and the rapporteur compiles with the redline. The redline is read by two readers other than our
writer: LibreOffice itself (its own "Accept All" / "Reject All", through its Python bridge) and the
docx-revisions package. Accepting every change must give the clean draft 2; rejecting every change
must give draft 1 as it circulated.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from docx import Document
from docx_revisions import RevisionDocument

from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import Room, set_up_meeting
from tests.office import libreoffice_after, libreoffice_count

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

POINT_1 = "Agradecer a las delegaciones de Honduras y México por sus informes."
POINT_1_AMENDED = (
    "Agradecer a las delegaciones de Honduras, México y Guatemala por sus informes de buenas prácticas."
)
POINT_2 = "Tomar nota de los talleres disponibles:"
SUB_2A = "Talleres sobre manejo consular de crisis."
SUB_2B = "Talleres sobre desplazamiento en el contexto de desastres."
POINT_3 = "Solicitar a la Secretaría Técnica un informe sobre la Red."
POINT_3_AMENDED = "Solicitar a la Secretaría Técnica de la CRM un informe breve sobre la Red."
POINT_4 = "Encomendar a la OIM la publicación de los lineamientos regionales."
POINT_5 = "Recibir con beneplácito la propuesta de ACNUR."


def pending(text: str) -> str:
    """How a draft shows a point not adopted yet."""
    return f"[{text}] (en discusión)"


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


def texts(data: bytes) -> list[str]:
    """python-docx's reading of a document without tracked changes: its non-empty paragraphs."""
    return [" ".join(p.text.split()) for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def revisions_reader(data: bytes, accept: bool) -> list[str]:
    """docx-revisions' reading: accept or reject every change, then the non-empty paragraphs.

    It resolves revised runs only (an inserted paragraph it rejects stays as an empty paragraph), so
    empty paragraphs are left out on both sides of the comparison.
    """
    revised = RevisionDocument(io.BytesIO(data))
    if accept:
        revised.accept_all()
    else:
        revised.reject_all()
    buffer = io.BytesIO()
    revised.save(buffer)
    return texts(buffer.getvalue())


def paragraph_text(p: Any) -> str:
    """The text of a paragraph element, inserted and deleted runs alike."""
    return "".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")).strip()


async def play(room: Room, clock: FakeClock) -> tuple[dict[str, str], DocumentReply, Outcome]:
    """Draft 1 circulates; then the changes; returns the people, draft 1 and the redline compile."""
    people = await set_up_meeting(room)
    hn, mx, gt = people["Honduras"], people["México"], people["Guatemala"]
    for who, text in ((hn, POINT_1), (mx, POINT_2), (hn, POINT_3), (gt, POINT_4)):
        assert (await room.say(who, f"proponer {text}")).ok
    assert (await room.say(mx, f"subpunto 2 {SUB_2A}")).ok
    assert (await room.say(gt, f"subpunto 2 {SUB_2B}")).ok
    first = await room.say("rap", "compilar")
    (draft_1,) = documents(first)

    clock.now += timedelta(hours=1)
    assert (await room.say(mx, f"enmendar 1 {POINT_1_AMENDED}")).ok
    clock.now += timedelta(minutes=5)
    assert (await room.say("rap", "aceptar 1")).ok
    clock.now += timedelta(minutes=5)
    assert (await room.say(hn, f"enmendar 3 {POINT_3_AMENDED}")).ok
    clock.now += timedelta(minutes=5)
    assert (await room.say("rap", "aceptar 3")).ok
    clock.now += timedelta(minutes=5)
    assert (await room.say(gt, f"proponer {POINT_5}")).ok
    assert (await room.say(gt, "retirar 2.b")).ok
    assert (await room.say("rap", "mover 4 1")).ok
    clock.now += timedelta(hours=1)
    return people, draft_1, await room.say("rap", "compilar cambios")


async def test_the_first_circulation_has_nothing_to_compare_with(service: DraftingService) -> None:
    room = Room(service)
    await set_up_meeting(room)
    assert (await room.say("d0", f"proponer {POINT_1}")).ok
    outcome = await room.say("rap", "compilar cambios")
    assert outcome.ok
    assert len(documents(outcome)) == 1  # the clean draft circulates
    assert any("primer borrador que circula" in text for text in outcome.texts())


async def test_a_redline_marks_amendments_new_withdrawn_and_moved_points_with_their_authors(
    service: DraftingService, clock: FakeClock
) -> None:
    _, _, outcome = await play(Room(service), clock)
    clean, marked = documents(outcome)
    assert clean.filename.endswith("-v2.docx") and marked.filename.endswith("-v2-cambios.docx")
    assert "respecto de la versión 1" in marked.caption
    xml = zipfile.ZipFile(io.BytesIO(marked.content)).read("word/document.xml").decode()
    # word-level changes in point 1, by México, dated when the rapporteur accepted its amendment
    assert '<w:ins w:id="' in xml and "<w:delText" in xml
    accepted_1 = "2026-11-23T10:05:00Z"
    assert f'w:author="México" w:date="{accepted_1}"' in xml
    assert 'w:author="Honduras" w:date="2026-11-23T10:15:00Z"' in xml
    # the new point is an inserted paragraph (its mark too), the withdrawn sub-point a deleted one
    body = Document(io.BytesIO(marked.content)).element.body
    marks = {
        (change.tag.removeprefix(W), change.get(f"{W}author"), paragraph_text(p))
        for p in body.iter(f"{W}p")
        for change in p.findall(f"{W}pPr/{W}rPr/*")
        if change.tag in (f"{W}ins", f"{W}del")
    }
    assert ("ins", "Guatemala", pending(POINT_5)) in marks
    assert ("del", "Guatemala", pending(SUB_2B)) in marks
    # the move: point 4 deleted where it stood and inserted first, by the rapporteur's hand
    moved = [m for m in marks if m[2] == pending(POINT_4)]
    assert sorted(m[0] for m in moved) == ["del", "ins"]
    assert {m[1] for m in moved} == {"rap"}


async def test_accepting_all_gives_the_clean_draft_and_rejecting_all_the_circulated_one(
    service: DraftingService, clock: FakeClock, tmp_path: Path
) -> None:
    _, draft_1, outcome = await play(Room(service), clock)
    clean, marked = documents(outcome)
    # docx-revisions: run-level changes resolved, empty paragraphs aside
    assert revisions_reader(marked.content, accept=True) == texts(clean.content)
    assert revisions_reader(marked.content, accept=False) == texts(draft_1.content)
    # LibreOffice: its own Accept All / Reject All, list numbers included
    assert libreoffice_count(marked.content, tmp_path) >= 8
    accepted = libreoffice_after("accept", marked.content, tmp_path)
    rejected = libreoffice_after("reject", marked.content, tmp_path)
    assert accepted == libreoffice_after("accept", clean.content, tmp_path)
    assert rejected == libreoffice_after("accept", draft_1.content, tmp_path)
    assert f"1. {pending(POINT_4)}" in accepted and f"2. {pending(POINT_1_AMENDED)}" in accepted
    assert f"1. {pending(POINT_1)}" in rejected and f"4. {pending(POINT_4)}" in rejected
    assert f"b. {pending(SUB_2B)}" in rejected and pending(SUB_2B) not in " ".join(accepted)
