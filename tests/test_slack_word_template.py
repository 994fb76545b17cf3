"""A Word template on Slack: the secretariat mentions the bot with `plantilla` and attaches the .docx
to the same message (a slash command cannot carry a file); the bot fetches it with files.info and the
private download URL, installs it, and the next draft has its look."""

from __future__ import annotations

from collections.abc import AsyncIterator
from io import BytesIO

import docx
import pytest

from drafting.service import DraftingService
from tests.slack_fake.harness import MEETING_ES, SlackWorld, slack_world
from tests.test_report_word_template import word_template

ST, REL, MX = "U0ST", "U0RELATORA", "U0MX"


@pytest.fixture
async def world(service: DraftingService) -> AsyncIterator[SlackWorld]:
    async with slack_world(service) as w:
        await w.command(ST, MEETING_ES)
        await w.command(ST, "delegaciones México")
        await w.admit(ST, "México", MX)
        await w.admit(ST, "relator", REL)
        await w.command(MX, "proponer Agradecer a la Secretaría Técnica por su apoyo.")
        yield w


def drafts(w: SlackWorld) -> list[bytes]:
    return [
        f.content for f in w.fake.files.values() if f.filename.endswith(".docx") and "borrador" in f.filename
    ]


async def test_a_word_template_attached_to_a_mention_is_installed_and_used(world: SlackWorld) -> None:
    w = world
    shared = w.fake.share_file("crm.docx", word_template())
    await w.mention(ST, "plantilla", files=[shared])
    assert any("Plantilla de Word «crm.docx» instalada" in t for t in w.fake.texts(w.channel)), w.fake.texts(
        w.channel
    )
    assert [c.method for c in w.fake.calls if c.method in ("files.info", "download")] == [
        "files.info",
        "download",
    ]
    await w.command(REL, "compilar")
    (draft,) = drafts(w)
    doc = docx.Document(BytesIO(draft))
    assert doc.styles["Normal"].font.name == "Garamond"
    assert doc.sections[0].header.paragraphs[0].text.endswith("BORRADOR – versión 1")


async def test_a_file_that_is_no_word_document_is_refused_and_changes_nothing(world: SlackWorld) -> None:
    w = world
    shared = w.fake.share_file("notas.txt", b"no es un documento")
    await w.mention(ST, "plantilla", files=[shared])
    assert not any("instalada" in t for t in w.fake.texts(w.channel))
    shown = [*w.fake.texts(w.channel), *w.fake.ephemerals_for(ST)]
    assert any("no es un archivo .docx de Word" in t for t in shown), shown
    await w.command(REL, "compilar")
    (draft,) = drafts(w)
    assert docx.Document(BytesIO(draft)).styles["Normal"].font.name != "Garamond"


async def test_plantilla_without_a_file_says_to_attach_it_to_a_mention(world: SlackWorld) -> None:
    w = world
    await w.command(ST, "plantilla")
    shown = [*w.fake.texts(w.channel), *w.fake.ephemerals_for(ST)]
    hint = [t for t in shown if "plantilla" in t and "adjunte" in t]
    assert hint, shown
    (text,) = hint
    assert "escriba @draftbot plantilla en un mensaje del canal" in text
    assert "/draft plantilla restablecer" in text
    assert "/draft plantilla como" not in text and "leyenda" not in text
