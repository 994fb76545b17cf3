"""The working-tables report ("mesas de trabajo", reference 004): one section per table."""

from __future__ import annotations

from drafting.report.formats.base import DocumentFormat
from drafting.report.formats.mesas.arrange import arrange
from drafting.report.formats.mesas.docx import render_mesas_docx
from drafting.report.formats.mesas.markdown import render_mesas_markdown
from drafting.report.formats.mesas.template import TEMPLATE, section_layout
from drafting.report.model import Report
from drafting.report.template import ReportTemplate


def _markdown(report: Report, template: ReportTemplate, escape: bool) -> str:
    # the preview numbers or bullets the labelled lists as the document does
    numbered = section_layout(template).numbered_labelled_lists
    return render_mesas_markdown(report, escape=escape, numbered=numbered)


FORMAT = DocumentFormat(
    name="mesas",
    needs=(),
    arrange=arrange,
    render_docx=render_mesas_docx,
    render_markdown=_markdown,
    template=TEMPLATE,
    tracks_changes=True,
)
