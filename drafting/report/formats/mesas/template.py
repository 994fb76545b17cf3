"""The mesas' own template keys: [sections] and, per language, the words that open a labelled list."""

from __future__ import annotations

from dataclasses import dataclass

from drafting.report.template import PageLayout, ReportTemplate, TemplatePart, Wording
from drafting.report.template_reader import Section


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
class MesasWords:
    list_labels: tuple[str, ...]  # "Buenas prácticas", "Obstáculos", "Recomendaciones", ...


def section_layout(template: ReportTemplate) -> SectionLayout:
    """[sections] of a mesas template; `TemplateError` for a template of another format."""
    return template.part(SectionLayout, "[sections]", "mesas")


def mesas_words(words: Wording) -> MesasWords:
    return words.part(MesasWords, "mesas")


def _read_layout(root: Section, page: PageLayout) -> SectionLayout:
    t = root.table("sections")
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


def _read_words(t: Section) -> MesasWords:
    return MesasWords(list_labels=t.texts("list_labels", nonempty=True))


TEMPLATE = TemplatePart(read_layout=_read_layout, read_words=_read_words)
