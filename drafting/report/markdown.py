"""Render a `Report` as Markdown, for previews in chat.

The same content and order as the .docx: draft mark (drafts only), the title block in bold, the opening,
the objective, the lead-in, then the points numbered "1.", "2.", … as the document numbers them (not by
their chat labels), sub-points lettered "   a.", further paragraphs and "- " bullets indented under
their point, and in drafts the text not yet agreed in [square brackets] followed by the state note in
italics. Blocks are separated by blank lines.

Typed text is escaped (CommonMark backslash escapes) so that "*", "_", "[", "#" … in a point's text
show as typed instead of turning into formatting; pass `escape=False` for plain-text chats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from drafting.report.model import Block, Bullets, Paragraph, Report
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


def render_markdown(report: Report, *, escape: bool = True) -> str:
    """The report as Markdown text ending in one newline."""

    def clean(text: str) -> str:
        one_line = " ".join(xml_safe(text).split())
        return escape_markdown(one_line) if escape else one_line

    chunks: list[str] = []
    if report.draft and report.draft_mark:
        chunks.append(f"**{clean(report.draft_mark)}**")
    for line in (*report.bodies, report.title, report.place, report.date_line):
        if line.strip():
            chunks.append(f"**{clean(line)}**")
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
