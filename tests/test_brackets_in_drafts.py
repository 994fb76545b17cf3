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
