"""The redline of the programa and the mesas: their tables, sections and lists with real tracked
changes. Each meeting is played through the service: a draft circulates, then an amendment is
accepted, a row or list is added and one withdrawn, and the rapporteur compiles with the redline.
LibreOffice's own "Accept All" must give the clean new draft and "Reject All" the circulated one,
table cells included."""

from __future__ import annotations

from pathlib import Path

from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from tests.kit import Room
from tests.office import libreoffice_after, libreoffice_count

PROGRAMA = (
    "nuevareunion\ntitulo: Programa de trabajo\nformato: programa\n"
    "lugar: Tegucigalpa, Honduras\nfecha: 2008-11-19"
)
MESAS = (
    "nuevareunion\ntitulo: Mesas de trabajo\nformato: mesas\nlugar: San José, Costa Rica\nfecha: 2016-06-23"
)


def documents(outcome: Outcome) -> list[DocumentReply]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, DocumentReply)]


async def people(room: Room, meeting: str) -> None:
    assert (await room.say("st", meeting)).ok
    assert (await room.say("st", "delegaciones Honduras y México")).ok
    for name, who in (("Honduras", "hn"), ("México", "mx"), ("relator", "rap")):
        assert (await room.admit("st", name, who)).ok


async def check(first: DocumentReply, outcome: Outcome, tmp_path: Path) -> tuple[list[str], list[str]]:
    """Accept All gives the clean draft 2, Reject All draft 1; returns both readings."""
    clean, marked = documents(outcome)
    assert marked.filename.endswith("-v2-cambios.docx")
    assert libreoffice_count(marked.content, tmp_path) >= 3
    accepted = libreoffice_after("accept", marked.content, tmp_path)
    rejected = libreoffice_after("reject", marked.content, tmp_path)
    assert accepted == libreoffice_after("accept", clean.content, tmp_path)
    assert rejected == libreoffice_after("accept", first.content, tmp_path)
    return accepted, rejected


async def test_a_programa_redline_accepts_to_the_new_table_and_rejects_to_the_circulated_one(
    service: DraftingService, tmp_path: Path
) -> None:
    room = Room(service)
    await people(room, PROGRAMA)
    assert (await room.say("mx", "proponer Cooperación entre Funcionarios Consulares")).ok
    assert (
        await room.say("mx", "subpunto 1 Compartir información | Presentaciones de los países | Continuo")
    ).ok
    assert (
        await room.say(
            "hn", "subpunto 1 Promover el intercambio | Actualizar los requisitos de visa | Permanente"
        )
    ).ok
    assert (
        await room.say(
            "hn", "proponer Migración y Salud | Propiciar el intercambio | Foro virtual | Permanente"
        )
    ).ok
    (first,) = documents(await room.say("rap", "compilar"))
    amended = "Compartir buenas prácticas | Presentaciones de los países en cada reunión | Continuo"
    assert (await room.say("mx", f"enmendar 1.a {amended}")).ok
    assert (await room.say("rap", "aceptar 1.a")).ok
    assert (await room.say("hn", "retirar 1.b")).ok
    assert (await room.say("mx", "subpunto 1 Elaborar lineamientos | Remitir insumos | Enero de 2009")).ok
    accepted, rejected = await check(first, await room.say("rap", "compilar cambios"), tmp_path)
    assert any("Presentaciones de los países en cada reunión" in line for line in accepted)
    assert not any("Actualizar los requisitos" in line for line in accepted)
    assert any("Actualizar los requisitos" in line for line in rejected)
    assert not any("Remitir insumos" in line for line in rejected)


async def test_a_mesas_redline_accepts_to_the_new_sections_and_rejects_to_the_circulated_ones(
    service: DraftingService, tmp_path: Path
) -> None:
    room = Room(service)
    await people(room, MESAS)
    assert (await room.say("mx", "proponer Protección Consular y Derechos Humanos")).ok
    assert (
        await room.say(
            "mx",
            "subpunto 1 Buenas prácticas:\n· Fuerza de Tarea en Honduras\n· Semana de derechos laborales",
        )
    ).ok
    assert (
        await room.say(
            "hn", "subpunto 1 Recomendaciones:\na) Homologar políticas públicas\nb) Espacios de diálogo"
        )
    ).ok
    assert (await room.say("hn", "proponer Trata de personas y Tráfico Ilícito de Migrantes")).ok
    assert (
        await room.say(
            "hn",
            "subpunto 2 Trata | Tráfico\n"
            "Guatemala: protocolo de repatriación | Grupos interdisciplinarios en fronteras",
        )
    ).ok
    (first,) = documents(await room.say("rap", "compilar"))
    amended = "Buenas prácticas:\n· Fuerza de Tarea en Honduras\n· Semana de derechos laborales en México"
    assert (await room.say("hn", f"enmendar 1.a {amended}")).ok
    assert (await room.say("rap", "aceptar 1.a")).ok
    assert (await room.say("hn", "retirar 1.b")).ok
    assert (await room.say("mx", "proponer Fortalecimiento del diálogo con la Sociedad Civil")).ok
    accepted, rejected = await check(first, await room.say("rap", "compilar cambios"), tmp_path)
    joined_accepted, joined_rejected = "\n".join(accepted), "\n".join(rejected)
    assert "Semana de derechos laborales en México" in joined_accepted
    assert "Homologar políticas públicas" in joined_rejected and "Homologar" not in joined_accepted
    assert "Fortalecimiento del diálogo" in joined_accepted and "Fortalecimiento" not in joined_rejected
    assert "Guatemala: protocolo de repatriación" in joined_accepted  # the comparison table stands
