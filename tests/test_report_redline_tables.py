"""The redline of the programa and the mesas: their tables, sections and lists with real tracked
changes. Each meeting is played through the service: a draft circulates, then an amendment is
accepted, a row or list is added and one withdrawn, and the rapporteur compiles with the redline.
LibreOffice's own "Accept All" must give the clean new draft and "Reject All" the circulated one,
table cells included. Each change is the delegation's whose amendment or text it was, dated when the
amendment was accepted or the text proposed, as in the informe's redline."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

from docx import Document

from drafting.replies import Document as DocumentReply
from drafting.replies import Outcome
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import Room
from tests.office import libreoffice_after, libreoffice_count

PROGRAMA = (
    "nuevareunion\ntitulo: Programa de trabajo\nformato: programa\n"
    "lugar: Tegucigalpa, Honduras\nfecha: 2008-11-19"
)
MESAS = (
    "nuevareunion\ntitulo: Mesas de trabajo\nformato: mesas\nlugar: San José, Costa Rica\nfecha: 2016-06-23"
)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def revisions(data: bytes) -> set[tuple[str, str, str, str]]:
    """Every revision of a .docx read back: (ins or del, author, date, the text it holds)."""
    # whose each paragraph is goes into the redline only as authors, never as markup of its own
    assert b"urn:draftbot" not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    body = Document(io.BytesIO(data)).element.body
    out: set[tuple[str, str, str, str]] = set()
    for change in body.iter(f"{W}ins", f"{W}del"):
        text = "".join(t.text or "" for t in change.iter(f"{W}t", f"{W}delText"))
        out.add((change.tag.removeprefix(W), change.get(f"{W}author"), change.get(f"{W}date"), text))
    return out


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


async def play_programa(room: Room, clock: FakeClock) -> tuple[DocumentReply, Outcome]:
    """Draft 1 circulates; México's amendment of 1.a is accepted 10:05, Honduras withdraws 1.b, México
    adds a row at 10:10; the rapporteur compiles with the redline at 11:10."""
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
    clock.now += timedelta(minutes=1)
    amended = "Compartir buenas prácticas | Presentaciones de los países en cada reunión | Continuo"
    assert (await room.say("mx", f"enmendar 1.a {amended}")).ok
    clock.now += timedelta(minutes=4)
    assert (await room.say("rap", "aceptar 1.a")).ok
    assert (await room.say("hn", "retirar 1.b")).ok
    clock.now += timedelta(minutes=5)
    assert (await room.say("mx", "subpunto 1 Elaborar lineamientos | Remitir insumos | Enero de 2009")).ok
    clock.now += timedelta(hours=1)
    return first, await room.say("rap", "compilar cambios")


async def test_a_programa_redline_accepts_to_the_new_table_and_rejects_to_the_circulated_one(
    service: DraftingService, clock: FakeClock, tmp_path: Path
) -> None:
    first, outcome = await play_programa(Room(service), clock)
    accepted, rejected = await check(first, outcome, tmp_path)
    assert any("Presentaciones de los países en cada reunión" in line for line in accepted)
    assert not any("Actualizar los requisitos" in line for line in accepted)
    assert any("Actualizar los requisitos" in line for line in rejected)
    assert not any("Remitir insumos" in line for line in rejected)


async def test_a_programa_redline_credits_each_change_to_the_delegation_whose_text_it_was(
    service: DraftingService, clock: FakeClock
) -> None:
    _, outcome = await play_programa(Room(service), clock)
    _, marked = documents(outcome)
    found = revisions(marked.content)
    # México's amendment, dated when the rapporteur accepted it
    assert ("ins", "México", "2026-11-23T09:05:00Z", "buenas prácticas") in found
    assert ("ins", "México", "2026-11-23T09:05:00Z", " en cada reunión") in found
    # the row Honduras withdrew, deleted in its name; the row México added, inserted in its name
    assert any(r[:2] == ("del", "Honduras") and "Actualizar los requisitos" in r[3] for r in found)
    assert any(r[:3] == ("ins", "México", "2026-11-23T09:10:00Z") and "Remitir" in r[3] for r in found)
    assert not any(author == "rap" for _, author, _, _ in found)


async def play_mesas(room: Room, clock: FakeClock) -> tuple[DocumentReply, Outcome]:
    """Draft 1 circulates; Honduras's amendment of 1.a is accepted 10:05, Honduras withdraws 1.b,
    México proposes a third table at 10:10; the rapporteur compiles with the redline at 11:10."""
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
    clock.now += timedelta(minutes=1)
    amended = "Buenas prácticas:\n· Fuerza de Tarea en Honduras\n· Semana de derechos laborales en México"
    assert (await room.say("hn", f"enmendar 1.a {amended}")).ok
    clock.now += timedelta(minutes=4)
    assert (await room.say("rap", "aceptar 1.a")).ok
    assert (await room.say("hn", "retirar 1.b")).ok
    clock.now += timedelta(minutes=5)
    assert (await room.say("mx", "proponer Fortalecimiento del diálogo con la Sociedad Civil")).ok
    clock.now += timedelta(hours=1)
    return first, await room.say("rap", "compilar cambios")


async def test_a_mesas_redline_accepts_to_the_new_sections_and_rejects_to_the_circulated_ones(
    service: DraftingService, clock: FakeClock, tmp_path: Path
) -> None:
    first, outcome = await play_mesas(Room(service), clock)
    accepted, rejected = await check(first, outcome, tmp_path)
    joined_accepted, joined_rejected = "\n".join(accepted), "\n".join(rejected)
    assert "Semana de derechos laborales en México" in joined_accepted
    assert "Homologar políticas públicas" in joined_rejected and "Homologar" not in joined_accepted
    assert "Fortalecimiento del diálogo" in joined_accepted and "Fortalecimiento" not in joined_rejected
    assert "Guatemala: protocolo de repatriación" in joined_accepted  # the comparison table stands


async def test_a_mesas_redline_credits_each_change_to_the_delegation_whose_text_it_was(
    service: DraftingService, clock: FakeClock
) -> None:
    _, outcome = await play_mesas(Room(service), clock)
    _, marked = documents(outcome)
    found = revisions(marked.content)
    # Honduras's amendment, dated when the rapporteur accepted it
    assert ("ins", "Honduras", "2026-11-23T09:05:00Z", " en México") in found
    # the list Honduras withdrew, deleted in its name; México's new table, inserted in its name
    assert any(r[:2] == ("del", "Honduras") and "Homologar" in r[3] for r in found)
    proposed = ("ins", "México", "2026-11-23T09:10:00Z")
    assert any(r[:3] == proposed and "Fortalecimiento" in r[3] for r in found)
    assert not any(author == "rap" for _, author, _, _ in found)
