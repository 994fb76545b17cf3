"""A point's typed text as report blocks: paragraphs and bullet lists.

Rules, in the order they apply:

* Line breaks are "\\n", "\\r\\n", "\\r", NEL or the Unicode line/paragraph separators chat clients send
  (form feeds and other control characters are not line breaks; rendering drops them).
* A line that, after leading spaces, starts with "·", "•", "-" or "*" followed by a space or a tab is a
  bullet; consecutive bullet lines form one `Bullets` block, the marker and the spaces after it stripped.
  A bullet line with nothing after the marker is dropped ("· " as left over in Word documents).
* Any other non-empty line is a `Paragraph` of its own (stripped of surrounding spaces).
* Blank lines only separate: two bullet runs with a blank line between them are two lists.

The first block is the point's opening paragraph ("Agradecer a …"), numbered in the document.
"""

from __future__ import annotations

import re

from drafting.report.model import Block, Bullets, Paragraph

BULLET_MARKERS = ("·", "•", "-", "*")
# only real line breaks; str.splitlines() would also split on form feeds and other control characters
_LINE_BREAK = re.compile("\r\n|[\n\r\u2028\u2029\x85]")


def _bullet_item(line: str) -> str | None:
    """The item text when `line` (already left-stripped) is a bullet line, else None."""
    if line[:1] in BULLET_MARKERS and line[1:2] in ("", " ", "\t"):
        return line[1:].strip()
    return None


def split_blocks(text: str) -> tuple[Block, ...]:
    """Split a point's text into paragraphs and bullet lists (see the module docstring)."""
    blocks: list[Block] = []
    items: list[str] = []

    def close_list() -> None:
        if items:
            blocks.append(Bullets(tuple(items)))
            items.clear()

    for raw in _LINE_BREAK.split(text):
        line = raw.strip()
        item = _bullet_item(line) if line else None
        if item is not None:
            if item:
                items.append(item)
            continue
        close_list()
        if line:
            blocks.append(Paragraph(line))
    close_list()
    return tuple(blocks)
