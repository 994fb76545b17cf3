"""Adding a format is adding a folder: a throw-away format package, dropped into the formats
package's path, is accepted by `meeting format:`, has its own template keys read and validated, and
compiles a .docx through the service, with no other file touched."""

from __future__ import annotations

import io
import re
import sys
import textwrap
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from docx import Document

import drafting.report.formats as formats
from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.report.template import TemplateError, load_template
from drafting.service import DraftingService
from tests.kit import Room

# A minimal format, "acta" (minutes): a heading word of its own per language and a [minutes] table.
ACTA_INIT = """
from dataclasses import dataclass

from drafting.report.docx_parts import insert_body, new_document, para, ppr, runs, save
from drafting.report.docx_lines import title_block
from drafting.report.formats.base import Arrangement, DocumentFormat
from drafting.report.model import Paragraph, Report
from drafting.report.template import PageLayout, ReportTemplate, TemplatePart
from drafting.report.template_reader import Section


@dataclass(frozen=True)
class MinutesLayout:
    numbered: bool


@dataclass(frozen=True)
class MinutesWords:
    heading: str


def _layout(root: Section, page: PageLayout) -> MinutesLayout:
    t = root.table("minutes")
    layout = MinutesLayout(numbered=t.boolean("numbered"))
    t.done()
    return layout


def _words(t: Section) -> MinutesWords:
    return MinutesWords(heading=t.text("heading", nonempty=True))


def _arrange(report: Report, given: Arrangement) -> Report:
    import dataclasses

    return dataclasses.replace(report, content=given.words.part(MinutesWords))


def _docx(report: Report, template: ReportTemplate) -> bytes:
    doc = new_document(report, template)
    body = title_block(report, template, [report.title, report.place, report.date_line])
    body.append(para(ppr(), runs(report.part(MinutesWords).heading)))
    numbered = template.part(MinutesLayout).numbered
    for n, point in enumerate(report.points, 1):
        first = point.blocks[0]
        text = first.text if isinstance(first, Paragraph) else ""
        body.append(para(ppr(), runs(f"{n}) {text}" if numbered else text)))
    insert_body(doc, body)
    return save(doc, report, template)


def _markdown(report: Report, template: ReportTemplate, escape: bool) -> str:
    return report.title


FORMAT = DocumentFormat(
    name="acta",
    needs=(),
    arrange=_arrange,
    render_docx=_docx,
    render_markdown=_markdown,
    template=TemplatePart(read_layout=_layout, read_words=_words),
)
"""


def acta_template() -> str:
    """The mesas template's shared keys, with the acta's own keys instead of the mesas' ones."""
    text = resources.files("templates").joinpath("mesas.toml").read_text(encoding="utf-8")
    text = text.replace('format = "mesas"', 'format = "acta"')
    start = text.index("[sections]")
    end = text.index("[draft]")
    text = text[:start] + "[minutes]\nnumbered = true\n\n" + text[end:]
    text = re.sub(r"\nlist_labels = \[.*?\]\n", "\n", text, flags=re.S)
    text = text.replace("[es]\n", '[es]\nheading = "Acuerdos de la reunión"\n', 1)
    return text.replace("[en]\n", '[en]\nheading = "Agreements of the meeting"\n', 1)


@pytest.fixture
def acta_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "formats" / "acta"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(ACTA_INIT), encoding="utf-8")
    (folder / "template.toml").write_text(acta_template(), encoding="utf-8")
    formats.__path__.append(str(folder.parent))
    formats.discover()
    try:
        yield folder
    finally:
        formats.__path__.remove(str(folder.parent))
        sys.modules.pop("drafting.report.formats.acta", None)
        formats.discover()


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


MEETING = (
    "nuevareunion\ntitulo: Acta de la reunión\nformato: acta\nlugar: San José, Costa Rica\nfecha: 2016-06-23"
)


async def test_a_format_folder_is_a_format_the_meeting_accepts_and_compiles(
    service: DraftingService, acta_folder: Path
) -> None:
    room = Room(service)
    assert (await room.say("st", MEETING)).ok
    assert (await room.say("st", "delegaciones Costa Rica y México")).ok
    for name, who in (("Costa Rica", "cr"), ("relator", "rap")):
        assert (await room.admit("st", name, who)).ok
    assert (await room.say("cr", "proponer Tomar nota del informe de la Secretaría.")).ok
    (draft,) = documents(await room.say("rap", "compilar"))
    texts = [p.text for p in Document(io.BytesIO(draft.content)).paragraphs if p.text]
    assert "Acuerdos de la reunión" in texts
    assert "1) Tomar nota del informe de la Secretaría." in texts
    assert (await room.say("st", "reunion idioma: en")).ok
    (english,) = documents(await room.say("rap", "compilar"))
    assert "Agreements of the meeting" in [p.text for p in Document(io.BytesIO(english.content)).paragraphs]


async def test_an_unknown_format_is_refused_naming_the_formats_found(
    service: DraftingService, acta_folder: Path
) -> None:
    room = Room(service)
    assert (await room.say("st", "nuevareunion\ntitulo: Acta")).ok
    refused = await room.say("st", "reunion formato: minuta")
    assert refused.error == "error.bad_format"
    assert "acta, informe, mesas, programa" in refused.texts()[0]


def test_the_format_folder_template_has_its_own_keys_checked(acta_folder: Path) -> None:
    template = load_template("acta")
    assert template.format == "acta"
    broken = acta_template().replace("numbered = true", "numbered = true\ncolour = 1")
    (acta_folder / "template.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"unknown key \[minutes\] colour"):
        load_template("acta")
    mesas_keys = acta_template().replace("[minutes]", "[sections]")
    (acta_folder / "template.toml").write_text(mesas_keys, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"missing table \[minutes\]"):
        load_template("acta")


async def test_a_format_without_a_redline_says_so_and_still_circulates(
    service: DraftingService, acta_folder: Path
) -> None:
    room = Room(service)
    assert (await room.say("st", MEETING)).ok
    assert (await room.say("st", "delegaciones Costa Rica y México")).ok
    for name, who in (("Costa Rica", "cr"), ("relator", "rap")):
        assert (await room.admit("st", name, who)).ok
    assert (await room.say("cr", "proponer Tomar nota del informe de la Secretaría.")).ok
    assert (await room.say("rap", "compilar")).ok
    outcome = await room.say("rap", "compilar cambios")
    assert len(documents(outcome)) == 1
    assert any("aún no tiene versión con control de cambios" in text for text in outcome.texts())


def test_without_the_folder_the_format_is_unknown() -> None:
    assert "acta" not in formats.FORMATS
    with pytest.raises(ValueError, match="unknown report format 'acta'"):
        formats.get_format("acta")
