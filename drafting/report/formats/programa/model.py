"""What a programa report holds beyond the common report: the work programme table (reference 003)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

Cell = tuple[str, ...]  # the paragraphs of one table cell
_P = TypeVar("_P")


def activity_lines(
    activities: Sequence[_P], calendar: Sequence[_P]
) -> list[tuple[Sequence[_P], Sequence[_P]]]:
    """A row's activities each beside its calendar entry, one table line each: the n-th activity with
    the n-th calendar entry (reference 003 sets each on the line of the other; two cells' paragraphs
    would drift apart as they wrap differently). Extra entries on one side get lines of their own.
    The .docx and the chat preview both lay a row out so."""
    count = max(len(activities), len(calendar), 1)
    return [(activities[k : k + 1], calendar[k : k + 1]) for k in range(count)]


@dataclass(frozen=True)
class ProgrammeRow:
    """One row of a theme: OBJETIVOS | ACTIVIDADES | CALENDARIO, from a sub-point (or the point itself)."""

    label: str  # "3.b", or "3" for the row typed in the point's own text
    objectives: Cell
    activities: Cell
    calendar: Cell
    pending: bool = False
    state_note: str | None = None
    point_id: int = 0  # the stored point whose text the row is (a redline credits its changes)

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
    point_id: int = 0


@dataclass(frozen=True)
class ProgrammeContent:
    """`Report.content` of a programa."""

    place_date_line: str  # "Tegucigalpa, Honduras, 19 de noviembre de 2008"
    columns: tuple[str, ...]  # the header row: TEMAS, OBJETIVOS, ACTIVIDADES, CALENDARIO
    themes: tuple[ProgrammeTheme, ...]
