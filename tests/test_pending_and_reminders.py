"""Who has not spoken: `pending`, `remind`, and the reminders before a silence deadline (issue 9, items
4 and 5). The kit's meeting is in Honduras (UTC-6); the clock starts Monday 23 November 2026, 09:00 UTC.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from drafting.replies import Outcome, PointCard, Text
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import DELEGATIONS, Room, card_in, set_up_meeting


async def _meeting(service: DraftingService) -> tuple[Room, dict[str, str]]:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:4])
    assert (await room.say(people["Canadá"], "proponer Tomar nota del informe.")).ok
    assert (await room.say(people["Canadá"], "proponer Agradecer a la OIM.")).ok
    assert (await room.say(people["Canadá"], "aprobar 1")).ok
    assert (await room.say(people["Costa Rica"], "objetar 1 Falta contexto")).ok
    return room, people


US = "Estados Unidos de América"


def _reminders(outcome: Outcome) -> list[Text]:
    return [d.message for d in outcome.deliveries if isinstance(d.message, Text) and "🔔" in d.message.text]


async def test_pending_lists_per_open_point_the_delegations_with_no_position(
    service: DraftingService,
) -> None:
    room, _ = await _meeting(service)
    listed = await room.say("someone-outside", "pendientes")
    assert listed.texts() == [
        "Delegaciones sin posición:\n"
        "Punto 1: El Salvador, Estados Unidos de América\n"
        "Punto 2: Canadá, Costa Rica, El Salvador, Estados Unidos de América"
    ]
    one = await room.say("someone-outside", "pendientes 1")
    assert one.texts() == ["Delegaciones sin posición:\nPunto 1: El Salvador, Estados Unidos de América"]


async def test_pending_says_so_when_everyone_has_spoken(service: DraftingService) -> None:
    room, people = await _meeting(service)
    for name in ("El Salvador", US):
        assert (await room.say(people[name], "abstenerse 1")).ok
    assert (await room.say("chair", "pendientes 1")).texts() == [
        "Ninguna delegación miembro está pendiente en el punto 1."
    ]


async def test_remind_mentions_the_silent_delegates_in_every_chat_once_every_ten_minutes(
    service: DraftingService, clock: FakeClock, stores: SqlStoreFactory
) -> None:
    room, people = await _meeting(service)
    second = Room(service, chat=room.chat.__class__("test", "room-2"))
    code_line = (await room.say("st", "invitar chat")).texts()
    code = next(w for t in code_line for w in t.split() if w.startswith("CODE"))
    assert (await second.say("st", f"unirse {code}")).ok
    reminded = await room.say("chair", "recordar 1")
    assert reminded.ok, reminded.texts()
    texts = _reminders(reminded)
    assert len(texts) == 2  # both chats of the meeting
    assert {d.chat.chat_id for d in reminded.deliveries if d.chat is not None} == {"room-1", "room-2"}
    assert texts[0].text == "🔔 Punto 1: falta la posición de El Salvador, Estados Unidos de América."
    assert [m.user.user_id for m in texts[0].mentions] == [people["El Salvador"], people[US]]
    clock.advance(minutes=9)
    before = await snapshot(stores)
    again = await room.say(people["rapporteur"], "recordar 1")
    assert again.error == "error.remind_too_soon"
    assert "podrá recordarse de nuevo en 1 minuto." in again.texts()[0]
    assert await snapshot(stores) == before
    clock.advance(minutes=1)
    assert (await room.say("st", "recordar 1")).ok


async def test_remind_is_refused_when_nobody_is_missing_or_the_point_is_closed(
    service: DraftingService,
) -> None:
    room, people = await _meeting(service)
    for name in ("El Salvador", US):
        assert (await room.say(people[name], "aprobar 1")).ok
    assert (await room.say("chair", "recordar 1")).error == "error.remind_nobody"
    assert (await room.say(people["Costa Rica"], "aprobar 1")).ok  # now adopted
    assert (await room.say("chair", "recordar 1")).error == "error.point_closed"


async def test_reminders_go_out_24_hours_and_1_hour_before_the_deadline_each_once(
    service: DraftingService, clock: FakeClock
) -> None:
    room, _ = await _meeting(service)
    assert (await room.say("chair", "silencio 2 en 48 horas")).ok
    clock.advance(hours=23, minutes=59)
    assert (await service.sweep()).deliveries == ()
    clock.advance(minutes=1)
    first = _reminders(await service.sweep())
    assert [t.text for t in first] == [
        "🔔 Recordatorio: el silencio sobre el punto 2 vence el miércoles 25 de noviembre de 2026, 03:00 "
        "(hora de Honduras). Sin posición aún: Canadá, Costa Rica, El Salvador, Estados Unidos de América."
    ]
    assert len(first[0].mentions) == 4
    assert (await service.sweep()).deliveries == ()
    clock.advance(hours=23)
    assert len(_reminders(await service.sweep())) == 1
    assert (await service.sweep()).deliveries == ()


async def test_a_meeting_key_changes_when_reminders_go_out(
    service: DraftingService, clock: FakeClock
) -> None:
    room, _ = await _meeting(service)
    assert (await room.say("st", "reunion\nrecordatorios: 2h")).ok
    assert (await room.say("chair", "silencio 2 en 48 horas")).ok
    clock.advance(hours=45, minutes=59)
    assert (await service.sweep()).deliveries == ()
    clock.advance(minutes=1)
    assert len(_reminders(await service.sweep())) == 1
    refused = await room.say("st", "reunion\nrecordatorios: pronto")
    assert refused.error == "error.bad_reminders"


async def test_a_sweep_after_the_deadline_adopts_the_point_and_sends_no_reminder(
    service: DraftingService, clock: FakeClock
) -> None:
    room, _ = await _meeting(service)
    assert (await room.say("chair", "silencio 2 en 48 horas")).ok
    clock.advance(hours=49)  # no sweep ran in between: both reminders and the deadline are past
    swept = await service.sweep()
    assert card_in(swept).state == "adopted" and not _reminders(swept)
    assert (await service.sweep()).deliveries == ()


async def test_a_broken_silence_sends_no_reminder(service: DraftingService, clock: FakeClock) -> None:
    room, people = await _meeting(service)
    assert (await room.say("chair", "silencio 2 en 48 horas")).ok
    assert (await room.say(people["Costa Rica"], "objetar 2 No")).ok
    clock.advance(hours=47)
    assert (await service.sweep()).deliveries == ()


async def test_reminders_and_the_deadline_survive_a_restart(
    sqlite_url: str, make_service: Callable[[SqlStoreFactory], DraftingService], clock: FakeClock
) -> None:
    stores = await SqlStoreFactory.open(sqlite_url)
    try:
        room, _ = await _meeting(make_service(stores))
        assert (await room.say("chair", "silencio 2 en 48 horas")).ok
    finally:
        await stores.close()
    clock.advance(hours=47)  # the bot was down when both reminders fell due
    stores = await SqlStoreFactory.open(sqlite_url)
    try:
        service = make_service(stores)
        swept = await service.sweep()
        assert len(_reminders(swept)) == 1  # both fell due while it was down: one says it all
        clock.advance(hours=1)
        adopted = await service.sweep()
        assert card_in(adopted).state == "adopted" and not _reminders(adopted)
    finally:
        await stores.close()
    stores = await SqlStoreFactory.open(sqlite_url)
    try:
        assert (await make_service(stores).sweep()).deliveries == ()
    finally:
        await stores.close()


async def test_two_workers_send_each_reminder_once(
    postgres_url: str, make_service: Callable[[SqlStoreFactory], DraftingService], clock: FakeClock
) -> None:
    one, two = await SqlStoreFactory.open(postgres_url), await SqlStoreFactory.open(postgres_url)
    try:
        first, second = make_service(one), make_service(two)
        room, _ = await _meeting(first)
        assert (await room.say("chair", "silencio 2 en 48 horas")).ok
        sent: list[Text] = []
        for hours in (24, 23):
            clock.advance(hours=hours)
            outcomes = await asyncio.gather(*(s.sweep() for s in (first, second, first, second)))
            sent += [t for o in outcomes for t in _reminders(o)]
        assert len(sent) == 2
        assert not any(isinstance(d.message, PointCard) for o in outcomes for d in o.deliveries)
    finally:
        await one.close()
        await two.close()
