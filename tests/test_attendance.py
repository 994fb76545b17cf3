"""Attendance: the report's participants are the delegations that took part — by default those with an
admitted delegate — and the secretariat may set them (issue 9, item 7)."""

from __future__ import annotations

from io import BytesIO

import docx

from drafting.replies import Document
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.db_snapshot import snapshot
from tests.kit import DELEGATIONS, Room, set_up_meeting
from tests.telegram_fake.harness import running_bot
from tests.telegram_fake.harness import set_up_meeting as set_up_on_telegram


async def test_by_default_the_report_lists_only_the_delegations_with_an_admitted_delegate(
    service: DraftingService,
) -> None:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:3])
    # two more member delegations nobody from has joined
    assert (await room.say("st", "delegaciones " + "; ".join(DELEGATIONS[:5]))).ok
    assert (await room.say(people["Canadá"], "proponer Tomar nota.")).ok
    (preview,) = (await room.say(people["Canadá"], "vista")).texts()
    assert "Canadá, Costa Rica y El Salvador" in preview
    assert "Estados Unidos" not in preview and "Guatemala" not in preview
    shown = await room.say(people["Canadá"], "asistencia")
    assert shown.texts() == [
        "Delegaciones participantes (3), las que tienen una persona delegada admitida: "
        "Canadá, Costa Rica y El Salvador. La Secretaría Técnica puede fijarlas con /asistencia A, B y C."
    ]


async def test_the_secretariat_sets_attendance_and_the_compiled_report_names_them(
    service: DraftingService,
) -> None:
    room = Room(service)
    people = await set_up_meeting(room)
    assert (await room.say(people["Canadá"], "proponer Tomar nota.")).ok
    set_ = await room.say("st", "asistencia Canadá, Costa Rica y México")
    assert set_.texts() == [
        "Asistencia registrada (3): Canadá, Costa Rica y México. "
        "El informe las nombra como delegaciones participantes."
    ]
    colon = await room.say("st", "attendance: Canadá, Costa Rica y México")
    assert colon.ok
    seen = await room.say(people["Panamá"], "asistencia")
    assert seen.texts() == [
        "Delegaciones participantes (3), según la Secretaría Técnica: Canadá, Costa Rica y México."
    ]
    (draft,) = [
        d.message for d in (await room.say("rap", "compilar")).deliveries if isinstance(d.message, Document)
    ][:1]
    body = "\n".join(p.text for p in docx.Document(BytesIO(draft.content)).paragraphs)
    assert "Canadá, Costa Rica y México" in body
    assert "Panamá" not in body


async def test_only_the_secretariat_sets_it_and_unknown_names_are_refused_changing_nothing(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:3])
    before = await snapshot(stores)
    delegate = await room.say(people["Canadá"], "asistencia Canadá")
    assert delegate.error == "error.role"
    unknown = await room.say("st", "asistencia Canadá y Belice")
    assert unknown.texts() == [
        "«Belice» no es una delegación miembro de esta reunión. "
        "Delegaciones miembro: Canadá, Costa Rica, El Salvador."
    ]
    observer = await room.say("st", "asistencia OIM")
    assert observer.error == "error.attendance_unknown"
    stranger = await room.say("nobody", "asistencia Canadá")
    assert stranger.error == "error.not_member"
    assert await snapshot(stores) == before


async def test_on_telegram_asistencia_with_a_colon_is_a_command(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = await set_up_on_telegram(run, chat, ["Canadá", "Costa Rica", "México"])
        await run.say(st, chat, "/asistencia: Canadá y México")
        assert (
            "Asistencia registrada (2): Canadá y México. "
            "El informe las nombra como delegaciones participantes." in run.fake.texts(chat["id"])
        )
        await run.say(run.user("Costa Rica"), chat, "/asistencia")
        assert run.fake.texts(chat["id"])[-1] == (
            "Delegaciones participantes (2), según la Secretaría Técnica: Canadá y México."
        )


async def test_a_finished_meetings_attendance_can_be_read_but_not_changed(service: DraftingService) -> None:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:2])
    assert (await room.say(people["Canadá"], "proponer Tomar nota.")).ok
    for who in ("Canadá", "Costa Rica"):
        assert (await room.say(people[who], "aprobar 1")).ok
    assert (await room.say("rap", "finalizar")).ok
    seen = await room.say(people["Canadá"], "asistencia")
    assert seen.ok and "Canadá y Costa Rica" in seen.texts()[0]
    assert (await room.say("st", "asistencia Canadá")).error == "error.final"
