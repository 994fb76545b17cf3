"""Render a programa `Report` as a Word document: the work programme table of reference 003.

Layout (sizes, widths and styles come from the `[table]` of templates/programa.toml):

* drafts: the draft mark in the page header and as the first line;
* the title block, centred and bold: parent bodies, title, then ONE line with the place and the long
  date ("Tegucigalpa, Honduras, 19 de noviembre de 2008");
* a real Word table with a fixed grid of four columns, TEMAS | OBJETIVOS | ACTIVIDADES | CALENDARIO:
  the header row (bold, shaded, repeated at the top of every page if the template says so), then the
  rows of each theme. The TEMAS cell spans all the rows of its theme by vertical merge (`w:vMerge`
  "restart" on the first row, continuing below), as Word itself merges cells; every paragraph typed in
  a part of a row is a paragraph of its cell;
* drafts show a pending theme as "[Tema] (en discusión)" and a pending row bracketed from its first
  cell with text to its last, "[Objetivo … Calendario] (en discusión)", the note in italics.

How points become themes and rows is `drafting.report.formats.programa.arrange`; this module holds
layout only.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafting.report.docx_lines import bracket_runs, title_block
from drafting.report.docx_parts import (
    half_points,
    insert_body,
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
from drafting.report.formats.programa.model import (
    ProgrammeContent,
    ProgrammeRow,
    ProgrammeTheme,
    activity_lines,
)
from drafting.report.formats.programa.template import TableLayout, table_layout
from drafting.report.model import Report
from drafting.report.redline_blocks import redline_blocks
from drafting.report.template import ReportTemplate

_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'


def render_programa_docx(report: Report, template: ReportTemplate) -> bytes:
    """The work programme as the bytes of a .docx file; with `report.history`, the redline against the
    last circulated draft (`drafting.report.redline_blocks`)."""
    doc = new_document(report, template)
    body = _body(report, template)
    if report.history is not None:
        body = redline_blocks(_body(report.history.previous, template), body, report.history)
    body.append(para("", ""))  # Word wants a paragraph after a table at the end of the body
    insert_body(doc, body)
    return save(doc, report, template)


def _body(report: Report, template: ReportTemplate) -> list[str]:
    writer = _TableWriter(template, show_pending=report.draft)
    content = report.part(ProgrammeContent)
    body = title_block(report, template, [*report.bodies, report.title, content.place_date_line])
    body.append(writer.table(content))
    return body


@dataclass
class _Para:
    """One paragraph of a cell before rendering: the typed text, whether a draft's pending bracket opens
    before it or closes after it (then the state note, in italics), and whose text it is."""

    text: str
    point_id: int = 0
    opens: bool = False
    closes: bool = False
    note: str = ""


def _bracket(cells: list[list[_Para]], note: str | None) -> None:
    """Brackets from the first paragraph with text to the last one, across the cells; then the note."""
    filled = [p for cell in cells for p in cell]
    if not filled:
        return
    filled[0].opens = True
    filled[-1].closes = True
    filled[-1].note = note or ""


class _TableWriter:
    def __init__(self, template: ReportTemplate, *, show_pending: bool) -> None:
        self.layout: TableLayout = table_layout(template)
        self.show_pending = show_pending
        layout = self.layout
        self.widths = [twips(w) for w in layout.column_widths_cm]
        size = half_points(layout.font_size_pt)
        self.size = f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        self.bold = "<w:b/><w:bCs/>"
        self.italic = note_rpr(template)
        self.cell_ppr = ppr(after=twentieths(layout.cell_space_after_pt))

    def table(self, content: ProgrammeContent) -> str:
        layout = self.layout
        borders = ""
        if layout.borders:
            sides = ("top", "left", "bottom", "right", "insideH", "insideV")
            borders = "<w:tblBorders>" + "".join(f"<w:{s} {_BORDER}/>" for s in sides) + "</w:tblBorders>"
        tbl_pr = (
            f'<w:tblPr><w:tblW w:w="{sum(self.widths)}" w:type="dxa"/>{borders}'
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        )
        grid = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths) + "</w:tblGrid>"
        rows = [self.header_row(content.columns)]
        for theme in content.themes:
            rows.extend(self.theme_rows(theme))
        return f"<w:tbl>{tbl_pr}{grid}{''.join(rows)}</w:tbl>"

    def header_row(self, columns: tuple[str, ...]) -> str:
        layout = self.layout
        tr_pr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if layout.repeat_header else ""
        rpr = (self.bold if layout.header_bold else "") + self.size
        jc = "center" if layout.header_centered else None
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{layout.header_fill}"/>'
        extra = (shading if layout.header_fill else "") + '<w:vAlign w:val="center"/>'
        after = twentieths(layout.cell_space_after_pt)
        cells = [
            self.cell(i, para(ppr(keep_next=True, after=after, jc=jc), runs(text, rpr)), extra=extra)
            for i, text in enumerate((*columns, "", "", "", "")[:4])
        ]
        return f"<w:tr>{tr_pr}{''.join(cells)}</w:tr>"

    def theme_rows(self, theme: ProgrammeTheme) -> list[str]:
        show = self.show_pending
        theme_cell = [_Para(text, theme.point_id) for text in theme.theme]
        if show and theme.pending:
            _bracket([theme_cell], theme.state_note)
        theme_rpr = (self.bold if self.layout.theme_bold else "") + self.size
        lines = [(row.point_id, line) for row in theme.rows for line in self.row_lines(row)]
        spans = len(lines) > 1
        out: list[str] = []
        for index, (row_id, line) in enumerate(lines):
            if index == 0:
                merge = '<w:vMerge w:val="restart"/>' if spans else ""
                first = self.cell(0, self.paragraphs(theme_cell, theme_rpr), merge=merge)
            else:
                first = self.cell(0, para(self.cell_ppr, ""), merge="<w:vMerge/>")
            # a row never breaks across pages (reference 003): an activity stays beside its date
            out.append(f"<w:tr{point_mark(row_id)}><w:trPr><w:cantSplit/></w:trPr>{first}{line}</w:tr>")
        return out

    def row_lines(self, row: ProgrammeRow) -> list[str]:
        """A sub-point as table rows: its objective merged down over them, and one row per activity
        with its calendar entry beside it (`activity_lines`)."""
        cells = [[_Para(text, row.point_id) for text in cell] for cell in row.cells]
        objectives, activities, calendar = cells
        if self.show_pending and row.pending and not row.empty:
            _bracket(cells, row.state_note)
        lines = activity_lines(activities, calendar)
        spans = len(lines) > 1
        out: list[str] = []
        for k, pair in enumerate(lines):
            if k == 0:
                merge = '<w:vMerge w:val="restart"/>' if spans else ""
                objective = self.cell(1, self.paragraphs(objectives, self.size), merge=merge)
            else:
                objective = self.cell(1, para(self.cell_ppr, ""), merge="<w:vMerge/>")
            # no rule between the lines of one sub-point: 003 shows them as one cell
            inner = "".join(
                f'<w:{side} w:val="nil"/>'
                for side, on in (("top", k > 0), ("bottom", k < len(lines) - 1))
                if on
            )
            edges = f"<w:tcBorders>{inner}</w:tcBorders>" if inner else ""
            out.append(
                objective
                + "".join(
                    self.cell(i, self.paragraphs(list(c), self.size), extra=edges)
                    for i, c in enumerate(pair, 2)
                )
            )
        return out

    def paragraphs(self, cell: list[_Para], rpr: str) -> str:
        if not cell:
            return para(self.cell_ppr, "")
        out: list[str] = []
        for p in cell:
            text = runs("[", rpr) if p.opens else ""
            text += bracket_runs(p.text, rpr)  # an open bracket typed in the text prints bold
            if p.closes:
                text += runs("]", rpr)
            if p.note:
                text += runs(" ", self.size) + runs(f"({p.note})", self.italic + self.size)
            out.append(para(self.cell_ppr, text, p.point_id))
        return "".join(out)

    def cell(self, column: int, content: str, *, merge: str = "", extra: str = "") -> str:
        tc_pr = f'<w:tcPr><w:tcW w:w="{self.widths[column]}" w:type="dxa"/>{merge}{extra}</w:tcPr>'
        return f"<w:tc>{tc_pr}{content}</w:tc>"
