"""One entry point for the handlers: a built `Report` as a .docx and as a Markdown preview.

The format is the meeting's (`formato: programa`) and each format renders itself
(`drafting.report.formats`); `build_report` with that format's template already arranged the points
for it, so the report, the template and the format must agree, else `ValueError`.
"""

from __future__ import annotations

from drafting.report.formats import get_format
from drafting.report.formats.base import DocumentFormat
from drafting.report.model import Report
from drafting.report.template import ReportTemplate, load_template


def _format(report: Report, fmt: str | None) -> DocumentFormat:
    chosen = get_format(fmt if fmt is not None else report.format)
    if report.format != chosen.name:
        raise ValueError(f"the report was built for the {report.format} format, not for {chosen.name}")
    return chosen


def render_document(report: Report, template: ReportTemplate, fmt: str | None = None) -> bytes:
    """The report as the bytes of a .docx in its format (default: the one it was built for)."""
    chosen = _format(report, fmt)
    if template.format != chosen.name:
        raise ValueError(
            f"{template.source} is a template for the {template.format} format, not for {chosen.name}"
        )
    return chosen.render_docx(report, template)


def render_preview(
    report: Report,
    fmt: str | None = None,
    *,
    template: ReportTemplate | None = None,
    escape: bool = True,
) -> str:
    """The report as Markdown for chat previews; `escape=False` for plain-text chats.

    The `template` (default: the format's shipped or configured one) decides list styles the preview
    mirrors, such as whether a mesas report numbers its labelled lists.
    """
    chosen = _format(report, fmt)
    return chosen.render_markdown(report, template or load_template(chosen.name), escape)
