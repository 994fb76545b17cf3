"""A document body as keyed paragraphs, before it becomes WordprocessingML.

A renderer that describes its body as `Item`s — a point, a sub-point, a title line, each with a stable
`key` and its paragraphs as `Line`s of `Segment`s — gets the plain .docx body from `plain_body` and a
redline against an earlier body of the same shape from `drafting.report.redline`, with no second
renderer to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from drafting.brackets import pieces
from drafting.report.docx_parts import half_points, para, ppr, runs, twentieths
from drafting.report.model import Report
from drafting.report.template import ReportTemplate


@dataclass(frozen=True)
class Segment:
    """A piece of a paragraph's text with its run properties (w:rPr children, "" for none)."""

    text: str
    rpr: str = ""


BOLD = "<w:b/><w:bCs/>"


def bracket_segments(text: str, rpr: str = "") -> list[Segment]:
    """A point's text as segments, each open bracket as written and in bold, so a reader of a draft
    sees what is not agreed (every format's drafts print them so)."""
    bold = rpr if "<w:b/>" in rpr else BOLD + rpr  # w:b comes before the size in w:rPr
    return [Segment(piece, bold if bracket else rpr) for piece, bracket in pieces(text)]


def bracket_runs(text: str, rpr: str = "") -> str:
    """`bracket_segments` as WordprocessingML runs."""
    return "".join(runs(s.text, s.rpr) for s in bracket_segments(text, rpr))


@dataclass(frozen=True)
class Line:
    """One paragraph: its properties (a whole w:pPr element, or "") and its text."""

    ppr: str
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True)
class Item:
    """Paragraphs that belong together and are compared as one: a point, a sub-point, a title line.

    `key` is the same for the same thing in two drafts ("p42" for point id 42, "title");
    `point_id` (0 for none) says whose change a difference is.
    """

    key: str
    lines: tuple[Line, ...]
    children: tuple[Item, ...] = ()
    point_id: int = 0


def walk(items: Iterable[Item]) -> Iterable[Line]:
    for item in items:
        yield from item.lines
        yield from walk(item.children)


def line_xml(line: Line) -> str:
    return para(line.ppr, "".join(runs(s.text, s.rpr) for s in line.segments))


def plain_body(items: Sequence[Item]) -> list[str]:
    """The paragraphs of the body as WordprocessingML strings."""
    return [line_xml(line) for line in walk(items)]


def title_items(report: Report, template: ReportTemplate, lines: Sequence[tuple[str, str]]) -> list[Item]:
    """The title lines, each an item keyed by what it is.

    The draft mark is in the page header only (`docx_parts.header`), not again as the first line.

    `lines` are (key, text): the first `len(report.bodies)` are the parent bodies (space after:
    bodies_space_after_pt), the others space_after_pt, the last one space_after_block_pt; all kept with
    the next paragraph but the last. Empty lines are skipped.
    """
    title = template.title
    out: list[Item] = []
    nbodies = len(report.bodies)
    spaced = [
        (key, text, title.bodies_space_after_pt if i < nbodies else title.space_after_pt)
        for i, (key, text) in enumerate(lines)
        if text.strip()
    ]
    if spaced:
        spaced[-1] = (*spaced[-1][:2], title.space_after_block_pt)
    jc = "center" if title.centered else None
    bold = "<w:b/><w:bCs/>" if title.bold else ""
    size = half_points(template.font.title_size_pt)
    rpr = f'{bold}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    for i, (key, text, after) in enumerate(spaced):
        props = ppr(keep_next=i < len(spaced) - 1, after=twentieths(after), jc=jc)
        out.append(Item(key, (Line(props, (Segment(text, rpr),)),)))
    return out


def title_block(report: Report, template: ReportTemplate, lines: Sequence[str]) -> list[str]:
    """`title_items` as WordprocessingML, for renderers that key nothing (bodies first, then the rest)."""
    keyed = [(f"title{i}", text) for i, text in enumerate(lines)]
    return plain_body(title_items(report, template, keyed))
