"""The mesas report as Markdown: the place and date lines, the objective, then each table's heading in
bold, its paragraphs and "- " bullets, each labelled list as its label in bold followed by "1.", "2.",
… items (or "- " items when the lists are bulleted).
"""

from __future__ import annotations

from itertools import zip_longest

from drafting.report.formats.mesas.model import Comparison, LabelledList, MesasContent
from drafting.report.markdown import (
    Cleaner,
    block_chunks,
    bold_line,
    bracket_chunks,
    cleaner,
    close_bracket,
    open_bracket,
    point_cleaner,
    title_chunks,
)
from drafting.report.model import Report


def render_mesas_markdown(report: Report, *, escape: bool = True, numbered: bool = True) -> str:
    """A mesas report as Markdown, ending in one newline; `numbered=False` bullets the labelled lists."""
    clean = cleaner(escape)
    clean_point = point_cleaner(escape)  # open brackets in bold, as in the .docx (not in the bold heading)
    chunks = title_chunks(report, (*report.bodies, report.title, report.place, report.date_line), clean)
    if report.objective and report.objective.strip():
        chunks.append(clean(report.objective))
    for table in report.part(MesasContent).tables:
        heading = [[clean(table.heading)]] if table.heading.strip() else []
        own = heading + block_chunks(table.blocks, clean_point)
        if report.draft and table.pending:
            bracket_chunks(own, table.state_note, clean)
        if heading:  # in bold once bracketed, the brackets inside the bold
            own[0][0] = bold_line(own[0][0])
        chunks.extend("\n".join(lines) for lines in own)
        for part in table.parts:
            if isinstance(part, LabelledList):
                items: list[str] = []
                for entry in part.entries:
                    lines = [clean_point(item) for item in entry.items]
                    if report.draft and entry.pending and lines:
                        lines[0] = open_bracket(lines[0])
                        lines[-1] = close_bracket(lines[-1], entry.state_note, clean)
                    items.extend(lines)
                marks = [f"{n}. " if numbered else "- " for n in range(1, len(items) + 1)]
                chunks.append(f"**{clean(part.title)}**")
                chunks.append("\n".join(mark + item for mark, item in zip(marks, items, strict=True)))
            elif isinstance(part, Comparison):
                chunks.append(_comparison(part, clean, clean_point, pending=report.draft and part.pending))
            else:
                passage = block_chunks(part.blocks, clean_point)
                if report.draft and part.pending:
                    bracket_chunks(passage, part.state_note, clean)
                chunks.extend("\n".join(lines) for lines in passage)
    return "\n\n".join(chunks) + "\n"


def _comparison(part: Comparison, clean: Cleaner, clean_point: Cleaner, *, pending: bool) -> str:
    """The two-column table as a pipe table, one line of each column per row."""
    left, right = [clean_point(t) for t in part.left], [clean_point(t) for t in part.right]
    if pending and (left or right):
        first, last = (left or right), (right or left)
        first[0] = open_bracket(first[0])
        last[-1] = close_bracket(last[-1], part.state_note, clean)
    rows = [f"| {clean(part.headers[0])} | {clean(part.headers[1])} |", "| --- | --- |"]
    rows += [f"| {a} | {b} |" for a, b in zip_longest(left, right, fillvalue="")]
    return "\n".join(rows)
