"""`meeting` (`reunion`): seeing the meeting's settings, changing them, and what a new rule changes."""

from __future__ import annotations

from drafting.replies import Outcome, PointCard
from drafting.service import DraftingService
from tests.kit import MEETING, Room, card_in


async def test_meeting_alone_shows_the_current_settings_in_the_meetings_language(
    service: DraftingService,
) -> None:
    room = Room(service)
    await room.say("st", MEETING)
    (text,) = (await room.say("st", "reunion")).texts()
    assert "lugar: San Pedro Sula, Honduras" in text
    assert "fecha: 2016-11-15" in text
    assert "regla: consenso" in text
    assert "objetivo: —" in text
    assert "zona: America/Tegucigalpa (según el lugar)" in text
    await room.say("st", "meeting language: en\nrule: unanimity\ndate: 2017-03-16..2017-03-17")
    (text,) = (await room.say("st", "meeting")).texts()
    assert "place: San Pedro Sula, Honduras" in text
    assert "date: 2017-03-16..2017-03-17" in text
    assert "rule: unanimity" in text


async def test_a_change_is_confirmed_with_the_key_names_of_the_meetings_language(
    service: DraftingService,
) -> None:
    room = Room(service)
    await room.say("st", MEETING)
    (text,) = (await room.say("st", "meeting place: Ciudad de Panamá, Panamá\nkind: extraordinaria")).texts()
    assert text == "Datos de la reunión actualizados: lugar, tipo."
    (text,) = (await room.say("st", "reunion idioma: en\nred: Red de Enlace")).texts()
    assert text == "Meeting details updated: language, network."


async def test_a_looser_rule_adopts_the_open_points_it_now_allows_and_says_which(
    service: DraftingService,
) -> None:
    room = Room(service)
    await room.say("st", "nuevareunion\ntitulo: INFORME\nregla: unanimidad")
    await room.say("st", "delegaciones Canadá, México y Panamá")
    await room.admit("st", "Canadá", "ca")
    await room.admit("st", "México", "mx")
    await room.say("ca", "propose Tomar nota.")
    await room.say("ca", "propose Agradecer a Panamá.")
    await room.say("ca", "propose Solicitar un informe.")
    for label in ("1", "3"):
        await room.say("ca", f"approve {label}")
        assert card_in(await room.say("mx", f"approve {label}")).state == "open"  # Panamá is absent
    outcome = await room.say("st", "reunion regla: consenso")
    assert outcome.ok
    assert "Con la regla de consenso, quedan adoptados los puntos 1 y 3." in outcome.texts()
    adopted = [card.label for card in _cards(outcome) if card.state == "adopted"]
    assert sorted(adopted) == ["1", "3"]
    items = "\n".join((await room.say("ca", "puntos")).texts())
    assert "2. Agradecer a Panamá. — en discusión" in items


async def test_a_stricter_rule_leaves_adopted_points_adopted_and_says_nothing_changed(
    service: DraftingService,
) -> None:
    room = Room(service)
    await room.say("st", "nuevareunion\ntitulo: INFORME")
    await room.say("st", "delegaciones Canadá y México")
    await room.admit("st", "Canadá", "ca")
    await room.say("ca", "propose Tomar nota.")
    assert card_in(await room.say("ca", "approve 1")).state == "adopted"
    outcome = await room.say("st", "meeting rule: unanimity")
    assert outcome.texts()[-1] == (
        "Con la regla de unanimidad, ningún punto abierto cambia de estado; los adoptados siguen adoptados."
    )


def _cards(outcome: Outcome) -> list[PointCard]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, PointCard)]
