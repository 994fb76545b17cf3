"""What a mesas report holds beyond the common report: one section per working table (reference 004)."""

from __future__ import annotations

from dataclasses import dataclass

from drafting.report.model import Block


@dataclass(frozen=True)
class ListEntry:
    """The items one sub-point adds to a labelled list ("Buenas prácticas: …")."""

    label: str  # the chat label, "2.a"
    items: tuple[str, ...]
    pending: bool = False
    state_note: str | None = None
    point_id: int = 0  # the stored point whose text it is (a redline credits its changes)


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
    point_id: int = 0


@dataclass(frozen=True)
class Comparison:
    """A two-column table ("Trata | Tráfico"): the sub-point's first line gives the headers, every
    further line "left | right" adds a paragraph to either column (reference 004)."""

    label: str
    headers: tuple[str, str]
    left: tuple[str, ...]
    right: tuple[str, ...]
    pending: bool = False
    state_note: str | None = None
    point_id: int = 0


TablePart = LabelledList | Passage | Comparison


@dataclass(frozen=True)
class WorkingTable:
    """One point of a mesas report: a section headed by the table's name."""

    label: str
    heading: str  # the point's first paragraph, "Protección Consular y Derechos Humanos"
    blocks: tuple[Block, ...]  # the rest of the point's text
    parts: tuple[TablePart, ...]  # its sub-points, in order
    pending: bool = False
    state_note: str | None = None
    point_id: int = 0


@dataclass(frozen=True)
class MesasContent:
    """`Report.content` of a mesas report."""

    tables: tuple[WorkingTable, ...]
