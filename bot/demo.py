"""`draftbot demo`: a whole meeting played through the console adapter on the SQLite default.

The points are those of a real report of the Liaison Officers Network for Consular Protection
(San Pedro Sula, 15 November 2016), so the output can be set beside the institution's own.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.console import ConsoleAdapter
from bot.wiring import open_service
from drafting.replies import Outcome, PointCard

DELEGATIONS = [
    "Canadá",
    "Costa Rica",
    "El Salvador",
    "Estados Unidos de América",
    "Guatemala",
    "Honduras",
    "México",
    "Nicaragua",
    "Panamá",
    "República Dominicana",
]
OBSERVERS = ["OIM", "RROCM"]

# who speaks for each delegation in the demo
PEOPLE = {
    "Canadá": "Claire",
    "Costa Rica": "Andrés",
    "El Salvador": "Beatriz",
    "Estados Unidos de América": "John",
    "Guatemala": "Lucía",
    "Honduras": "Óscar",
    "México": "Mariana",
    "Nicaragua": "Ernesto",
    "Panamá": "Itzel",
    "República Dominicana": "Rosa",
    "OIM": "Ana (OIM)",
    "RROCM": "Pedro (RROCM)",
}

POINTS = [
    (
        "México",
        "Agradecer a las delegaciones de Honduras, México, Guatemala, República Dominicana, Canadá, "
        "Panamá y Estados Unidos, por sus informes relativos a buenas prácticas y avances relacionadas con "
        "la protección consular en el marco de la corresponsabilidad.",
    ),
    (
        "Honduras",
        "Agradecer a Honduras por la presentación de la nota conceptual y tomar nota del "
        "ofrecimiento de Honduras y México para ser sede del Taller de “Trabajadores Temporales "
        "Migratorios”. Se le encomienda a la Secretaría Técnica de la CRM la búsqueda de financiamiento "
        "para este taller.\nSe agradece a la delegación de México su ofrecimiento de compartir la "
        "experiencia del proyecto “Semana de Derechos Laborales” en dicho Taller.",
    ),
    (
        "Guatemala",
        "Agradecer a las delegaciones de México, Honduras y Guatemala, por sus presentaciones "
        "sobre buenas prácticas en materia de sistemas/plataformas de registro de actuaciones consulares.",
    ),
    (
        "OIM",
        # a bracket: two wordings offered until the rapporteur settles it with `resolver 4 1 1`
        "Agradecer a la OIM y a la RROCM por su [reporte / informe] acerca de las campañas regionales de "
        "comunicación sobre migración de niñas, niños y adolescentes.",
    ),
    (
        "Costa Rica",
        "Tomar nota de la información presentada por Costa Rica acerca de los Talleres "
        "ofrecidos por la Plataforma sobre Desplazamiento en el Contexto de Desastres.",
    ),
    (
        "RROCM",
        "Recibir las propuestas de la RROCM acerca de cómo asegurar la participación efectiva de la "
        "Sociedad Civil para fortalecer la protección consular.",
    ),
    (
        "Panamá",
        "Propuesta de nuevas actividades:\n· Talleres ofrecidos por la Plataforma sobre "
        "Desplazamiento en el Contexto de Desastres\n· Talleres sobre manejo consular de crisis y "
        "lineamientos MICIC",
    ),
    ("El Salvador", "Solicitar a la Secretaría Técnica un estudio comparativo de costos consulares."),
]


class DemoClock:
    """The demo's own time, so a 24-hour silence procedure passes in an instant."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def _code(outcome: Outcome) -> str:
    for text in outcome.texts():
        match = re.search(r"join (\S+)", text)
        if match:
            return match.group(1)
    raise RuntimeError(f"no invitation code in {outcome.texts()}")


def _card_id(outcome: Outcome) -> int:
    for delivery in outcome.deliveries:
        if isinstance(delivery.message, PointCard):
            return delivery.message.point_id
    raise RuntimeError("no card")


async def run_demo(out_dir: Path, db_url: str | None = None, *, quiet: bool = False) -> Path:
    """Plays the meeting; returns the path of the final .docx."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if db_url is None:
        db_path = out_dir / "demo.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        db_url = f"sqlite:///{db_path}"
    # 09:00 in San Pedro Sula (UTC-6), so deadlines in plain words read as the delegates meant them
    clock = DemoClock(datetime(2016, 11, 15, 15, 0, tzinfo=UTC))
    service, stores = await open_service(db_url, clock=clock)
    lines: list[str] = []
    console = ConsoleAdapter(
        service,
        out_dir,
        write=(lines.append if quiet else print),
        before_each=lambda: clock.advance(timedelta(seconds=40)),
    )
    try:
        st, rel, ppt = "Secretaría (ST)", "Relatora", "PPT Honduras"
        await console.say(
            st,
            "nuevareunion\n"
            "titulo: INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE PROTECCIÓN CONSULAR\n"
            "organismos: CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM); GRUPO REGIONAL DE CONSULTA SOBRE "
            "MIGRACIÓN (GRCM)\n"
            "red: Red de Funcionarios de Enlace de Protección Consular\n"
            "tipo: ordinaria\n"
            "lugar: San Pedro Sula, Honduras\n"
            "fecha: 2016-11-15\n"
            "previo: Grupo Regional de Consulta sobre Migración (GRCM)",
        )
        await console.say(st, "delegaciones " + "; ".join(DELEGATIONS))
        await console.say(st, "observadores " + ", ".join(OBSERVERS))
        for name in [*DELEGATIONS, *OBSERVERS]:
            code = _code(await console.say(st, f"invitar {name}"))
            await console.say(PEOPLE[name], f"unirse {code}")
        await console.say(rel, f"unirse {_code(await console.say(st, 'invitar relator'))}")
        await console.say(ppt, f"unirse {_code(await console.say(st, 'invitar presidencia'))}")

        ids: list[int] = []
        for who, text in POINTS:
            ids.append(_card_id(await console.say(PEOPLE[who], f"proponer {text}")))

        # discussion, sub-points and an amendment on point 3
        await console.say(
            PEOPLE["México"], "comentar 3 Sugerimos incluir la oferta de México de acompañar a los países."
        )
        await console.say(
            PEOPLE["Guatemala"],
            "subpunto 3 Se agradece la voluntad manifestada por México de acompañar "
            "a los países en la construcción de un Sistema de Registro de Protección Consular.",
        )
        await console.say(
            PEOPLE["Honduras"],
            "subpunto 3 Se encomienda a la Secretaría Técnica de la CRM coordinar "
            "un Taller virtual para el diálogo y consulta sobre la materia.",
        )
        await console.say(
            PEOPLE["México"],
            "enmendar 3 Agradecer a las delegaciones de México, Honduras y Guatemala, "
            "por sus presentaciones sobre buenas prácticas en materia de sistemas/plataformas de registro "
            "de actuaciones consulares y casos de protección consular a sus nacionales en el exterior.",
        )
        # a second amendment stands beside the first (numbered 2) until the rapporteur rejects it
        await console.say(
            PEOPLE["Panamá"],
            "enmendar 3 Agradecer a las delegaciones de México, Honduras y Guatemala por sus presentaciones.",
        )
        await console.say(rel, "rechazar 3 2")
        await console.say(rel, "aceptar 3")

        # an objection, then withdrawn once the text is fixed
        await console.say(
            PEOPLE["Nicaragua"], "objetar 5 Falta mencionar el interés de Costa Rica en ser sede."
        )
        await console.say(
            PEOPLE["Costa Rica"],
            "enmendar 5 Tomar nota de la información presentada por Costa Rica acerca de "
            "los Talleres ofrecidos por la Plataforma sobre Desplazamiento en el Contexto de Desastres. "
            "Costa Rica expresó su interés en ser sede de uno de estos talleres durante el primer "
            "semestre de 2017, previa aprobación por parte de los(as) Viceministros(as).",
        )
        await console.say(PEOPLE["Costa Rica"], "aceptar 5")

        # point 4 holds a bracket: an approval is recorded, but the card says why it is not adopted
        # until the rapporteur settles the bracket (the text changes, so positions start again)
        await console.press(PEOPLE["México"], ids[3], "approve")
        await console.say(rel, "resolver 4 1 1")

        # point 8 is withdrawn by its proposer; point 6 goes to a silence procedure
        await console.say(PEOPLE["El Salvador"], "retirar 8")
        # the deadline as people write it, read in the meeting's zone (Honduras)
        await console.say(ppt, "silencio 6 mañana a las 18:00")

        for index, point_id in enumerate(ids[:7], start=1):
            if index == 6:
                continue
            for delegation in DELEGATIONS:
                if index == 4 and delegation == "Canadá":
                    await console.press(PEOPLE[delegation], point_id, "abstain")
                elif index == 5 and delegation == "Nicaragua":
                    await console.say(PEOPLE[delegation], "aprobar 5")  # the objection is withdrawn
                elif index == 2 and delegation == "Guatemala":
                    # subject to its capital's confirmation: point 2 stands adopted ad referendum
                    await console.say(PEOPLE[delegation], "aprobar 2 ad referéndum 10 de diciembre")
                else:
                    await console.press(PEOPLE[delegation], point_id, "approve")

        await console.say(PEOPLE["Guatemala"], "confirmar 2")  # the capital confirms: adopted
        await console.say(ppt, "pendientes 6")
        await console.say(ppt, "recordar 6")  # mentions the delegates who have not spoken

        await console.say(rel, "mover 7 6")
        await console.say(rel, "puntos")
        await console.say(rel, "compilar")

        # a day and an hour before the silence deadline (16 November, 18:00 in Honduras, 24:00 UTC)
        # every chat gets its reminder; then the deadline passes
        for hour in (
            datetime(2016, 11, 16, 0, 30, tzinfo=UTC),
            datetime(2016, 11, 16, 23, 30, tzinfo=UTC),
            datetime(2016, 11, 17, 0, 30, tzinfo=UTC),
        ):
            clock.advance(hour - clock.now)
            for delivery in (await service.sweep()).deliveries:
                console.deliver(delivery, "draftbot")

        await console.say(rel, "punto 3")
        await console.say(rel, "finalizar")
        await console.say(st, "descargar")
    finally:
        await stores.close()
    finals = [p for p in console.documents if p.name.endswith("-final.docx")]
    if not finals:
        raise RuntimeError("the demo did not produce a final report:\n" + "\n".join(lines[-20:]))
    return finals[-1]
