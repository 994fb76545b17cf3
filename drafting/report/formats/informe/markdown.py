"""The informe as Markdown: the opening, the objective, the lead-in, then the points numbered "1.",
"2.", … as the document numbers them (not by their chat labels), sub-points lettered "   a.", further
paragraphs and "- " bullets indented under their point.
"""

from __future__ import annotations

from collections.abc import Sequence

from drafting.report.formats.informe.model import InformeContent
from drafting.report.markdown import Cleaner, cleaner, letter, point_cleaner, title_chunks
from drafting.report.model import Block, Bullets, Paragraph, Report

_SUB_INDENT = "   "


def render_markdown(report: Report, *, escape: bool = True) -> str:
    """The report as Markdown text ending in one newline."""
    content = report.part(InformeContent)
    clean = cleaner(escape)
    clean_point = point_cleaner(escape)
    chunks = title_chunks(report, (*report.bodies, report.title, report.place, report.date_line), clean)
    for text in (content.opening, report.objective or "", content.lead_in):
        if text.strip():
            chunks.append(clean(text))

    for number, point in enumerate(report.points, start=1):
        marker = f"{number}. "
        pending = report.draft and point.pending
        chunks.extend(_item(point.blocks, marker, clean_point, pending=pending, note=point.state_note))
        for index, sub in enumerate(point.subpoints):
            sub_marker = f"{_SUB_INDENT}{letter(index)}. "
            pending = report.draft and sub.pending
            chunks.extend(_item(sub.blocks, sub_marker, clean_point, pending=pending, note=sub.state_note))
    return "\n\n".join(chunks) + "\n"


def _item(
    blocks: Sequence[Block], marker: str, clean: Cleaner, *, pending: bool, note: str | None
) -> list[str]:
    """The chunks of one point or sub-point; the first carries the number or letter."""
    # one list of lines per chunk: a paragraph is one line, a bullet list one line per item
    chunks: list[list[str]] = []
    rest: Sequence[Block] = blocks
    if blocks and isinstance(blocks[0], Paragraph):
        chunks.append([clean(blocks[0].text)])
        rest = blocks[1:]
    else:
        chunks.append([""])
    for block in rest:
        if isinstance(block, Bullets):
            if block.items:
                chunks.append([f"- {clean(item)}" for item in block.items])
        else:
            chunks.append([clean(block.text)])
    if pending:
        chunks[0][0] = "[" + chunks[0][0]
        chunks[-1][-1] += "]"
        if note:
            chunks[-1][-1] += f" *({clean(note)})*"
    indent = " " * len(marker)
    out: list[str] = []
    for i, lines in enumerate(chunks):
        first_prefix = marker if i == 0 else indent
        out.append(
            "\n".join((first_prefix if j == 0 else indent) + line for j, line in enumerate(lines)).rstrip()
        )
    return out
