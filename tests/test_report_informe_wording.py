"""The informe's opening as references 001 and 002 word it: the kind of meeting in its place
("celebró su primera reunión", "su reunión ordinaria") and the 002 wording reachable from a template."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from drafting.model import DateSpan, Delegation, DelegationKind
from drafting.report.formats.informe.model import InformeContent
from drafting.report.template import load_template, parse_template
from tests.test_report_docx import build, meeting_001

COUNTRIES_002 = [
    "Canadá",
    "Costa Rica",
    "El Salvador",
    "Estados Unidos",
    "Guatemala",
    "Honduras",
    "México",
    "Nicaragua",
    "Panamá",
    "República Dominicana",
]
NETWORK_002 = "Red de Funcionarios de Enlace en Materia de Protección a Niñas, Niños y Adolescentes Migrantes"
# reference 002, its opening paragraph and lead-in as printed
OPENING_002 = (
    "La Red de Funcionarios de Enlace en Materia de Protección a Niñas, Niños y Adolescentes Migrantes "
    "celebró su primera reunión los días 16 y 17 de marzo de 2017, en Tegucigalpa, Honduras, en "
    "cumplimiento con lo acordado durante la XXI Reunión Viceministerial, celebrada en San Pedro Sula, "
    "Honduras en Noviembre de 2016. Este primer encuentro de la Red contó con la participación de los "
    "siguientes países: Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México, "
    "Nicaragua, Panamá y República Dominicana."
)
LEAD_IN_002 = (
    "La Red somete a consideración del Grupo Regional de Consulta sobre Migración (GRCM) su informe, el "
    "cual se desarrolla en los siguientes puntos:"
)


def meeting_002() -> object:
    return meeting_001(
        network=NETWORK_002,
        kind="primera",
        place="Tegucigalpa, Honduras",
        dates=DateSpan(date(2017, 3, 16), date(2017, 3, 17)),
        before="XXI Reunión Viceministerial, celebrada en San Pedro Sula, Honduras en Noviembre de 2016",
    )


def delegations_002() -> list[Delegation]:
    return [Delegation(i, 1, name, DelegationKind.MEMBER) for i, name in enumerate(COUNTRIES_002, 1)]


def test_an_ordinal_kind_goes_before_the_meeting() -> None:
    template = load_template("informe")
    report = build(template, [], final=True, meeting=meeting_001(kind="primera"))
    assert "celebró su primera reunión el día 15 de noviembre de 2016" in report.part(InformeContent).opening
    ordinary = build(template, [], final=True, meeting=meeting_001(kind="ordinaria"))
    assert "celebró su reunión ordinaria el día" in ordinary.part(InformeContent).opening


def test_in_english_every_kind_goes_before_the_meeting() -> None:
    template = load_template("informe")
    report = build(template, [], final=True, meeting=meeting_001(kind="first", language="en"))
    assert "held its first meeting on 15 November 2016" in report.part(InformeContent).opening


def test_the_002_wording_is_a_template_away(tmp_path: Path) -> None:
    shipped = (Path(__file__).parents[1] / "templates" / "informe.toml").read_text(encoding="utf-8")
    text = (
        shipped.replace(
            'before_clause = ", previo a la reunión del {before}"',
            'before_clause = ", en cumplimiento con lo acordado durante la {before}"',
        )
        .replace(
            'participants_clause = ", con la participación de los representantes de los siguientes países: '
            '{participants}"',
            'participants_clause = ". Este primer encuentro de la Red contó con la participación de los '
            'siguientes países: {participants}"',
        )
        .replace(
            'lead_in = "{subject} somete a consideración del {before} su informe que está contenido en los '
            'siguientes puntos:"',
            'lead_in = "{subject} somete a consideración del Grupo Regional de Consulta sobre Migración '
            '(GRCM) su informe, el cual se desarrolla en los siguientes puntos:"',
        )
    )
    template = parse_template(text, source="informe-002.toml")
    report = build(template, [], final=True, meeting=meeting_002(), delegations=delegations_002())  # type: ignore[arg-type]
    assert report.part(InformeContent).opening == OPENING_002
    assert report.part(InformeContent).lead_in == LEAD_IN_002
