"""Approval ad referendum: subject to the capital's confirmation by a date (issue 9, item 2).

The kit's meeting is in San Pedro Sula, Honduras (UTC-6); the clock starts on Monday 23 November 2026,
09:00 UTC. Three member delegations: Canadá, Costa Rica, El Salvador.
"""

from __future__ import annotations

from collections.abc import Callable

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import DELEGATIONS, Room, card_in, set_up_meeting

UNTIL = "hasta el jueves 10 de diciembre de 2026, 23:59 (hora de Honduras)"


async def _agreed_but_for_el_salvador(service: DraftingService) -> tuple[Room, dict[str, str]]:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:3])
    assert (await room.say(people["Canadá"], "proponer Tomar nota del informe.")).ok
    assert (await room.say(people["Canadá"], "aprobar 1")).ok
    assert (await room.say(people["Costa Rica"], "aprobar 1")).ok
    return room, people


async def test_an_approval_ad_referendum_that_completes_consensus_makes_the_point_adopted_ad_referendum(
    service: DraftingService,
) -> None:
    room, people = await _agreed_but_for_el_salvador(service)
    said = await room.say(people["El Salvador"], "aprobar 1 ad referéndum 10 de diciembre")
    assert said.ok, said.texts()
    card = card_in(said)
    assert card.state_label == "adoptado ad referéndum"
    assert any(p.delegation == "El Salvador" and p.reason == UNTIL for p in card.positions)
    assert any("adoptado ad referéndum: falta la confirmación de El Salvador" in t for t in said.texts())
    listing = (await room.say("st", "puntos")).texts()[0]
    assert "adoptado ad referéndum" in listing


async def test_confirm_by_that_delegation_makes_the_point_adopted(service: DraftingService) -> None:
    room, people = await _agreed_but_for_el_salvador(service)
    assert (await room.say(people["El Salvador"], "aprobar 1 ad referendum 10 de diciembre")).ok
    confirmed = await room.say(people["El Salvador"], "confirmar 1")
    assert confirmed.ok, confirmed.texts()
    assert card_in(confirmed).state == "adopted"
    assert any("El Salvador confirma su aprobación del punto 1." in t for t in confirmed.texts())


async def test_an_objection_by_that_delegation_before_the_date_reopens_the_point(
    service: DraftingService, clock: FakeClock
) -> None:
    room, people = await _agreed_but_for_el_salvador(service)
    assert (await room.say(people["El Salvador"], "aprobar 1 ad referéndum 10 de diciembre")).ok
    clock.advance(days=3)
    objected = await room.say(people["El Salvador"], "objetar 1 La capital no lo acepta")
    assert card_in(objected).state == "open"
    clock.advance(days=30)
    assert (await service.sweep()).deliveries == ()  # its date passes: nothing left to confirm


async def test_the_date_passing_with_no_objection_adopts_it_even_across_a_restart(
    sqlite_url: str, make_service: Callable[[SqlStoreFactory], DraftingService], clock: FakeClock
) -> None:
    stores = await SqlStoreFactory.open(sqlite_url)
    try:
        room, people = await _agreed_but_for_el_salvador(make_service(stores))
        assert (await room.say(people["El Salvador"], "aprobar 1 ad referéndum 10 de diciembre")).ok
    finally:
        await stores.close()
    clock.advance(days=17, hours=20, minutes=58)  # 11 December 05:58 UTC: 10 December, 23:58 in Honduras
    stores = await SqlStoreFactory.open(sqlite_url)  # a new process: only the database remembers
    try:
        service = make_service(stores)
        assert (await service.sweep()).deliveries == ()
        clock.advance(minutes=2)
        swept = await service.sweep()
        assert card_in(swept).state == "adopted"
        assert any("plazo ad referéndum de El Salvador" in t for t in swept.texts())
        assert (await service.sweep()).deliveries == ()
    finally:
        await stores.close()


async def test_the_draft_marks_the_point_with_the_delegation_and_the_date(service: DraftingService) -> None:
    room, people = await _agreed_but_for_el_salvador(service)
    assert (await room.say(people["El Salvador"], "aprobar 1 ad referéndum 10 de diciembre")).ok
    preview = "\n".join((await room.say(people["rapporteur"], "vista")).texts())
    assert "(ad referéndum: El Salvador, hasta el 10 de diciembre de 2026)" in preview


async def test_an_english_meeting_reads_and_marks_it_in_english(service: DraftingService) -> None:
    room, people = await _agreed_but_for_el_salvador(service)
    assert (await room.say("st", "meeting\nlanguage: en")).ok
    said = await room.say(people["El Salvador"], "approve 1 ad referendum 10 December")
    assert card_in(said).state_label == "adopted ad referendum"
    preview = "\n".join((await room.say(people["rapporteur"], "preview")).texts())
    assert "(ad referendum: El Salvador, until 10 December 2026)" in preview


async def test_without_a_date_or_with_nothing_to_confirm_it_is_refused_and_nothing_changes(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, people = await _agreed_but_for_el_salvador(service)
    before = await snapshot(stores)
    no_date = await room.say(people["El Salvador"], "aprobar 1 ad referéndum")
    assert no_date.error == "error.need_ad_referendum_date"
    assert "aprobar 3 ad referéndum 10 de diciembre" in no_date.texts()[0]
    other_words = await room.say(people["El Salvador"], "aprobar 1 con reservas")
    assert other_words.error == "error.extra_words"
    nothing = await room.say(people["Canadá"], "confirmar 1")
    assert nothing.error == "error.no_ad_referendum"
    assert "Canadá no tiene una aprobación ad referéndum pendiente" in nothing.texts()[0]
    past = await room.say(people["El Salvador"], "aprobar 1 ad referéndum 2026-11-01")
    assert past.error == "error.deadline_past"
    assert await snapshot(stores) == before
