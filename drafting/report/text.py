"""Small text helpers the builder and the formats' wording share."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:])")


def one_line(text: str) -> str:
    return " ".join(text.split())


def tidy(text: str) -> str:
    """Collapse the double spaces and stray " ," that empty placeholders leave behind."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()
