"""Bracketed text in a meeting: shown numbered, it holds a point back until the chair settles it."""

from __future__ import annotations

from sqlalchemy import select

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import AuditRow
from tests.kit import DELEGATIONS, Room, card_in, set_up_meeting

BRACKETED = "Solicitar a [la ST / la PPT] que presente [antes de la próxima reunión] un informe."


async def _meeting(service: DraftingService) -> tuple[Room, dict[str, str]]:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:2])
    return room, people


async def _everyone_approves(room: Room, people: dict[str, str]) -> None:
    for name in DELEGATIONS[:2]:
        assert (await room.say(people[name], "aprobar 1")).ok


async def test_a_bracketed_point_is_shown_numbered_and_not_adopted_even_when_all_approve(
    service: DraftingService,
) -> None:
    room, people = await _meeting(service)
    card = card_in(await room.say(people["Canadá"], "proponer " + BRACKETED))
    assert card.text == (
        "Solicitar a [1: la ST / la PPT] que presente [2: antes de la próxima reunión] un informe."
    )
    await _everyone_approves(room, people)
    shown = card_in(await room.say(people["Canadá"], "aprobar 1"))
    assert shown.state == "open"
    assert "No puede adoptarse todavía: 2 corchetes sin resolver" in shown.tally
    item = (await room.say("chair", "punto 1")).texts()[0]
    assert "[1: la ST / la PPT]" in item


async def test_resolving_the_last_bracket_changes_the_text_and_resets_positions(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, people = await _meeting(service)
    await room.say(people["Canadá"], "proponer " + BRACKETED)
    await _everyone_approves(room, people)
    first = await room.say("chair", "resolver 1 1 2")
    assert first.ok, first.texts()
    expected = "Solicitar a la PPT que presente [1: antes de la próxima reunión] un informe."
    assert card_in(first).text == expected
    assert "2 aprueban" not in card_in(first).tally  # positions were on the old text
    last = await room.say("rap", "resolve 1 1 -")
    assert card_in(last).text == "Solicitar a la PPT que presente un informe."
    assert "corchete" not in card_in(last).tally
    await _everyone_approves(room, people)
    items = (await room.say("chair", "puntos")).texts()[0]
    assert "adoptado" in items
    async with stores.sessions() as session:
        rows = (await session.execute(select(AuditRow).where(AuditRow.action == "resolve"))).scalars().all()
    texts = [(r.detail["old"], r.detail["new"]) for r in rows]
    assert (BRACKETED, "Solicitar a la PPT que presente [antes de la próxima reunión] un informe.") in texts


async def test_a_bracket_in_a_sub_point_holds_the_point_back(service: DraftingService) -> None:
    room, people = await _meeting(service)
    await room.say(people["Canadá"], "proponer Tomar nota de lo siguiente:")
    shown = card_in(await room.say(people["Canadá"], "subpunto 1 Talleres [en 2027 / en 2028]."))
    assert shown.subpoints == ("a. Talleres [1: en 2027 / en 2028].",)
    await _everyone_approves(room, people)
    assert card_in(await room.say(people["Canadá"], "aprobar 1")).state == "open"
    settled = await room.say("chair", "resolver 1.a 1 1")
    assert card_in(settled).subpoints == ("a. Talleres en 2027.",)
    await room.say(people["Canadá"], "aprobar 1")
    assert card_in(await room.say(people["Costa Rica"], "aprobar 1")).state == "adopted"


async def test_brackets_that_cannot_be_numbered_are_refused_with_an_example(service: DraftingService) -> None:
    room, people = await _meeting(service)
    unclosed = "proponer Solicitar a [la ST / la PPT que presente un informe."
    refused = await room.say(people["Canadá"], unclosed)
    assert refused.error == "error.bracket_unbalanced"
    assert "Ejemplo: Solicitar a [la ST / la PPT]" in refused.texts()[0]
    assert (await room.say("chair", "puntos")).error is None
    assert "1." not in (await room.say("chair", "puntos")).texts()[0]
    await room.say(people["Canadá"], "proponer Tomar nota.")
    nested = await room.say(people["Costa Rica"], "enmendar 1 Tomar [nota [del] informe].")
    assert nested.error == "error.bracket_nested"


async def test_a_wrong_bracket_or_choice_is_refused_and_changes_nothing(service: DraftingService) -> None:
    room, people = await _meeting(service)
    await room.say(people["Canadá"], "proponer " + BRACKETED)
    assert (await room.say("chair", "resolver 1 3 1")).error == "error.bracket_missing"
    assert (await room.say("chair", "resolver 1 1 5")).error == "error.bracket_choice"
    assert (await room.say("chair", "resolver 1 x 1")).error == "error.need_bracket"
    assert (await room.say(people["Canadá"], "resolver 1 1 1")).error == "error.role"
    assert "[1: la ST / la PPT]" in (await room.say("chair", "punto 1")).texts()[0]


async def test_silence_waits_for_the_brackets(service: DraftingService) -> None:
    room, people = await _meeting(service)
    await room.say(people["Canadá"], "proponer " + BRACKETED)
    refused = await room.say("chair", "silencio 1 48h")
    assert refused.error == "error.silence_with_brackets"
    assert "/resolver 1" in refused.texts()[0]
