"""What a document format is: its model, its place in the report and its renderers, in one value.

Each format is a package under `drafting.report.formats` that exposes `FORMAT`, a `DocumentFormat`.
The builder fills the parts every format shares (title block, points, draft mark) and hands the report
to the format's `arrange`, which adds `Report.content` (the format's own model); `render_docx` and
`render_markdown` turn that report into a .docx and into Markdown for chat previews.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from drafting.model import Meeting
from drafting.report.model import Report
from drafting.report.template import ReportTemplate, TemplatePart, Wording


@dataclass(frozen=True)
class Arrangement:
    """What `arrange` may read besides the report: the meeting, its participants, the wording."""

    meeting: Meeting
    participants: Sequence[str]  # member delegations, sorted, as the document names them
    words: Wording
    template: ReportTemplate


@dataclass(frozen=True)
class DocumentFormat:
    name: str  # the `formato:` value and the template's file name
    # meeting data the document prints beyond place and date ("network" for the informe's opening)
    needs: tuple[str, ...]
    arrange: Callable[[Report, Arrangement], Report]
    render_docx: Callable[[Report, ReportTemplate], bytes]
    # (report, template, escape) -> Markdown; `escape=False` for plain-text chats
    render_markdown: Callable[[Report, ReportTemplate, bool], str]
    # the format's own template keys (its layout table and wording), read with the shared ones
    template: TemplatePart
    # whether `render_docx` draws a redline when the report carries its `history`
    tracks_changes: bool = False
    # the package it was found in (set by the registry): where its own `template.toml` may ship
    package: str = ""
