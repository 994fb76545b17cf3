"""One entry point for the handlers: a built `Report` as a .docx and as a Markdown preview, per format.

| format   | template                | .docx                                  | preview (markdown)         |
| -------- | ----------------------- | -------------------------------------- | -------------------------- |
| informe  | templates/informe.toml  | `docx_render.render_docx`              | `render_markdown`          |
| programa | templates/programa.toml | `programa_render.render_programa_docx` | `render_programa_markdown` |
| mesas    | templates/mesas.toml    | `mesas_render.render_mesas_docx`       | `render_mesas_markdown`    |

The format is the meeting's (`formato: programa`); `build_report` with that format's template already
arranged the points for it, so the report, the template and the format must agree, else `ValueError`.
"""

from __future__ import annotations

from drafting.model import ReportFormat
from drafting.report.docx_render import render_docx
from drafting.report.markdown import render_markdown, render_mesas_markdown, render_programa_markdown
from drafting.report.mesas_render import render_mesas_docx
from drafting.report.model import Report
from drafting.report.programa_render import render_programa_docx
from drafting.report.template import ReportTemplate


def _format(report: Report, fmt: ReportFormat | str | None) -> ReportFormat:
    try:
        chosen = ReportFormat(fmt if fmt is not None else report.format)
    except ValueError:
        raise ValueError(f"unknown report format {fmt!r}") from None
    if report.format != chosen:
        raise ValueError(f"the report was built for the {report.format} format, not for {chosen.value}")
    return chosen


def render_document(report: Report, template: ReportTemplate, fmt: ReportFormat | str | None = None) -> bytes:
    """The report as the bytes of a .docx in its format (default: the one it was built for)."""
    chosen = _format(report, fmt)
    if template.format != chosen:
        raise ValueError(
            f"{template.source} is a template for the {template.format} format, not for {chosen.value}"
        )
    if chosen is ReportFormat.PROGRAMA:
        return render_programa_docx(report, template)
    if chosen is ReportFormat.MESAS:
        return render_mesas_docx(report, template)
    return render_docx(report, template)


def render_preview(
    report: Report,
    fmt: ReportFormat | str | None = None,
    *,
    template: ReportTemplate | None = None,
    escape: bool = True,
) -> str:
    """The report as Markdown for chat previews; `escape=False` for plain-text chats.

    With the `template`, a mesas preview numbers or bullets its labelled lists as the document does.
    """
    chosen = _format(report, fmt)
    if chosen is ReportFormat.PROGRAMA:
        return render_programa_markdown(report, escape=escape)
    if chosen is ReportFormat.MESAS:
        numbered = template.section_layout().numbered_labelled_lists if template is not None else True
        return render_mesas_markdown(report, escape=escape, numbered=numbered)
    return render_markdown(report, escape=escape)
