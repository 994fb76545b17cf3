"""A silence procedure read and shown in the meeting's time zone, as the chair wrote it.

The kit's meeting is in San Pedro Sula, Honduras (UTC-6, one zone for the whole country). The test
clock starts on Monday 23 November 2026, 09:00 UTC, which is 03:00 in Honduras.
"""

from __future__ import annotations

from drafting.replies import Text
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import DELEGATIONS, Room, card_in, set_up_meeting

HONDURAS_FRIDAY = "el viernes 27 de noviembre de 2026, 18:00 (hora de Honduras)"


async def _point(service: DraftingService) -> tuple[Room, dict[str, str]]:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:3])
    assert (await room.say(people["Canadá"], "propose Tomar nota del informe.")).ok
    return room, people


async def test_silence_in_plain_words_is_echoed_in_full_in_the_meetings_zone(
    service: DraftingService,
) -> None:
    room, _ = await _point(service)
    started = await room.say("chair", "silencio 1 viernes 18:00")
    assert started.ok, started.texts()
    assert any(f"hasta {HONDURAS_FRIDAY}" in text for text in started.texts())
    assert card_in(started).state_label == f"en procedimiento de silencio hasta {HONDURAS_FRIDAY}"
    listing = (await room.say("chair", "puntos")).texts()[0]
    assert HONDURAS_FRIDAY in listing


async def test_the_deadline_falls_at_the_local_hour_not_the_utc_one(
    service: DraftingService, clock: FakeClock
) -> None:
    room, _ = await _point(service)
    assert (await room.say("chair", "silencio 1 viernes 18:00")).ok
    clock.advance(days=4, hours=14, minutes=59)  # Friday 23:59 UTC = 17:59 in Honduras
    # only the reminders before the deadline, no card: the point is not adopted yet
    assert all(isinstance(d.message, Text) for d in (await service.sweep()).deliveries)
    clock.advance(minutes=2)  # Saturday 00:01 UTC = Friday 18:01 in Honduras
    assert card_in(await service.sweep()).state == "adopted"


async def test_a_zone_set_on_the_meeting_is_used_and_named(service: DraftingService) -> None:
    room, _ = await _point(service)
    assert (await room.say("st", "reunion\nzona: America/Panama")).ok
    started = await room.say("chair", "silencio 1 25 de noviembre a las 12")
    assert card_in(started).state_label.endswith(
        "hasta el miércoles 25 de noviembre de 2026, 12:00 (hora de Panamá)"
    )


async def test_an_english_meeting_reads_english_and_echoes_in_english(service: DraftingService) -> None:
    room, _ = await _point(service)
    assert (await room.say("st", "meeting\nlanguage: en")).ok
    started = await room.say("chair", "silence 1 Friday 6pm")
    assert card_in(started).state_label == (
        "under silence procedure until Friday 27 November 2026, 18:00 (Honduras time)"
    )


async def test_an_unclear_deadline_is_refused_with_examples_and_changes_nothing(
    service: DraftingService,
) -> None:
    room, _ = await _point(service)
    refused = await room.say("chair", "silencio 1 el próximo")
    assert refused.error == "error.bad_deadline"
    assert "viernes 18:00" in refused.texts()[0] and "25 de septiembre" in refused.texts()[0]
    ambiguous = await room.say("chair", "silencio 1 lunes")  # today is a Monday in Honduras
    assert ambiguous.error == "error.deadline_ambiguous"
    far = await room.say("chair", "silencio 1 25 de diciembre de 2027")
    assert far.error == "error.deadline_too_far"
    assert "el sábado 25 de diciembre de 2027, 23:59 (hora de Honduras)" in far.texts()[0]
    assert "Punto 1 — en discusión" in (await room.say("chair", "punto 1")).texts()[0]


async def test_a_meeting_in_a_country_with_several_zones_is_asked_for_its_zone(
    service: DraftingService,
) -> None:
    room, _ = await _point(service)
    assert (await room.say("st", "reunion\nlugar: Ciudad de México, México")).ok
    refused = await room.say("chair", "silencio 1 48h")
    assert refused.error == "error.deadline_needs_zone"
    assert "zona: America/Mexico_City" in refused.texts()[0]
    assert (await room.say("st", "reunion\nzona: America/Mexico_City")).ok
    started = await room.say("chair", "silencio 1 48h")
    assert "(hora de México (Ciudad de México))" in card_in(started).state_label


async def test_a_points_history_shows_local_times(service: DraftingService) -> None:
    room, _ = await _point(service)
    history = (await room.say("chair", "punto 1")).texts()[0]
    assert "2026-11-23 03:00" in history  # proposed at 09:00 UTC
    assert "2026-11-23 09:00" not in history
