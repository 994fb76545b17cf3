"""Render a `Report` as a Word document (.docx) in the institutional layout.

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

The body is written as one WordprocessingML string and parsed once (python-docx's paragraph API with
per-paragraph property lookups is far slower for long reports); every piece of text passes through
`xml_safe`, so control characters, lone surrogates and the like cannot break the document.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from drafting.report.model import Block, Bullets, Paragraph, Report, ReportPoint, ReportSubPoint
from drafting.report.template import ReportTemplate
from drafting.xmltext import xml_safe

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSDECL = f'xmlns:w="{W_NS}"'
_BREAKS = re.compile(r"(\t|\r\n|\n|\r)")

# fixed list ids inside the abstractNum definitions (Word uses them to tell lists apart when pasting)
_POINTS_NSID = "4452414E"  # "DRAN"
_BULLETS_NSID = "44524142"  # "DRAB"


def render_docx(report: Report, template: ReportTemplate) -> bytes:
    """The report as the bytes of a .docx file."""
    doc = Document()
    _drop_thumbnail(doc)
    _page_setup(doc, template)
    _styles(doc, report, template)
    points_num, bullets_num = _add_numbering(doc, template)
    if report.draft and report.draft_mark:
        _header(doc, report.draft_mark, template)

    body = _BodyWriter(template, points_num, bullets_num, show_pending=report.draft)
    body.report(report)
    fragment = parse_xml(f"<w:body {_NSDECL}>{''.join(body.out)}</w:body>")
    doc_body = doc.element.body
    sect_pr = doc_body.find(qn("w:sectPr"))
    for child in list(fragment):
        if sect_pr is not None:
            sect_pr.addprevious(child)
        else:
            doc_body.append(child)

    _core_properties(doc, report, template)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- units and small XML pieces --------------------------------------------------------------


def _twips(cm: float) -> int:
    return round(cm * 1440 / 2.54)


def _half_points(pt: float) -> int:
    return round(pt * 2)


def _twentieths(pt: float) -> int:
    return round(pt * 20)


def _attr(value: str) -> str:
    return escape(xml_safe(value), {'"': "&quot;"})


def _runs(text: str, rpr: str = "") -> str:
    """One run of `text`; tabs and line breaks inside it become w:tab / w:br."""
    text = xml_safe(text)
    if not text:
        return ""
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    pieces: list[str] = []
    for part in _BREAKS.split(text):
        if part == "\t":
            pieces.append("<w:tab/>")
        elif part in ("\n", "\r", "\r\n"):
            pieces.append("<w:br/>")
        elif part:
            pieces.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def _ppr(
    *,
    num: tuple[int, int] | None = None,
    keep_next: bool = False,
    after: int | None = None,
    left: int | None = None,
    jc: str | None = None,
) -> str:
    """Paragraph properties, children in schema order (keepNext, numPr, spacing, ind, jc)."""
    parts: list[str] = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if num is not None:
        num_id, ilvl = num
        parts.append(f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    if after is not None:
        parts.append(f'<w:spacing w:after="{after}"/>')
    if left is not None:
        parts.append(f'<w:ind w:left="{left}"/>')
    if jc is not None:
        parts.append(f'<w:jc w:val="{jc}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


# --- the body --------------------------------------------------------------------------------


@dataclass
class _Line:
    """One paragraph of a point, before brackets and notes are added."""

    kind: str  # "num" (the numbered opening), "para" (further paragraph), "bullet"
    text: str


class _BodyWriter:
    def __init__(
        self, template: ReportTemplate, points_num: int, bullets_num: int, *, show_pending: bool
    ) -> None:
        self.t = template
        self.points_num = points_num
        self.bullets_num = bullets_num
        self.show_pending = show_pending
        self.out: list[str] = []
        lists = template.lists
        self.text_left = (_twips(lists.point_indent_cm), _twips(lists.subpoint_indent_cm))
        self.body_jc = "both" if template.body.justified else None
        title = template.title
        self.title_jc = "center" if title.centered else None
        bold = "<w:b/><w:bCs/>" if title.bold else ""
        size = _half_points(template.font.title_size_pt)
        self.title_rpr = f'{bold}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        draft = template.draft
        color = f'<w:color w:val="{draft.color}"/>' if draft.color else ""
        self.mark_rpr = ("<w:b/><w:bCs/>" if draft.bold else "") + color
        self.note_rpr = "<w:i/><w:iCs/>" if draft.note_italic else ""

    def para(self, ppr: str, runs: str) -> None:
        self.out.append(f"<w:p>{ppr}{runs}</w:p>")

    def report(self, report: Report) -> None:
        title = self.t.title
        if report.draft and report.draft_mark:
            self.para(
                _ppr(after=_twentieths(title.space_after_block_pt), jc="center"),
                _runs(report.draft_mark, self.mark_rpr),
            )
        title_lines: list[tuple[str, float]] = [(b, title.bodies_space_after_pt) for b in report.bodies]
        title_lines += [(line, title.space_after_pt) for line in (report.title, report.place) if line.strip()]
        if report.date_line.strip():
            title_lines.append((report.date_line, title.space_after_block_pt))
        elif title_lines:
            title_lines[-1] = (title_lines[-1][0], title.space_after_block_pt)
        for i, (line, after) in enumerate(title_lines):
            keep = i < len(title_lines) - 1
            self.para(
                _ppr(keep_next=keep, after=_twentieths(after), jc=self.title_jc), _runs(line, self.title_rpr)
            )
        for text in (report.opening, report.objective or "", report.lead_in):
            if text.strip():
                self.para(_ppr(jc=self.body_jc), _runs(text))
        for point in report.points:
            self.point(point)

    def point(self, point: ReportPoint) -> None:
        self.item(point.blocks, level=0, pending=point.pending, note=point.state_note)
        for sub in point.subpoints:
            self.subpoint(sub)

    def subpoint(self, sub: ReportSubPoint) -> None:
        self.item(sub.blocks, level=1, pending=sub.pending, note=sub.state_note)

    def item(self, blocks: Sequence[Block], *, level: int, pending: bool, note: str | None) -> None:
        lines = list(_lines(blocks))
        show = self.show_pending and pending
        if show:
            lines[0].text = "[" + lines[0].text
            lines[-1].text += "]"
        for i, line in enumerate(lines):
            runs = _runs(line.text)
            if show and note and i == len(lines) - 1:
                runs += _runs(" ") + _runs(f"({note})", self.note_rpr)
            if line.kind == "num":
                ppr = _ppr(num=(self.points_num, level), jc=self.body_jc)
            elif line.kind == "bullet":
                ppr = _ppr(num=(self.bullets_num, level), jc=self.body_jc)
            else:
                ppr = _ppr(left=self.text_left[level], jc=self.body_jc)
            self.para(ppr, runs)


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


# --- package-level parts ---------------------------------------------------------------------


def _drop_thumbnail(doc: DocxDocument) -> None:
    """python-docx's default template carries its own thumbnail picture; a report should not."""
    package = doc.part.package
    if package is None:
        return
    rels = package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[r_id]


def _page_setup(doc: DocxDocument, template: ReportTemplate) -> None:
    page = template.page
    for section in doc.sections:
        section.page_width = Cm(page.width_cm)
        section.page_height = Cm(page.height_cm)
        section.top_margin = Cm(page.margin_top_cm)
        section.bottom_margin = Cm(page.margin_bottom_cm)
        section.left_margin = Cm(page.margin_left_cm)
        section.right_margin = Cm(page.margin_right_cm)
        section.header_distance = Cm(page.header_distance_cm)
        section.footer_distance = Cm(page.footer_distance_cm)


def _styles(doc: DocxDocument, report: Report, template: ReportTemplate) -> None:
    """Font, size, language and spacing on the document defaults and the Normal style."""
    font = _attr(template.font.name)
    size = _half_points(template.font.body_size_pt)
    lang = _attr(template.words(report.language).word_language)
    rfonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
    sizes = f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    rpr = f'<w:rPr {_NSDECL}>{rfonts}{sizes}<w:lang w:val="{lang}"/></w:rPr>'
    line = round(240 * template.body.line_spacing)
    after = _twentieths(template.body.space_after_pt)
    ppr = f'<w:pPr {_NSDECL}><w:spacing w:after="{after}" w:line="{line}" w:lineRule="auto"/></w:pPr>'

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        for holder, new in (("w:rPrDefault", rpr), ("w:pPrDefault", ppr)):
            container = defaults.find(qn(holder))
            if container is not None:
                for old in list(container):
                    container.remove(old)
                container.append(parse_xml(new))
    normal = doc.styles["Normal"].element
    for tag in ("w:pPr", "w:rPr"):
        old = normal.find(qn(tag))
        if old is not None:
            normal.remove(old)
    normal.append(parse_xml(ppr))
    normal.append(parse_xml(rpr))


def _add_numbering(doc: DocxDocument, template: ReportTemplate) -> tuple[int, int]:
    """Add the points and bullets list definitions; return their w:numId values."""
    numbering = doc.part.numbering_part.element
    abstract_ids = [int(v) for v in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
    num_ids = [int(v) for v in numbering.xpath("./w:num/@w:numId")]
    points_abs = max(abstract_ids, default=-1) + 1
    bullets_abs = points_abs + 1
    points_num = max(num_ids, default=0) + 1
    bullets_num = points_num + 1

    lists = template.lists
    point_left = _twips(lists.point_indent_cm)
    sub_left = _twips(lists.subpoint_indent_cm)

    def level(ilvl: int, fmt: str, text: str, left: int, hanging: int, extra: str = "", rpr: str = "") -> str:
        return (
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{_attr(text)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{rpr}</w:lvl>'
        )

    points_xml = (
        f'<w:abstractNum {_NSDECL} w:abstractNumId="{points_abs}">'
        f'<w:nsid w:val="{_POINTS_NSID}"/><w:multiLevelType w:val="multilevel"/>'
        + level(0, "decimal", "%1.", point_left, _twips(lists.point_hanging_cm))
        + level(
            1, "lowerLetter", "%2.", sub_left, _twips(lists.subpoint_hanging_cm), '<w:lvlRestart w:val="1"/>'
        )
        + "</w:abstractNum>"
    )
    bullet_font = _attr(lists.bullet_font or template.font.name)
    bullet_rpr = (
        f'<w:rPr><w:rFonts w:ascii="{bullet_font}" w:hAnsi="{bullet_font}" w:hint="default"/></w:rPr>'
    )
    hanging = _twips(lists.bullet_hanging_cm)
    bullets_xml = (
        f'<w:abstractNum {_NSDECL} w:abstractNumId="{bullets_abs}">'
        f'<w:nsid w:val="{_BULLETS_NSID}"/><w:multiLevelType w:val="multilevel"/>'
        + level(0, "bullet", lists.bullet_symbol, _twips(lists.bullet_indent_cm), hanging, rpr=bullet_rpr)
        + level(1, "bullet", lists.bullet_symbol, _twips(lists.sub_bullet_indent_cm), hanging, rpr=bullet_rpr)
        + "</w:abstractNum>"
    )
    new_abstracts = [parse_xml(points_xml), parse_xml(bullets_xml)]
    existing = numbering.findall(qn("w:abstractNum"))
    first_num = numbering.find(qn("w:num"))
    for element in new_abstracts:
        if existing:
            existing[-1].addnext(element)
            existing.append(element)
        elif first_num is not None:
            first_num.addprevious(element)
        else:
            numbering.append(element)
    for num_id, abs_id in ((points_num, points_abs), (bullets_num, bullets_abs)):
        num = parse_xml(f'<w:num {_NSDECL} w:numId="{num_id}"><w:abstractNumId w:val="{abs_id}"/></w:num>')
        nums = numbering.findall(qn("w:num"))
        if nums:
            nums[-1].addnext(num)
        else:
            numbering.append(num)
    return points_num, bullets_num


def _header(doc: DocxDocument, mark: str, template: ReportTemplate) -> None:
    for section in doc.sections:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(xml_safe(mark))
        run.bold = template.draft.bold
        run.font.size = Pt(template.font.header_size_pt)
        if template.draft.color:
            run.font.color.rgb = RGBColor.from_string(template.draft.color.upper())


def _core_properties(doc: DocxDocument, report: Report, template: ReportTemplate) -> None:
    props = doc.core_properties
    props.title = xml_safe(" ".join(report.title.split()))[:255]
    props.author = "draftbot"
    props.last_modified_by = "draftbot"
    props.comments = xml_safe(report.draft_mark)[:255]
    props.language = template.words(report.language).word_language
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.revision = max(report.version, 1)
    moment = datetime.now(UTC)
    generated = report.extra.get("generated_at", "")
    if generated:
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(generated)
    if moment.tzinfo is not None:  # python-docx writes the value as UTC ("...Z") as given
        moment = moment.astimezone(UTC)
    props.created = moment
    props.modified = moment
