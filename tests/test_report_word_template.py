"""Word templates: the secretariat sends a .docx and the meeting's documents take its look.

The template is made here as Word would save one (styles, a page of its own, a header with a logo and
the {draft_mark} placeholder, a footer); `plantilla` with it attached installs it for the meeting,
`plantilla restablecer` goes back to the usual look, and a file without what draftbot needs is refused
with the list of what is missing. The documents are read back with python-docx.
"""

from __future__ import annotations

import asyncio
import base64
import io
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm, Pt

from bot.cli import main
from drafting.model import ChatRef, UserRef
from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.report.word_template import check
from drafting.service import DraftingService
from drafting.turn import Context
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import Room, set_up_meeting

POINT_1 = "Agradecer a las delegaciones de Honduras y México por sus informes."
# a 1x1 PNG, the logo
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def word_template(*, header: str = "{draft_mark}", font: str = "Garamond") -> bytes:
    doc = Document()
    doc.styles["Normal"].font.name = font
    doc.styles["Normal"].font.size = Pt(12)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, not the shipped letter size
    section.left_margin = Cm(2.0)
    paragraph = section.header.paragraphs[0]
    paragraph.add_run().add_picture(io.BytesIO(LOGO), width=Cm(2))
    paragraph.add_run("Conferencia Regional sobre Migración  ")
    paragraph.add_run(header[: len(header) // 2])  # Word often splits a typed word across runs
    paragraph.add_run(header[len(header) // 2 :])
    section.footer.paragraphs[0].text = "Secretaría Técnica de la CRM — {title}"
    doc.add_paragraph("Texto de ejemplo que la plantilla traía en su cuerpo.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


async def send_template(room: Room, text: str, filename: str, content: bytes) -> Outcome:
    ctx = Context(room.chat, UserRef(room.chat.platform, "st", "", "st"), room.prefix)
    ctx = Context(ctx.chat, ctx.user, ctx.prefix, attachment=(filename, content))
    return await room.service.handle_text(ctx, text)


def test_a_template_without_the_draft_mark_or_with_unknown_data_lists_what_is_wrong() -> None:
    assert check(word_template()) == []
    assert check(word_template(header="{titulo}")) == ["placeholder:draft_mark", "unknown:{titulo}"]
    assert check(b"not a zip") == ["not_docx"]


async def test_a_word_template_gives_the_documents_its_page_fonts_header_and_footer(
    service: DraftingService,
) -> None:
    room = Room(service)
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    installed = await send_template(room, "plantilla", "crm.docx", word_template())
    assert installed.ok and "crm.docx" in installed.texts()[0]
    (draft,) = documents(await room.say("rap", "compilar"))
    doc = Document(io.BytesIO(draft.content))
    section = doc.sections[0]
    assert section.page_width is not None and abs(section.page_width - Cm(21.0)) < Cm(0.01)  # A4
    assert doc.styles["Normal"].font.name == "Garamond"
    header = section.header.paragraphs[0]
    assert header.text == "Conferencia Regional sobre Migración  BORRADOR – versión 1"
    assert header._p.xpath(".//pic:pic")  # the logo stays
    assert section.footer.paragraphs[0].text.startswith(
        "Secretaría Técnica de la CRM — INFORME DE LA REUNIÓN"
    )
    body = [p.text for p in doc.paragraphs if p.text]
    assert "Texto de ejemplo que la plantilla traía en su cuerpo." not in body
    assert body[0] == "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)"
    assert f"[{POINT_1}] (en discusión)" in body

    reset = await room.say("st", "plantilla restablecer")
    assert reset.ok and "aspecto de siempre" in reset.texts()[0]
    (usual,) = documents(await room.say("rap", "compilar"))
    assert Document(io.BytesIO(usual.content)).styles["Normal"].font.name != "Garamond"


async def test_a_bad_template_is_refused_with_what_is_missing_and_changes_nothing(
    service: DraftingService,
) -> None:
    room = Room(service, chat=ChatRef("test", "room-2"))
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    refused = await send_template(room, "plantilla", "mala.docx", word_template(header="{titulo}"))
    assert not refused.ok
    (text,) = refused.texts()
    assert (
        "falta {draft_mark} en el encabezado o el pie" in text and "{titulo} no es un dato conocido" in text
    )
    missing = await room.say("st", "plantilla")
    assert not missing.ok and "Adjunte el archivo .docx" in missing.texts()[0]
    (draft,) = documents(await room.say("rap", "compilar"))
    assert Document(io.BytesIO(draft.content)).styles["Normal"].font.name != "Garamond"


@pytest.mark.parametrize(
    ("platform", "prefix", "says", "never"),
    [
        ("telegram", "/", "con /plantilla como leyenda", "@draftbot"),
        ("slack", "/draft ", "escriba @draftbot plantilla en un mensaje del canal y adjunte", "leyenda"),
        ("whatsapp", "", "como documento, con plantilla como leyenda", "@draftbot"),
    ],
)
async def test_plantilla_without_a_file_says_how_this_platform_sends_one_and_changes_nothing(
    service: DraftingService, stores: SqlStoreFactory, platform: str, prefix: str, says: str, never: str
) -> None:
    room = Room(service, chat=ChatRef(platform, f"{platform}-room", "W1"), prefix=prefix)
    await set_up_meeting(room)
    before = await snapshot(stores)
    refused = await room.say("st", "plantilla")
    assert not refused.ok
    (text,) = refused.texts()
    assert says in text and never not in text
    assert f"{prefix}plantilla restablecer" in text
    assert await snapshot(stores) == before


def test_the_command_line_checks_a_template_and_lists_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "crm.docx", tmp_path / "mala.docx"
    good.write_bytes(word_template())
    bad.write_bytes(word_template(header="{titulo}"))
    assert main(["template", "check", str(good)]) == 0
    assert "can be a Word template" in capsys.readouterr().out
    assert main(["template", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "{draft_mark} is missing from the header or footer" in out and "{titulo} is not known" in out


async def test_the_command_line_installs_a_template_for_a_meeting(
    sqlite_url: str,
    stores: SqlStoreFactory,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    room = Room(DraftingService(stores, clock=clock))
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    good = tmp_path / "crm.docx"
    good.write_bytes(word_template())
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    # the command line runs its own event loop, as `draftbot template install` does
    code = await asyncio.to_thread(main, ["template", "install", str(good), "--meeting", "1"])
    assert code == 0
    (draft,) = documents(await room.say("rap", "compilar"))
    assert Document(io.BytesIO(draft.content)).styles["Normal"].font.name == "Garamond"
