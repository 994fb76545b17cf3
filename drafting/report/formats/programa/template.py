"""The programa's own template keys: [table] and, per language, the place-and-date line and headers."""

from __future__ import annotations

from dataclasses import dataclass

from drafting.report.template import PageLayout, ReportTemplate, TemplatePart, Wording
from drafting.report.template_reader import HEX_COLOR, Section

PROGRAMME_COLUMNS = ("themes", "objectives", "activities", "calendar")  # the keys of [xx.table], in order
PLACE_DATE_FIELDS = frozenset({"place", "date", "date_line"})


@dataclass(frozen=True)
class TableLayout:
    """The work programme table (programa): four columns TEMAS | OBJETIVOS | ACTIVIDADES | CALENDARIO."""

    column_widths_cm: tuple[float, float, float, float]
    font_size_pt: float
    cell_space_after_pt: float
    header_bold: bool
    header_centered: bool
    header_fill: str  # "RRGGBB" or ""
    repeat_header: bool
    theme_bold: bool
    borders: bool


@dataclass(frozen=True)
class ProgrammeWords:
    place_date: str  # "{place}, {date}"
    columns: tuple[str, ...]  # TEMAS, OBJETIVOS, ACTIVIDADES, CALENDARIO


def table_layout(template: ReportTemplate) -> TableLayout:
    """[table] of a programa template; `TemplateError` for a template of another format."""
    return template.part(TableLayout, "[table]", "programa")


def programme_words(words: Wording) -> ProgrammeWords:
    return words.part(ProgrammeWords, "programa")


def _read_layout(root: Section, page: PageLayout) -> TableLayout:
    t = root.table("table")
    widths = t.numbers("column_widths_cm", 4, positive=True)
    layout = TableLayout(
        column_widths_cm=(widths[0], widths[1], widths[2], widths[3]),
        font_size_pt=t.number("font_size_pt", positive=True),
        cell_space_after_pt=t.number("cell_space_after_pt"),
        header_bold=t.boolean("header_bold"),
        header_centered=t.boolean("header_centered"),
        header_fill=t.text("header_fill"),
        repeat_header=t.boolean("repeat_header"),
        theme_bold=t.boolean("theme_bold"),
        borders=t.boolean("borders"),
    )
    room = page.width_cm - page.margin_left_cm - page.margin_right_cm
    if sum(widths) > room + 0.01:
        raise t.fail(
            "column_widths_cm",
            f"the columns add up to {sum(widths):.2f} cm but the page leaves {room:.2f} cm "
            "between the margins",
            "columns_too_wide",
            total=f"{sum(widths):.2f}",
            room=f"{room:.2f}",
        )
    if not HEX_COLOR.fullmatch(layout.header_fill):
        raise t.fail(
            "header_fill",
            f'must be six hex digits such as "D9D9D9", or "", not {layout.header_fill!r}',
            "not_color",
            value=repr(layout.header_fill),
        )
    t.done()
    return layout


def _read_words(t: Section) -> ProgrammeWords:
    headers = t.table("table")
    columns = tuple(headers.text(key, nonempty=True) for key in PROGRAMME_COLUMNS)
    headers.done(hint=f"the columns are {', '.join(PROGRAMME_COLUMNS)}")
    return ProgrammeWords(place_date=t.text("place_date", PLACE_DATE_FIELDS, nonempty=True), columns=columns)


TEMPLATE = TemplatePart(read_layout=_read_layout, read_words=_read_words)
