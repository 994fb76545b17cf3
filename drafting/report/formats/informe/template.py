"""The informe's own template keys: [lists] and, per language, the generated sentences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from drafting.report.template import PageLayout, ReportTemplate, TemplatePart, Wording
from drafting.report.template_reader import Section

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
class InformeWords:
    """The informe's generated sentences in one language."""

    opening: str
    place_clause: str
    before_clause: str
    participants_clause: str
    participants_clause_one: str
    lead_in: str
    lead_in_without_before: str
    default_article: str
    # first word of the network, folded (spanish.fold) -> article
    articles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def list_layout(template: ReportTemplate) -> ListLayout:
    """[lists] of an informe template; `TemplateError` for a template of another format."""
    return template.part(ListLayout, "[lists]", "informe")


def informe_words(words: Wording) -> InformeWords:
    return words.part(InformeWords, "informe")


def _read_layout(root: Section, page: PageLayout) -> ListLayout:
    t = root.table("lists")
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


def _read_words(t: Section) -> InformeWords:
    participants = frozenset({"participants"})
    return InformeWords(
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


TEMPLATE = TemplatePart(read_layout=_read_layout, read_words=_read_words)
