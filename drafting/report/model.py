"""The report as a document, independent of how it is rendered.

The builder (`drafting.report.builder`) turns a meeting into a `Report`; the renderers
(`docx_render`, `programa_render`, `mesas_render`, `markdown`, reached through `render`) turn a
`Report` into bytes or text. Everything a renderer prints is already worded here, in the meeting's
language, so renderers hold layout only.

`points` holds the agreed points of every format. The formats other than the informe also carry the
same points arranged as their document shows them: `themes` (programa: the rows of the work programme
table, see `drafting.report.programa`) and `tables` (mesas: one section per working table, see
`drafting.report.mesas`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


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


@dataclass(frozen=True)
class ReportPoint:
    label: str  # the chat label, "3"; the document numbers points itself
    blocks: tuple[Block, ...]  # first block is the opening paragraph ("Agradecer a ...")
    subpoints: tuple[ReportSubPoint, ...] = ()
    pending: bool = False
    state_note: str | None = None


# --- programa: the work programme table -----------------------------------------------------

Cell = tuple[str, ...]  # the paragraphs of one table cell


@dataclass(frozen=True)
class ProgrammeRow:
    """One row of a theme: OBJETIVOS | ACTIVIDADES | CALENDARIO, from a sub-point (or the point itself)."""

    label: str  # "3.b", or "3" for the row typed in the point's own text
    objectives: Cell
    activities: Cell
    calendar: Cell
    pending: bool = False
    state_note: str | None = None

    @property
    def cells(self) -> tuple[Cell, Cell, Cell]:
        return (self.objectives, self.activities, self.calendar)

    @property
    def empty(self) -> bool:
        return not (self.objectives or self.activities or self.calendar)


@dataclass(frozen=True)
class ProgrammeTheme:
    """One point of a programa: the TEMAS cell, spanning all of its rows (there is always one at least)."""

    label: str
    theme: Cell
    rows: tuple[ProgrammeRow, ...]
    pending: bool = False
    state_note: str | None = None


# --- mesas: the working-tables report ---------------------------------------------------------


@dataclass(frozen=True)
class ListEntry:
    """The items one sub-point adds to a labelled list ("Buenas prácticas: …")."""

    label: str  # the chat label, "2.a"
    items: tuple[str, ...]
    pending: bool = False
    state_note: str | None = None


@dataclass(frozen=True)
class LabelledList:
    """A list under a bold label; consecutive sub-points with the same label make one list."""

    title: str  # "Buenas prácticas:" as the first of its sub-points typed it (with or without colon)
    entries: tuple[ListEntry, ...]


@dataclass(frozen=True)
class Passage:
    """A sub-point that opens with no known label: paragraphs and bullets, as typed."""

    label: str
    blocks: tuple[Block, ...]
    pending: bool = False
    state_note: str | None = None


TablePart = LabelledList | Passage


@dataclass(frozen=True)
class WorkingTable:
    """One point of a mesas report: a section headed by the table's name."""

    label: str
    heading: str  # the point's first paragraph, "Protección Consular y Derechos Humanos"
    blocks: tuple[Block, ...]  # the rest of the point's text
    parts: tuple[TablePart, ...]  # its sub-points, in order
    pending: bool = False
    state_note: str | None = None


@dataclass(frozen=True)
class Report:
    language: Literal["es", "en"]
    bodies: tuple[str, ...]  # title-block lines above the title, in capitals
    title: str
    place: str
    date_line: str  # "15 de noviembre, 2016" / "16-17 de marzo, 2017"
    opening: str  # generated paragraph: who met, when, where, participants
    objective: str | None
    lead_in: str  # "La Red somete a consideración del ... su informe ..."
    points: tuple[ReportPoint, ...]
    draft: bool = False
    version: int = 0
    draft_mark: str = ""  # "BORRADOR - versión 3" / "DRAFT - version 3"; empty in the final
    footer_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    format: str = "informe"  # "informe", "programa", "mesas" (drafting.model.ReportFormat values)
    # programa
    place_date_line: str = ""  # "Tegucigalpa, Honduras, 19 de noviembre de 2008"
    columns: tuple[str, ...] = ()  # the header row: TEMAS, OBJETIVOS, ACTIVIDADES, CALENDARIO
    themes: tuple[ProgrammeTheme, ...] = ()
    # mesas
    tables: tuple[WorkingTable, ...] = ()
