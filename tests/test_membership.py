"""One delegation or role per person per meeting: a second code never moves anyone, the secretariat
does, on the record, and what a person did before stays with the delegation they did it for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from drafting.model import AuditEntry, UserRef
from drafting.replies import Outcome
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.db_snapshot import snapshot
from tests.kit import Room, card_in, code_in, set_up_meeting

DELEGATIONS = ["Canadá", "Costa Rica", "El Salvador"]
TWO_ANAS = [("u-ana", "Ana Pérez", "Canadá"), ("u-anag", "Ana Gómez", "Costa Rica")]


@pytest.fixture
async def room(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> AsyncIterator[Room]:
    stores = await SqlStoreFactory.open(any_url)
    try:
        room = Room(make_service(stores))
        await set_up_meeting(room, DELEGATIONS)
        yield room
    finally:
        await stores.close()


def stores_of(room: Room) -> SqlStoreFactory:
    stores = room.service.stores
    assert isinstance(stores, SqlStoreFactory)
    return stores


async def as_person(room: Room, user_id: str, name: str, text: str) -> Outcome:
    """A person whose platform name is not their id, as on Telegram and Slack."""
    ctx = room.ctx(user_id)
    ctx = type(ctx)(ctx.chat, UserRef(ctx.chat.platform, user_id, ctx.chat.workspace, name), ctx.prefix)
    return await room.service.handle_text(ctx, text)


def joined(outcome: Outcome) -> str:
    return "\n".join(outcome.texts())


# Members in the order set_up_meeting admits them: 1 st, 2 d0 (Canadá), 3 d1 (Costa Rica), 4 d2 (El
# Salvador), 5 oim, 6 rroocm, 7 rap, 8 chair.


async def test_a_code_for_another_delegation_is_refused_and_says_who_can_move_the_person(room: Room) -> None:
    code = code_in(await room.say("st", "invitar Costa Rica"))
    before = await snapshot(stores_of(room))

    outcome = await room.say("d0", f"unirse {code}")

    assert not outcome.ok
    assert joined(outcome) == (
        "Usted ya participa en esta reunión como Canadá. Cada persona habla por una sola delegación "
        "(o tiene una sola función) por reunión, así que este código para Costa Rica no se usó y no "
        "cambió nada. Si debe cambiar, pídalo a la Secretaría Técnica (st): puede cambiarle con "
        "/miembro 2 Costa Rica."
    )
    assert await snapshot(stores_of(room)) == before
    # The code was not spent: the person it was meant for can still use it.
    assert (await room.say("d9", f"unirse {code}")).ok


async def test_a_second_code_does_not_reattribute_amendments_nor_let_one_approval_adopt(room: Room) -> None:
    """The issue's scenario: Canadá amends, its delegate takes a Costa Rica code, Costa Rica approves;
    with Canadá made "absent" the point was adopted without it."""
    assert (await room.say("d1", "proponer Agradecer a Honduras.")).ok
    assert (await room.say("d2", "aprobar 1")).ok
    assert (await room.say("d0", "enmendar 1 Agradecer a Honduras y a México.")).ok
    assert (await room.say("d0", "comentar 1 Falta México.")).ok
    code = code_in(await room.say("st", "invitar Costa Rica"))
    await room.say("d0", f"unirse {code}")  # refused: see the test above

    history = joined(await room.say("d1", "punto 1"))
    assert "Enmienda 1 de Canadá" in history
    assert "Comentario de Canadá" in history

    approved = await room.say("d1", "aprobar 1")
    assert "adoptado" not in joined(approved)
    card = card_in(approved)
    assert card.state == "open"
    assert ("Canadá", "") in [(p.delegation, p.stance) for p in card.positions]


async def test_a_second_code_for_the_same_delegation_is_a_friendly_no_op(room: Room) -> None:
    code = code_in(await room.say("st", "invitar Canadá"))
    before = await snapshot(stores_of(room))

    outcome = await room.say("d0", f"unirse {code}")

    assert joined(outcome) == (
        "Usted ya participa en «INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE PROTECCIÓN "
        "CONSULAR» como Canadá: no cambió nada y el código no se usó."
    )
    assert await snapshot(stores_of(room)) == before


async def test_a_role_code_for_a_delegate_is_a_switch_and_is_refused(room: Room) -> None:
    code = code_in(await room.say("st", "invitar relator"))
    before = await snapshot(stores_of(room))

    outcome = await room.say("d0", f"unirse {code}")

    assert not outcome.ok
    assert "como Canadá" in joined(outcome)
    assert "/miembro 2 relator" in joined(outcome)
    assert await snapshot(stores_of(room)) == before
    assert "delegado/a" in joined(await room.say("d0", "ayuda"))


async def test_the_secretariat_moves_a_member_and_past_acts_keep_their_delegation(room: Room) -> None:
    assert (await room.say("d1", "proponer Agradecer a Honduras.")).ok
    assert (await room.say("d0", "comentar 1 Falta México.")).ok
    assert (await room.say("d0", "enmendar 1 Agradecer a Honduras y a México.")).ok
    assert (await room.say("d0", "aprobar 1")).ok

    async def positions() -> list[object]:
        tables = await snapshot(stores_of(room))
        return tables["positions"] + tables["position_history"]

    standing = await positions()

    moved = await room.say("st", "miembro 2 Costa Rica")

    assert moved.ok, moved.texts()
    assert joined(moved) == (
        "La Secretaría Técnica cambió a d0: ahora Costa Rica, hasta ahora Canadá. "
        "Lo que d0 hizo antes queda con Canadá. Canadá ya no tiene delegado/a en esta reunión: hasta "
        "que se una otro, cuenta como ausente donde no ha tomado posición; las posiciones que dio se "
        "mantienen."
    )
    assert await positions() == standing
    history = joined(await room.say("d1", "punto 1"))
    assert "Enmienda 1 de Canadá" in history
    assert "Comentario de Canadá" in history
    assert "Costa Rica" not in history.split("Historial:")[1].split("✅")[0]
    card = card_in(await room.say("d1", "aprobar 1"))
    assert ("Canadá", "approve") in [(p.delegation, p.stance) for p in card.positions]
    # From now on d0 speaks for Costa Rica.
    assert "❌ Costa Rica objeta el punto 1: Falta México." in joined(
        await room.say("d0", "objetar 1 Falta México.")
    )
    log = [e for e in await _audit(room) if e.action == "member"]
    assert [(e.user_id, e.detail["old"], e.detail["new"], e.detail["name"]) for e in log] == [
        ("st", "Canadá", "Costa Rica", "d0")
    ]


async def _audit(room: Room) -> list[AuditEntry]:
    async with stores_of(room).transaction() as store:
        meeting = await store.meeting_for_chat(room.chat)
        assert meeting is not None
        return list(await store.audit_log(meeting.id))


async def test_a_moved_member_no_longer_withdraws_what_the_old_delegation_proposed(room: Room) -> None:
    assert (await room.say("d0", "proponer Agradecer a Honduras.")).ok
    assert (await room.say("st", "miembro d0 Costa Rica")).ok

    outcome = await room.say("d0", "retirar 1")

    assert joined(outcome) == "Solo quien propuso el punto 1 (o su delegación) puede hacerlo."


async def test_members_are_named_by_name_with_or_without_a_colon_or_by_platform_id(room: Room) -> None:
    for user_id, name, delegation in TWO_ANAS:
        code = code_in(await room.say("st", f"invitar {delegation}"))
        assert (await as_person(room, user_id, name, f"unirse {code}")).ok  # a second delegate

    by_name = await room.say("st", "miembro ana pérez El Salvador")
    by_colon = await room.say("st", "miembro Ana Gómez: El Salvador")
    by_id = await room.say("st", "miembro @u-ana relator")

    assert joined(by_name).startswith("La Secretaría Técnica cambió a Ana Pérez: ahora El Salvador,")
    assert joined(by_colon).startswith("La Secretaría Técnica cambió a Ana Gómez: ahora El Salvador,")
    assert joined(by_id).startswith("La Secretaría Técnica cambió a Ana Pérez: ahora relator/a,")


async def test_an_ambiguous_or_unknown_name_is_refused_with_the_numbered_members(room: Room) -> None:
    for user_id, name, delegation in TWO_ANAS:
        code = code_in(await room.say("st", f"invitar {delegation}"))
        assert (await as_person(room, user_id, name, f"unirse {code}")).ok
    before = await snapshot(stores_of(room))

    ambiguous = await room.say("st", "miembro Ana El Salvador")
    unknown = await room.say("st", "miembro Beatriz El Salvador")
    nowhere = await room.say("st", "miembro Ana Pérez Narnia")

    assert joined(ambiguous) == (
        "«Ana» puede ser varios miembros:\n9. Ana Pérez — Canadá\n10. Ana Gómez — Costa Rica\n"
        "Indique uno por su número, por ejemplo /miembro <número> El Salvador."
    )
    assert joined(unknown).startswith("Ningún miembro de esta reunión es «Beatriz». Miembros:\n1. st — ")
    assert "\n9. Ana Pérez — Canadá\n" in joined(unknown)
    assert joined(nowhere).startswith("Indique adónde pasa: una delegación (Canadá, Costa Rica, El Salvador,")
    assert "Uso: /miembro <n.º de miembro | nombre | @nombre>" in joined(nowhere)
    assert await snapshot(stores_of(room)) == before


async def test_member_alone_lists_the_members_with_their_numbers(room: Room) -> None:
    listing = joined(await room.say("st", "miembro"))

    assert listing.splitlines()[:4] == [
        "Miembros de «INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE PROTECCIÓN CONSULAR»:",
        "1. st — Secretaría Técnica",
        "2. d0 — Canadá",
        "3. d1 — Costa Rica",
    ]
    assert "7. rap — relator/a" in listing


async def test_moving_a_member_where_they_already_are_changes_nothing(room: Room) -> None:
    before = await snapshot(stores_of(room))

    outcome = await room.say("st", "miembro 2 Canadá")

    assert joined(outcome) == "d0 ya participa como Canadá: no cambió nada."
    assert await snapshot(stores_of(room)) == before


async def test_the_last_secretariat_cannot_move_itself_away(room: Room) -> None:
    before = await snapshot(stores_of(room))

    alone = await room.say("st", "miembro st Canadá")

    assert joined(alone) == (
        "st es la única Secretaría Técnica de la reunión: una reunión no puede quedarse sin ella. "
        "Invite antes a otra secretaría (/invitar secretaria)."
    )
    assert await snapshot(stores_of(room)) == before
    assert (await room.admit("st", "secretaria", "st2")).ok
    assert (await room.say("st", "miembro st Canadá")).ok
    assert "Secretaría Técnica" in joined(await room.say("st2", "ayuda"))


async def test_only_the_secretariat_moves_members(room: Room) -> None:
    outcome = await room.say("d0", "miembro d0 Costa Rica")

    assert outcome.error == "error.role"
    assert "Secretaría Técnica" in joined(outcome)


async def test_a_delegation_left_with_past_acts_but_no_members_cannot_be_dropped(room: Room) -> None:
    assert (await room.say("d0", "proponer Agradecer a Honduras.")).ok
    assert (await room.say("st", "miembro d0 Costa Rica")).ok
    before = await snapshot(stores_of(room))

    outcome = await room.say("st", "delegaciones Costa Rica; El Salvador")

    assert joined(outcome).startswith("No se puede quitar a «Canadá»: ya tiene miembros, o propuestas,")
    assert await snapshot(stores_of(room)) == before


async def test_two_codes_used_at_the_same_moment_make_one_membership(room: Room) -> None:
    canada = code_in(await room.say("st", "invitar Canadá"))
    costa_rica = code_in(await room.say("st", "invitar Costa Rica"))

    outcomes = await asyncio.gather(
        room.say("nuevo", f"unirse {canada}"), room.say("nuevo", f"unirse {costa_rica}")
    )

    assert sorted(o.ok for o in outcomes) == [False, True]
    won = "Canadá" if outcomes[0].ok else "Costa Rica"
    lost = outcomes[1] if outcomes[0].ok else outcomes[0]
    assert joined(lost).startswith(f"Usted ya participa en esta reunión como {won}.")
    listing = joined(await room.say("st", "miembro"))
    assert f"9. nuevo — {won}" in listing.splitlines()


async def test_help_shows_the_command_to_the_secretariat_only(room: Room) -> None:
    secretariat = joined(await room.say("st", "ayuda"))
    delegate = joined(await room.say("d0", "ayuda"))

    assert (
        "/miembro <n.º de miembro | nombre | @nombre> <delegación | relator | presidencia | secretaria>"
        "  (member) — cambia a un miembro de delegación o función; sin más, lista los miembros con su número"
    ) in secretariat.splitlines()
    assert "/miembro" not in delegate


async def test_two_secretariats_moving_each_other_away_at_once_leave_one(room: Room) -> None:
    assert (await room.admit("st", "secretaria", "st2")).ok

    outcomes = await asyncio.gather(
        room.say("st", "miembro st2 Canadá"), room.say("st2", "miembro st Costa Rica")
    )

    assert sorted(o.ok for o in outcomes) == [False, True]
    listing = joined(await room.say("st" if outcomes[0].ok else "st2", "miembro"))
    assert len([line for line in listing.splitlines() if line.endswith("— Secretaría Técnica")]) == 1
