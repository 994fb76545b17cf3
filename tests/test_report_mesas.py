"""A meeting with `formato: mesas` becomes the working-tables report of reference 004, read back here.

Covers how typed points become sections and lists (headings, "·" bullets, labelled lists such as
"Buenas prácticas:"), the template (mesas.toml and its validation), the Word document (headings, real
numbered and bullet lists, drafts and finals), the Markdown preview, a meeting played through the
service, and LibreOffice reading the rendered reference 004.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph as DocxParagraph

from drafting.model import DateSpan, Delegation, DelegationKind, Meeting, Point, PointState, ReportFormat
from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.report.builder import build_report
from drafting.report.formats.mesas.model import LabelledList, MesasContent, Passage
from drafting.report.formats.mesas.template import section_layout
from drafting.report.model import Bullets, Paragraph, Report
from drafting.report.render import render_document, render_preview
from drafting.report.template import ReportTemplate, TemplateError, load_template, parse_template
from drafting.service import DraftingService
from tests.kit import Room
from tests.test_report_docx import abstract_num_for, level, libreoffice_text, numbering_of

# Reference 004 from its plenary onwards, as Word exports it to text (blank lines dropped, spaces
# collapsed, "·" for bullets): the title, the introduction, then three working tables. Left out: the
# third table's two-column "Trata | Tráfico" table, which draftbot does not compose, and an empty "·"
# bullet that Word left behind.
REFERENCE_004 = """\
Plenaria para reportes de las mesas de trabajo y diálogo para la definición de conclusiones y/o \
recomendaciones para los (as) GRCM (as) y acciones futuras de cooperación en el marco de la \
responsabilidad compartida
Cada mesa de trabajo seleccionó un relator para discutir en la plenaria las conclusiones a las que cada \
grupo llegó, de las cuales se incluye en este documento tres de ellas:
Protección Consular y Derechos Humanos
Se incluyó en esta mesa de trabajo grupos integrados por funcionarios de Gobierno, Organismos \
Internacionales y Sociedad Civil, donde se abordó la temática desde la óptica de la responsabilidad \
compartida vista desde la perspectiva de cada uno de los grupos, se compartieron buenas prácticas, \
ejemplos prácticos, obstáculos y desafíos pendientes en esta tema.
Dentro de los ejemplos se puede mencionar:
· La conformación de la Fuerza de Tarea en Honduras, liderada por la Primera Dama en conjunto con \
instituciones de gobierno que tienen que ver con el tema de migración y donde se ha logrado articular \
un intercambio de información entre los Estados Unidos de América y Honduras, sobre todo en el tema de \
protección a los derechos humanos de los migrantes. (Esto no se mencionó en la plenaria pero sí en la \
mesa de trabajo, por lo que es importante retomarlo)
· México mencionó como ejemplo de buena práctica la semana de derechos laborales entre este país, \
Estados Unidos y otros países, donde se cuenta con más participación y se crea un círculo virtuoso de \
cooperación.
Entre los enfoques que reflejan la responsabilidad compartida de las instituciones estatales, nos \
encontramos con:
· Fortalecimiento de la red consular
· Intercambio de información e investigación
· Articulación con instituciones de país donde hacemos nuestras funciones
Cabe mencionar que muchos de los obstáculos que se tienen en las buenas prácticas se originan por la \
falta de información. A esto se suma la desconfianza de los nacionales a los servicios de Gobierno, por \
lo que es necesario realizar acciones innovadoras a efecto de contrarrestar esta imagen. Otro obstáculo \
a mencionar es la dispersión de nuestros nacionales en tránsito y falta de respuesta de las autoridades.
Como recomendaciones a las que este grupo de trabajo llegó se pueden mencionar las siguientes:
· Homologar políticas públicas en el tema de niñez
· Creación de instituciones para atender a los migrantes
· Espacios de diálogos permanentes
· Establecimiento de convenios y
· Protocolos de atención especializados
· Mayor inclusión de la sociedad civil para los esquemas de responsabilidad compartida
· Construcción de redes desde los Consulados en los que se incluye a sociedad civil
· Tecnología en todos los Consulados
Los elementos comunes encontrados entre países podemos mencionar la comunicación y difusión de \
información conjunta, el empoderamiento de las instituciones, disposición de los demás países de ayudar \
al otro al identificar sus problemas y como último elemento se menciona la voluntad política.
Fortalecimiento del Proceso de Diálogo de la CRM y la Sociedad Civil, organismos internacionales y la \
transversalización de la perspectiva de género.
Buenas prácticas:
1. Canadá. Muchos contactos con temas específicos, como política de migración de Canadá. El gobierno \
anterior muy conservador, y se dio distanciamiento entre gobierno y SC. Se perdió la visión importante \
de las personas y sector beneficiario, especialmente sobre refugiados. Y otro esfuerzo, sobre \
reasentamiento, lo que viene después de ser otorgado la protección internacional. Ese trabajo es \
financiado en gran parte por el gobierno, pero la implementación es a través de SC. Ejemplos: el grupo \
de cinco, cinco personas u organizaciones se unen para apoyar una persona refugiada, un esfuerzo social \
muy grande, equiparado por los esfuerzos de gobierno. La migración hacia Canadá se ha reducido, en \
parte por razones de origen, y por la política Canadiense de no aceptar grupos familiares.
2. Canadá. Se abrió un Museo. El área más grande es dedicada a los migrantes. Esto ha generado un \
impacto social de visibilidad de la migración y sus aportes. Así mismo, se habla de la migración \
temporal e informal. El impacto ha incidido en el ámbito educativo.
3. Costa Rica.El Consejo Nacional de Migración, es un esfuerzo multisectorial: gobierno y \
representación de sociedad civil. El otro espacio, es el Foro sobre Población Migrante y Refugiada, \
también hay representación de sociedad civil y organismos internacionales. La representación de SC es \
elegida por la Defensoría de los habitantes. Es un espacio de rendición de cuentas en esos temas.
4. México. El programa Especial de Migración. Se elaboró en consulta con población en el exterior y SC. \
Segunda práctica, El Consejo Consultivo de Política Migratoria, es espacio que incluye instancias de \
gobierno y expertos de SC en el tema de migración.
5. El Salvador. Elaboración de Política Nacional de Atención a la Persona Salvadoreña en el Exterior. \
La consulta ha incluido a comunidades en el exterior, esto ha generado e impulsado la necesidad de \
diálogo entre ambos sectores, sobre todo a nivel de práctica y desarrollo.
Recomendaciones
1. Financiamiento. Una propuesta es que los gobiernos financien la participación de la delegación de \
SC, como parte de la delegación de país.
2. Fiscalización social. No hay mecanismo de auditoria social. La CRM puede impulsar un mecanismo \
multidisciplinario de auditoria: SC, academia y organismos internacionales. Esto por la falta de \
seguimiento entre todos los esfuerzos y decisiones tomadas en la Conferencia.
Trata de personas y Tráfico Ilícito de Migrantes
Dentro de este tema se abordó experiencias y buenas prácticas, diferenciado lo propio de trata y \
tráfico de migrantes.
2. Obstáculos para asumir la responsabilidad compartida
· Débil aplicación de la ley y falta de conocimiento de los funcionarios encargados de su aplicación \
(no saben la diferencia entre retorno, deportación, solicitud de refugio. Poco apoyo de los cónsules o \
embajadores acreditados en PTY. Mal manejo de centros de migrantes, que en la práctica son centros de \
detención (cárceles). La sociedad civil no tiene datos estadísticos sobre cantidad de casos )
· Falta de sistematización de datos.
· Rotación de funcionarios y falta de capacitación.
· RROCM SDQ: Poca colaboración de autoridades con la Sociedad Civil.
· RROCM MGA: Cómo estabilizar mecanismos de comunicación y coordinación entre estado y Sociedad Civil. \
Falta de información para dimensionar la problemática. Aumento del uso de redes sociales por parte de \
las redes de crimen organizaos.
· HND: Falta de recursos estatales para enfrentar la problemática y falta de mapeos geográficos y \
sociales. Corrupción de oficiales. Cómo dar sostenibilidad a las capacitaciones, a manera de fortalecer \
a las instituciones y no a las personas (porque cambian). Falta de criterios unificados ante \
situaciones particulares de víctimas (Certificación, reasentamiento)
· Los esfuerzos no son continuos.
· MEX: Falta de cultura de denunciar los casos. Hacen falta más esfuerzos para fomentar que la \
población denuncie.
· OIM: CRM y OCAM se ideó un formulario para sospechas de trata de personas pero primaron los \
protocolos existentes, ha habido limitantes en cuanto a privacidad de información y su posible uso \
inadecuado.
· Culturalmente hablando, el coyote es “reconocido” como un experto y su rol es visto como una \
actividad normal. Ha sido más difícil trabajar en tráfico que en trata.
· Poca cooperación consular extra-regionales. Víctimas nacionales de países sin representación \
diplomática en el país.
· El delito de Tráfico de Migrantes no está tipificado en todos los países.
· Homologación de criterios en atención a víctimas y personas objeto de tráfico ilícito de migrantes.
3. Cómo avanzar hacia asumir una responsabilidad compartida y los caminos para lograrla
· MEX: Intercambio de información precisa por medio de instrumentos consensuados (puede ser por medio \
de mecanismos formales o informales como WhatsApp). La información debería ser desagregada en género, \
edad, etc.
· Proyectos o convenios para abordar de manera coordinada las situaciones que se presentan.
· Buscar proyectos conjuntos que tenga mayor impacto regional.
· Fortalecer la voluntad política.
· Homogeneizar mecanismos en la región. Homologar normativa y trabajar en su aplicación.
· Impulsar el compromiso para aplicar los instrumentos que los mismos países han creado.
· Sensibilizar a la población de los delitos y de la necesidad de que el Estado actúe de manera firme \
contra los criminales. Voluntad política de la población.
4. Contribuciones para construir una definición de responsabilidad compartida.
· Los estados son responsables de tutelar los DDHH de su población. La responsabilidad compartida debe \
ir orientada a tutelar la protección de derechos. En cuanto a atención y prevención de delitos es \
importante involucrar a la población y no solo a los gobiernos.
· Todos necesitamos Auditoría social
· Corresponsabilidad de los estados para asumir los compromisos alcanzados respecto a estas \
problemáticas. Aplicación de normativa internacional.
"""
REFERENCE_LINES = REFERENCE_004.splitlines()


def line(start: str) -> int:
    """The index of the only reference line that starts with `start`."""
    (index,) = [i for i, text in enumerate(REFERENCE_LINES) if text.startswith(start)]
    return index


def lines(start: str, end: str | None = None) -> str:
    """The reference lines from the one starting with `start` up to the one starting with `end`."""
    stop = line(end) if end is not None else len(REFERENCE_LINES)
    return "\n".join(REFERENCE_LINES[line(start) : stop])


TITLE_004 = REFERENCE_LINES[0]
INTRO_004 = REFERENCE_LINES[1]
HEADING_1 = "Protección Consular y Derechos Humanos"
HEADING_2 = REFERENCE_LINES[line("Fortalecimiento del Proceso")]
HEADING_3 = "Trata de personas y Tráfico Ilícito de Migrantes"
PRACTICES = [text.partition(". ")[2] for text in REFERENCE_LINES[line("1. Canadá") : line("Recomendaciones")]]


def typed_004() -> list[tuple[str, list[str]]]:
    """The tables of reference 004 as typed in chat: (point text, [sub-point texts])."""
    first = lines(HEADING_1, "Como recomendaciones").replace(
        "nuestras funciones\n",
        "nuestras funciones\n· \n",  # the empty bullet Word left is dropped
    )
    second = [
        # one sub-point with two items, their typed numbers dropped, then one per good practice, the
        # label typed in other capitals and without accents
        "Buenas prácticas:\n" + lines("1. Canadá", "3. Costa Rica"),
        "Buenas prácticas: " + REFERENCE_LINES[line("3. Costa Rica")],
        "buenas practicas: " + PRACTICES[3],
        "BUENAS PRÁCTICAS: " + PRACTICES[4],
        lines("Recomendaciones", HEADING_3),  # the label alone on its line, without a colon
    ]
    third = [
        lines("2. Obstáculos", "3. Cómo avanzar"),  # numbered by hand in the reference: plain text
        lines("3. Cómo avanzar", "4. Contribuciones"),
        lines("4. Contribuciones"),
    ]
    return [
        (
            first,
            [
                lines("Como recomendaciones", "Los elementos comunes"),
                lines("Los elementos comunes", HEADING_2),
            ],
        ),
        (HEADING_2, second),
        (lines(HEADING_3, "2. Obstáculos"), third),
    ]


def point(
    point_id: int,
    number: int,
    text: str,
    state: PointState = PointState.ADOPTED,
    *,
    letter: str = "",
    parent: int | None = None,
) -> Point:
    return Point(point_id, 1, number, letter, parent, text, state, None, None)


def points_004() -> list[Point]:
    out: list[Point] = []
    for number, (text, subs) in enumerate(typed_004(), 1):
        top = number * 100
        out.append(point(top, number, text))
        out += [point(top + i + 1, number, sub, letter="abcdef"[i], parent=top) for i, sub in enumerate(subs)]
    return out


def meeting_004(**changes: Any) -> Meeting:
    meeting = Meeting(
        id=1,
        title="Informe de las mesas de trabajo",
        bodies=("Conferencia Regional sobre Migración (CRM)",),
        place="San José, Costa Rica",
        dates=DateSpan(date(2016, 6, 23), date(2016, 6, 24)),
        format=ReportFormat.MESAS,
        draft_version=2,
        timezone="America/Costa_Rica",
    )
    return dataclasses.replace(meeting, **changes)


def meeting_as_reference(**changes: Any) -> Meeting:
    """The meeting whose title block is just the reference's title (no bodies, place or date)."""
    fields: dict[str, Any] = {
        "title": TITLE_004,
        "objective": INTRO_004,
        "bodies": (),
        "place": "",
        "dates": None,
    }
    return meeting_004(**(fields | changes))


@pytest.fixture
def template() -> ReportTemplate:
    return load_template("mesas")


def shipped() -> str:
    return resources.files("templates").joinpath("mesas.toml").read_text(encoding="utf-8")


def as_typed_title() -> ReportTemplate:
    """The shipped template with the title as typed (the reference's title is not in capitals)."""
    return parse_template(shipped().replace("uppercase = true", "uppercase = false"), source="mesas.toml")


def build(
    template: ReportTemplate, points: Sequence[Point], *, final: bool, meeting: Meeting | None = None
) -> Report:
    delegations = [Delegation(1, 1, "Costa Rica", DelegationKind.MEMBER)]
    now = datetime(2016, 6, 24, 18, 0, tzinfo=UTC)
    return build_report(
        meeting or meeting_004(), delegations, points, final=final, template=template, now=now
    )


def open_docx(data: bytes) -> DocxDocument:
    assert data[:2] == b"PK"
    return Document(io.BytesIO(data))


def render(template: ReportTemplate, points: Sequence[Point], *, final: bool, **changes: Any) -> DocxDocument:
    report = build(template, points, final=final, meeting=meeting_004(**changes))
    return open_docx(render_document(report, template, "mesas"))


def texts(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text]


def paragraph(doc: DocxDocument, start: str) -> DocxParagraph:
    return next(p for p in doc.paragraphs if p.text.startswith(start))


def bold(p: DocxParagraph) -> bool:
    return all(run.bold for run in p.runs if run.text.strip())


# --- typing: points become sections and lists ------------------------------------------------


def test_a_point_is_a_section_headed_by_its_first_paragraph(template: ReportTemplate) -> None:
    report = build(template, points_004(), final=True)
    assert [t.heading for t in report.part(MesasContent).tables] == [HEADING_1, HEADING_2, HEADING_3]
    first = report.part(MesasContent).tables[0]
    assert first.blocks[0] == Paragraph(REFERENCE_LINES[line("Se incluyó")])
    assert first.blocks[2] == Bullets(tuple(t[2:] for t in lines("· La conformación", "Entre").split("\n")))
    assert report.content == MesasContent(report.part(MesasContent).tables)


def test_sub_points_with_the_same_label_make_one_numbered_list(template: ReportTemplate) -> None:
    second = build(template, points_004(), final=True).part(MesasContent).tables[1]
    practices, recommendations = second.parts
    assert isinstance(practices, LabelledList) and isinstance(recommendations, LabelledList)
    assert practices.title == "Buenas prácticas:"
    assert [item for entry in practices.entries for item in entry.items] == PRACTICES
    assert [entry.label for entry in practices.entries] == ["2.a", "2.b", "2.c", "2.d"]
    assert recommendations.title == "Recomendaciones"
    assert len(recommendations.entries[0].items) == 2


def test_a_sub_point_without_a_known_label_is_more_text_of_the_section(template: ReportTemplate) -> None:
    third = build(template, points_004(), final=True).part(MesasContent).tables[2]
    assert all(isinstance(part, Passage) for part in third.parts)
    obstacles = third.parts[0]
    assert isinstance(obstacles, Passage)
    assert obstacles.blocks[0] == Paragraph("2. Obstáculos para asumir la responsabilidad compartida")
    assert isinstance(obstacles.blocks[1], Bullets) and len(obstacles.blocks[1].items) == 13


def test_a_label_with_nothing_under_it_or_inside_a_longer_phrase_is_plain_text(
    template: ReportTemplate,
) -> None:
    points = [
        point(1, 1, "Mesa"),
        point(2, 1, "Recomendaciones:", letter="a", parent=1),
        point(3, 1, "Obstáculos para asumir: la responsabilidad", letter="b", parent=1),
        point(4, 1, "Obstáculos: uno\n· dos", letter="c", parent=1),
        point(5, 1, "Recomendaciones: tres", letter="d", parent=1),
    ]
    parts = build(template, points, final=True).part(MesasContent).tables[0].parts
    assert [type(p).__name__ for p in parts] == ["Passage", "Passage", "LabelledList", "LabelledList"]
    obstacles = parts[2]
    assert isinstance(obstacles, LabelledList) and obstacles.entries[0].items == ("uno", "dos")


def test_an_english_meeting_knows_the_english_labels_only(template: ReportTemplate) -> None:
    points = [
        point(1, 1, "Consular protection"),
        point(2, 1, "Good practices: Canada. A museum.", letter="a", parent=1),
        point(3, 1, "Buenas prácticas: Canadá.", letter="b", parent=1),
    ]
    report = build(template, points, final=False, meeting=meeting_004(language="en"))
    kinds = [type(p).__name__ for p in report.part(MesasContent).tables[0].parts]
    assert kinds == ["LabelledList", "Passage"]
    assert report.draft_mark == "DRAFT – version 2"


# --- the .docx -------------------------------------------------------------------------------


def test_the_title_block_then_the_objective_then_one_section_per_table(template: ReportTemplate) -> None:
    doc = render(template, points_004(), final=True, objective=INTRO_004)
    body = texts(doc)
    assert body[:5] == [
        "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)",
        "INFORME DE LAS MESAS DE TRABAJO",
        "San José, Costa Rica",
        "23-24 de junio, 2016",
        INTRO_004,
    ]
    assert body[5] == HEADING_1
    assert not doc.tables


def test_headings_are_bold_with_space_before_and_kept_with_the_next_paragraph(
    template: ReportTemplate,
) -> None:
    doc = render(template, points_004(), final=True)
    for heading in (HEADING_1, HEADING_2, HEADING_3):
        p = paragraph(doc, heading)
        assert bold(p)
        assert p.paragraph_format.keep_with_next
        assert p.paragraph_format.space_before is not None and p.paragraph_format.space_before.pt == 12
    assert not bold(paragraph(doc, "Se incluyó"))


def test_labelled_lists_have_a_bold_label_and_real_numbering_restarting_per_list(
    template: ReportTemplate,
) -> None:
    doc = render(template, points_004(), final=True)
    body = texts(doc)
    assert body.count("Buenas prácticas:") == 1, "one label for the four sub-points"
    assert bold(paragraph(doc, "Buenas prácticas:")) and bold(paragraph(doc, "Recomendaciones"))
    practices = {numbering_of(paragraph(doc, text)) for text in PRACTICES}
    assert len(practices) == 1, "the four sub-points continue one list"
    (practice,) = practices
    assert practice is not None and practice[1] == "0"
    recommendation = numbering_of(paragraph(doc, "Financiamiento."))
    assert recommendation is not None and recommendation[0] != practice[0]
    abstract = abstract_num_for(doc, recommendation[0])
    assert (level(abstract, 0, "numFmt"), level(abstract, 0, "lvlText")) == ("decimal", "%1.")
    numbering = doc.part.numbering_part.element
    restarts = numbering.xpath(
        f'./w:num[@w:numId="{recommendation[0]}"]/w:lvlOverride/w:startOverride/@w:val'
    )
    assert restarts == ["1"]
    assert not any(p.text.startswith(("1. ", "2. Canadá")) for p in doc.paragraphs), "typed numbers dropped"


def test_bullets_are_a_real_bullet_list(template: ReportTemplate) -> None:
    doc = render(template, points_004(), final=True)
    bullet = numbering_of(paragraph(doc, "Fortalecimiento de la red consular"))
    assert bullet is not None
    assert level(abstract_num_for(doc, bullet[0]), 0, "numFmt") == "bullet"
    assert numbering_of(paragraph(doc, "Falta de sistematización de datos.")) == bullet
    assert numbering_of(paragraph(doc, "2. Obstáculos")) is None


def test_bulleted_labelled_lists_when_the_template_says_so(template: ReportTemplate) -> None:
    bulleted = parse_template(
        shipped().replace("numbered_labelled_lists = true", "numbered_labelled_lists = false")
    )
    doc = open_docx(render_document(build(bulleted, points_004(), final=True), bulleted))
    practice = numbering_of(paragraph(doc, PRACTICES[0]))
    bullet = numbering_of(paragraph(doc, "Fortalecimiento de la red consular"))
    assert practice is not None and practice == bullet
    preview = render_preview(build(bulleted, points_004(), final=True), template=bulleted)
    assert f"- {PRACTICES[0][:20]}" in preview


def test_a_final_report_holds_adopted_tables_only_without_brackets(template: ReportTemplate) -> None:
    points = [
        point(1, 1, "Mesa adoptada\nTexto de la mesa."),
        point(2, 1, "Buenas prácticas: Una.", PointState.OPEN, letter="a", parent=1),
        point(3, 2, "Mesa en discusión", PointState.OPEN),
        point(4, 3, "Mesa retirada", PointState.WITHDRAWN),
    ]
    doc = render(template, points, final=True)
    body = texts(doc)
    assert body[-4:] == ["Mesa adoptada", "Texto de la mesa.", "Buenas prácticas:", "Una."]
    joined = "\n".join(body)
    assert "[" not in joined and "BORRADOR" not in joined and "discusión" not in joined


def test_a_draft_brackets_each_pending_piece_with_its_state(template: ReportTemplate) -> None:
    points = [
        point(1, 1, "Mesa adoptada"),
        point(2, 1, "Buenas prácticas: Una.", letter="a", parent=1),
        point(3, 2, "Mesa en discusión\nSu texto.\n· Su viñeta", PointState.OPEN),
        point(4, 2, "Buenas prácticas: Dos.\nTres.", PointState.OPEN, letter="a", parent=3),
        point(5, 2, "Buenas prácticas: Cuatro.", PointState.OPEN, letter="b", parent=3),
        point(6, 2, "Una conclusión.", PointState.OPEN, letter="c", parent=3),
        point(7, 3, "Mesa retirada", PointState.WITHDRAWN),
    ]
    doc = render(template, points, final=False)
    assert doc.sections[0].header.paragraphs[0].text == "BORRADOR – versión 2"
    body = texts(doc)
    assert "BORRADOR" not in body[0]  # in the header only, not twice on page one
    assert body[-11:] == [
        "Mesa adoptada",
        "Buenas prácticas:",
        "Una.",
        "[Mesa en discusión",
        "Su texto.",
        "Su viñeta] (en discusión)",
        "Buenas prácticas:",
        "[Dos.",
        "Tres.] (en discusión)",
        "[Cuatro.] (en discusión)",
        "[Una conclusión.] (en discusión)",
    ]
    note = paragraph(doc, "Tres.]").runs[-1]
    assert note.text == "(en discusión)" and note.italic
    assert "Mesa retirada" not in body


def test_odd_text_never_breaks_the_document(template: ReportTemplate) -> None:
    points = [
        point(1, 1, 'Mesa\x00 <b>&"\ud800\n· ]]> {x}'),
        point(2, 1, "Obstáculos: 👨‍👩‍👧\x0b", letter="a", parent=1),
    ]
    body = texts(render(template, points, final=True))
    assert body[-4:] == ['Mesa <b>&"', "]]> {x}", "Obstáculos:", "👨‍👩‍👧"]


# --- the Markdown preview --------------------------------------------------------------------


def test_the_preview_has_bold_headings_bullets_and_numbered_labelled_lists(template: ReportTemplate) -> None:
    points = [
        point(1, 1, "Mesa uno\nTexto.\n· Viñeta"),
        point(2, 1, "Buenas prácticas: Una.", letter="a", parent=1),
        point(3, 1, "Buenas prácticas: Dos.", letter="b", parent=1),
        point(4, 2, "Mesa dos", PointState.OPEN),
        point(5, 2, "Recomendaciones: Tres.\nCuatro.", PointState.OPEN, letter="a", parent=4),
    ]
    text = render_preview(build(template, points, final=False), "mesas", template=template)
    assert text.endswith(
        "**Mesa uno**\n\nTexto.\n\n- Viñeta\n\n**Buenas prácticas:**\n\n1. Una.\n2. Dos.\n\n"
        "**[Mesa dos]** *(en discusión)*\n\n**Recomendaciones:**\n\n1. [Tres.\n2. Cuatro.] *(en discusión)*\n"
    )
    assert text.startswith("**BORRADOR – versión 2**\n\n**CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)**")


# --- the template ----------------------------------------------------------------------------


def test_the_list_labels_must_be_a_list_of_words() -> None:
    base = shipped()
    start = base.index("list_labels = [")
    end = base.index("]", start) + 1
    with pytest.raises(TemplateError, match=r"^m\.toml: \[es\] list_labels: must list at least one word"):
        parse_template(base[:start] + "list_labels = []" + base[end:], source="m.toml")
    with pytest.raises(TemplateError, match=r"\[es\] list_labels: must be a list of strings"):
        parse_template(base[:start] + 'list_labels = "Obstáculos"' + base[end:], source="m.toml")
    with pytest.raises(TemplateError, match=r"^m\.toml: missing key \[es\] list_labels$"):
        parse_template(base[:start] + base[end:], source="m.toml")


def test_the_sections_table_is_validated_like_the_others() -> None:
    base = shipped()
    with pytest.raises(TemplateError, match=r"unknown key \[sections\] colour"):
        parse_template(base.replace("[sections]\n", "[sections]\ncolour = 1\n", 1), source="m.toml")
    with pytest.raises(TemplateError, match=r"\[sections\] heading_size_pt: must be a number"):
        parse_template(base.replace("heading_size_pt = 11", 'heading_size_pt = "11"'), source="m.toml")
    with pytest.raises(TemplateError, match=r"^m\.toml: missing table \[sections\]$"):
        parse_template(base.replace("[sections]", "[unused]"), source="m.toml")


def test_the_informe_template_has_no_sections() -> None:
    with pytest.raises(
        TemplateError, match=r"the informe template has no \[sections\]; the mesas format needs it"
    ):
        section_layout(load_template("informe"))


# --- through the service ---------------------------------------------------------------------

MESAS_MEETING = (
    "nuevareunion\n"
    "titulo: Informe de las mesas de trabajo\n"
    "organismos: Conferencia Regional sobre Migración (CRM)\n"
    "formato: mesas\n"
    "lugar: San José, Costa Rica\n"
    "fecha: 2016-06-23..2016-06-24\n"
    f"objetivo: {INTRO_004}"
)


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


async def play_tables(room: Room) -> None:
    """Two delegations and a rapporteur; table 1 adopted, table 2 with its lists left open."""
    assert (await room.say("st", MESAS_MEETING)).ok
    assert (await room.say("st", "delegaciones Costa Rica y México")).ok
    for name, who in (("Costa Rica", "cr"), ("México", "mx"), ("relator", "rap")):
        assert (await room.admit("st", name, who)).ok
    first, first_subs = typed_004()[0]
    assert (await room.say("cr", f"proponer {first}")).ok
    for sub in first_subs:
        assert (await room.say("cr", f"subpunto 1 {sub}")).ok
    assert (await room.say("mx", f"proponer {HEADING_2}")).ok
    for sub in typed_004()[1][1]:
        assert (await room.say("mx", f"subpunto 2 {sub}")).ok
    for who in ("cr", "mx"):
        assert (await room.say(who, "aprobar 1")).ok


async def test_a_mesas_meeting_compiles_a_draft_with_sections_and_brackets(service: DraftingService) -> None:
    room = Room(service)
    await play_tables(room)
    (draft,) = documents(await room.say("rap", "compilar"))
    doc = open_docx(draft.content)
    body = texts(doc)
    assert body[:5] == [
        "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)",
        "INFORME DE LAS MESAS DE TRABAJO",
        "San José, Costa Rica",
        "23-24 de junio, 2016",
        INTRO_004,
    ]
    assert body[5] == HEADING_1 and bold(paragraph(doc, HEADING_1))
    assert f"[{HEADING_2}] (en discusión)" in body
    assert body.count("Buenas prácticas:") == 1
    assert f"[{PRACTICES[0]}" in body
    assert "**Buenas prácticas:**" in draft.preview


async def test_a_mesas_meeting_finalizes_and_downloads_the_adopted_tables(service: DraftingService) -> None:
    room = Room(service)
    await play_tables(room)
    for who in ("cr", "mx"):
        assert (await room.say(who, "aprobar 2")).ok
    assert (await room.say("rap", "finalizar")).ok
    (final,) = documents(await room.say("st", "descargar"))
    doc = open_docx(final.content)
    body = texts(doc)
    assert "[" not in "\n".join(body) and "BORRADOR" not in "\n".join(body)
    assert body[4:6] == [INTRO_004, HEADING_1]
    assert body[body.index("Buenas prácticas:") + 1 : body.index("Recomendaciones")] == PRACTICES
    numbers = {numbering_of(paragraph(doc, text)) for text in PRACTICES}
    assert len(numbers) == 1 and None not in numbers


# --- LibreOffice reads the document as reference 004 -----------------------------------------


def test_libreoffice_reads_the_rendered_004_as_the_reference(tmp_path: Path) -> None:
    template = as_typed_title()
    report = build(template, points_004(), final=True, meeting=meeting_as_reference())
    assert libreoffice_text(render_document(report, template), tmp_path) == REFERENCE_LINES


def test_libreoffice_numbers_each_labelled_list_from_one(tmp_path: Path) -> None:
    template = as_typed_title()
    points = [
        point(1, 1, "Mesa uno"),
        point(2, 1, "Buenas prácticas: A.\nB.", letter="a", parent=1),
        point(3, 1, "Recomendaciones: C.", letter="b", parent=1),
        point(4, 2, "Mesa dos"),
        point(5, 2, "Buenas prácticas: D.", letter="a", parent=4),
        point(6, 2, "Buenas prácticas: E.", letter="b", parent=4),
    ]
    report = build(template, points, final=True, meeting=meeting_as_reference(objective=""))
    assert libreoffice_text(render_document(report, template), tmp_path)[1:] == [
        "Mesa uno",
        "Buenas prácticas:",
        "1. A.",
        "2. B.",
        "Recomendaciones:",
        "1. C.",
        "Mesa dos",
        "Buenas prácticas:",
        "1. D.",
        "2. E.",
    ]
