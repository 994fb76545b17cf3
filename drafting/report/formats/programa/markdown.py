"""The programa as Markdown: the one place-and-date line, then the table as a GFM pipe table with the
template's header row; a theme's name stands on its first row only (the Markdown counterpart of the
merged cell) and the paragraphs of a cell are joined with "<br>".
"""

from __future__ import annotations

from collections.abc import Sequence

from drafting.report.formats.programa.model import ProgrammeContent
from drafting.report.markdown import cleaner, close_bracket, open_bracket, title_chunks
from drafting.report.model import Report


def render_programa_markdown(report: Report, *, escape: bool = True) -> str:
    """A programa report as Markdown: the title block and a pipe table, ending in one newline."""
    content = report.part(ProgrammeContent)
    clean = cleaner(escape)
    chunks = title_chunks(report, (*report.bodies, report.title, content.place_date_line), clean)

    def cell(paragraphs: Sequence[str]) -> str:
        texts = [clean(p) for p in paragraphs]
        # a bar would end the cell; escape_markdown has escaped it already
        return "<br>".join(texts if escape else [t.replace("|", "\\|") for t in texts])

    headers = [cell([h]) for h in (*content.columns, "", "", "", "")[:4]]
    table = ["| " + " | ".join(headers) + " |", "| --- | --- | --- | --- |"]
    for theme in content.themes:
        theme_cell = cell(theme.theme)
        if report.draft and theme.pending and theme_cell:
            theme_cell = close_bracket(open_bracket(theme_cell), theme.state_note, clean)
        for index, row in enumerate(theme.rows):
            cells = [cell(c) for c in row.cells]
            filled = [i for i, c in enumerate(cells) if c]
            if report.draft and row.pending and filled:
                cells[filled[0]] = open_bracket(cells[filled[0]])
                cells[filled[-1]] = close_bracket(cells[filled[-1]], row.state_note, clean)
            first_cell = theme_cell if index == 0 else ""
            table.append(" ".join(["|", *(f"{c} |" if c else "|" for c in [first_cell, *cells])]))
    chunks.append("\n".join(table))
    return "\n\n".join(chunks) + "\n"
