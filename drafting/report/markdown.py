"""Render a `Report` as Markdown, for previews in chat.

The same content and order as the .docx: draft mark (drafts only), the title block in bold, then

* informe (`render_markdown`): the opening, the objective, the lead-in, then the points numbered "1.",
  "2.", … as the document numbers them (not by their chat labels), sub-points lettered "   a.",
  further paragraphs and "- " bullets indented under their point;
* programa (`render_programa_markdown`): the one place-and-date line, then the table as a GFM pipe
  table with the template's header row; a theme's name stands on its first row only (the Markdown
  counterpart of the merged cell) and the paragraphs of a cell are joined with "<br>";
* mesas (`render_mesas_markdown`): the place and date lines, the objective, then each table's heading
  in bold, its paragraphs and "- " bullets, each labelled list as its label in bold followed by
  "1.", "2.", … items (or "- " items when the lists are bulleted);

and in drafts the text not yet agreed in [square brackets] followed by the state note in italics.
Blocks are separated by blank lines.

Typed text is escaped (CommonMark backslash escapes) so that "*", "_", "[", "#" … in a point's text
show as typed instead of turning into formatting; pass `escape=False` for plain-text chats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from drafting.report.model import Block, Bullets, LabelledList, Paragraph, Report
from drafting.xmltext import xml_safe

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START_MARK = re.compile(r"^([#>+-])")
_LINE_START_NUMBER = re.compile(r"^(\d+)([.)])")
_SUB_INDENT = "   "

Cleaner = Callable[[str], str]


def escape_markdown(text: str) -> str:
    """Backslash-escape what CommonMark would read as formatting, inline and at the start of the text."""
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START_MARK.sub(r"\\\1", text)
    return _LINE_START_NUMBER.sub(r"\1\\\2", text)


def _cleaner(escape: bool) -> Cleaner:
    def clean(text: str) -> str:
        one_line = " ".join(xml_safe(text).split())
        return escape_markdown(one_line) if escape else one_line

    return clean


def _title_chunks(report: Report, lines: Sequence[str], clean: Cleaner) -> list[str]:
    chunks: list[str] = []
    if report.draft and report.draft_mark:
        chunks.append(f"**{clean(report.draft_mark)}**")
    chunks.extend(f"**{clean(line)}**" for line in lines if line.strip())
    return chunks


def render_markdown(report: Report, *, escape: bool = True) -> str:
    """The report as Markdown text ending in one newline."""
    clean = _cleaner(escape)
    chunks = _title_chunks(report, (*report.bodies, report.title, report.place, report.date_line), clean)
    for text in (report.opening, report.objective or "", report.lead_in):
        if text.strip():
            chunks.append(clean(text))

    for number, point in enumerate(report.points, start=1):
        marker = f"{number}. "
        pending = report.draft and point.pending
        chunks.extend(_item(point.blocks, marker, clean, pending=pending, note=point.state_note))
        for index, sub in enumerate(point.subpoints):
            sub_marker = f"{_SUB_INDENT}{letter(index)}. "
            pending = report.draft and sub.pending
            chunks.extend(_item(sub.blocks, sub_marker, clean, pending=pending, note=sub.state_note))
    return "\n\n".join(chunks) + "\n"


def letter(index: int) -> str:
    """Word's lowerLetter numbering for the 0-based `index`: a … z, then aa, bb, … zz, aaa, …"""
    return chr(ord("a") + index % 26) * (index // 26 + 1)


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


def render_programa_markdown(report: Report, *, escape: bool = True) -> str:
    """A programa report as Markdown: the title block and a pipe table, ending in one newline."""
    clean = _cleaner(escape)
    chunks = _title_chunks(report, (*report.bodies, report.title, report.place_date_line), clean)

    def cell(paragraphs: Sequence[str]) -> str:
        texts = [clean(p) for p in paragraphs]
        # a bar would end the cell; escape_markdown has escaped it already
        return "<br>".join(texts if escape else [t.replace("|", "\\|") for t in texts])

    headers = [cell([h]) for h in (*report.columns, "", "", "", "")[:4]]
    table = ["| " + " | ".join(headers) + " |", "| --- | --- | --- | --- |"]
    for theme in report.themes:
        theme_cell = cell(theme.theme)
        if report.draft and theme.pending and theme_cell:
            theme_cell = _close(_open(theme_cell), theme.state_note, clean)
        for index, row in enumerate(theme.rows):
            cells = [cell(c) for c in row.cells]
            filled = [i for i, c in enumerate(cells) if c]
            if report.draft and row.pending and filled:
                cells[filled[0]] = _open(cells[filled[0]])
                cells[filled[-1]] = _close(cells[filled[-1]], row.state_note, clean)
            first_cell = theme_cell if index == 0 else ""
            table.append(" ".join(["|", *(f"{c} |" if c else "|" for c in [first_cell, *cells])]))
    chunks.append("\n".join(table))
    return "\n\n".join(chunks) + "\n"


def render_mesas_markdown(report: Report, *, escape: bool = True, numbered: bool = True) -> str:
    """A mesas report as Markdown, ending in one newline; `numbered=False` bullets the labelled lists."""
    clean = _cleaner(escape)
    chunks = _title_chunks(report, (*report.bodies, report.title, report.place, report.date_line), clean)
    if report.objective and report.objective.strip():
        chunks.append(clean(report.objective))
    for table in report.tables:
        own = [[f"**{clean(table.heading)}**"]] if table.heading.strip() else []
        own += _block_chunks(table.blocks, clean)
        if report.draft and table.pending:
            _bracket_chunks(own, table.state_note, clean)
        chunks.extend("\n".join(lines) for lines in own)
        for part in table.parts:
            if isinstance(part, LabelledList):
                items: list[str] = []
                for entry in part.entries:
                    lines = [clean(item) for item in entry.items]
                    if report.draft and entry.pending and lines:
                        lines[0] = _open(lines[0])
                        lines[-1] = _close(lines[-1], entry.state_note, clean)
                    items.extend(lines)
                marks = [f"{n}. " if numbered else "- " for n in range(1, len(items) + 1)]
                chunks.append(f"**{clean(part.title)}**")
                chunks.append("\n".join(mark + item for mark, item in zip(marks, items, strict=True)))
            else:
                passage = _block_chunks(part.blocks, clean)
                if report.draft and part.pending:
                    _bracket_chunks(passage, part.state_note, clean)
                chunks.extend("\n".join(lines) for lines in passage)
    return "\n\n".join(chunks) + "\n"


def _block_chunks(blocks: Sequence[Block], clean: Cleaner) -> list[list[str]]:
    """Paragraphs as one-line chunks, bullet lists as one chunk of "- " lines."""
    chunks: list[list[str]] = []
    for block in blocks:
        if isinstance(block, Bullets):
            if block.items:
                chunks.append([f"- {clean(item)}" for item in block.items])
        else:
            chunks.append([clean(block.text)])
    return chunks


def _bracket_chunks(chunks: list[list[str]], note: str | None, clean: Cleaner) -> None:
    if chunks:
        chunks[0][0] = _open(chunks[0][0])
        chunks[-1][-1] = _close(chunks[-1][-1], note, clean)


def _open(text: str) -> str:
    """`[` before the text, inside a leading bullet mark or bold mark."""
    for mark in ("- ", "**"):
        if text.startswith(mark):
            return mark + "[" + text[len(mark) :]
    return "[" + text


def _close(text: str, note: str | None, clean: Cleaner) -> str:
    """`]` after the text (inside a closing bold mark), then the state note in italics."""
    text = text[:-2] + "]**" if text.endswith("**") else text + "]"
    return f"{text} *({clean(note)})*" if note else text
