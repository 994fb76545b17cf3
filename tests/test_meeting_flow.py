"""A meeting through the service: what people see as they propose, amend, take positions, adopt."""

from __future__ import annotations

from drafting.model import PointState
from drafting.replies import Document, PointCard, Text
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import PointRow, PositionHistoryRow, PositionRow
from tests.conftest import FakeClock
from tests.kit import DELEGATIONS, Room, card_in, set_up_meeting


async def _meeting(
    service: DraftingService, delegations: list[str] | None = None
) -> tuple[Room, dict[str, str]]:
    room = Room(service)
    people = await set_up_meeting(room, delegations)
    return room, people


async def test_a_proposal_gets_the_next_number_and_a_card_with_buttons(service: DraftingService) -> None:
    room, people = await _meeting(service)
    first = card_in(await room.say(people["México"], "proponer Agradecer a Honduras por la acogida."))
    second = card_in(await room.say(people["OIM"], "propose Tomar nota del informe de la OIM."))
    assert (first.label, second.label) == ("1", "2")
    assert first.text == "Agradecer a Honduras por la acogida."
    assert [b.action for b in first.buttons] == ["approve", "object", "abstain"]
    assert first.state_label == "en discusión"
    assert "10 pendientes" in first.tally


async def test_a_point_is_adopted_when_every_participating_delegation_approves(
    service: DraftingService,
) -> None:
    room, people = await _meeting(service, DELEGATIONS[:3])
    card = card_in(await room.say(people["Canadá"], "propose Agradecer a la OIM."))
    await room.say(people["Canadá"], "approve 1")
    outcome = await room.press(people["Costa Rica"], card.point_id, "approve")
    assert card_in(outcome).state == "open"
    outcome = await room.press(people["El Salvador"], card.point_id, "abstain")
    assert card_in(outcome).state == "adopted"
    assert any("queda adoptado" in text for text in outcome.texts())
    assert card_in(outcome).buttons == ()


async def test_delegations_that_never_joined_do_not_block_consensus(service: DraftingService) -> None:
    room = Room(service)
    await room.say("st", "nuevareunion\ntitulo: INFORME")
    await room.say("st", "delegaciones Canadá, México y Panamá")
    await room.admit("st", "Canadá", "ca")
    await room.admit("st", "México", "mx")
    card = card_in(await room.say("ca", "propose Tomar nota."))
    await room.say("ca", "approve 1")
    outcome = await room.say("mx", "approve 1")
    assert card_in(outcome).state == "adopted"
    assert "1 ausente" in card_in(outcome).tally and "1 ausentes" not in card_in(outcome).tally
    assert card.point_id == card_in(outcome).point_id


async def test_under_unanimity_an_absent_delegation_keeps_the_point_open(service: DraftingService) -> None:
    room = Room(service)
    await room.say("st", "nuevareunion\ntitulo: INFORME\nregla: unanimidad")
    await room.say("st", "delegaciones Canadá y México")
    await room.admit("st", "Canadá", "ca")
    await room.say("ca", "propose Tomar nota.")
    outcome = await room.say("ca", "approve 1")
    assert card_in(outcome).state == "open"


async def test_one_delegation_has_one_position_and_the_latest_stands(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    second_mexican = "mx-2"
    await room.admit("st", "Canadá", second_mexican)
    await room.say(people["México"] if "México" in people else people["Canadá"], "propose Tomar nota.")
    await room.say(people["Canadá"], "object 1 Falta contexto")
    await room.say(second_mexican, "approve 1")
    assert await stores.count(PositionRow) == 1
    assert await stores.count(PositionHistoryRow) == 2
    outcome = await room.say("rap", "item 1")
    text = outcome.texts()[0]
    assert "✅ aprueba Canadá" in text
    assert "❌ Canadá — objeta: Falta contexto" in text


async def test_an_objection_blocks_adoption_until_it_is_withdrawn(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Tomar nota.")
    objection = await room.say(people["Costa Rica"], "objetar 1 Falta mencionar a Costa Rica")
    assert any(
        "❌ Costa Rica objeta el punto 1: Falta mencionar a Costa Rica" in t for t in objection.texts()
    )
    still = await room.say(people["Canadá"], "aprobar 1")
    assert card_in(still).state == "open"
    adopted = await room.say(people["Costa Rica"], "aprobar 1")
    assert card_in(adopted).state == "adopted"


async def test_accepting_an_amendment_replaces_the_text_and_resets_positions(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Tomar nota del informe.")
    await room.say(people["Canadá"], "approve 1")
    proposed = await room.say(people["Costa Rica"], "enmendar 1 Tomar nota con beneplácito del informe.")
    # the card shows what the amendment changes (the brief, issue 9 item 6)
    assert (
        "Enmienda 1 (Costa Rica):\nTomar nota {+con beneplácito +}del informe." in card_in(proposed).as_text()
    )
    accepted = await room.say("rap", "aceptar 1")
    card = card_in(accepted)
    assert card.text == "Tomar nota con beneplácito del informe."
    assert any("las posiciones anteriores ya no cuentan" in t for t in accepted.texts())
    assert await stores.count(PositionRow) == 0
    assert await stores.count(PositionHistoryRow) == 1  # the history keeps what was said


async def test_the_proposer_may_accept_an_amendment_to_their_own_point(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Tomar nota.")
    await room.say(people["Costa Rica"], "amend 1 Tomar nota con aprecio.")
    other = await room.say(people["Costa Rica"], "accept 1")
    assert other.error == "error.not_proposer_or_role"
    mine = await room.say(people["Canadá"], "accept 1")
    assert mine.ok and card_in(mine).text == "Tomar nota con aprecio."


async def test_sub_points_are_lettered_in_order_and_shown_on_the_card(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Agradecer a México.")
    await room.say(people["Canadá"], "sub 1 Se agradece su oferta.")
    outcome = await room.say("oim", "subpunto 1 Se toma nota del taller.")
    assert card_in(outcome).subpoints == ("a. Se agradece su oferta.", "b. Se toma nota del taller.")
    refused = await room.say(people["Canadá"], "approve 1.b")
    assert refused.error == "error.need_whole_point"


async def test_withdrawing_is_for_the_proposer_only(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Tomar nota.")
    refused = await room.say(people["Costa Rica"], "withdraw 1")
    assert refused.error == "error.not_proposer"
    done = await room.say(people["Canadá"], "retirar 1")
    assert card_in(done).state == "withdrawn"
    again = await room.say(people["Canadá"], "retirar 1")
    assert again.error == "error.already_withdrawn"


async def test_move_renumbers_points_and_their_sub_points(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    for text in ("Uno.", "Dos.", "Tres."):
        await room.say(people["Canadá"], f"propose {text}")
    await room.say(people["Canadá"], "sub 3 Tres a.")
    moved = await room.say("rap", "mover 3 1")
    assert moved.ok, moved.texts()
    items = (await room.say("rap", "puntos")).texts()[0]
    assert items.index("1. Tres.") < items.index("2. Uno.") < items.index("3. Dos.")
    item = (await room.say("rap", "punto 1.a")).texts()[0]
    assert "a. Tres a." in item


async def test_silence_adopts_the_point_at_its_deadline_when_nobody_objects(
    service: DraftingService, clock: FakeClock
) -> None:
    room, people = await _meeting(service, DELEGATIONS[:3])
    card = card_in(await room.say(people["Canadá"], "propose Tomar nota."))
    started = await room.say("chair", "silencio 1 24h")
    assert card_in(started).state == "silence"
    clock.advance(hours=22)
    assert (await service.sweep()).deliveries == ()
    clock.advance(hours=3)
    swept = await service.sweep()
    assert card_in(swept).state == "adopted"
    assert card_in(swept).point_id == card.point_id
    assert any("procedimiento de silencio" in t for t in swept.texts())


async def test_an_objection_breaks_the_silence(service: DraftingService, clock: FakeClock) -> None:
    room, people = await _meeting(service, DELEGATIONS[:3])
    await room.say(people["Canadá"], "propose Tomar nota.")
    await room.say("rap", "silence 1 2d")
    broken = await room.say(people["Costa Rica"], "object 1 No estamos de acuerdo")
    assert card_in(broken).state == "open"
    assert any("se rompió" in t for t in broken.texts())
    clock.advance(days=3)
    assert (await service.sweep()).deliveries == ()


async def test_a_silence_needs_a_readable_future_deadline(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Tomar nota.")
    assert (await room.say("chair", "silencio 1 pronto")).error == "error.bad_deadline"
    assert (await room.say("chair", "silencio 1 2001-01-01 10:00")).error == "error.deadline_past"
    assert (await room.say("chair", "silencio 1 90d")).error == "error.deadline_too_far"


async def test_finalize_needs_every_point_adopted_or_withdrawn_then_freezes(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Agradecer a Honduras.")
    await room.say(people["Canadá"], "propose Tomar nota.")
    for who in ("Canadá", "Costa Rica"):
        await room.say(people[who], "approve 1")
    early = await room.say("rap", "finalizar")
    assert early.error == "error.not_all_adopted"
    assert "2 (en discusión)" in early.texts()[0]
    await room.say(people["Canadá"], "withdraw 2")
    final = await room.say("rap", "finalizar")
    assert final.ok, final.texts()
    frozen = await room.say(people["Canadá"], "propose Otro punto.")
    assert frozen.error == "error.final"
    download = await room.say("st", "descargar")
    documents = [d.message for d in download.deliveries if isinstance(d.message, Document)]
    assert documents and documents[0].filename.endswith("-final.docx")
    assert documents[0].content[:2] == b"PK"
    assert await stores.count(PointRow) == 2


async def test_download_before_the_end_says_how_to_get_a_draft(service: DraftingService) -> None:
    room, _ = await _meeting(service, DELEGATIONS[:2])
    outcome = await room.say("st", "descargar")
    assert outcome.error == "error.not_final"
    assert "/compilar" in outcome.texts()[0]


async def test_compile_posts_a_numbered_draft_to_every_chat(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Tomar nota.")
    first = await room.say("rap", "compilar")
    second = await room.say("rap", "compilar")
    names = [
        d.message.filename for o in (first, second) for d in o.deliveries if isinstance(d.message, Document)
    ]
    assert names[0].endswith("borrador-v1.docx") and names[1].endswith("borrador-v2.docx")


async def test_the_same_update_delivered_twice_acts_once(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    first = await room.say(people["Canadá"], "propose Tomar nota.", dedup_key="update-77")
    again = await room.say(people["Canadá"], "propose Tomar nota.", dedup_key="update-77")
    assert first.ok and not first.duplicate
    assert again.duplicate and again.deliveries == ()
    assert await stores.count(PointRow) == 1


async def test_a_refused_update_delivered_again_is_not_answered_again(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    first = await room.say(people["Canadá"], "approve 9", dedup_key="u-1")
    second = await room.say(people["Canadá"], "approve 9", dedup_key="u-1")
    assert first.error == "error.no_points_yet" and first.texts()
    assert second.duplicate and second.deliveries == ()


async def test_an_unknown_point_lists_the_points_that_exist(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    await room.say(people["Canadá"], "propose Uno.")
    await room.say(people["Canadá"], "propose Dos.")
    outcome = await room.say(people["Canadá"], "aprobar 7")
    assert outcome.texts() == ["No existe el punto 7. Puntos existentes: 1, 2."]


async def test_errors_come_in_the_meetings_language(service: DraftingService) -> None:
    room = Room(service)
    await room.say("st", "newmeeting\ntitle: REPORT\nlanguage: en")
    outcome = await room.say("st", "aprobar 3")
    assert outcome.error == "error.role"
    assert outcome.texts()[0].startswith("As Technical Secretariat you cannot use this command")


async def test_an_unknown_meeting_key_lists_the_known_ones(service: DraftingService) -> None:
    room = Room(service)
    outcome = await room.say("st", "nuevareunion\ntitulo: INFORME\ncolor: azul")
    assert outcome.error == "error.unknown_key"
    assert "lugar (place)" in outcome.texts()[0] and "fecha (date)" in outcome.texts()[0]


async def test_an_invite_code_works_once(service: DraftingService) -> None:
    room = Room(service)
    await room.say("st", "nuevareunion\ntitulo: INFORME")
    await room.say("st", "delegaciones México")
    invite = await room.say("st", "invitar México")
    text = invite.texts()[0]
    assert "\n/join CODE" in text
    code = text.rsplit(" ", 1)[-1]
    assert (await room.say("mx", f"unirse {code}")).ok
    assert (await room.say("intruder", f"unirse {code}")).error == "error.bad_code"


async def test_help_lists_only_what_this_user_may_do(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    delegate_help = (await room.say(people["Canadá"], "ayuda")).texts()[0]
    assert "/aprobar <n>" in delegate_help and "/finalizar" not in delegate_help
    rapporteur_help = (await room.say("rap", "help")).texts()[0]
    assert "/finalizar" in rapporteur_help and "/aprobar" not in rapporteur_help
    stranger_help = (await room.say("stranger", "help")).texts()[0]
    assert "/unirse <código>" in stranger_help


async def test_a_chat_without_a_meeting_says_how_to_start_one(service: DraftingService) -> None:
    outcome = await Room(service).say("someone", "proponer Algo")
    assert outcome.error == "error.no_meeting"
    assert "/nuevareunion" in outcome.texts()[0]


async def test_a_card_shows_positions_by_delegation(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:3])
    await room.say(people["Canadá"], "propose Tomar nota.")
    await room.say(people["Canadá"], "approve 1")
    outcome = await room.say(people["Costa Rica"], "object 1 Falta contexto")
    card = card_in(outcome)
    rows = {p.delegation: (p.stance, p.reason) for p in card.positions}
    assert rows == {
        "Canadá": ("approve", ""),
        "Costa Rica": ("object", "Falta contexto"),
        "El Salvador": ("", ""),
    }
    assert isinstance(outcome.deliveries[0].message, Text)
    assert card.state == PointState.OPEN.value
    assert isinstance(card, PointCard)


async def test_every_change_a_card_shows_raises_its_version(service: DraftingService) -> None:
    room, people = await _meeting(service, DELEGATIONS[:2])
    proposed = card_in(await room.say(people["Canadá"], "propose Tomar nota."))
    approved = card_in(await room.say(people["Canadá"], "approve 1"))
    commented = await room.say(people["Costa Rica"], "comment 1 Bien.")
    amended = card_in(await room.say(people["Costa Rica"], "amend 1 Tomar nota con aprecio."))
    assert proposed.version < approved.version < amended.version
    assert not any(isinstance(d.message, PointCard) for d in commented.deliveries)
