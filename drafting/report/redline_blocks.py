"""A redline between two document bodies of any shape: paragraphs and tables (programa, mesas).

The informe describes its body as keyed items (`drafting.report.redline`); the programa's table and
the mesas' sections, lists and comparison tables are compared here from the WordprocessingML their
renderers write, so a format gets a redline without a second renderer:

* the bodies' blocks (paragraphs, tables) are matched by their text; a changed table is paired with
  the table that stands in its place; a paragraph whose words changed gets `w:del`/`w:ins` runs word
  by word, a new one is an inserted paragraph, a gone one a deleted paragraph;
* a table is compared row by row (matched by the rows' text): a changed row's cells paragraph by
  paragraph, a new row is an inserted row (`w:trPr/w:ins`, its runs inserted), a gone row a deleted
  row (`w:trPr/w:del`, its runs deleted).

Whose each revision is comes from the same `History` as the informe's: the renderers mark every
paragraph and table row with the id of the point whose text it holds (`docx_parts.point_mark`), and a
change in it is that point's latest change (`History.revision`: the delegation whose amendment was
accepted, when it was accepted; the proposer of a new point; …). Unmarked blocks (the title, the
meeting's data) are the rapporteur's, at compile time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from lxml import etree  # type: ignore[import-untyped]

from drafting.report.docx_lines import Item, Line, Segment
from drafting.report.docx_parts import NSDECL, POINT, para, parse_body, runs
from drafting.report.model import History, Revision
from drafting.report.redline import RevisionWriter

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB = qn("w:t"), qn("w:tab")


@dataclass(frozen=True)
class _Block:
    element: BaseOxmlElement
    key: str

    @property
    def is_table(self) -> bool:
        return bool(self.element.tag == _TBL)


def redline_blocks(old: Sequence[str], new: Sequence[str], history: History) -> list[str]:
    """The new body (its blocks as WordprocessingML) with tracked changes from the old one."""
    writer = RevisionWriter(history)
    out: list[str] = []
    a, b = _blocks(old), _blocks(new)
    matcher = SequenceMatcher(None, [x.key for x in a], [x.key for x in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(_xml(x.element) for x in b[j1:j2])
            continue
        gone, added = a[i1:i2], b[j1:j2]
        for k in range(max(len(gone), len(added))):
            before = gone[k] if k < len(gone) else None
            after = added[k] if k < len(added) else None
            if (
                before is not None
                and after is not None
                and before.is_table == after.is_table
                and _same_owner(before.element, after.element)
            ):
                out.append(
                    _table(writer, before, after) if after.is_table else _paragraph(writer, before, after)
                )
                continue
            if before is not None:
                out.append(_whole(writer, before, inserted=False))
            if after is not None:
                out.append(_whole(writer, after, inserted=True))
    # a deleted last paragraph merges into the next one when its mark goes: there must be a next one
    out.append(para("", runs(" ")))
    return out


def _blocks(body: Sequence[str]) -> list[_Block]:
    fragment = parse_body(body)
    out: list[_Block] = []
    for child in fragment:
        if child.tag == _TBL:
            # an unchanged table matches as a whole; a changed one is paired with the table in its place
            out.append(_Block(child, "table " + "\x1e".join(_row_key(tr) for tr in child.iter(_TR))))
        elif child.tag == _P:
            out.append(_Block(child, "p " + _text(child)))
    return out


def _point(element: BaseOxmlElement | None) -> int:
    """The point whose text `element` holds: its own mark, else its closest marked ancestor's."""
    while element is not None:
        mark = element.get(POINT)
        if mark:
            return int(mark)
        element = element.getparent()
    return 0


def _same_owner(old: BaseOxmlElement, new: BaseOxmlElement) -> bool:
    """Whether two blocks may be compared as one changed block: not when each is another point's."""
    a, b = _point(old), _point(new)
    return not a or not b or a == b


def _revision(writer: RevisionWriter, element: BaseOxmlElement | None) -> Revision:
    return writer.history.revision(_point(element))  # 0, no point: the rapporteur's


def _text(element: BaseOxmlElement) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _xml(element: BaseOxmlElement) -> str:
    return str(etree.tostring(element, encoding="unicode"))


def _line(p: BaseOxmlElement) -> Line:
    """A paragraph as the informe's redline reads one: its properties and its runs' text."""
    ppr = p.find(qn("w:pPr"))
    ppr_xml = _xml(ppr) if ppr is not None and len(ppr) else ""
    segments: list[Segment] = []
    for r in p.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        props = "".join(_xml(child) for child in rpr) if rpr is not None else ""
        text = "".join(
            "\t" if child.tag == qn("w:tab") else child.text or ""
            for child in r
            if child.tag in (qn("w:t"), qn("w:tab"))
        )
        segments.append(Segment(text, props))
    return Line(ppr_xml, tuple(segments))


def _captured(writer: RevisionWriter) -> str:
    text = "".join(writer.out)
    writer.out.clear()
    return text


def _paragraph(writer: RevisionWriter, old: _Block, new: _Block) -> str:
    writer.changed_line(_line(old.element), _line(new.element), _revision(writer, new.element))
    return _captured(writer)


def _whole(writer: RevisionWriter, block: _Block, *, inserted: bool) -> str:
    if not block.is_table:
        writer.whole_line(_line(block.element), _revision(writer, block.element), inserted=inserted)
        return _captured(writer)
    table = block.element
    for tr in table.iter(_TR):
        _mark_row(writer, tr, inserted=inserted)
    return _xml(table)


def _cell_lines(tc: BaseOxmlElement) -> list[Line]:
    return [_line(p) for p in tc.iter(_P)]


def _row_key(tr: BaseOxmlElement) -> str:
    return "\x1f".join(_text(tc) for tc in tr.iter(_TC))


def _table(writer: RevisionWriter, old: _Block, new: _Block) -> str:
    table = new.element
    a, b = list(old.element.iter(_TR)), list(table.iter(_TR))
    matcher = SequenceMatcher(None, [_row_key(r) for r in a], [_row_key(r) for r in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        gone, added = a[i1:i2], b[j1:j2]
        paired = min(len(gone), len(added))
        for before, after in zip(gone[:paired], added[:paired], strict=True):
            old_cells, new_cells = list(before.iter(_TC)), list(after.iter(_TC))
            # another point's row in the place of a gone one is a new row, not the old one changed
            if len(old_cells) != len(new_cells) or not _same_owner(before, after):
                _insert_deleted_row(writer, before, after)
                _mark_row(writer, after, inserted=True)
                continue
            for old_tc, new_tc in zip(old_cells, new_cells, strict=True):
                _cell(writer, old_tc, new_tc)
        for after in added[paired:]:
            _mark_row(writer, after, inserted=True)
        # gone rows stand, deleted, before the row that now follows them (or at the table's end)
        anchor = added[paired] if len(added) > paired else (b[j2] if j2 < len(b) else None)
        for before in gone[paired:]:
            _mark_row(writer, before, inserted=False)
            if anchor is not None:
                anchor.addprevious(before)
            else:
                table.append(before)
    return _xml(table)


def _insert_deleted_row(writer: RevisionWriter, before: BaseOxmlElement, after: BaseOxmlElement) -> None:
    _mark_row(writer, before, inserted=False)
    after.addprevious(before)


def _cell(writer: RevisionWriter, old_tc: BaseOxmlElement, new_tc: BaseOxmlElement) -> None:
    old_lines, new_lines = _cell_lines(old_tc), _cell_lines(new_tc)
    if [line.text for line in old_lines] == [line.text for line in new_lines]:
        return
    point_id = next((p for p in map(_point, new_tc.iter(_P)) if p), 0)
    writer.same_item(Item("cell", tuple(old_lines)), Item("cell", tuple(new_lines), point_id=point_id))
    marked = parse_xml(f"<w:tc {NSDECL}>{_captured(writer)}</w:tc>")
    for p in list(new_tc.iter(_P)):
        new_tc.remove(p)
    for p in list(marked):
        new_tc.append(p)


def _mark_row(writer: RevisionWriter, tr: BaseOxmlElement, *, inserted: bool) -> None:
    """The whole row inserted or deleted: the row itself (`w:trPr`) and every run in it."""
    tag = "ins" if inserted else "del"
    tr_pr = tr.find(qn("w:trPr"))
    if tr_pr is None:
        tr_pr = parse_xml(f"<w:trPr {NSDECL}/>")
        tr.insert(0, tr_pr)
    tr_pr.append(parse_xml(f"<w:{tag} {NSDECL} {writer.revision_attrs(_revision(writer, tr))}/>"))
    for r in list(tr.iter(qn("w:r"))):
        if not inserted:
            for t in r.iter(qn("w:t")):
                t.tag = qn("w:delText")
        wrapper = parse_xml(f"<w:{tag} {NSDECL} {writer.revision_attrs(_revision(writer, r))}/>")
        r.addprevious(wrapper)
        wrapper.append(r)
