"""Square brackets: text not yet agreed, as diplomatic drafts mark it.

`[texto A / texto B]` offers alternatives; `[texto]` is a phrase not yet agreed. Brackets are numbered
in the order they appear, from 1, and shown numbered: `[1: texto A / texto B]`. What we decided:

* Alternatives are separated by a slash with spaces around it (` / `), so `y/o` or `1/2` inside a
  bracket stay one phrase.
* A bracket inside a bracket, a `[` never closed, a `]` never opened and an empty bracket or
  alternative are refused when the text is proposed or amended: the numbering must be unambiguous.
* A bracket is settled by the number of an alternative (for `[texto]`, 1 keeps the phrase), by new
  text that replaces the whole bracket, or by `-` (or `ninguna` / `none`) which deletes it.
* A point with an open bracket, in its own text or in a sub-point, is not adopted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SEPARATOR = re.compile(r"(?:(?<=\s)|^)/(?=\s|$)")
DELETE_WORDS = frozenset({"-", "ninguna", "ninguno", "none", "nothing", "nada", "suprimir", "delete"})


class BracketError(Exception):
    """`key` is a catalogue key; `params` fill it."""

    def __init__(self, key: str, /, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Bracket:
    number: int  # from 1, in reading order
    start: int  # index of "["
    end: int  # index just past "]"
    options: tuple[str, ...]  # the alternatives; one for a phrase not yet agreed


def find(text: str) -> list[Bracket]:
    """The brackets of `text`, in order. Raises BracketError when they are nested, unbalanced or empty."""
    found: list[Bracket] = []
    opened: int | None = None
    for index, char in enumerate(text):
        if char == "[":
            if opened is not None:
                raise BracketError("error.bracket_nested", near=_near(text, index))
            opened = index
        elif char == "]":
            if opened is None:
                raise BracketError("error.bracket_unbalanced", near=_near(text, index))
            inside = text[opened + 1 : index]
            options = tuple(part.strip() for part in _SEPARATOR.split(inside))
            if any(not option for option in options):
                raise BracketError("error.bracket_empty", near=_near(text, opened))
            found.append(Bracket(len(found) + 1, opened, index + 1, options))
            opened = None
    if opened is not None:
        raise BracketError("error.bracket_unbalanced", near=_near(text, opened))
    return found


def check(text: str) -> None:
    """Raises BracketError when `text` has brackets that cannot be numbered."""
    find(text)


def open_count(texts: Iterable[str]) -> int:
    """How many brackets the texts still hold. Text that cannot be read counts as one open bracket, so
    a malformed text from before brackets were checked is never adopted by accident."""
    total = 0
    for text in texts:
        try:
            total += len(find(text))
        except BracketError:
            total += 1
    return total


def numbered(text: str) -> str:
    """`[A / B]` shown as `[1: A / B]`; text with unreadable brackets is shown as written."""
    try:
        brackets = find(text)
    except BracketError:
        return text
    out: list[str] = []
    last = 0
    for b in brackets:
        out.append(text[last : b.start])
        out.append(f"[{b.number}: {' / '.join(b.options)}]")
        last = b.end
    out.append(text[last:])
    return "".join(out)


def pieces(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_open_bracket), brackets as written, so drafts can mark them (bold);
    text with unreadable brackets is one plain piece."""
    try:
        brackets = find(text)
    except BracketError:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    last = 0
    for b in brackets:
        if b.start > last:
            out.append((text[last : b.start], False))
        out.append((text[b.start : b.end], True))
        last = b.end
    if last < len(text):
        out.append((text[last:], False))
    return out


def resolve(text: str, number: int, choice: str) -> str:
    """`text` with bracket `number` settled by `choice`: an alternative's number, new text, or `-`."""
    brackets = find(text)
    if not 1 <= number <= len(brackets):
        raise BracketError("error.bracket_missing", number=str(number), count=str(len(brackets)))
    bracket = brackets[number - 1]
    choice = " ".join(choice.split())
    if not choice:
        raise BracketError("error.bracket_choice", number=str(number), count=str(len(bracket.options)))
    if choice.isdigit():
        k = int(choice)
        if not 1 <= k <= len(bracket.options):
            raise BracketError("error.bracket_choice", number=str(number), count=str(len(bracket.options)))
        replacement = bracket.options[k - 1]
    elif choice.casefold() in DELETE_WORDS:
        replacement = ""
    else:
        if "[" in choice or "]" in choice:
            raise BracketError("error.bracket_nested", near=choice[:40])
        replacement = choice
    return _join(text[: bracket.start], replacement, text[bracket.end :])


def _join(left: str, middle: str, right: str) -> str:
    # Only the seam is tidied: a deleted phrase must not leave two spaces, or a space before the
    # punctuation that followed it; the rest of the text stays as written.
    if not middle:
        if left.endswith(" ") and right[:1] in ("", " ", "\n", ",", ".", ";", ":", ")"):
            left = left.rstrip(" ")
        if not left.strip():
            right = right.lstrip()
    return left + middle + right


def _near(text: str, index: int) -> str:
    return text[max(0, index - 15) : index + 25]
