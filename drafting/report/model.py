"""The report as a document, independent of how it is rendered.

The builder (`drafting.report.builder`) turns a meeting into a `Report`; each format's package under
`drafting.report.formats` adds what only its document shows (`Report.content`: the informe's opening
and lead-in, the programa's table, the mesas' sections) and renders it as .docx and Markdown. Everything
a renderer prints is already worded here, in the meeting's language, so renderers hold layout only.

`points` holds the agreed points of every format, each with its point id so that two reports of the
same meeting (the last circulated draft and this one) can be compared point by point (the redline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeVar


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Paragraph | Bullets


@dataclass(frozen=True)
class ReportSubPoint:
    label: str  # the chat label, "3.b"; the document letters sub-points itself
    blocks: tuple[Block, ...]
    pending: bool = False  # drafts show text not yet agreed in [square brackets]
    state_note: str | None = None  # "en discusión", shown after the brackets in drafts
    point_id: int = 0  # the stored point's id; 0 for reports not built from stored points


@dataclass(frozen=True)
class ReportPoint:
    label: str  # the chat label, "3"; the document numbers points itself
    blocks: tuple[Block, ...]  # first block is the opening paragraph ("Agradecer a ...")
    subpoints: tuple[ReportSubPoint, ...] = ()
    pending: bool = False
    state_note: str | None = None
    point_id: int = 0


@dataclass(frozen=True)
class Revision:
    """Whose a tracked change is and when it was made.

    The delegation whose amendment was accepted (at the moment of acceptance), the delegation that
    proposed a new point (when it proposed it), the proposer that withdrew one, or the rapporteur for
    everything else (moves, adoptions, meeting data), at compile time.
    """

    author: str
    at: datetime


@dataclass(frozen=True)
class History:
    """What a redline needs beside the new draft: the last circulated draft and whose each change is."""

    previous: Report
    default: Revision  # the rapporteur, at compile time
    by_point: Mapping[int, Revision] = field(default_factory=dict)  # point id -> its latest change

    def revision(self, point_id: int) -> Revision:
        return self.by_point.get(point_id, self.default)


_Content = TypeVar("_Content")


@dataclass(frozen=True)
class Report:
    language: Literal["es", "en"]
    bodies: tuple[str, ...]  # title-block lines above the title, in capitals
    title: str
    place: str
    date_line: str  # "15 de noviembre, 2016" / "16-17 de marzo, 2017"
    objective: str | None
    points: tuple[ReportPoint, ...]
    draft: bool = False
    version: int = 0
    draft_mark: str = ""  # "BORRADOR - versión 3" / "DRAFT - version 3"; empty in the final
    footer_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    format: str = "informe"  # the name of a package in drafting.report.formats
    content: object = None  # what only this format shows, a dataclass of the format's own model
    history: History | None = None  # set for a redline: the last circulated draft and the authors

    def part(self, kind: type[_Content]) -> _Content:
        """`content` as the format's model class; `ValueError` if the report is of another format."""
        if not isinstance(self.content, kind):
            raise ValueError(f"the report was built for the {self.format} format, not for {kind.__name__}")
        return self.content
