"""The report template: layout and wording the secretariat can edit without code.

There is one template per document format, a TOML file named after it and shipped in the `templates`
package: `informe.toml` (the meeting report), `programa.toml` (the work programme table) and
`mesas.toml` (the working-tables report). A templates folder handed in by the entry point (the setting
DRAFTBOT_TEMPLATES, see bot/settings.py) makes draftbot read `<name>.toml` from that folder instead; a
folder that does not hold the file falls back to the shipped one, one that is not a folder is an error.

Every format shares the keys of the page, the type, the title block, running text and drafts ([page],
[font], [title], [body], [draft]; in [es] and [en]: word_language, draft_mark and [xx.state_notes]).
On top of them each format has keys of its own, and only those:

* informe: [lists] (numbered points, lettered sub-points, bullets) and, per language, the generated
  sentences (opening, the clauses, lead_in, ...) and the article table [xx.articles];
* programa: [table] (column widths, header row, borders) and, per language, `place_date` (the one line
  "Tegucigalpa, Honduras, 19 de noviembre de 2008") and [xx.table] (the four column headers);
* mesas: [sections] (table headings, list labels, list indents) and, per language, `list_labels` (the
  words that open a labelled list: "Buenas prácticas", "Obstáculos", "Recomendaciones", ...).

A file says which format it describes with a top-level `format = "programa"`; without it the format
is the one the file is loaded for (its name), else "informe", so informe.toml needs no such line.
Loading validates everything: a missing key, an unknown key (including a key of another format), a value
of the wrong type or a placeholder the key does not offer raises `TemplateError`, whose message names the
file and the key (`/srv/tpl/informe.toml: [es] opening: unknown placeholder {pais}; allowed: ...`).
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from drafting.model import ReportFormat
from drafting.spanish import Lang, fold, normalize_lang

LANGUAGES: tuple[Lang, ...] = ("es", "en")
FORMATS: tuple[str, ...] = tuple(f.value for f in ReportFormat)
PROGRAMME_COLUMNS = ("themes", "objectives", "activities", "calendar")  # the keys of [xx.table], in order

# the placeholders each wording key may use
_NETWORK_FIELDS = frozenset({"network", "the_network", "subject"})
OPENING_FIELDS = _NETWORK_FIELDS | {
    "kind",
    "kind_before",  # an ordinal kind ("primera ") goes before the noun: "celebró su primera reunión"
    "kind_after",  # any other kind (" ordinaria") after it: "celebró su reunión ordinaria"
    "date_phrase",
    "date_line",
    "place",
    "place_clause",
    "before",
    "before_clause",
    "participants",
    "participants_clause",
}
LEAD_IN_FIELDS = _NETWORK_FIELDS | {"before"}
DRAFT_MARK_FIELDS = frozenset({"version", "date", "time"})
DEADLINE_FIELDS = frozenset({"deadline", "date", "time", "timezone"})
PLACE_DATE_FIELDS = frozenset({"place", "date", "date_line"})


class TemplateError(ValueError):
    """The template file is missing, unreadable or invalid; the message names the file and the key.

    Besides the English message it carries its parts, so a chat can word it in the meeting's
    language: `file`, `key` (as `[table] key`, "" when the problem is the whole file), `problem` (the
    English detail) and `code` with `params`, the catalogue message `template.<code>` for it ("" when
    there is none: the English detail is shown as it is).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        key: str = "",
        problem: str = "",
        code: str = "",
        **params: str,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.key = key
        self.problem = problem or message
        self.code = code
        self.params = params


@dataclass(frozen=True)
class PageLayout:
    width_cm: float
    height_cm: float
    margin_top_cm: float
    margin_bottom_cm: float
    margin_left_cm: float
    margin_right_cm: float
    header_distance_cm: float
    footer_distance_cm: float


@dataclass(frozen=True)
class Fonts:
    name: str
    body_size_pt: float
    title_size_pt: float
    header_size_pt: float


@dataclass(frozen=True)
class TitleStyle:
    bold: bool
    centered: bool
    uppercase: bool
    bodies_space_after_pt: float
    space_after_pt: float
    space_after_block_pt: float


@dataclass(frozen=True)
class BodyStyle:
    line_spacing: float
    space_after_pt: float
    justified: bool


@dataclass(frozen=True)
class ListLayout:
    point_indent_cm: float
    point_hanging_cm: float
    subpoint_indent_cm: float
    subpoint_hanging_cm: float
    bullet_indent_cm: float
    sub_bullet_indent_cm: float
    bullet_hanging_cm: float
    bullet_symbol: str
    bullet_font: str


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
class SectionLayout:
    """The working-tables report (mesas): one section per table, labelled lists inside."""

    heading_bold: bool
    heading_size_pt: float
    heading_space_before_pt: float
    label_bold: bool
    numbered_labelled_lists: bool
    list_indent_cm: float
    list_hanging_cm: float
    bullet_symbol: str
    bullet_font: str


@dataclass(frozen=True)
class DraftStyle:
    bold: bool
    color: str  # "RRGGBB" or ""
    note_italic: bool


@dataclass(frozen=True)
class StateNotes:
    open: str
    silence: str  # placeholders: deadline, date, time, timezone
    silence_no_deadline: str


@dataclass(frozen=True)
class Wording:
    """The sentences of a report in one language; format strings with the placeholders named above.

    Every format has `word_language`, `draft_mark` and `state_notes`; the other fields belong to one
    format and are empty in the templates of the others.
    """

    word_language: str
    draft_mark: str
    state_notes: StateNotes
    # informe
    opening: str = ""
    place_clause: str = ""
    before_clause: str = ""
    participants_clause: str = ""
    participants_clause_one: str = ""
    lead_in: str = ""
    lead_in_without_before: str = ""
    default_article: str = ""
    # first word of the network, folded (spanish.fold) -> article
    articles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # programa
    place_date: str = ""  # "{place}, {date}"
    columns: tuple[str, ...] = ()  # TEMAS, OBJETIVOS, ACTIVIDADES, CALENDARIO
    # mesas
    list_labels: tuple[str, ...] = ()  # "Buenas prácticas", "Obstáculos", "Recomendaciones", ...


_Part = TypeVar("_Part")


@dataclass(frozen=True)
class ReportTemplate:
    source: str  # where it was read from, for messages
    page: PageLayout
    font: Fonts
    title: TitleStyle
    body: BodyStyle
    draft: DraftStyle
    wording: Mapping[str, Wording]
    format: str = ReportFormat.INFORME.value  # one of FORMATS
    lists: ListLayout | None = None  # informe only
    table: TableLayout | None = None  # programa only
    sections: SectionLayout | None = None  # mesas only
    # a Word template (.docx) whose styles, page, header and footer the document is written into
    # (drafting.report.word_template); None: python-docx's default document with the settings above
    word: bytes | None = None

    def words(self, lang: str) -> Wording:
        """The wording for a report language ("es", "en"; "" means Spanish)."""
        return self.wording[normalize_lang(lang)]

    def _part(self, value: _Part | None, what: str, fmt: str) -> _Part:
        if value is None:
            problem = f"the {self.format} template has no [{what}]; the {fmt} format needs it"
            raise TemplateError(
                f"{self.source}: {problem}",
                file=self.source,
                key=f"[{what}]",
                problem=problem,
                code="wrong_format",
                format=self.format,
                needed=fmt,
            )
        return value

    def list_layout(self) -> ListLayout:
        """[lists] of an informe template; `TemplateError` for a template of another format."""
        return self._part(self.lists, "lists", ReportFormat.INFORME.value)

    def table_layout(self) -> TableLayout:
        """[table] of a programa template; `TemplateError` for a template of another format."""
        return self._part(self.table, "table", ReportFormat.PROGRAMA.value)

    def section_layout(self) -> SectionLayout:
        """[sections] of a mesas template; `TemplateError` for a template of another format."""
        return self._part(self.sections, "sections", ReportFormat.MESAS.value)


# --- loading ---------------------------------------------------------------------------------


def load_template(name: str = "informe", folder: Path | None = None) -> ReportTemplate:
    """Load `<name>.toml` from `folder` if it is there, else from the `templates` package.

    When `name` is a format ("informe", "programa", "mesas") the file must describe that format.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise TemplateError(f"invalid template name {name!r}", file=name, code="bad_name")
    filename = f"{name}.toml"
    expected = name if name in FORMATS else None
    if folder is not None:
        if not folder.is_dir():
            raise TemplateError(f"{folder}: not a directory", file=str(folder), code="not_directory")
        candidate = folder / filename
        if candidate.is_file():
            return load_template_file(candidate, expected_format=expected)
    packaged = resources.files("templates").joinpath(filename)
    try:
        text = packaged.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise TemplateError(
            f"templates/{filename}: cannot read: {exc}",
            file=f"templates/{filename}",
            problem=f"cannot read: {exc}",
            code="cannot_read",
            detail=str(exc),
        ) from exc
    return parse_template(text, source=str(packaged), expected_format=expected)


def load_template_file(path: str | os.PathLike[str], *, expected_format: str | None = None) -> ReportTemplate:
    """Load and validate one template file (see `parse_template` for `expected_format`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(
            f"{p}: cannot read: {exc}",
            file=str(p),
            problem=f"cannot read: {exc}",
            code="cannot_read",
            detail=str(exc),
        ) from exc
    return parse_template(text, source=str(p), expected_format=expected_format)


def parse_template(
    text: str, *, source: str = "<template>", expected_format: str | None = None
) -> ReportTemplate:
    """Parse and validate template TOML text; `source` names it in error messages.

    The format is the file's top-level `format` key, else `expected_format`, else "informe". With
    `expected_format` given, a file whose `format` says otherwise is an error.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(
            f"{source}: not valid TOML: {exc}",
            file=source,
            problem=f"not valid TOML: {exc}",
            code="not_toml",
            detail=str(exc),
        ) from exc
    root = _Table(data, source, "")
    fmt = _format(root, expected_format)
    template = ReportTemplate(
        source=source,
        format=fmt,
        page=(page := _page(root.table("page"))),
        font=_fonts(root.table("font")),
        title=_title(root.table("title")),
        body=_body(root.table("body")),
        draft=_draft(root.table("draft")),
        lists=_lists(root.table("lists")) if fmt == ReportFormat.INFORME else None,
        table=_table_layout(root.table("table"), page) if fmt == ReportFormat.PROGRAMA else None,
        sections=_sections(root.table("sections")) if fmt == ReportFormat.MESAS else None,
        wording=MappingProxyType({lang: _wording(root.table(lang), fmt) for lang in LANGUAGES}),
    )
    root.done(hint=f"not a key of the {fmt} format")
    return template


def _format(root: _Table, expected: str | None) -> str:
    if expected is not None and expected not in FORMATS:
        raise TemplateError(
            f"{root.source}: unknown format {expected!r}; formats: {', '.join(FORMATS)}",
            file=root.source,
            code="bad_format",
            value=str(expected),
            formats=", ".join(FORMATS),
        )
    if "format" not in root.data:
        return expected or ReportFormat.INFORME.value
    fmt = root.text("format", nonempty=True).strip()
    if fmt not in FORMATS:
        raise root.fail(
            "format",
            f"must be one of {', '.join(FORMATS)}, not {fmt!r}",
            "bad_format",
            value=fmt,
            formats=", ".join(FORMATS),
        )
    if expected is not None and fmt != expected:
        raise root.fail(
            "format",
            f"this file is a {fmt} template but is loaded for the {expected} format",
            "wrong_format",
            format=fmt,
            needed=expected,
        )
    return fmt


def format_text(template_text: str, values: Mapping[str, str]) -> str:
    """Fill a validated template string; placeholders missing from `values` become empty."""
    return string.Formatter().vformat(template_text, (), _Blank(values))


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


# --- validation ------------------------------------------------------------------------------


class _Table:
    """One TOML table being read; remembers which keys were used so leftovers can be reported."""

    def __init__(self, data: Mapping[str, Any], source: str, path: str) -> None:
        self.data = data
        self.source = source
        self.path = path
        self.used: set[str] = set()

    def where(self, key: str) -> str:
        return f"[{self.path}] {key}" if self.path else key

    def fail(self, key: str, problem: str, code: str = "", **params: str) -> TemplateError:
        """`problem` in English; `code` and `params` word it in a catalogue (`template.<code>`)."""
        where = self.where(key)
        return TemplateError(
            f"{self.source}: {where}: {problem}",
            file=self.source,
            key=where,
            problem=problem,
            code=code,
            **params,
        )

    def _get(self, key: str) -> Any:
        if key not in self.data:
            return _MISSING
        self.used.add(key)
        return self.data[key]

    def table(self, key: str) -> _Table:
        value = self._get(key)
        if value is _MISSING:
            raise TemplateError(
                f"{self.source}: missing table [{self._sub(key)}]",
                file=self.source,
                key=f"[{self._sub(key)}]",
                problem="missing table",
                code="missing_table",
            )
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table", "not_table")
        return _Table(value, self.source, self._sub(key))

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _required(self, key: str) -> Any:
        value = self._get(key)
        if value is _MISSING:
            raise TemplateError(
                f"{self.source}: missing key {self.where(key)}",
                file=self.source,
                key=self.where(key),
                problem="missing key",
                code="missing_key",
            )
        return value

    def number(self, key: str, *, positive: bool = False) -> float:
        value = self._required(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, not {value!r}", "not_number", value=repr(value))
        if value < 0 or (positive and value == 0):
            raise self.fail(
                key,
                f"must be {'above' if positive else 'at least'} 0, not {value!r}",
                "not_positive" if positive else "negative",
                value=repr(value),
            )
        return float(value)

    def boolean(self, key: str) -> bool:
        value = self._required(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}", "not_boolean", value=repr(value))
        return value

    def text(self, key: str, fields: frozenset[str] = frozenset(), *, nonempty: bool = False) -> str:
        value = self._required(key)
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {value!r}", "not_string", value=repr(value))
        if nonempty and not value.strip():
            raise self.fail(key, "must not be empty", "empty")
        self._check_placeholders(key, value, fields)
        return value

    def _check_placeholders(self, key: str, value: str, fields: frozenset[str]) -> None:
        allowed = ", ".join(sorted(fields)) or "none"
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise self.fail(
                key, f"bad braces ({exc}); write {{{{ and }}}} for literal braces", "bad_braces"
            ) from exc
        for _literal, name, spec, conversion in parsed:
            if name is None:
                continue
            if name not in fields:
                raise self.fail(
                    key,
                    f"unknown placeholder {{{name}}}; allowed: {allowed}",
                    "unknown_placeholder",
                    name=name,
                    allowed=allowed,
                )
            if spec or conversion:
                raise self.fail(
                    key,
                    f"placeholder {{{name}}} takes no format spec or conversion",
                    "placeholder_spec",
                    name=name,
                )

    def numbers(self, key: str, count: int, *, positive: bool = False) -> tuple[float, ...]:
        value = self._required(key)
        if not isinstance(value, list) or len(value) != count:
            raise self.fail(
                key, f"must be a list of {count} numbers, not {value!r}", "not_numbers", count=str(count)
            )
        out: list[float] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise self.fail(
                    key,
                    f"must be a list of {count} numbers; {item!r} is not a number",
                    "not_numbers",
                    count=str(count),
                )
            if item < 0 or (positive and item == 0):
                raise self.fail(
                    key,
                    f"each number must be {'above' if positive else 'at least'} 0",
                    "not_positive" if positive else "negative",
                    value=repr(item),
                )
            out.append(float(item))
        return tuple(out)

    def texts(self, key: str, *, nonempty: bool = False) -> tuple[str, ...]:
        """A list of plain strings (no placeholders); `nonempty`: at least one, none blank."""
        value = self._required(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, f"must be a list of strings, not {value!r}", "not_texts")
        if nonempty and (not value or any(not item.strip() for item in value)):
            raise self.fail(key, "must list at least one word, and no empty ones", "empty_list")
        return tuple(item.strip() for item in value)

    def mapping(self, key: str) -> dict[str, str]:
        sub = self.table(key)
        out: dict[str, str] = {}
        for word in list(sub.data):
            out[fold(word.strip())] = sub.text(word, nonempty=True)
        sub.done()
        return out

    def done(self, hint: str = "") -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            why = f" ({hint})" if hint else ""
            raise TemplateError(
                f"{self.source}: unknown key {self.where(extra[0])}{why}",
                file=self.source,
                key=self.where(extra[0]),
                problem=f"unknown key{why}",
                code="unknown_key",
            )


_MISSING = object()
_HEX_COLOR = re.compile(r"(?:[0-9A-Fa-f]{6})?")


def _page(t: _Table) -> PageLayout:
    page = PageLayout(
        width_cm=t.number("width_cm", positive=True),
        height_cm=t.number("height_cm", positive=True),
        margin_top_cm=t.number("margin_top_cm"),
        margin_bottom_cm=t.number("margin_bottom_cm"),
        margin_left_cm=t.number("margin_left_cm"),
        margin_right_cm=t.number("margin_right_cm"),
        header_distance_cm=t.number("header_distance_cm"),
        footer_distance_cm=t.number("footer_distance_cm"),
    )
    if page.margin_left_cm + page.margin_right_cm >= page.width_cm:
        raise t.fail("margin_left_cm", "left and right margins leave no room on the page", "no_room")
    if page.margin_top_cm + page.margin_bottom_cm >= page.height_cm:
        raise t.fail("margin_top_cm", "top and bottom margins leave no room on the page", "no_room")
    t.done()
    return page


def _fonts(t: _Table) -> Fonts:
    fonts = Fonts(
        name=t.text("name", nonempty=True),
        body_size_pt=t.number("body_size_pt", positive=True),
        title_size_pt=t.number("title_size_pt", positive=True),
        header_size_pt=t.number("header_size_pt", positive=True),
    )
    t.done()
    return fonts


def _title(t: _Table) -> TitleStyle:
    style = TitleStyle(
        bold=t.boolean("bold"),
        centered=t.boolean("centered"),
        uppercase=t.boolean("uppercase"),
        bodies_space_after_pt=t.number("bodies_space_after_pt"),
        space_after_pt=t.number("space_after_pt"),
        space_after_block_pt=t.number("space_after_block_pt"),
    )
    t.done()
    return style


def _body(t: _Table) -> BodyStyle:
    style = BodyStyle(
        line_spacing=t.number("line_spacing", positive=True),
        space_after_pt=t.number("space_after_pt"),
        justified=t.boolean("justified"),
    )
    t.done()
    return style


def _lists(t: _Table) -> ListLayout:
    layout = ListLayout(
        point_indent_cm=t.number("point_indent_cm"),
        point_hanging_cm=t.number("point_hanging_cm"),
        subpoint_indent_cm=t.number("subpoint_indent_cm"),
        subpoint_hanging_cm=t.number("subpoint_hanging_cm"),
        bullet_indent_cm=t.number("bullet_indent_cm"),
        sub_bullet_indent_cm=t.number("sub_bullet_indent_cm"),
        bullet_hanging_cm=t.number("bullet_hanging_cm"),
        bullet_symbol=t.text("bullet_symbol", nonempty=True),
        bullet_font=t.text("bullet_font"),
    )
    t.done()
    return layout


def _table_layout(t: _Table, page: PageLayout) -> TableLayout:
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
    if not _HEX_COLOR.fullmatch(layout.header_fill):
        raise t.fail(
            "header_fill",
            f'must be six hex digits such as "D9D9D9", or "", not {layout.header_fill!r}',
            "not_color",
            value=repr(layout.header_fill),
        )
    t.done()
    return layout


def _sections(t: _Table) -> SectionLayout:
    layout = SectionLayout(
        heading_bold=t.boolean("heading_bold"),
        heading_size_pt=t.number("heading_size_pt", positive=True),
        heading_space_before_pt=t.number("heading_space_before_pt"),
        label_bold=t.boolean("label_bold"),
        numbered_labelled_lists=t.boolean("numbered_labelled_lists"),
        list_indent_cm=t.number("list_indent_cm"),
        list_hanging_cm=t.number("list_hanging_cm"),
        bullet_symbol=t.text("bullet_symbol", nonempty=True),
        bullet_font=t.text("bullet_font"),
    )
    t.done()
    return layout


def _draft(t: _Table) -> DraftStyle:
    style = DraftStyle(bold=t.boolean("bold"), color=t.text("color"), note_italic=t.boolean("note_italic"))
    if not _HEX_COLOR.fullmatch(style.color):
        raise t.fail(
            "color",
            f'must be six hex digits such as "C00000", or "", not {style.color!r}',
            "not_color",
            value=repr(style.color),
        )
    t.done()
    return style


def _wording(t: _Table, fmt: str) -> Wording:
    notes_table = t.table("state_notes")
    notes = StateNotes(
        open=notes_table.text("open"),
        silence=notes_table.text("silence", DEADLINE_FIELDS),
        silence_no_deadline=notes_table.text("silence_no_deadline"),
    )
    notes_table.done()
    common = Wording(
        word_language=t.text("word_language", nonempty=True),
        draft_mark=t.text("draft_mark", DRAFT_MARK_FIELDS, nonempty=True),
        state_notes=notes,
    )
    if fmt == ReportFormat.PROGRAMA:
        headers = t.table("table")
        columns = tuple(headers.text(key, nonempty=True) for key in PROGRAMME_COLUMNS)
        headers.done(hint=f"the columns are {', '.join(PROGRAMME_COLUMNS)}")
        wording = replace(
            common, place_date=t.text("place_date", PLACE_DATE_FIELDS, nonempty=True), columns=columns
        )
    elif fmt == ReportFormat.MESAS:
        wording = replace(common, list_labels=t.texts("list_labels", nonempty=True))
    else:
        participants = frozenset({"participants"})
        wording = replace(
            common,
            opening=t.text("opening", OPENING_FIELDS, nonempty=True),
            place_clause=t.text("place_clause", frozenset({"place"})),
            before_clause=t.text("before_clause", frozenset({"before"})),
            participants_clause=t.text("participants_clause", participants),
            participants_clause_one=t.text("participants_clause_one", participants),
            lead_in=t.text("lead_in", LEAD_IN_FIELDS, nonempty=True),
            lead_in_without_before=t.text("lead_in_without_before", _NETWORK_FIELDS, nonempty=True),
            default_article=t.text("default_article"),
            articles=MappingProxyType(t.mapping("articles")),
        )
    t.done(hint=f"not a key of the {fmt} format")
    return wording
