"""Render an informe `Report` as a Word document (.docx) in the institutional layout (reference 001).

Layout (sizes, fonts, spacing and indents come from the `ReportTemplate`):

* drafts: the draft mark in the page header and as the first line;
* the title block, centred and bold: parent bodies, title, place, date line;
* the opening paragraph, the objective (when there is one), the lead-in;
* the points as a real Word list: our own `w:abstractNum` with level 0 "%1." (decimal) for points and
  level 1 "%2." (lowerLetter, restarting under each point) for sub-points, used through one `w:num`,
  so Word numbers 1., 2., … and a., b., … itself and renumbers when the secretariat edits the file.
  A point's further paragraphs are unnumbered and indented to the point's text; bullet lists use a
  second `w:abstractNum` (level 0 under points, level 1 under sub-points);
* drafts show text not yet agreed as "[Agradecer a …] (en discusión)", the note in italics.

The body is written as one WordprocessingML string and parsed once (`drafting.report.docx_parts`,
shared with the other formats); every piece of text passes through `xml_safe`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx.document import Document as DocxDocument

from drafting.report.docx_lines import Item, Line, Segment, bracket_segments, plain_body, title_items
from drafting.report.docx_parts import (
    add_abstract_num,
    add_num,
    attr,
    insert_body,
    list_level,
    mark_rpr,
    new_document,
    note_rpr,
    ppr,
    save,
    twips,
)
from drafting.report.formats.informe.model import InformeContent
from drafting.report.formats.informe.template import list_layout
from drafting.report.model import Block, Bullets, Paragraph, Report
from drafting.report.redline import redline_body
from drafting.report.template import ReportTemplate

# fixed list ids inside the abstractNum definitions (Word uses them to tell lists apart when pasting)
_POINTS_NSID = "4452414E"  # "DRAN"
_BULLETS_NSID = "44524142"  # "DRAB"


def render_docx(report: Report, template: ReportTemplate) -> bytes:
    """The report as the bytes of a .docx file; with `report.history`, the redline against the last
    circulated draft (`drafting.report.redline`) instead."""
    doc = new_document(report, template)
    points_num, bullets_num = _add_numbering(doc, template)
    writer = _BodyWriter(template, points_num, bullets_num)
    items = writer.items(report)
    if report.history is None:
        insert_body(doc, plain_body(items))
    else:
        insert_body(doc, redline_body(writer.items(report.history.previous), items, report.history))
    return save(doc, report, template)


# --- the body --------------------------------------------------------------------------------


@dataclass
class _Line:
    """One paragraph of a point, before brackets and notes are added."""

    kind: str  # "num" (the numbered opening), "para" (further paragraph), "bullet"
    text: str


class _BodyWriter:
    def __init__(self, template: ReportTemplate, points_num: int, bullets_num: int) -> None:
        self.t = template
        self.points_num = points_num
        self.bullets_num = bullets_num
        lists = list_layout(template)
        self.text_left = (twips(lists.point_indent_cm), twips(lists.subpoint_indent_cm))
        self.body_jc = "both" if template.body.justified else None
        self.mark_rpr = mark_rpr(template)
        self.note_rpr = note_rpr(template)

    def items(self, report: Report) -> list[Item]:
        """The body as keyed items: the title lines, the opening paragraphs, each point."""
        bodies = [(f"body{i}", text) for i, text in enumerate(report.bodies)]
        heading = [*bodies, ("title", report.title), ("place", report.place), ("date", report.date_line)]
        out = title_items(report, self.t, heading)
        content = report.part(InformeContent)
        texts = (
            ("opening", content.opening),
            ("objective", report.objective or ""),
            ("lead_in", content.lead_in),
        )
        for key, text in texts:
            if text.strip():
                out.append(Item(key, (Line(ppr(jc=self.body_jc), (Segment(text),)),)))
        show = report.draft
        for point in report.points:
            children = tuple(
                self.item(sub.label, sub.point_id, sub.blocks, 1, show and sub.pending, sub.state_note)
                for sub in point.subpoints
            )
            top = self.item(
                point.label, point.point_id, point.blocks, 0, show and point.pending, point.state_note
            )
            out.append(Item(top.key, top.lines, children, top.point_id))
        return out

    def item(
        self, label: str, point_id: int, blocks: Sequence[Block], level: int, show: bool, note: str | None
    ) -> Item:
        lines = list(_lines(blocks))
        out: list[Line] = []
        for i, line in enumerate(lines):
            # open brackets print as written, in bold, so a reader of the draft sees what is not agreed
            segments = bracket_segments(line.text) or [Segment("")]
            if show and i == 0:
                segments.insert(0, Segment("["))
            if show and i == len(lines) - 1:
                segments.append(Segment("]"))
            if show and note and i == len(lines) - 1:
                segments += [Segment(" "), Segment(f"({note})", self.note_rpr)]
            if line.kind == "num":
                props = ppr(num=(self.points_num, level), jc=self.body_jc)
            elif line.kind == "bullet":
                props = ppr(num=(self.bullets_num, level), jc=self.body_jc)
            else:
                props = ppr(left=self.text_left[level], jc=self.body_jc)
            out.append(Line(props, tuple(segments)))
        # a point keeps its key across drafts by its stored id; reports built by hand key by label
        key = f"p{point_id}" if point_id else f"label{label}"
        return Item(key, tuple(out), point_id=point_id)


def _lines(blocks: Sequence[Block]) -> Iterable[_Line]:
    """The paragraphs of a point: numbered opening first (empty when the text starts with bullets)."""
    rest: Sequence[Block] = blocks
    if blocks and isinstance(blocks[0], Paragraph):
        yield _Line("num", blocks[0].text)
        rest = blocks[1:]
    else:
        yield _Line("num", "")
    for block in rest:
        if isinstance(block, Bullets):
            for item in block.items:
                yield _Line("bullet", item)
        else:
            yield _Line("para", block.text)


# --- list definitions ------------------------------------------------------------------------


def _add_numbering(doc: DocxDocument, template: ReportTemplate) -> tuple[int, int]:
    """Add the points and bullets list definitions; return their w:numId values."""
    lists = list_layout(template)
    points_xml = list_level(
        0, "decimal", "%1.", twips(lists.point_indent_cm), twips(lists.point_hanging_cm)
    ) + list_level(
        1,
        "lowerLetter",
        "%2.",
        twips(lists.subpoint_indent_cm),
        twips(lists.subpoint_hanging_cm),
        '<w:lvlRestart w:val="1"/>',
    )
    bullet_font = attr(lists.bullet_font or template.font.name)
    bullet_rpr = (
        f'<w:rPr><w:rFonts w:ascii="{bullet_font}" w:hAnsi="{bullet_font}" w:hint="default"/></w:rPr>'
    )
    hanging = twips(lists.bullet_hanging_cm)
    bullets_xml = list_level(
        0, "bullet", lists.bullet_symbol, twips(lists.bullet_indent_cm), hanging, rpr=bullet_rpr
    ) + list_level(
        1, "bullet", lists.bullet_symbol, twips(lists.sub_bullet_indent_cm), hanging, rpr=bullet_rpr
    )
    points_abs = add_abstract_num(doc, _POINTS_NSID, points_xml)
    bullets_abs = add_abstract_num(doc, _BULLETS_NSID, bullets_xml)
    return add_num(doc, points_abs), add_num(doc, bullets_abs)
