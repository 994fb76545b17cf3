"""The report as a document, independent of how it is rendered.

The builder (`drafting.report.builder`) turns a meeting into a `Report`; the renderers
(`docx_render`, `markdown`) turn a `Report` into bytes or text. Everything a renderer prints is
already worded here, in the meeting's language, so renderers hold layout only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Paragraph | Bullets


@dataclass(frozen=True)
class ReportSubPoint:
    label: str  # the chat label, "3.b"; the document letters sub-points itself
    blocks: tuple[Block, ...]
    pending: bool = False  # drafts show text not yet agreed in [square brackets]
    state_note: str | None = None  # "en discusión", shown after the brackets in drafts


@dataclass(frozen=True)
class ReportPoint:
    label: str  # the chat label, "3"; the document numbers points itself
    blocks: tuple[Block, ...]  # first block is the opening paragraph ("Agradecer a ...")
    subpoints: tuple[ReportSubPoint, ...] = ()
    pending: bool = False
    state_note: str | None = None


@dataclass(frozen=True)
class Report:
    language: Literal["es", "en"]
    bodies: tuple[str, ...]  # title-block lines above the title, in capitals
    title: str
    place: str
    date_line: str  # "15 de noviembre, 2016" / "16-17 de marzo, 2017"
    opening: str  # generated paragraph: who met, when, where, participants
    objective: str | None
    lead_in: str  # "La Red somete a consideración del ... su informe ..."
    points: tuple[ReportPoint, ...]
    draft: bool = False
    version: int = 0
    draft_mark: str = ""  # "BORRADOR - versión 3" / "DRAFT - version 3"; empty in the final
    footer_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
