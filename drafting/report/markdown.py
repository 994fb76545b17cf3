"""Markdown pieces every format's preview shares (each format's own `markdown` module uses them).

Every preview has the same content and order as its .docx: the draft mark (drafts only), the title
block in bold, the body, and in drafts the text not yet agreed in [square brackets] followed by the
state note in italics. Blocks are separated by blank lines.

Typed text is escaped (CommonMark backslash escapes) so that "*", "_", "[", "#" … in a point's text
show as typed instead of turning into formatting; pass `escape=False` for plain-text chats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from drafting.brackets import pieces
from drafting.report.model import Block, Bullets, Report
from drafting.xmltext import xml_safe

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START_MARK = re.compile(r"^([#>+-])")
_LINE_START_NUMBER = re.compile(r"^(\d+)([.)])")

Cleaner = Callable[[str], str]


def escape_markdown(text: str) -> str:
    """Backslash-escape what CommonMark would read as formatting, inline and at the start of the text."""
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START_MARK.sub(r"\\\1", text)
    return _LINE_START_NUMBER.sub(r"\1\\\2", text)


def cleaner(escape: bool) -> Cleaner:
    def clean(text: str) -> str:
        one_line = " ".join(xml_safe(text).split())
        return escape_markdown(one_line) if escape else one_line

    return clean


def point_cleaner(escape: bool) -> Cleaner:
    """`cleaner` for a point's text: in Markdown an open bracket prints as written, in bold; plain-text
    chats get the brackets alone, since they would show the asterisks."""
    clean = cleaner(escape)
    if not escape:
        return clean

    def clean_point(text: str) -> str:
        one_line = " ".join(xml_safe(text).split())
        # each piece escaped as it is (not re-split), so the spaces around a bracket stay
        marked = (f"**{escape_markdown(p)}**" if b else escape_markdown(p) for p, b in pieces(one_line))
        return "".join(marked)

    return clean_point


def title_chunks(report: Report, lines: Sequence[str], clean: Cleaner) -> list[str]:
    chunks: list[str] = []
    if report.draft and report.draft_mark:
        chunks.append(f"**{clean(report.draft_mark)}**")
    chunks.extend(f"**{clean(line)}**" for line in lines if line.strip())
    return chunks


def letter(index: int) -> str:
    """Word's lowerLetter numbering for the 0-based `index`: a … z, then aa, bb, … zz, aaa, …"""
    return chr(ord("a") + index % 26) * (index // 26 + 1)


def block_chunks(blocks: Sequence[Block], clean: Cleaner) -> list[list[str]]:
    """Paragraphs as one-line chunks, bullet lists as one chunk of "- " lines."""
    chunks: list[list[str]] = []
    for block in blocks:
        if isinstance(block, Bullets):
            if block.items:
                chunks.append([f"- {clean(item)}" for item in block.items])
        else:
            chunks.append([clean(block.text)])
    return chunks


def bracket_chunks(chunks: list[list[str]], note: str | None, clean: Cleaner) -> None:
    if chunks:
        chunks[0][0] = open_bracket(chunks[0][0])
        chunks[-1][-1] = close_bracket(chunks[-1][-1], note, clean)


def open_bracket(text: str) -> str:
    """`[` before the text, after a leading bullet mark. (A `**` it starts with is an open bracket typed
    in the text, in bold: the draft's own bracket stands outside it.)"""
    return "- [" + text[2:] if text.startswith("- ") else "[" + text


def close_bracket(text: str, note: str | None, clean: Cleaner) -> str:
    """`]` after the text, then the state note in italics."""
    text += "]"
    return f"{text} *({clean(note)})*" if note else text


def bold_line(line: str) -> str:
    """A whole line in bold, a state note that `close_bracket` set after it staying in italics."""
    body, note = line, ""
    if line.endswith(")*") and " *(" in line:
        body, note = line.rsplit(" *(", 1)
        note = " *(" + note
    return f"**{body}**{note}"
