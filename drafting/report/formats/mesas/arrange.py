"""The working-tables report ("mesas de trabajo", reference 004): one section per table.

The document is the title block (parent bodies, title, place, date line, as in the informe), the
meeting's objective as an introductory paragraph when there is one, then one section per point.

How the secretariat and the delegates type a mesas report in chat:

* Each point is one working table. Its first paragraph is the section heading, in bold
  ("Protección Consular y Derechos Humanos"); its further lines are paragraphs of text, and lines that
  start with "· " (or "• ", "- ", "* ") are bullet lists, as in the informe::

      proponer Protección Consular y Derechos Humanos
      Se incluyó en esta mesa de trabajo grupos integrados por funcionarios de Gobierno …
      Dentro de los ejemplos se puede mencionar:
      · La conformación de la Fuerza de Tarea en Honduras …
      · México mencionó como ejemplo de buena práctica la semana de derechos laborales …

* Each sub-point is one of the table's lists. A sub-point that opens with one of the template's list
  labels followed by a colon — "Buenas prácticas:", "Obstáculos:", "Recomendaciones:" (the list is
  `list_labels` in templates/mesas.toml; capitals and accents do not matter) — becomes a labelled list:
  the label in bold, then one item for the text after the colon and one for each further line::

      subpunto 2 Buenas prácticas: Canadá. Se abrió un Museo dedicado a los migrantes.
      subpunto 2 Buenas prácticas: Costa Rica. El Consejo Nacional de Migración …
      subpunto 2 Recomendaciones:
      Financiamiento. Que los gobiernos financien la participación de la sociedad civil.
      Fiscalización social. Un mecanismo multidisciplinario de auditoría social.

  Consecutive sub-points with the same label continue one list (the label is printed once), so each
  good practice can be its own sub-point. The label may also stand alone on the first line, without
  the colon (it is printed as typed, with or without the colon; a label with no items under it is
  printed as a plain paragraph). The items are numbered
  1., 2., … by Word (or bulleted: `numbered_labelled_lists` in the template); numbers typed at the
  start of an item ("1. ") and bullet markers are dropped.
* A sub-point whose first line is two headers cut by " | " is a two-column table (reference 004's
  "Trata | Tráfico"); each further line "left | right" adds a paragraph to either column ("text |"
  only to the left one, "| text" only to the right one; a line without a bar goes to the left)::

      subpunto 3 Trata | Tráfico
      Guatemala: Protocolo de repatriación … | Grupos interdisciplinarios en fronteras …
      México: Mesas temáticas … |

* Any other sub-point is more text of the section, paragraphs and "· " bullets as typed — e.g. a
  closing paragraph, or a lead-in of its own with bullets ("Como recomendaciones …:" + "· …" lines).
  Lines typed "a) …", "b) …" are a lettered list and a numbered line such as "2. Obstáculos …" a
  sub-heading (`drafting.report.formats.mesas.docx`).

The final document holds the adopted points only. Drafts hold every point not withdrawn and show text
not yet agreed in [square brackets] followed by its state, as the informe does: a pending point's
heading and text, and each pending sub-point (for a labelled list, its items; the label stays outside).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from drafting.report.formats.base import Arrangement
from drafting.report.formats.mesas.model import (
    Comparison,
    LabelledList,
    ListEntry,
    MesasContent,
    Passage,
    TablePart,
    WorkingTable,
)
from drafting.report.formats.mesas.template import mesas_words
from drafting.report.model import Block, Bullets, Paragraph, Report, ReportPoint, ReportSubPoint
from drafting.spanish import fold

_TYPED_NUMBER = re.compile(r"^\d{1,2}[.)]\s+")
# a vertical bar with white space (or the start/end of the line) on both sides, as in a programa
_COLUMN = re.compile(r"(?<!\S)\|(?!\S)")


def arrange(report: Report, given: Arrangement) -> Report:
    """The report with its points as working-table sections."""
    content = MesasContent(tables=working_tables(report.points, mesas_words(given.words).list_labels))
    return dataclasses.replace(report, content=content)


def working_tables(points: Sequence[ReportPoint], labels: Sequence[str]) -> tuple[WorkingTable, ...]:
    """The points of a report as working-table sections (see the module docstring)."""
    known = {_key(label) for label in labels if label.strip()}
    tables: list[WorkingTable] = []
    for point in points:
        heading = ""
        blocks: Sequence[Block] = point.blocks
        if blocks and isinstance(blocks[0], Paragraph):
            heading, blocks = blocks[0].text, blocks[1:]
        tables.append(
            WorkingTable(
                label=point.label,
                heading=heading,
                blocks=tuple(blocks),
                parts=_parts(point.subpoints, known),
                pending=point.pending,
                state_note=point.state_note,
                point_id=point.point_id,
            )
        )
    return tuple(tables)


def _parts(subpoints: Sequence[ReportSubPoint], known: set[str]) -> tuple[TablePart, ...]:
    parts: list[TablePart] = []
    for sub in subpoints:
        table = comparison(sub.label, sub.blocks, sub.pending, sub.state_note, sub.point_id)
        if table is not None:
            parts.append(table)
            continue
        found = labelled(sub.blocks, known)
        if found is None or not found[1]:  # no label, or a label with nothing under it
            parts.append(Passage(sub.label, sub.blocks, sub.pending, sub.state_note, sub.point_id))
            continue
        title, items = found
        entry = ListEntry(sub.label, items, sub.pending, sub.state_note, sub.point_id)
        last = parts[-1] if parts else None
        if isinstance(last, LabelledList) and _key(last.title) == _key(title):
            parts[-1] = LabelledList(last.title, (*last.entries, entry))
        else:
            parts.append(LabelledList(title, (entry,)))
    return tuple(parts)


def comparison(
    label: str, blocks: Sequence[Block], pending: bool, note: str | None, point_id: int = 0
) -> Comparison | None:
    """A two-column table when the first line is two headers cut by " | " ("Trata | Tráfico")."""
    if not blocks or not isinstance(blocks[0], Paragraph):
        return None
    headers = [h.strip() for h in _COLUMN.split(blocks[0].text)]
    if len(headers) != 2 or not all(headers):
        return None
    left: list[str] = []
    right: list[str] = []
    for block in blocks[1:]:
        for line in block.items if isinstance(block, Bullets) else (block.text,):
            pieces = _COLUMN.split(line, maxsplit=1)
            first, second = pieces[0].strip(), (pieces[1].strip() if len(pieces) > 1 else "")
            if first:
                left.append(first)
            if second:
                right.append(second)
    return Comparison(label, (headers[0], headers[1]), tuple(left), tuple(right), pending, note, point_id)


def labelled(blocks: Sequence[Block], known: set[str]) -> tuple[str, tuple[str, ...]] | None:
    """(label, items) when the text opens with a known label, else None.

    The label keeps its colon when it was typed with one: "Buenas prácticas:", "Recomendaciones".
    """
    if not blocks or not isinstance(blocks[0], Paragraph):
        return None
    first = blocks[0].text
    head, colon, tail = first.partition(":")
    if not colon:
        head, tail = first, ""
    if _key(head) not in known:
        return None
    items: list[str] = [tail] if tail.strip() else []
    for block in blocks[1:]:
        items.extend(block.items if isinstance(block, Bullets) else (block.text,))
    cleaned = (_TYPED_NUMBER.sub("", item.strip()) for item in items)
    return f"{head.strip()}{colon}", tuple(item for item in cleaned if item)


def _key(label: str) -> str:
    return " ".join(fold(label).rstrip(":").split())
