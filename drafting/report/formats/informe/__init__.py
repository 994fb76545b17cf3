"""The meeting report ("informe", references 001 and 002): opening, lead-in and numbered points."""

from __future__ import annotations

import dataclasses

from drafting.report.formats.base import Arrangement, DocumentFormat
from drafting.report.formats.informe.docx import render_docx
from drafting.report.formats.informe.markdown import render_markdown
from drafting.report.formats.informe.model import InformeContent
from drafting.report.formats.informe.template import TEMPLATE
from drafting.report.formats.informe.wording import lead_in, opening_paragraph
from drafting.report.model import Report
from drafting.report.template import ReportTemplate


def arrange(report: Report, given: Arrangement) -> Report:
    """The report with its generated opening paragraph and lead-in."""
    content = InformeContent(
        opening=opening_paragraph(given.meeting, given.participants, given.words),
        lead_in=lead_in(given.meeting, given.words),
    )
    return dataclasses.replace(report, content=content)


def _markdown(report: Report, template: ReportTemplate, escape: bool) -> str:
    return render_markdown(report, escape=escape)


FORMAT = DocumentFormat(
    name="informe",
    needs=("network",),
    arrange=arrange,
    render_docx=render_docx,
    render_markdown=_markdown,
    template=TEMPLATE,
    tracks_changes=True,
)
