"""Amendments that show what they change: several open per point, numbered for good, accepted or
rejected one at a time; whoever proposed one that is rejected or overtaken is told (issue 9, item 6)."""

from __future__ import annotations

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import DELEGATIONS, Room, card_in, set_up_meeting

POINT = "proponer Tomar nota del informe de la ST."
FIRST = "enmendar 1 Tomar debida nota del informe presentado por la ST."
SECOND = "enmendar 1 Tomar nota del informe de la PPT."


async def _two_amendments(service: DraftingService) -> tuple[Room, dict[str, str]]:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:4])
    assert (await room.say(people["Canadá"], POINT)).ok
    assert (await room.say(people["Costa Rica"], FIRST)).ok
    assert (await room.say(people["El Salvador"], SECOND)).ok
    return room, people


async def test_a_second_amendment_stands_beside_the_first_and_the_card_shows_both_numbered(
    service: DraftingService,
) -> None:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:4])
    await room.say(people["Canadá"], POINT)
    await room.say(people["Costa Rica"], FIRST)
    card = card_in(await room.say(people["El Salvador"], SECOND))
    text = card.as_text()
    assert (
        "Enmienda 1 (Costa Rica):\nTomar {+debida +}nota del informe [-de-]{+presentado por+} la ST." in text
    )
    assert "Enmienda 2 (El Salvador):\nTomar nota del informe de la [-ST-]{+PPT+}." in text
    assert [a.number for a in card.amendments] == [1, 2]


async def test_an_amendment_keeps_its_number_after_another_is_rejected(service: DraftingService) -> None:
    room, people = await _two_amendments(service)
    rejected = await room.say(people["Canadá"], "rechazar 1 1")
    assert rejected.ok, rejected.texts()
    assert [a.number for a in card_in(rejected).amendments] == [2]
    third = await room.say(people["Estados Unidos de América"], "enmendar 1 Tomar nota del informe.")
    assert "propone la enmienda 3 al punto 1" in third.texts()[0]
    accepted = await room.say("rap", "aceptar 1 2")
    assert accepted.ok, accepted.texts()
    assert card_in(accepted).text == "Tomar nota del informe de la PPT."


async def test_the_proposer_of_a_rejected_amendment_is_told(service: DraftingService) -> None:
    room, _people = await _two_amendments(service)
    outcome = await room.say("rap", "reject 1 1")
    assert "La enmienda 1 de Costa Rica al punto 1 fue rechazada." in outcome.texts()


async def test_accepting_one_overtakes_the_others_and_their_proposers_are_told(
    service: DraftingService,
) -> None:
    room, people = await _two_amendments(service)
    outcome = await room.say(people["Canadá"], "aceptar 1 1")
    assert outcome.ok, outcome.texts()
    said = "\n".join(outcome.texts())
    assert "Enmienda 1 aceptada en el punto 1." in said
    assert "La enmienda 2 de El Salvador al punto 1 queda superada" in said
    assert card_in(outcome).amendments == ()
    again = await room.say(people["Canadá"], "aceptar 1 2")
    assert again.error == "error.amendment_not_open"
    assert "fue superada" in again.texts()[0]


async def test_with_several_open_the_number_is_required_and_nothing_changes_without_it(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, _people = await _two_amendments(service)
    before = await snapshot(stores)
    for command in ("aceptar 1", "rechazar 1", "aceptar 1 7", "aceptar 1 x"):
        outcome = await room.say("rap", command)
        assert not outcome.ok, command
    assert (await room.say("rap", "aceptar 1")).texts() == [
        "El punto 1 tiene varias enmiendas abiertas (1, 2). Diga cuál, por ejemplo /aceptar 1 1."
    ]
    assert "no tiene una enmienda 7" in (await room.say("rap", "aceptar 1 7")).texts()[0]
    assert await snapshot(stores) == before


async def test_only_the_rapporteur_or_the_points_proposer_may_reject(service: DraftingService) -> None:
    room, people = await _two_amendments(service)
    other = await room.say(people["Costa Rica"], "rechazar 1 2")
    assert other.error == "error.not_proposer_or_role"
    chair = await room.say("chair", "reject 1 2")
    assert chair.error == "error.not_proposer_or_role"
    assert (await room.say(people["Canadá"], "rechazar 1 2")).ok


async def test_the_history_shows_each_amendment_its_changes_and_the_old_text_in_local_time(
    service: DraftingService, clock: FakeClock
) -> None:
    room, people = await _two_amendments(service)
    clock.advance(hours=2)  # 11:00 UTC is 05:00 in San Pedro Sula (America/Tegucigalpa, UTC-6)
    assert (await room.say("rap", "aceptar 1 2")).ok
    history = (await room.say(people["Canadá"], "punto 1")).texts()[-1]
    assert (
        "2026-11-23 05:00  Enmienda 2 aceptada. Texto anterior: «Tomar nota del informe de la ST.»" in history
    )
    assert "Enmienda 2 de El Salvador (aceptada): Tomar nota del informe de la [-ST-]{+PPT+}." in history
    assert "Enmienda 1 de Costa Rica (superada): Tomar {+debida +}nota" in history


async def test_an_amendment_to_a_sub_point_is_shown_on_its_points_card(service: DraftingService) -> None:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:2])
    await room.say(people["Canadá"], "proponer Agradecer a México.")
    await room.say(people["Canadá"], "subpunto 1 Se agradece su oferta.")
    outcome = await room.say(people["Costa Rica"], "enmendar 1.a Se agradece su generosa oferta.")
    assert (
        "Enmienda 1 al 1.a (Costa Rica):\nSe agradece su {+generosa +}oferta." in card_in(outcome).as_text()
    )
    accepted = await room.say(people["Canadá"], "aceptar 1.a 1")
    assert "a. Se agradece su generosa oferta." in card_in(accepted).subpoints


async def test_the_same_text_twice_is_refused_with_the_number_it_already_has(
    service: DraftingService,
) -> None:
    room, people = await _two_amendments(service)
    again = await room.say(people["Estados Unidos de América"], SECOND)
    assert again.texts() == ["Ese texto ya está propuesto para el punto 1: es la enmienda 2."]
