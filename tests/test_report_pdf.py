"""PDF: `compilar pdf` and `descargar pdf` through LibreOffice headless, each conversion on its own.

The converter (bot/documents/pdf.py) runs LibreOffice with a profile directory of its own per
conversion, so conversions at the same time all give their file; a conversion over its time limit is
killed with its process group; where LibreOffice is missing the chat says how to install it and nothing
changes. The PDFs are read back with poppler's pdftotext.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from bot.documents.pdf import LibreOfficeConverter
from drafting.ports import ConversionFailed, ConversionUnavailable
from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.kit import Room, set_up_meeting
from tests.office import need_soffice

TITLE = "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE PROTECCIÓN CONSULAR"
POINT_1 = "Agradecer a las delegaciones de Honduras y México por sus informes."


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    assert data.startswith(b"%PDF-")
    program = shutil.which("pdftotext")
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is not installed; apt-get install poppler-utils")
        pytest.skip("pdftotext is not installed; apt-get install poppler-utils")
    source = tmp_path / f"read-{len(list(tmp_path.iterdir()))}.pdf"
    source.write_bytes(data)
    done = subprocess.run([program, "-layout", str(source), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


@pytest.fixture
def with_pdf(stores: SqlStoreFactory, clock: FakeClock) -> DraftingService:
    need_soffice()
    codes = iter(f"CODE{n:06d}" for n in range(1, 1_000_000))
    return DraftingService(
        stores, clock=clock, new_code=lambda: next(codes), converter=LibreOfficeConverter()
    )


async def test_compile_pdf_posts_the_draft_as_a_pdf(with_pdf: DraftingService, tmp_path: Path) -> None:
    room = Room(with_pdf)
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    (pdf,) = documents(await room.say("rap", "compilar pdf"))
    assert pdf.filename.endswith("-borrador-v1.pdf")
    assert pdf.caption.endswith("(PDF)")
    text = pdf_text(pdf.content, tmp_path)
    assert TITLE in text and f"[{POINT_1}] (en discusión)" in text


async def test_download_pdf_gives_the_final_report_as_a_pdf(
    with_pdf: DraftingService, tmp_path: Path
) -> None:
    room = Room(with_pdf)
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    for name, who in people.items():
        if who.startswith("d"):
            assert (await room.say(who, "aprobar 1")).ok, name
    assert (await room.say("rap", "finalizar")).ok
    (pdf,) = documents(await room.say("st", "descargar pdf"))
    assert pdf.filename.endswith("-final.pdf")
    text = pdf_text(pdf.content, tmp_path)
    assert f"1. {POINT_1}" in text and "[" not in text


async def test_conversions_at_the_same_time_each_give_their_file(
    with_pdf: DraftingService, tmp_path: Path
) -> None:
    room = Room(with_pdf)
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    (draft,) = documents(await room.say("rap", "compilar"))
    converter = LibreOfficeConverter()
    results = await asyncio.gather(*(converter.to_pdf(f"copy-{n}.docx", draft.content) for n in range(3)))
    for result in results:
        assert TITLE in pdf_text(result, tmp_path)


async def test_without_libreoffice_the_chat_says_how_to_install_it_and_nothing_changes(
    stores: SqlStoreFactory, clock: FakeClock
) -> None:
    codes = iter(f"CODE{n:06d}" for n in range(1, 1_000_000))
    missing = LibreOfficeConverter("/nonexistent/soffice")
    room = Room(DraftingService(stores, clock=clock, new_code=lambda: next(codes), converter=missing))
    people = await set_up_meeting(room)
    assert (await room.say(people["Honduras"], f"proponer {POINT_1}")).ok
    refused = await room.say("rap", "compilar pdf")
    assert not refused.ok and not documents(refused)
    (text,) = refused.texts()
    assert "LibreOffice no está instalado" in text and "apt-get install libreoffice-writer-nogui" in text
    (draft,) = documents(await room.say("rap", "compilar"))
    assert draft.filename.endswith("-v1.docx")  # the refused compile numbered no version


async def test_a_missing_program_is_reported_as_unavailable() -> None:
    with pytest.raises(ConversionUnavailable):
        await LibreOfficeConverter("/nonexistent/soffice").to_pdf("x.docx", b"PK")


async def test_a_conversion_over_its_time_limit_is_killed_with_its_helpers(tmp_path: Path) -> None:
    # a stand-in for soffice that starts a helper and never finishes; it writes the helper's pid
    pid_file = tmp_path / "helper.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    converter = LibreOfficeConverter(str(fake), timeout=5)
    with pytest.raises(ConversionFailed, match="more than 5 s"):
        await converter.to_pdf("x.docx", b"PK")
    helper = int(pid_file.read_text())
    # killed with the group: the helper is gone (or a zombie about to be reaped by init)
    status = Path(f"/proc/{helper}/status")
    assert not status.exists() or "zombie" in status.read_text()
