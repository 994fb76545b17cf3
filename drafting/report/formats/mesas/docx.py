"""Render a mesas `Report` as a Word document: the working-tables report of reference 004.

Layout (sizes and indents come from the `[sections]` of templates/mesas.toml):

* drafts: the draft mark in the page header and as the first line;
* the title block, centred and bold: parent bodies, title, place, date line; then the meeting's
  objective, when there is one, as an introductory paragraph;
* one section per working table: its heading in bold with space before it, kept with what follows;
  the table's text as paragraphs and its "·" bullets as a real Word bullet list;
* labelled lists: the label ("Buenas prácticas:") in bold, then the items as a real Word list, numbered
  1., 2., … (each labelled list restarts at 1: a `w:num` of its own with a start override) or bulleted,
  as the template says; sub-points that are not labelled lists are more paragraphs and bullets;
* a two-column comparison ("Trata | Tráfico") as a real Word table, its header row bold and repeated;
  lines typed "a) …" as a Word list lettered a), b), … (restarting at each "a)"), numbered lines such
  as "2. Obstáculos …" as bold sub-headings;
* drafts show text not yet agreed in [square brackets] followed by its state in italics: a pending
  table from its heading to the end of its own text, each pending sub-point on its own (for a labelled
  list, from its first item to its last).

How points become sections and lists is `drafting.report.formats.mesas.arrange`; this module holds
layout only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docx.document import Document as DocxDocument

from drafting.report.docx_lines import bracket_runs, title_block
from drafting.report.docx_parts import (
    add_abstract_num,
    add_num,
    attr,
    half_points,
    insert_body,
    list_level,
    new_document,
    note_rpr,
    para,
    point_mark,
    ppr,
    runs,
    save,
    twentieths,
    twips,
)
from drafting.report.formats.mesas.model import Comparison, LabelledList, MesasContent, WorkingTable
from drafting.report.formats.mesas.template import section_layout
from drafting.report.model import Block, Bullets, Report
from drafting.report.redline_blocks import redline_blocks
from drafting.report.template import ReportTemplate

_NUMBERED_NSID = "4452414D"  # "DRAM"
_BULLETS_NSID = "44524142"  # "DRAB", as the informe's bullets
_LETTERED_NSID = "4452414C"  # "DRAL"
_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'


@dataclass
class _Line:
    # "heading", "subheading", "caps", "para", "bullet", "label", "item", "cell", "raw" (a table)
    kind: str
    text: str
    num: int = 0  # the w:numId of an item's list
    point_id: int = 0  # whose text it is
    opens: bool = False  # a draft's pending bracket opens before the text
    closes: bool = False  # … or closes after it, then the state note
    note: str = ""


def _bracket(lines: Sequence[_Line], note: str | None) -> None:
    if not lines:
        return
    lines[0].opens = True
    lines[-1].closes = True
    lines[-1].note = note or ""


def _owned(lines: list[_Line], point_id: int) -> list[_Line]:
    for line in lines:
        line.point_id = point_id
    return lines


_LETTERED = re.compile(r"^([a-z])\)\s+(\S.*)$")  # "a) Instar a la red consular …"
_SUB_HEADING = re.compile(r"^\d{1,2}\.\s+\S")  # "2. Obstáculos para asumir …"
_SUB_HEADING_MAX = 160  # longer numbered lines are text, not headings


def _paragraph_kind(text: str) -> str:
    """A numbered short line is a sub-heading; a short line all in capitals ("RECUENTO SOBRE LA
    RESPONSABILIDAD COMPARTIDA …", reference 004) a title line of its own, not justified text."""
    if len(text) > _SUB_HEADING_MAX:
        return "para"
    if _SUB_HEADING.match(text):
        return "subheading"
    letters = [c for c in text if c.isalpha()]
    return "caps" if len(letters) >= 12 and " " in text.strip() and text.upper() == text else "para"


def _block_lines(blocks: Sequence[Block], lettered_list: Callable[[], int]) -> list[_Line]:
    """Paragraphs and bullets; lines typed "a) …", "b) …" become a lettered Word list (each run of
    them restarts at a), numbered lines such as "2. Obstáculos …" bold sub-headings."""
    out: list[_Line] = []
    num = 0
    for block in blocks:
        if isinstance(block, Bullets):
            out.extend(_Line("bullet", item) for item in block.items)
            num = 0
            continue
        letter = _LETTERED.match(block.text)
        if letter is not None:
            if not num or letter.group(1) == "a":
                num = lettered_list()
            out.append(_Line("item", letter.group(2), num=num))
            continue
        num = 0
        out.append(_Line(_paragraph_kind(block.text), block.text))
    return out


def render_mesas_docx(report: Report, template: ReportTemplate) -> bytes:
    """The working-tables report as the bytes of a .docx file; with `report.history`, the redline
    against the last circulated draft (`drafting.report.redline_blocks`)."""
    doc = new_document(report, template)
    body = _body(doc, report, template)
    if report.history is not None:
        body = redline_blocks(_body(doc, report.history.previous, template), body, report.history)
    insert_body(doc, body)
    return save(doc, report, template)


def _body(doc: DocxDocument, report: Report, template: ReportTemplate) -> list[str]:
    writer = _SectionWriter(doc, template, show_pending=report.draft)
    body = title_block(report, template, [*report.bodies, report.title, report.place, report.date_line])
    if report.objective:
        body.append(para(ppr(jc=writer.body_jc), runs(report.objective)))
    for table in report.part(MesasContent).tables:
        body.extend(writer.section(table))
    return body


class _SectionWriter:
    def __init__(self, doc: DocxDocument, template: ReportTemplate, *, show_pending: bool) -> None:
        self.doc = doc
        self.layout = layout = section_layout(template)
        self.show_pending = show_pending
        self.body_jc = "both" if template.body.justified else None
        self.note_rpr = note_rpr(template)
        size = half_points(layout.heading_size_pt)
        bold = "<w:b/><w:bCs/>"
        self.heading_rpr = (
            bold if layout.heading_bold else ""
        ) + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        self.label_rpr = bold if layout.label_bold else ""
        left, hanging = twips(layout.list_indent_cm), twips(layout.list_hanging_cm)
        font = attr(layout.bullet_font or template.font.name)
        bullet_rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>'
        bullets_abs = add_abstract_num(
            doc, _BULLETS_NSID, list_level(0, "bullet", layout.bullet_symbol, left, hanging, rpr=bullet_rpr)
        )
        self.bullets_num = add_num(doc, bullets_abs)
        self.numbered_abs = add_abstract_num(
            doc, _NUMBERED_NSID, list_level(0, "decimal", "%1.", left, hanging)
        )
        self.lettered_abs = add_abstract_num(
            doc, _LETTERED_NSID, list_level(0, "lowerLetter", "%1)", left, hanging)
        )
        self.page = template.page
        self.bold = bold

    def lettered_list(self) -> int:
        return add_num(self.doc, self.lettered_abs, restart=True)

    def section(self, table: WorkingTable) -> list[str]:
        show = self.show_pending
        own = [_Line("heading", table.heading)] if table.heading else []
        own += _block_lines(table.blocks, self.lettered_list)
        own = _owned(own or [_Line("heading", "")], table.point_id)
        if show and table.pending:
            _bracket(own, table.state_note)
        lines = own
        for part in table.parts:
            if isinstance(part, LabelledList):
                first_id = part.entries[0].point_id if part.entries else 0
                lines.append(_Line("label", part.title, point_id=first_id))
                if self.layout.numbered_labelled_lists:
                    kind, num = "item", add_num(self.doc, self.numbered_abs, restart=True)
                else:
                    kind, num = "bullet", self.bullets_num
                for entry in part.entries:
                    items = [_Line(kind, item, num=num, point_id=entry.point_id) for item in entry.items]
                    if show and entry.pending:
                        _bracket(items, entry.state_note)
                    lines.extend(items)
            elif isinstance(part, Comparison):
                lines.append(_Line("raw", self.comparison(part)))
            else:
                passage = _owned(_block_lines(part.blocks, self.lettered_list), part.point_id)
                if show and part.pending:
                    _bracket(passage, part.state_note)
                lines.extend(passage)
        return [self.paragraph(line, first=i == 0) for i, line in enumerate(lines)]

    def comparison(self, part: Comparison) -> str:
        """The two-column table: a header row (bold, repeated on each page), then one row whose two
        cells hold the columns' paragraphs; a pending one bracketed from its first line to its last."""
        # left-aligned in the cells: justified text in half a page leaves wide gaps between words
        left = [_Line("cell", text, point_id=part.point_id) for text in part.left]
        right = [_Line("cell", text, point_id=part.point_id) for text in part.right]
        if self.show_pending and part.pending:
            _bracket([*left, *right], part.state_note)
        page = self.page
        width = twips(page.width_cm - page.margin_left_cm - page.margin_right_cm) // 2
        sides = ("top", "left", "bottom", "right", "insideH", "insideV")
        borders = "<w:tblBorders>" + "".join(f"<w:{side} {_BORDER}/>" for side in sides) + "</w:tblBorders>"
        fixed = '<w:tblLayout w:type="fixed"/>'
        tbl_pr = f'<w:tblPr><w:tblW w:w="{2 * width}" w:type="dxa"/>{borders}{fixed}</w:tblPr>'
        grid = f'<w:tblGrid><w:gridCol w:w="{width}"/><w:gridCol w:w="{width}"/></w:tblGrid>'

        def cell(content: str) -> str:
            return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content}</w:tc>'

        def paragraphs(column: list[_Line]) -> str:
            return "".join(self.paragraph(line, first=False) for line in column) or para("", "")

        centred = ppr(keep_next=True, jc="center")
        head = "".join(cell(para(centred, bracket_runs(h, self.bold), part.point_id)) for h in part.headers)
        mark = point_mark(part.point_id)
        header = f"<w:tr{mark}><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>"
        body = f"<w:tr{mark}>{cell(paragraphs(left))}{cell(paragraphs(right))}</w:tr>"
        # Word wants a paragraph between two tables and after a table that ends a section
        return f"<w:tbl>{tbl_pr}{grid}{header}{body}</w:tbl>" + para("", "")

    def paragraph(self, line: _Line, *, first: bool) -> str:
        rpr = ""
        if line.kind == "raw":
            return line.text
        if line.kind == "subheading":
            props, rpr = ppr(keep_next=True), self.bold
        elif line.kind == "caps":  # justified, a line in capitals would stretch its words apart
            props = ppr(keep_next=True)
        elif line.kind == "heading":
            before = twentieths(self.layout.heading_space_before_pt) if first else None
            props = ppr(keep_next=True, before=before)
            rpr = self.heading_rpr
        elif line.kind == "label":
            props, rpr = ppr(keep_next=True), self.label_rpr
        elif line.kind == "bullet":
            props = ppr(num=(line.num or self.bullets_num, 0), jc=self.body_jc)
        elif line.kind == "item":
            props = ppr(num=(line.num, 0), jc=self.body_jc)
        elif line.kind == "cell":
            props = ppr()
        else:
            props = ppr(jc=self.body_jc)
        # an open bracket typed in the text prints bold, as in the informe; a draft's own brackets
        # around pending text are separate runs, so they never read as one
        text = runs("[", rpr) if line.opens else ""
        text += runs(line.text, rpr) if line.kind == "label" else bracket_runs(line.text, rpr)
        if line.closes:
            text += runs("]", rpr)
        if line.note:
            text += runs(" ") + runs(f"({line.note})", self.note_rpr)
        return para(props, text, line.point_id)
