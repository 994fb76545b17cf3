"""The same report as Markdown, for previews in chat."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from drafting.model import DateSpan, Delegation, DelegationKind, Meeting, Point, PointState
from drafting.report.builder import build_report
from drafting.report.formats.informe.markdown import render_markdown
from drafting.report.formats.informe.model import InformeContent
from drafting.report.markdown import escape_markdown, letter
from drafting.report.model import Paragraph, Report, ReportPoint
from drafting.report.template import ReportTemplate, load_template


@pytest.fixture
def template() -> ReportTemplate:
    return load_template()


def meeting() -> Meeting:
    return Meeting(
        id=7,
        title="Informe de la reunión de la Red de Funcionarios de Enlace",
        bodies=("CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)",),
        network="Red de Funcionarios de Enlace",
        kind="ordinaria",
        place="Tegucigalpa, Honduras",
        dates=DateSpan(date(2017, 3, 16), date(2017, 3, 17)),
        before="Grupo Regional de Consulta sobre Migración (GRCM)",
        draft_version=2,
    )


def pt(
    pid: int, number: int, text: str, state: PointState, letter: str = "", parent: int | None = None
) -> Point:
    return Point(pid, 7, number, letter, parent, text, state, None, None)


POINTS = [
    pt(1, 1, "Agradecer a Honduras.\nSe agradece a México.", PointState.ADOPTED),
    pt(2, 1, "Sub uno.", PointState.OPEN, "a", 1),
    pt(3, 1, "Sub dos.", PointState.OPEN, "b", 1),
    pt(4, 2, "Punto retirado.", PointState.WITHDRAWN),
    pt(5, 3, "Tomar nota:\n· Taller uno\n· Taller dos", PointState.OPEN),
    pt(6, 3, "Sub del tres.", PointState.OPEN, "a", 5),
    pt(7, 4, "Encomendar a la ST.", PointState.ADOPTED),
]
DELEGATIONS = [
    Delegation(1, 7, "México", DelegationKind.MEMBER),
    Delegation(2, 7, "Canadá", DelegationKind.MEMBER),
]


def render(template: ReportTemplate, *, final: bool) -> str:
    now = datetime(2017, 3, 17, 12, 0, tzinfo=UTC)
    report = build_report(meeting(), DELEGATIONS, POINTS, final=final, template=template, now=now)
    return render_markdown(report)


def test_the_draft_preview_reads_as_the_document(template: ReportTemplate) -> None:
    assert render(template, final=False) == (
        "**BORRADOR – versión 2**\n\n"
        "**CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)**\n\n"
        "**INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE**\n\n"
        "**Tegucigalpa, Honduras**\n\n"
        "**16-17 de marzo, 2017**\n\n"
        "La Red de Funcionarios de Enlace celebró su reunión ordinaria los días 16 y 17 de marzo de 2017, en "
        "Tegucigalpa, Honduras, previo a la reunión del Grupo Regional de Consulta sobre Migración (GRCM), "
        "con la participación de los representantes de los siguientes países: Canadá y México.\n\n"
        "La Red somete a consideración del Grupo Regional de Consulta sobre Migración (GRCM) su informe que "
        "está contenido en los siguientes puntos:\n\n"
        "1. Agradecer a Honduras.\n\n"
        "   Se agradece a México.\n\n"
        "   a. Sub uno.\n\n"
        "   b. Sub dos.\n\n"
        "2. [Tomar nota:\n\n"
        "   - Taller uno\n"
        "   - Taller dos] *(en discusión)*\n\n"
        "   a. [Sub del tres.] *(en discusión)*\n\n"
        "3. Encomendar a la ST.\n"
    )


def test_the_final_preview_has_adopted_points_only_without_marks(template: ReportTemplate) -> None:
    text = render(template, final=True)
    assert "BORRADOR" not in text and "[" not in text and "en discusión" not in text
    assert "1. Agradecer a Honduras." in text and "2. Encomendar a la ST." in text
    assert "Tomar nota" not in text and "Punto retirado" not in text


def test_points_are_numbered_as_the_document_numbers_them_not_by_label(template: ReportTemplate) -> None:
    text = render(template, final=False)
    assert "2. [Tomar nota:" in text, "point 3 follows the withdrawn point 2, so the document calls it 2."
    assert "Punto retirado" not in text


def test_sub_point_letters_restart_under_each_point(template: ReportTemplate) -> None:
    lines = render(template, final=False).splitlines()
    assert [line.strip()[:2] for line in lines if line.startswith("   ") and line.strip()[1:2] == "."] == [
        "a.",
        "b.",
        "a.",
    ]


def plain_report(text: str, *, draft: bool = False, pending: bool = False) -> Report:
    return Report(
        language="es",
        bodies=(),
        title="",
        place="",
        date_line="",
        objective=None,
        points=(ReportPoint("1", (Paragraph(text),), pending=pending, state_note="en discusión"),),
        draft=draft,
        content=InformeContent(opening="", lead_in=""),
    )


def test_markdown_in_typed_text_is_escaped(template: ReportTemplate) -> None:
    text = render_markdown(plain_report("Ver *nota* _a_ [enlace](x) <b> `code` # no"))
    # "[enlace]" is an open bracket to draftbot (issue 9), so it is bold as well as escaped
    assert text == "1. Ver \\*nota\\* \\_a\\_ **\\[enlace\\]**(x) \\<b\\> \\`code\\` # no\n"


def test_escaping_can_be_turned_off_for_plain_text_chats() -> None:
    assert render_markdown(plain_report("Ver *nota*"), escape=False) == "1. Ver *nota*\n"


def test_brackets_show_only_in_drafts() -> None:
    assert (
        render_markdown(plain_report("Texto.", draft=True, pending=True)) == "1. [Texto.] *(en discusión)*\n"
    )
    assert render_markdown(plain_report("Texto.", draft=False, pending=True)) == "1. Texto.\n"


def test_control_characters_are_dropped_and_lines_are_joined() -> None:
    assert render_markdown(plain_report("Uno\x00\x07 dos\ttres")) == "1. Uno dos tres\n"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("# título", "\\# título"),
        ("- guion", "\\- guion"),
        ("2019. Año", "2019\\. Año"),
        ("> cita", "\\> cita"),
    ],
)
def test_text_that_would_start_a_block_is_escaped(raw: str, escaped: str) -> None:
    assert escape_markdown(raw) == escaped


def test_letters_follow_words_lower_letter_numbering() -> None:
    assert [letter(i) for i in (0, 1, 25, 26, 27, 52)] == ["a", "b", "z", "aa", "bb", "aaa"]
