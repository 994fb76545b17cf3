"""The report template: layout and wording the secretariat can edit without code.

The template is a TOML file (`templates/informe.toml`, shipped in the `templates` package). Setting the
environment variable DRAFTBOT_TEMPLATES to a directory makes draftbot read `<name>.toml` from that
directory instead; a directory that does not hold the file falls back to the shipped one, a variable
that names no directory at all is an error.

Loading validates everything: a missing key, an unknown key, a value of the wrong type or a placeholder
the key does not offer raises `TemplateError`, whose message names the file and the key
(`/srv/tpl/informe.toml: [es] opening: unknown placeholder {pais}; allowed: before_clause, ...`).
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from drafting.spanish import Lang, fold, normalize_lang

ENV_VAR = "DRAFTBOT_TEMPLATES"
LANGUAGES: tuple[Lang, ...] = ("es", "en")

# the placeholders each wording key may use
_NETWORK_FIELDS = frozenset({"network", "the_network", "subject"})
OPENING_FIELDS = _NETWORK_FIELDS | {
    "kind",
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


class TemplateError(ValueError):
    """The template file is missing, unreadable or invalid; the message names the file and the key."""


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
    """The sentences of a report in one language; format strings with the placeholders named above."""

    word_language: str
    opening: str
    place_clause: str
    before_clause: str
    participants_clause: str
    participants_clause_one: str
    lead_in: str
    lead_in_without_before: str
    draft_mark: str
    default_article: str
    articles: Mapping[str, str]  # first word of the network, folded (spanish.fold) -> article
    state_notes: StateNotes


@dataclass(frozen=True)
class ReportTemplate:
    source: str  # where it was read from, for messages
    page: PageLayout
    font: Fonts
    title: TitleStyle
    body: BodyStyle
    lists: ListLayout
    draft: DraftStyle
    wording: Mapping[str, Wording]

    def words(self, lang: str) -> Wording:
        """The wording for a report language ("es", "en"; "" means Spanish)."""
        return self.wording[normalize_lang(lang)]


# --- loading ---------------------------------------------------------------------------------


def load_template(name: str = "informe") -> ReportTemplate:
    """Load `<name>.toml` from $DRAFTBOT_TEMPLATES if it is there, else from the `templates` package."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise TemplateError(f"invalid template name {name!r}")
    filename = f"{name}.toml"
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        directory = Path(override)
        if not directory.is_dir():
            raise TemplateError(f"{ENV_VAR}={override}: not a directory")
        candidate = directory / filename
        if candidate.is_file():
            return load_template_file(candidate)
    packaged = resources.files("templates").joinpath(filename)
    try:
        text = packaged.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise TemplateError(f"templates/{filename}: cannot read: {exc}") from exc
    return parse_template(text, source=str(packaged))


def load_template_file(path: str | os.PathLike[str]) -> ReportTemplate:
    """Load and validate one template file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{p}: cannot read: {exc}") from exc
    return parse_template(text, source=str(p))


def parse_template(text: str, *, source: str = "<template>") -> ReportTemplate:
    """Parse and validate template TOML text; `source` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: not valid TOML: {exc}") from exc
    root = _Table(data, source, "")
    template = ReportTemplate(
        source=source,
        page=_page(root.table("page")),
        font=_fonts(root.table("font")),
        title=_title(root.table("title")),
        body=_body(root.table("body")),
        lists=_lists(root.table("lists")),
        draft=_draft(root.table("draft")),
        wording=MappingProxyType({lang: _wording(root.table(lang)) for lang in LANGUAGES}),
    )
    root.done()
    return template


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

    def fail(self, key: str, problem: str) -> TemplateError:
        return TemplateError(f"{self.source}: {self.where(key)}: {problem}")

    def _get(self, key: str) -> Any:
        if key not in self.data:
            return _MISSING
        self.used.add(key)
        return self.data[key]

    def table(self, key: str) -> _Table:
        value = self._get(key)
        if value is _MISSING:
            raise TemplateError(f"{self.source}: missing table [{self._sub(key)}]")
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return _Table(value, self.source, self._sub(key))

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _required(self, key: str) -> Any:
        value = self._get(key)
        if value is _MISSING:
            raise TemplateError(f"{self.source}: missing key {self.where(key)}")
        return value

    def number(self, key: str, *, positive: bool = False) -> float:
        value = self._required(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, not {value!r}")
        if value < 0 or (positive and value == 0):
            raise self.fail(key, f"must be {'above' if positive else 'at least'} 0, not {value!r}")
        return float(value)

    def boolean(self, key: str) -> bool:
        value = self._required(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def text(self, key: str, fields: frozenset[str] = frozenset(), *, nonempty: bool = False) -> str:
        value = self._required(key)
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {value!r}")
        if nonempty and not value.strip():
            raise self.fail(key, "must not be empty")
        self._check_placeholders(key, value, fields)
        return value

    def _check_placeholders(self, key: str, value: str, fields: frozenset[str]) -> None:
        allowed = ", ".join(sorted(fields)) or "none"
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise self.fail(key, f"bad braces ({exc}); write {{{{ and }}}} for literal braces") from exc
        for _literal, name, spec, conversion in parsed:
            if name is None:
                continue
            if name not in fields:
                raise self.fail(key, f"unknown placeholder {{{name}}}; allowed: {allowed}")
            if spec or conversion:
                raise self.fail(key, f"placeholder {{{name}}} takes no format spec or conversion")

    def mapping(self, key: str) -> dict[str, str]:
        sub = self.table(key)
        out: dict[str, str] = {}
        for word in list(sub.data):
            out[fold(word.strip())] = sub.text(word, nonempty=True)
        sub.done()
        return out

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise TemplateError(f"{self.source}: unknown key {self.where(extra[0])}")


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
        raise t.fail("margin_left_cm", "left and right margins leave no room on the page")
    if page.margin_top_cm + page.margin_bottom_cm >= page.height_cm:
        raise t.fail("margin_top_cm", "top and bottom margins leave no room on the page")
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


def _draft(t: _Table) -> DraftStyle:
    style = DraftStyle(bold=t.boolean("bold"), color=t.text("color"), note_italic=t.boolean("note_italic"))
    if not _HEX_COLOR.fullmatch(style.color):
        raise t.fail("color", f'must be six hex digits such as "C00000", or "", not {style.color!r}')
    t.done()
    return style


def _wording(t: _Table) -> Wording:
    notes_table = t.table("state_notes")
    notes = StateNotes(
        open=notes_table.text("open"),
        silence=notes_table.text("silence", DEADLINE_FIELDS),
        silence_no_deadline=notes_table.text("silence_no_deadline"),
    )
    notes_table.done()
    participants = frozenset({"participants"})
    wording = Wording(
        word_language=t.text("word_language", nonempty=True),
        opening=t.text("opening", OPENING_FIELDS, nonempty=True),
        place_clause=t.text("place_clause", frozenset({"place"})),
        before_clause=t.text("before_clause", frozenset({"before"})),
        participants_clause=t.text("participants_clause", participants),
        participants_clause_one=t.text("participants_clause_one", participants),
        lead_in=t.text("lead_in", LEAD_IN_FIELDS, nonempty=True),
        lead_in_without_before=t.text("lead_in_without_before", _NETWORK_FIELDS, nonempty=True),
        draft_mark=t.text("draft_mark", DRAFT_MARK_FIELDS, nonempty=True),
        default_article=t.text("default_article"),
        articles=MappingProxyType(t.mapping("articles")),
        state_notes=notes,
    )
    t.done()
    return wording
