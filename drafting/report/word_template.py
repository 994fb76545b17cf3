"""Word templates: a .docx a secretariat sends to give a format its look.

The .docx brings its styles and fonts (the Normal style, the document defaults), its page (size,
margins), its header and footer and what they hold (a logo, a line of text); draftbot keeps all of that
and writes the report's body into it, in place of whatever body the file had. The TOML template
(`drafting.report.template`) still words the report and lays out its lists and tables.

Text in the header or footer may name the report's data between braces, filled in each document:

| placeholder    | becomes                                                   |
| -------------- | --------------------------------------------------------- |
| `{draft_mark}` | "BORRADOR – versión 3" in a draft, nothing in the final    |
| `{title}`      | the report's title                                        |
| `{place}`      | the place                                                 |
| `{date_line}`  | "15 de noviembre, 2016"                                   |

`{draft_mark}` is required (a draft must say that it is one, on every page); a file without it, with
a placeholder not in the table, without the styles listed in `REQUIRED_STYLES` or that is not a .docx
at all is refused, with the list of what is missing or wrong (`check`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from drafting.xmltext import xml_safe

PLACEHOLDERS = ("draft_mark", "title", "place", "date_line")
REQUIRED_PLACEHOLDERS = ("draft_mark",)
REQUIRED_STYLES = ("Normal",)
MAX_BYTES = 10 * 1024 * 1024  # a template with a logo is some hundred kB; refuse what cannot be one
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


def _open(content: bytes) -> DocxDocument:
    return Document(io.BytesIO(content))


def _header_footer_paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous:
                continue
            yield from part.paragraphs
            for table in part.tables:
                for row in table.rows:
                    for cell in row.cells:
                        yield from cell.paragraphs


def check(content: bytes) -> list[str]:
    """What is wrong with the file as a Word template, one problem per item; empty when it is fine.

    Problems are short codes with their detail ("style:Normal", "placeholder:draft_mark",
    "unknown:{titulo}", "not_docx", "too_big") that the chat and the command line word.
    """
    if len(content) > MAX_BYTES:
        return ["too_big"]
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return ["not_docx"]
    try:
        doc = _open(content)
    except Exception:  # python-docx raises several kinds for a zip that is not a Word document
        return ["not_docx"]
    problems: list[str] = []
    names = {style.name for style in doc.styles}
    problems += [f"style:{name}" for name in REQUIRED_STYLES if name not in names]
    found = {m for p in _header_footer_paragraphs(doc) for m in _PLACEHOLDER.findall(p.text)}
    problems += [f"placeholder:{name}" for name in REQUIRED_PLACEHOLDERS if name not in found]
    problems += [f"unknown:{{{name}}}" for name in sorted(found - set(PLACEHOLDERS))]
    return problems


def base_document(content: bytes, values: Mapping[str, str]) -> DocxDocument:
    """The template with its body emptied (its page settings kept) and its placeholders filled."""
    doc = _open(content)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for paragraph in _header_footer_paragraphs(doc):
        if "{" in paragraph.text:
            _fill(paragraph, values)
    return doc


def _fill(paragraph: Paragraph, values: Mapping[str, str]) -> None:
    """Replace placeholders, even when Word split one across runs: the text of the paragraph's text
    runs goes into the first of them (keeping its look), the others are emptied; runs without text (a
    logo, a tab) stay as they are."""
    runs = [run for run in paragraph.runs if run.text]
    if not runs:
        return
    text = "".join(run.text for run in runs)
    runs[0].text = _PLACEHOLDER.sub(lambda m: xml_safe(values.get(m.group(1), m.group(0))), text)
    for run in runs[1:]:
        run.text = ""
