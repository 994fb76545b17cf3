"""The report template: layout and wording the secretariat can edit without code.

There is one template per document format, a TOML file named after it: `<name>.toml` in the
`templates` package (informe.toml, programa.toml, mesas.toml ship there) or `template.toml` in the
format's own folder (drafting/report/formats/<name>/). A templates folder handed in by the entry point
(the setting DRAFTBOT_TEMPLATES, see bot/settings.py) makes draftbot read `<name>.toml` from that
folder instead; a folder that does not hold the file falls back to the shipped one, one that is not a
folder is an error.

Every format shares the keys of the page, the type, the title block, running text and drafts ([page],
[font], [title], [body], [draft]; in [es] and [en]: word_language, draft_mark and [xx.state_notes]),
read here. On top of them each format has keys of its own, and only those, read by its package's
`TEMPLATE` (a `TemplatePart`): the informe's [lists] and generated sentences, the programa's [table]
and column headers, the mesas' [sections] and list labels.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from drafting.report.template_reader import HEX_COLOR, Section, TemplateError
from drafting.spanish import Lang, normalize_lang

__all__ = ["ReportTemplate", "TemplateError", "TemplatePart", "Wording", "load_template"]

LANGUAGES: tuple[Lang, ...] = ("es", "en")
DEFAULT_FORMAT = "informe"
DRAFT_MARK_FIELDS = frozenset({"version", "date", "time"})
DEADLINE_FIELDS = frozenset({"deadline", "date", "time", "timezone"})

_Part = TypeVar("_Part")


def _own(value: object, kind: type[_Part], fmt: str, source: str, what: str, needed: str) -> _Part:
    if not isinstance(value, kind):
        problem = f"the {fmt} template has no {what}; the {needed or kind.__name__} format needs it"
        raise TemplateError(
            f"{source}: {problem}",
            file=source,
            key=what,
            problem=problem,
            code="wrong_format",
            format=fmt,
            needed=needed or kind.__name__,
        )
    return value


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

    Every format has `word_language`, `draft_mark` and `state_notes`; `own` holds what only its format
    words (read by the format's `TemplatePart.read_words`), reached through `part`.
    """

    word_language: str
    draft_mark: str
    state_notes: StateNotes
    own: object = None
    format: str = DEFAULT_FORMAT

    def part(self, kind: type[_Part], needed: str = "") -> _Part:
        """`own` as the format's wording class; `TemplateError` for a template of another format."""
        return _own(self.own, kind, self.format, "template", "wording of its own", needed)


@dataclass(frozen=True)
class TemplatePart:
    """What one format adds to the shared template: its own layout table and its own wording.

    `read_layout(root, page)` reads the format's tables from the file's root (e.g. `root.table("lists")`)
    and returns its layout value; `read_words(language_table)` reads its keys of one [es]/[en] table.
    Each marks what it read; whatever is left over is reported as an unknown key.
    """

    read_layout: Callable[[Section, PageLayout], object]
    read_words: Callable[[Section], object]


@dataclass(frozen=True)
class ReportTemplate:
    source: str  # where it was read from, for messages
    page: PageLayout
    font: Fonts
    title: TitleStyle
    body: BodyStyle
    draft: DraftStyle
    wording: Mapping[str, Wording]
    format: str = DEFAULT_FORMAT  # a name in the format registry
    layout: object = None  # the format's own layout ([lists], [table], [sections], ...)
    # a Word template (.docx) whose styles, page, header and footer the document is written into
    # (drafting.report.word_template); None: python-docx's default document with the settings above
    word: bytes | None = None

    def words(self, lang: str) -> Wording:
        """The wording for a report language ("es", "en"; "" means Spanish)."""
        return self.wording[normalize_lang(lang)]

    def part(self, kind: type[_Part], what: str = "layout", needed: str = "") -> _Part:
        """`layout` as the format's layout class (`what`: its table, "[sections]", for messages);
        `TemplateError` naming `needed`, the format that wants it, for a template of another format."""
        return _own(self.layout, kind, self.format, self.source, what, needed)


# --- loading ---------------------------------------------------------------------------------


def _formats() -> Mapping[str, object]:
    # imported here: the format packages import this module
    from drafting.report.formats import FORMATS

    return FORMATS


def _template_part(fmt: str) -> TemplatePart:
    from drafting.report.formats import get_format

    return get_format(fmt).template


def _format_folder_file(name: str) -> Traversable | None:
    from drafting.report.formats import FORMATS

    fmt = FORMATS.get(name)
    if fmt is None or not fmt.package:
        return None
    candidate = resources.files(fmt.package).joinpath("template.toml")
    return candidate if candidate.is_file() else None


def load_template(name: str = "informe", folder: Path | None = None) -> ReportTemplate:
    """Load `<name>.toml` from `folder` if it is there, else from the `templates` package.

    When `name` is a format ("informe", "programa", "mesas") the file must describe that format.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise TemplateError(f"invalid template name {name!r}", file=name, code="bad_name")
    filename = f"{name}.toml"
    expected = name if name in _formats() else None
    if folder is not None:
        if not folder.is_dir():
            raise TemplateError(f"{folder}: not a directory", file=str(folder), code="not_directory")
        candidate = folder / filename
        if candidate.is_file():
            return load_template_file(candidate, expected_format=expected)
    packaged = _format_folder_file(name) or resources.files("templates").joinpath(filename)
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
    root = Section(data, source, "")
    fmt = _format(root, expected_format)
    part = _template_part(fmt)
    template = ReportTemplate(
        source=source,
        format=fmt,
        page=(page := _page(root.table("page"))),
        font=_fonts(root.table("font")),
        title=_title(root.table("title")),
        body=_body(root.table("body")),
        draft=_draft(root.table("draft")),
        layout=part.read_layout(root, page),
        wording=MappingProxyType({lang: _wording(root.table(lang), fmt, part) for lang in LANGUAGES}),
    )
    root.done(hint=f"not a key of the {fmt} format")
    return template


def _format(root: Section, expected: str | None) -> str:
    names = tuple(_formats())
    if expected is not None and expected not in names:
        raise TemplateError(
            f"{root.source}: unknown format {expected!r}; formats: {', '.join(names)}",
            file=root.source,
            code="bad_format",
            value=str(expected),
            formats=", ".join(names),
        )
    if "format" not in root.data:
        return expected or DEFAULT_FORMAT
    fmt = root.text("format", nonempty=True).strip()
    if fmt not in names:
        raise root.fail(
            "format",
            f"must be one of {', '.join(names)}, not {fmt!r}",
            "bad_format",
            value=fmt,
            formats=", ".join(names),
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


def _page(t: Section) -> PageLayout:
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


def _fonts(t: Section) -> Fonts:
    fonts = Fonts(
        name=t.text("name", nonempty=True),
        body_size_pt=t.number("body_size_pt", positive=True),
        title_size_pt=t.number("title_size_pt", positive=True),
        header_size_pt=t.number("header_size_pt", positive=True),
    )
    t.done()
    return fonts


def _title(t: Section) -> TitleStyle:
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


def _body(t: Section) -> BodyStyle:
    style = BodyStyle(
        line_spacing=t.number("line_spacing", positive=True),
        space_after_pt=t.number("space_after_pt"),
        justified=t.boolean("justified"),
    )
    t.done()
    return style


def _draft(t: Section) -> DraftStyle:
    style = DraftStyle(bold=t.boolean("bold"), color=t.text("color"), note_italic=t.boolean("note_italic"))
    if not HEX_COLOR.fullmatch(style.color):
        raise t.fail(
            "color",
            f'must be six hex digits such as "C00000", or "", not {style.color!r}',
            "not_color",
            value=repr(style.color),
        )
    t.done()
    return style


def _wording(t: Section, fmt: str, part: TemplatePart) -> Wording:
    notes_table = t.table("state_notes")
    notes = StateNotes(
        open=notes_table.text("open"),
        silence=notes_table.text("silence", DEADLINE_FIELDS),
        silence_no_deadline=notes_table.text("silence_no_deadline"),
    )
    notes_table.done()
    wording = Wording(
        word_language=t.text("word_language", nonempty=True),
        draft_mark=t.text("draft_mark", DRAFT_MARK_FIELDS, nonempty=True),
        state_notes=notes,
        own=part.read_words(t),
        format=fmt,
    )
    t.done(hint=f"not a key of the {fmt} format")
    return wording
