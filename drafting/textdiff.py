"""What an amendment changes, word by word, and three ways to show it.

`diff(old, new)` gives a neutral sequence of segments (`same`, `del`, `ins`); each platform renders
it with its own marks: console `[-old-]{+new+}`, Slack `~old~ *new*`, Telegram HTML
`<s>old</s> <u>new</u>`. difflib (standard library) does the matching on word tokens; two choices
make the result read well:

* no mark sits between a letter and the change: a full stop swapped for a semicolon after "informe"
  shows the whole "informe." struck and "informe;" new (Slack's `~` and `*` do not render glued to a
  letter, and half a word is hard to read);
* a single space between two changes joins them, so "la ST presente" → "la PPT envíe" is one change
  rather than two separated by an unchanged space.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "del", "ins"]
_Escape = Callable[[str, bool], str]  # (text, inside a change) -> text safe for the platform

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_EDGE_WORD = re.compile(r"\S+$")
_HEAD_WORD = re.compile(r"^\S+")


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str


@dataclass
class _Chunk:
    changed: bool
    old: str
    new: str


def diff(old: str, new: str) -> list[Segment]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    chunks: list[_Chunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        chunks.append(_Chunk(tag != "equal", old_part, new_part))
    chunks = _join_across_spaces(chunks)
    chunks = _slide_spaces(chunks)
    chunks = _whole_words(chunks)
    out: list[Segment] = []
    for chunk in chunks:
        if not chunk.changed:
            if chunk.old:
                out.append(Segment("same", chunk.old))
            continue
        if chunk.old:
            out.append(Segment("del", chunk.old))
        if chunk.new:
            out.append(Segment("ins", chunk.new))
    return out


def _merge(chunks: list[_Chunk]) -> list[_Chunk]:
    out: list[_Chunk] = []
    for chunk in chunks:
        if not chunk.changed and not chunk.old:
            continue
        if out and out[-1].changed and chunk.changed:
            out[-1] = _Chunk(True, out[-1].old + chunk.old, out[-1].new + chunk.new)
        elif out and not out[-1].changed and not chunk.changed:
            out[-1] = _Chunk(False, out[-1].old + chunk.old, out[-1].new + chunk.new)
        else:
            out.append(chunk)
    return out


def _join_across_spaces(chunks: list[_Chunk]) -> list[_Chunk]:
    out = list(chunks)
    for i in range(1, len(out) - 1):
        here = out[i]
        if not here.changed and here.old.isspace() and out[i - 1].changed and out[i + 1].changed:
            out[i] = _Chunk(True, here.old, here.new)
    return _merge(out)


def _slide_spaces(chunks: list[_Chunk]) -> list[_Chunk]:
    """A word added or removed starts at the word, not at the space before it: "Tomar [-debida -]nota"
    rather than "Tomar[- debida-] nota", when the space after it is the same one."""
    out = list(chunks)
    for i in range(1, len(out) - 1):
        chunk, after = out[i], out[i + 1]
        text = chunk.old or chunk.new
        if not chunk.changed or (chunk.old and chunk.new) or after.changed or out[i - 1].changed:
            continue
        lead = text[: len(text) - len(text.lstrip())]
        if lead and text.strip() and after.old.startswith(lead):
            moved = text[len(lead) :] + lead
            before = out[i - 1].old + lead
            out[i - 1] = _Chunk(False, before, before)
            out[i] = _Chunk(True, moved if chunk.old else "", moved if chunk.new else "")
            rest = after.old[len(lead) :]
            out[i + 1] = _Chunk(False, rest, rest)
    return _merge(out)


def _whole_words(chunks: list[_Chunk]) -> list[_Chunk]:
    out = list(chunks)
    for i, chunk in enumerate(out):
        if not chunk.changed:
            continue
        if i > 0 and not out[i - 1].changed:
            before = out[i - 1].old
            tail = _EDGE_WORD.search(before)
            if tail and before[-1:].isalnum() and _starts_glued(chunk):
                word = tail.group(0)
                out[i - 1] = _Chunk(False, before[: -len(word)], before[: -len(word)])
                chunk = out[i] = _Chunk(True, word + chunk.old, word + chunk.new)
        if i + 1 < len(out) and not out[i + 1].changed:
            after = out[i + 1].old
            head = _HEAD_WORD.search(after)
            if head and after[:1].isalnum() and _ends_glued(chunk):
                word = head.group(0)
                out[i + 1] = _Chunk(False, after[len(word) :], after[len(word) :])
                out[i] = _Chunk(True, chunk.old + word, chunk.new + word)
    return _merge(out)


def _starts_glued(chunk: _Chunk) -> bool:
    # A mark would sit between a letter and the change: "informe~.~" that Slack would not render.
    return any(part and not part[0].isspace() for part in (chunk.old, chunk.new))


def _ends_glued(chunk: _Chunk) -> bool:
    return any(part and not part[-1].isspace() for part in (chunk.old, chunk.new))


def _split_space(text: str) -> tuple[str, str, str]:
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def console(segments: list[Segment]) -> str:
    """`[-old-]{+new+}`, as `git diff --word-diff` prints it."""
    marks = {"same": "{}", "del": "[-{}-]", "ins": "{{+{}+}}"}
    return "".join(marks[s.kind].format(s.text) for s in segments)


def slack(segments: list[Segment]) -> str:
    """Slack mrkdwn: `~old~ *new*`. `&`, `<`, `>` are escaped as Slack asks; mrkdwn has no escape
    for `~` and `*`, so inside a change they become look-alikes (∼, ∗) rather than break the marks."""
    return _marked(segments, _slack_escape, ("~", "~"), ("*", "*"))


def telegram(segments: list[Segment]) -> str:
    """Telegram HTML parse mode: `<s>old</s> <u>new</u>`, text HTML-escaped."""
    return _marked(segments, _html_escape, ("<s>", "</s>"), ("<u>", "</u>"))


def _marked(
    segments: list[Segment],
    escape: _Escape,
    struck: tuple[str, str],
    added: tuple[str, str],
) -> str:
    out: list[str] = []
    for index, segment in enumerate(segments):
        if segment.kind == "same":
            out.append(escape(segment.text, False))
            continue
        lead, core, trail = _split_space(segment.text)
        opening, closing = struck if segment.kind == "del" else added
        body = opening + escape(core, True) + closing if core else ""
        out.append(escape(lead, False) + body + escape(trail, False))
        following = segments[index + 1] if index + 1 < len(segments) else None
        if (
            segment.kind == "del"
            and following is not None
            and following.kind == "ins"
            and not segment.text[-1:].isspace()
            and not following.text[:1].isspace()
        ):
            out.append(" ")
    return "".join(out)


def _slack_escape(text: str, inside: bool) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("~", "∼").replace("*", "∗") if inside else text


def _html_escape(text: str, _inside: bool) -> str:
    return html.escape(text, quote=False)


def spans(segments: list[Segment]) -> tuple[str, list[tuple[Kind, int, int]]]:
    """The new-and-old text as one plain string, with the (kind, start, end) character ranges to mark:
    for platforms that mark ranges rather than write marks (Telegram's message entities)."""
    opened = {"\ue000": "del", "\ue002": "ins"}
    marked = _marked(segments, lambda text, _inside: text, ("\ue000", "\ue001"), ("\ue002", "\ue003"))
    text: list[str] = []
    ranges: list[tuple[Kind, int, int]] = []
    start, kind = 0, "same"
    length = 0
    for char in marked:
        if char in opened:
            start, kind = length, opened[char]
        elif char in ("\ue001", "\ue003"):
            ranges.append(("del" if kind == "del" else "ins", start, length))
        else:
            text.append(char)
            length += 1
    return "".join(text), ranges


def condense(segments: list[Segment], context: int = 60) -> list[Segment]:
    """Long unchanged stretches cut down to a few words on each side of a change, "…" between: what a
    long amendment changes, readable within a chat message's limits."""
    out: list[Segment] = []
    for index, segment in enumerate(segments):
        if segment.kind != "same" or len(segment.text) <= 2 * context + 3:
            out.append(segment)
            continue
        text = segment.text
        head = "" if index == 0 else text[:context].rsplit(" ", 1)[0] + " "
        tail = "" if index == len(segments) - 1 else " " + text[-context:].split(" ", 1)[-1]
        out.append(Segment("same", head + "…" + tail))
    return out


def clip(segments: list[Segment], limit: int) -> list[Segment]:
    """At most about `limit` characters of the segments, cut at a space, with "…" after the cut."""
    out: list[Segment] = []
    used = 0
    for segment in segments:
        if used + len(segment.text) <= limit:
            out.append(segment)
            used += len(segment.text)
            continue
        room = max(limit - used, 0)
        part = segment.text[:room].rsplit(" ", 1)[0] if " " in segment.text[:room] else ""
        if part.strip():
            out.append(Segment(segment.kind, part))
        out.append(Segment("same", " …"))
        break
    return out


def by_line(segments: list[Segment]) -> list[list[Segment]]:
    """The segments line by line: rendered a line at a time, no mark spans a line break, so a long
    text can be split between lines for a platform's limits."""
    out: list[list[Segment]] = [[]]
    for segment in segments:
        for index, part in enumerate(segment.text.split("\n")):
            if index:
                out.append([])
            if part:
                out[-1].append(Segment(segment.kind, part))
    return out
