"""The work programme ("programa de trabajo", reference 003): points arranged as a four-column table.

The document is the title block — the parent bodies, the title, then ONE line with the place and the
long date ("Tegucigalpa, Honduras, 19 de noviembre de 2008") — and a table whose header row is
TEMAS | OBJETIVOS | ACTIVIDADES | CALENDARIO (the words come from the template, per language).

How the secretariat and the delegates type a programa in chat:

* Each point is a theme: its text is the TEMAS cell, which spans all the rows of the theme (a vertical
  merge in Word). ``proponer Cooperación entre Funcionarios Consulares``
* Each sub-point is one row of that theme. Its text is cut at every " | " (a vertical bar with a space
  on each side) into objective | activities | calendar:
  ``subpunto 1 Promover el intercambio de información | Actualizar la información sobre visas | Permanente``
  Missing parts stay empty ("Objetivo | Actividad" leaves the calendar empty; "| | Enero de 2009" fills
  the calendar only). Several lines in a part are several paragraphs in the cell, so a row with three
  activities and their dates is typed as::

      Establecer mecanismos de cooperación |
      Identificar necesidades de capacitación.
      Compartir buenas prácticas. |
      Continuo.
      Continuo. Presentaciones durante las reuniones.

  A bar at the start or the end of a line counts too, so "|" may begin or end a line; a bar touching a
  word ("a|b") is text. Bullet markers ("· ") are dropped in the table: each item is a paragraph.
  Parts beyond the third go to the calendar cell as further paragraphs, so nothing typed is lost.
* A point without sub-points is one row with only the theme — unless its own text has " | ", then it
  reads theme | objective | activities | calendar. A point with sub-points may have such a row of its
  own too; it comes first, before the sub-points' rows.

The meeting's network, kind, objective and "before" meeting are not printed in a programa (the informe's
opening paragraph and lead-in have no place in it), so a programa needs no network, only a place and a
date. The final document holds the adopted points only. Drafts hold every point not withdrawn and show text
not yet agreed in [square brackets] followed by its state, as the informe does: the theme cell of a
pending point, and each pending row (from its first cell with text to its last).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence

from drafting.model import DateSpan, Meeting
from drafting.report.formats.base import Arrangement
from drafting.report.formats.programa.model import Cell, ProgrammeContent, ProgrammeRow, ProgrammeTheme
from drafting.report.formats.programa.template import programme_words
from drafting.report.model import Block, Bullets, Paragraph, Report, ReportPoint
from drafting.report.template import Wording, format_text
from drafting.report.text import one_line, tidy
from drafting.spanish import date_line, long_date, normalize_lang

# a vertical bar with white space (or the start/end of the line) on both sides
COLUMN_SEPARATOR = re.compile(r"(?<!\S)\|(?!\S)")
ROW_CELLS = 3  # OBJETIVOS, ACTIVIDADES, CALENDARIO


def arrange(report: Report, given: Arrangement) -> Report:
    """The report with its table: the place-and-date line, the column headers, the themes."""
    content = ProgrammeContent(
        place_date_line=place_date_line(given.meeting, given.words),
        columns=programme_words(given.words).columns,
        themes=programme_themes(report.points),
    )
    return dataclasses.replace(report, content=content)


def place_date_line(meeting: Meeting, words: Wording) -> str:
    """The programa's one line under the title: "Tegucigalpa, Honduras, 19 de noviembre de 2008"."""
    lang = normalize_lang(meeting.language)
    values = {
        "place": one_line(meeting.place),
        "date": long_date_span(meeting.dates, lang) if meeting.dates else "",
        "date_line": date_line(meeting.dates, lang) if meeting.dates else "",
    }
    return tidy(format_text(programme_words(words).place_date, values)).strip(" ,;-–")


def long_date_span(span: DateSpan, lang: str) -> str:
    """A date or a range in long form: "19 de noviembre de 2008", "16-17 de marzo de 2017".

    Across months "30 de abril-2 de mayo de 2017", across years "30 de diciembre de 2016-2 de enero de
    2017"; English "19 November 2008", "16-17 March 2017", "30 April-2 May 2017".
    """
    code = normalize_lang(lang)
    start, end = span.start, span.end
    if start == end:
        return long_date(start, code)
    if start.year != end.year:
        return f"{long_date(start, code)}-{long_date(end, code)}"
    if start.month != end.month:
        first = long_date(start, code).removesuffix(f" {start.year}").removesuffix(" de")
        return f"{first}-{long_date(end, code)}"
    return f"{start.day}-{long_date(end, code)}"


def programme_themes(points: Sequence[ReportPoint]) -> tuple[ProgrammeTheme, ...]:
    """The points of a report as themes of the work programme table (see the module docstring)."""
    themes: list[ProgrammeTheme] = []
    for point in points:
        parts = split_parts(point.blocks)
        rows: list[ProgrammeRow] = []
        if len(parts) > 1:
            rows.append(_row(point.label, parts[1:], point.pending, point.state_note, point.point_id))
        for sub in point.subpoints:
            rows.append(_row(sub.label, split_parts(sub.blocks), sub.pending, sub.state_note, sub.point_id))
        if not rows:
            rows.append(_row(point.label, [], point.pending, point.state_note, point.point_id))
        themes.append(
            ProgrammeTheme(
                label=point.label,
                theme=tuple(parts[0]),
                rows=tuple(rows),
                pending=point.pending,
                state_note=point.state_note,
                point_id=point.point_id,
            )
        )
    return tuple(themes)


def split_parts(blocks: Sequence[Block]) -> list[list[str]]:
    """The typed text cut at " | " into parts, each a list of paragraphs (empty lines dropped)."""
    parts: list[list[str]] = [[]]
    for line in _lines(blocks):
        for index, piece in enumerate(COLUMN_SEPARATOR.split(line)):
            if index:
                parts.append([])
            piece = piece.strip()
            if piece:
                parts[-1].append(piece)
    return parts


def _lines(blocks: Sequence[Block]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Bullets):
            yield from block.items
        elif isinstance(block, Paragraph):
            yield block.text


def _row(
    label: str, parts: Sequence[Sequence[str]], pending: bool, note: str | None, point_id: int
) -> ProgrammeRow:
    cells: list[Cell] = [tuple(part) for part in parts[:ROW_CELLS]]
    for extra in parts[ROW_CELLS:]:
        cells[-1] += tuple(extra)
    cells += [()] * (ROW_CELLS - len(cells))
    return ProgrammeRow(
        label, cells[0], cells[1], cells[2], pending=pending, state_note=note, point_id=point_id
    )
