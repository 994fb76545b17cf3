"""The programa as Markdown: the one place-and-date line, then the table as a GFM pipe table with the
template's header row. Chat tables have no merged cells, so the table is laid out as the .docx lays it
(`activity_lines`): a theme's name stands on its first line and a row's objective on the row's first
line only, and each activity has a line of its own beside its calendar entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from drafting.report.formats.programa.model import ProgrammeContent, activity_lines
from drafting.report.markdown import (
    Cleaner,
    cleaner,
    close_bracket,
    open_bracket,
    point_cleaner,
    title_chunks,
)
from drafting.report.model import Report


def render_programa_markdown(report: Report, *, escape: bool = True) -> str:
    """A programa report as Markdown: the title block and a pipe table, ending in one newline."""
    content = report.part(ProgrammeContent)
    clean = cleaner(escape)
    clean_point = point_cleaner(escape)  # open brackets in bold, as in the .docx
    chunks = title_chunks(report, (*report.bodies, report.title, content.place_date_line), clean)

    def texts(paragraphs: Sequence[str], tidy: Cleaner) -> list[str]:
        # a bar would end the cell; escape_markdown has escaped it already
        return [tidy(p) if escape else tidy(p).replace("|", "\\|") for p in paragraphs]

    def bracket(cells: Sequence[list[str]], note: str | None) -> None:
        filled = [(cell, i) for cell in cells for i in range(len(cell))]
        if filled:
            first, last = filled[0], filled[-1]
            first[0][first[1]] = open_bracket(first[0][first[1]])
            last[0][last[1]] = close_bracket(last[0][last[1]], note, clean)

    headers = ["<br>".join(texts([h], clean)) for h in (*content.columns, "", "", "", "")[:4]]
    table = ["| " + " | ".join(headers) + " |", "| --- | --- | --- | --- |"]
    for theme in content.themes:
        theme_cell = texts(theme.theme, clean_point)
        if report.draft and theme.pending:
            bracket([theme_cell], theme.state_note)
        first_line = True
        for row in theme.rows:
            objectives, activities, calendar = cells = [texts(c, clean_point) for c in row.cells]
            if report.draft and row.pending:
                bracket(cells, row.state_note)
            for k, (activity, date) in enumerate(activity_lines(activities, calendar)):
                line = [
                    "<br>".join(theme_cell) if first_line else "",
                    "<br>".join(objectives) if k == 0 else "",
                    *("<br>".join(part) for part in (activity, date)),
                ]
                first_line = False
                table.append(" ".join(["|", *(f"{c} |" if c else "|" for c in line)]))
    chunks.append("\n".join(table))
    return "\n\n".join(chunks) + "\n"
