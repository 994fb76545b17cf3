"""What a programa report holds beyond the common report: the work programme table (reference 003)."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class ProgrammeContent:
    """`Report.content` of a programa."""

    place_date_line: str  # "Tegucigalpa, Honduras, 19 de noviembre de 2008"
    columns: tuple[str, ...]  # the header row: TEMAS, OBJETIVOS, ACTIVIDADES, CALENDARIO
    themes: tuple[ProgrammeTheme, ...]
