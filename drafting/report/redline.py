"""A redline: the new draft's body with Word tracked changes against the last circulated draft.

python-docx has no tracked-changes API, so the revisions are written as WordprocessingML directly, as
Word itself writes them (ECMA-376 part 1, 17.13.5):

* words changed inside a paragraph: `w:del` (its runs' text in `w:delText`) and `w:ins` runs, word by
  word (`difflib` on words, spaces and punctuation as separate tokens);
* a whole new point, sub-point or paragraph: an inserted paragraph — its runs in `w:ins` and its
  paragraph mark marked inserted (`w:pPr/w:rPr/w:ins`), so rejecting it removes the paragraph;
* a withdrawn one: a deleted paragraph, runs in `w:del` and the mark marked deleted (`w:pPr/w:rPr/w:del`);
* a point moved: deleted where it stood and inserted where it stands now.

Each revision carries its author (the delegation whose amendment or text it is, or the rapporteur) and
its date, from `drafting.report.model.History`. Accepting every change gives the new draft's text;
rejecting every change gives the last circulated draft's text.

Items are matched by key (`drafting.report.docx_lines.Item`): the same point keeps its key across
drafts; items present in both in the same order are compared line by line, the others are inserted or
deleted whole, their sub-items with them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC
from difflib import SequenceMatcher
from xml.sax.saxutils import escape

from drafting.report.docx_lines import Item, Line, Segment
from drafting.report.docx_parts import attr, para, runs
from drafting.report.model import History, Revision
from drafting.xmltext import xml_safe

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def redline_body(old: Sequence[Item], new: Sequence[Item], history: History) -> list[str]:
    """The paragraphs of the new body, with tracked changes from `old`, as WordprocessingML."""
    writer = RevisionWriter(history)
    writer.items(old, new)
    # An inserted or deleted paragraph merges into the next one when its mark goes; the last one needs a
    # next one. LibreOffice keeps the first paragraph's numbering when the next one is empty (a stray
    # "5." after rejecting a new last point), so the closing paragraph holds one space.
    writer.out.append(para("", runs(" ")))
    return writer.out


def _tokens(line: Line) -> list[Segment]:
    return [Segment(tok, seg.rpr) for seg in line.segments for tok in _TOKEN.findall(xml_safe(seg.text))]


def _grouped(tokens: Sequence[Segment]) -> list[Segment]:
    """Consecutive tokens with the same run properties as one segment."""
    out: list[Segment] = []
    for tok in tokens:
        if out and out[-1].rpr == tok.rpr:
            out[-1] = Segment(out[-1].text + tok.text, tok.rpr)
        else:
            out.append(tok)
    return out


class RevisionWriter:
    def __init__(self, history: History) -> None:
        self.history = history
        self.out: list[str] = []
        self.next_id = 1

    # --- revision marks ---

    def revision_attrs(self, rev: Revision) -> str:
        rev_id = self.next_id
        self.next_id += 1
        when = rev.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f'w:id="{rev_id}" w:author="{attr(rev.author)}" w:date="{when}"'

    def _inserted(self, segments: Sequence[Segment], rev: Revision) -> str:
        text = "".join(runs(s.text, s.rpr) for s in _grouped(segments) if s.text)
        return f"<w:ins {self.revision_attrs(rev)}>{text}</w:ins>" if text else ""

    def _deleted(self, segments: Sequence[Segment], rev: Revision) -> str:
        pieces: list[str] = []
        for s in _grouped(segments):
            text = xml_safe(s.text)
            if text:
                props = f"<w:rPr>{s.rpr}</w:rPr>" if s.rpr else ""
                pieces.append(f'<w:r>{props}<w:delText xml:space="preserve">{escape(text)}</w:delText></w:r>')
        return f"<w:del {self.revision_attrs(rev)}>{''.join(pieces)}</w:del>" if pieces else ""

    def _marked_ppr(self, ppr: str, tag: str, rev: Revision) -> str:
        """The paragraph properties with the paragraph mark marked inserted or deleted."""
        mark = f"<w:rPr><w:{tag} {self.revision_attrs(rev)}/></w:rPr>"
        if not ppr:
            return f"<w:pPr>{mark}</w:pPr>"
        return ppr.removesuffix("</w:pPr>") + mark + "</w:pPr>"

    # --- paragraphs ---

    def whole_line(self, line: Line, rev: Revision, *, inserted: bool) -> None:
        tag = "ins" if inserted else "del"
        body = self._inserted(line.segments, rev) if inserted else self._deleted(_tokens(line), rev)
        self.out.append(para(self._marked_ppr(line.ppr, tag, rev), body))

    def changed_line(self, old: Line, new: Line, rev: Revision) -> None:
        a, b = _tokens(old), _tokens(new)
        matcher = SequenceMatcher(None, [t.text for t in a], [t.text for t in b], autojunk=False)
        parts: list[str] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                parts.extend(runs(s.text, s.rpr) for s in _grouped(b[j1:j2]))
                continue
            parts.append(self._deleted(a[i1:i2], rev))
            parts.append(self._inserted(b[j1:j2], rev))
        self.out.append(para(new.ppr, "".join(parts)))

    # --- items ---

    def revision(self, item: Item) -> Revision:
        return self.history.revision(item.point_id) if item.point_id else self.history.default

    def whole_item(self, item: Item, *, inserted: bool) -> None:
        rev = self.revision(item)
        for line in item.lines:
            self.whole_line(line, rev, inserted=inserted)
        for child in item.children:
            self.whole_item(child, inserted=inserted)

    def items(self, old: Sequence[Item], new: Sequence[Item]) -> None:
        matcher = SequenceMatcher(None, [i.key for i in old], [i.key for i in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                    self.same_item(before, after)
                continue
            for gone in old[i1:i2]:
                self.whole_item(gone, inserted=False)
            for added in new[j1:j2]:
                self.whole_item(added, inserted=True)

    def same_item(self, old: Item, new: Item) -> None:
        rev = self.revision(new)
        matcher = SequenceMatcher(
            None, [line.text for line in old.lines], [line.text for line in new.lines], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            before, after = old.lines[i1:i2], new.lines[j1:j2]
            if tag == "equal":
                for b, a in zip(before, after, strict=True):
                    self.changed_line(b, a, rev)  # same text; run properties follow the new draft
                continue
            paired = min(len(before), len(after))
            for b, a in zip(before[:paired], after[:paired], strict=True):
                self.changed_line(b, a, rev)
            for b in before[paired:]:
                self.whole_line(b, rev, inserted=False)
            for a in after[paired:]:
                self.whole_line(a, rev, inserted=True)
        self.items(old.children, new.children)
