"""A whole meeting in one Slack channel, from `/draft nuevareunion` to the final .docx.

Ten delegations, two observers, a rapporteur and a chair, each admitted with a code shown only to the
secretariat; points proposed by slash command and by mention, in Spanish and in English; discussion
in the cards' threads; sub-points, an amendment, an objection through the modal, a withdrawal, a
silence procedure that the sweep closes, a reorder; the draft and then the final report uploaded
into the channel with files_upload_v2 and read back with python-docx.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from io import BytesIO

import docx
import pytest

from bot.slack.adapter import PREFIX
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import CommentRow, PointRow
from tests.conftest import FakeClock
from tests.kit import DELEGATIONS
from tests.slack_fake.harness import MEETING_ES, SlackWorld, slack_world

PEOPLE = {name: f"U1{index:02d}" for index, name in enumerate(DELEGATIONS)}
ST, REL, PPT = "U0ST", "U0RELATORA", "U0PPT"
OIM, RROCM = "U0OIM", "U0RROCM"

POINTS = [
    (
        "México",
        "slash",
        "proponer Agradecer a las delegaciones de Honduras, México, Guatemala, República Dominicana, "
        "Canadá, Panamá y Estados Unidos, por sus informes relativos a buenas prácticas y avances "
        "relacionadas con la protección consular en el marco de la corresponsabilidad.",
    ),
    (
        "Honduras",
        "mention",
        "proponer Agradecer a Honduras por la presentación de la nota conceptual y tomar nota del "
        "ofrecimiento de Honduras y México para ser sede del Taller de “Trabajadores Temporales "
        "Migratorios”.",
    ),
    (
        "Guatemala",
        "slash",
        "propose Agradecer a las delegaciones de México, Honduras y Guatemala, por sus "
        "presentaciones sobre buenas prácticas en materia de sistemas/plataformas de registro de "
        "actuaciones consulares.",
    ),
    (
        "OIM",
        "mention",
        "propose Agradecer a la OIM y a la RROCM por su reporte acerca de las campañas regionales de "
        "comunicación sobre migración de niñas, niños y adolescentes.",
    ),
    (
        "Costa Rica",
        "slash",
        "proponer Tomar nota de la información presentada por Costa Rica acerca de los Talleres "
        "ofrecidos por la Plataforma sobre Desplazamiento en el Contexto de Desastres.",
    ),
    (
        "RROCM",
        "slash",
        "proponer Recibir las propuestas de la RROCM acerca de cómo asegurar la participación efectiva "
        "de la Sociedad Civil para fortalecer la protección consular.",
    ),
    (
        "Panamá",
        "mention",
        "proponer Propuesta de nuevas actividades:\n· Talleres ofrecidos por la Plataforma sobre "
        "Desplazamiento en el Contexto de Desastres\n· Talleres sobre manejo consular de crisis y "
        "lineamientos MICIC",
    ),
    (
        "El Salvador",
        "slash",
        "proponer Solicitar a la Secretaría Técnica un estudio comparativo de costos consulares.",
    ),
]
AMENDED_3 = (
    "Agradecer a las delegaciones de México, Honduras y Guatemala, por sus presentaciones sobre "
    "buenas prácticas en materia de sistemas/plataformas de registro de actuaciones consulares y "
    "casos de protección consular a sus nacionales en el exterior."
)
AMENDED_5 = (
    "Tomar nota de la información presentada por Costa Rica acerca de los Talleres ofrecidos por la "
    "Plataforma sobre Desplazamiento en el Contexto de Desastres. Costa Rica expresó su interés en "
    "ser sede de uno de estos talleres durante el primer semestre de 2017, previa aprobación por "
    "parte de los(as) Viceministros(as)."
)


def who(name: str) -> str:
    return {"OIM": OIM, "RROCM": RROCM}.get(name) or PEOPLE[name]


@pytest.fixture
async def world(service: DraftingService) -> AsyncIterator[SlackWorld]:
    async with slack_world(service) as w:
        yield w


async def test_a_whole_meeting_in_a_slack_channel_ends_with_the_final_report(
    world: SlackWorld, stores: SqlStoreFactory, clock: FakeClock
) -> None:
    w = world
    fake = w.fake

    # ---- setting up: the secretariat creates the meeting and admits everyone ----
    await w.command(ST, MEETING_ES)
    await w.command(ST, "delegaciones " + "; ".join(DELEGATIONS))
    await w.command(ST, "observadores OIM, RROCM")
    for name in DELEGATIONS:
        await w.admit(ST, name, PEOPLE[name])
    await w.admit(ST, "OIM", OIM, join_word="join")
    await w.admit(ST, "RROCM", RROCM)
    await w.admit(ST, "relator", REL)
    await w.admit(ST, "presidencia", PPT)
    assert len(fake.ephemerals_for(ST)) == 14  # every code went to the secretariat only
    joined = [t for t in fake.texts(w.channel) if " se unió a " in t]
    assert len(joined) == 14

    # ---- the points, by slash command and by mention, in both languages ----
    for name, how, text in POINTS:
        if how == "slash":
            await w.command(who(name), text)
        else:
            await w.mention(who(name), text)
    assert await stores.count(PointRow) == 8
    assert len(fake.cards(w.channel)) == 8
    assert [m.block_text().splitlines()[0] for m in fake.cards(w.channel)] == [
        f"Punto {n} — en discusión" for n in range(1, 9)
    ]

    # ---- discussion in point 3's thread; sub-points; an amendment the rapporteur accepts ----
    thread3 = w.card("3").ts
    await w.reply(
        PEOPLE["México"], "Sugerimos incluir la oferta de México de acompañar a los países.", thread3
    )
    await w.reply(OIM, "La OIM puede apoyar el taller virtual.", thread3)
    assert await stores.count(CommentRow) == 2
    await w.command(
        PEOPLE["Guatemala"],
        "subpunto 3 Se agradece la voluntad manifestada por México de acompañar a los países en la "
        "construcción de un Sistema de Registro de Protección Consular.",
    )
    await w.command(
        PEOPLE["Honduras"],
        "subpunto 3 Se encomienda a la Secretaría Técnica de la CRM coordinar un Taller virtual para "
        "el diálogo y consulta sobre la materia.",
    )
    await w.mention(PEOPLE["México"], f"enmendar 3 {AMENDED_3}")
    assert "enmienda" in w.card("3").block_text().lower()
    await w.mention(REL, "aceptar", thread_ts=thread3)  # in the card's thread: no number needed
    card3 = w.card("3").block_text()
    assert "casos de protección consular a sus nacionales en el exterior" in card3
    assert "a. Se agradece la voluntad manifestada por México" in card3
    assert "b. Se encomienda a la Secretaría Técnica" in card3

    # ---- an objection through the modal, answered with an amendment ----
    await w.object(PEOPLE["Nicaragua"], "5", "Falta mencionar el interés de Costa Rica en ser sede.")
    assert (
        "❌ objeta Nicaragua: Falta mencionar el interés de Costa Rica en ser sede."
        in w.card("5").block_text()
    )
    await w.command(PEOPLE["Costa Rica"], f"enmendar 5 {AMENDED_5}")
    await w.command(PEOPLE["Costa Rica"], "aceptar 5")
    assert "❌" not in w.card("5").block_text()  # a new text: positions start again

    # ---- a withdrawal, and a silence procedure on point 6 ----
    await w.command(PEOPLE["El Salvador"], "retirar 8")
    assert w.card("8").block_text().startswith("Punto 8 — retirado")
    await w.command(PPT, "silencio 6 24h")
    assert "silencio" in w.card("6").block_text().splitlines()[0].lower()

    # ---- positions: buttons for most, a typed one, a mention in a thread ----
    for label in ("1", "2", "3", "4", "5", "7"):
        for name in DELEGATIONS:
            if label == "4" and name == "Canadá":
                await w.press(PEOPLE[name], label, "abstain")
            elif label == "5" and name == "Nicaragua":
                await w.command(PEOPLE[name], "aprobar 5")  # the objection is lifted
            elif label == "7" and name == "Panamá":
                await w.mention(PEOPLE[name], "approve", thread_ts=w.card("7").ts)
            else:
                await w.press(PEOPLE[name], label, "approve")
        assert w.card(label).block_text().startswith(f"Punto {label} — adoptado"), w.card(label).block_text()
    assert "➖ se abstiene Canadá" in w.card("4").block_text()

    # ---- the rapporteur moves point 7 before point 6: the cards are renumbered in place ----
    card7_ts = w.card("7").ts
    await w.command(REL, "mover 7 6")
    assert w.card("6").ts == card7_ts
    assert w.card("6").block_text().startswith("Punto 6 — adoptado")

    # ---- a draft, then the silence deadline passes ----
    await w.command(REL, "compilar")
    drafts = [f for f in fake.files.values() if "borrador" in f.filename]
    assert len(drafts) == 1 and drafts[0].shared and drafts[0].channel == w.channel
    draft_text = "\n".join(p.text for p in docx.Document(BytesIO(drafts[0].content)).paragraphs)
    assert "Recibir las propuestas de la RROCM" in draft_text  # still in silence: bracketed in a draft
    clock.advance(hours=25)
    await w.dispatcher.dispatch(await w.service.sweep(), platform="system", origin=None)
    await w.settle()
    assert w.card("7").block_text().startswith("Punto 7 — adoptado")
    assert any("procedimiento de silencio" in t for t in w.thread_texts("7"))

    # ---- finalising, and the final report ----
    await w.command(REL, "finalizar")
    assert any("final" in t.lower() for t in fake.texts(w.channel)[-2:])
    await w.command(ST, "descargar")
    finals = [f for f in fake.files.values() if f.filename.endswith("-final.docx")]
    assert len(finals) == 1
    final = finals[0]
    assert final.shared and final.channel == w.channel and len(final.content) == final.length
    paragraphs = [p.text for p in docx.Document(BytesIO(final.content)).paragraphs if p.text.strip()]
    assert paragraphs[0] == "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)"
    assert "San Pedro Sula, Honduras" in paragraphs and "15 de noviembre, 2016" in paragraphs
    opening = next(p for p in paragraphs if p.startswith("La Red de Funcionarios"))
    assert opening.endswith("Nicaragua, Panamá y República Dominicana.")
    assert not any("[" in p for p in paragraphs)
    body = "\n".join(paragraphs)
    assert "estudio comparativo" not in body  # withdrawn
    order = [
        "Agradecer a las delegaciones de Honduras, México, Guatemala",
        "Agradecer a Honduras por la presentación de la nota conceptual",
        AMENDED_3,
        "Se agradece la voluntad manifestada por México",
        "Se encomienda a la Secretaría Técnica de la CRM coordinar un Taller virtual",
        "Agradecer a la OIM y a la RROCM",
        "Costa Rica expresó su interés en ser sede",
        "Propuesta de nuevas actividades:",
        "Recibir las propuestas de la RROCM",
    ]
    positions = [body.index(fragment) for fragment in order]
    assert positions == sorted(positions), "the points are in the agreed order"
    # nothing the bot said in the channel leaked a code, and the usage reads the Slack way
    assert not any("CODE0" in t for t in fake.texts(w.channel))
    assert any(f"{PREFIX}".strip() in t for t in fake.texts(w.channel))
