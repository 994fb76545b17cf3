"""The work programme ("programa de trabajo", reference 003): one table, a theme spanning its rows."""

from __future__ import annotations

from drafting.report.formats.base import DocumentFormat
from drafting.report.formats.programa.arrange import arrange
from drafting.report.formats.programa.docx import render_programa_docx
from drafting.report.formats.programa.markdown import render_programa_markdown
from drafting.report.formats.programa.template import TEMPLATE
from drafting.report.model import Report
from drafting.report.template import ReportTemplate


def _markdown(report: Report, template: ReportTemplate, escape: bool) -> str:
    return render_programa_markdown(report, escape=escape)


FORMAT = DocumentFormat(
    name="programa",
    needs=(),
    arrange=arrange,
    render_docx=render_programa_docx,
    render_markdown=_markdown,
    template=TEMPLATE,
    tracks_changes=True,
)
