"""The storage port's contract, run unchanged on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from drafting.model import (
    AuditEntry,
    ChatRef,
    DateSpan,
    DelegationKind,
    Meeting,
    Point,
    PointState,
    Position,
    Role,
    Stance,
    UserRef,
)
from drafting.ports import CardMessage, StoredDocument
from storage.store import SqlStore, SqlStoreFactory
from storage.tables import PositionRow

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CHAT = ChatRef("telegram", "-100123")


@pytest.fixture
async def factory(any_url: str) -> AsyncIterator[SqlStoreFactory]:
    stores = await SqlStoreFactory.open(any_url)
    try:
        yield stores
    finally:
        await stores.close()


async def _seed(store: SqlStore) -> tuple[int, int, int, int]:
    """A meeting with one delegation, one member and one point: their ids."""
    meeting = await store.create_meeting(
        Meeting(id=0, title="INFORME", dates=DateSpan(NOW.date(), NOW.date())), NOW
    )
    await store.bind_chat(meeting.id, CHAT, NOW)
    delegation = await store.add_delegation(meeting.id, "México", DelegationKind.MEMBER)
    member = await store.save_member(
        meeting.id, UserRef("telegram", "42", "", "Mariana"), Role.DELEGATE, delegation.id, NOW
    )
    point = await store.add_point(
        Point(
            0,
            meeting.id,
            1,
            "",
            None,
            "Tomar nota.",
            PointState.OPEN,
            member.id,
            delegation.id,
            created_at=NOW,
        )
    )
    return meeting.id, delegation.id, member.id, point.id


async def test_a_meeting_round_trips_with_its_dates_and_title_lines(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting = Meeting(
            id=0,
            title="INFORME",
            bodies=("CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)", "GRUPO REGIONAL (GRCM)"),
            dates=DateSpan(datetime(2017, 3, 16).date(), datetime(2017, 3, 17).date()),
            language="en",
        )
        created = await store.create_meeting(meeting, NOW)
    async with factory.transaction() as store:
        loaded = await store.meeting(created.id)
    assert loaded is not None
    assert loaded.bodies == meeting.bodies
    assert loaded.dates == meeting.dates
    assert loaded.language == "en"
    assert loaded.created_at == NOW


async def test_a_chat_finds_its_meeting_and_follows_a_new_id(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting_id, _, _, point_id = await _seed(store)
        await store.save_card_message(CardMessage(point_id, CHAT, "77", "77"))
    new_chat = ChatRef("telegram", "-100999")
    async with factory.transaction() as store:
        assert await store.move_chat(CHAT, new_chat)
    async with factory.transaction() as store:
        assert await store.meeting_for_chat(CHAT) is None
        found = await store.meeting_for_chat(new_chat)
        assert found is not None and found.id == meeting_id
        assert await store.point_for_message(new_chat, "77") == point_id
        assert await store.chats(meeting_id) == [new_chat]


async def test_an_update_id_is_claimed_once(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        assert await store.claim_update("telegram", "1001", NOW)
    async with factory.transaction() as store:
        assert not await store.claim_update("telegram", "1001", NOW)
        assert await store.claim_update("slack", "1001", NOW)


async def test_a_rolled_back_transaction_leaves_no_claim(factory: SqlStoreFactory) -> None:
    with pytest.raises(RuntimeError):
        async with factory.transaction() as store:
            assert await store.claim_update("telegram", "2002", NOW)
            raise RuntimeError("the command failed")
    async with factory.transaction() as store:
        assert await store.claim_update("telegram", "2002", NOW)


async def test_a_position_is_upserted_and_every_version_kept_in_history(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        _, delegation_id, member_id, point_id = await _seed(store)
        await store.put_position(Position(point_id, delegation_id, member_id, Stance.OBJECT, "no", NOW), 1)
        await store.put_position(Position(point_id, delegation_id, member_id, Stance.APPROVE, "", NOW), 1)
    async with factory.transaction() as store:
        positions = await store.positions(point_id)
        history = await store.position_history(point_id)
    assert [(p.stance, p.reason) for p in positions] == [(Stance.APPROVE, "")]
    assert [p.stance for p in history] == [Stance.OBJECT, Stance.APPROVE]


async def test_the_database_itself_refuses_a_second_position_row(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        _, delegation_id, member_id, point_id = await _seed(store)
    with pytest.raises(IntegrityError):
        async with factory.sessions() as session, session.begin():
            for _ in range(2):
                session.add(
                    PositionRow(
                        point_id=point_id,
                        delegation_id=delegation_id,
                        member_id=member_id,
                        stance="approve",
                        at=NOW,
                    )
                )
                await session.flush()


async def test_an_invite_code_is_taken_by_one_of_many_racing(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting_id, delegation_id, _, _ = await _seed(store)
        await store.add_invite(meeting_id, "h" * 64, Role.DELEGATE, delegation_id, False, NOW)

    async def take() -> bool:
        async with factory.transaction() as store:
            return await store.take_invite("h" * 64, NOW) is not None

    results = await asyncio.gather(*(take() for _ in range(8)))
    assert results.count(True) == 1


async def test_a_member_is_saved_once_per_user_and_takes_the_latest_role(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting_id, _, member_id, _ = await _seed(store)
        again = await store.save_member(
            meeting_id, UserRef("telegram", "42", "", "Mariana"), Role.RAPPORTEUR, None, NOW
        )
        members = await store.members(meeting_id)
    assert again.id == member_id
    assert [(m.role, m.delegation_id) for m in members] == [(Role.RAPPORTEUR, None)]


async def test_the_same_user_id_in_another_workspace_is_another_member(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting_id, _, _, _ = await _seed(store)
        await store.save_member(meeting_id, UserRef("slack", "U1", "T1"), Role.CHAIR, None, NOW)
        assert await store.member(meeting_id, UserRef("slack", "U1", "T2")) is None
        found = await store.member(meeting_id, UserRef("slack", "U1", "T1"))
    assert found is not None and found.role is Role.CHAIR


async def test_points_come_back_in_label_order_and_save_in_bulk(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting_id, delegation_id, member_id, first = await _seed(store)
        second = await store.add_point(
            Point(
                0, meeting_id, 2, "", None, "Dos.", PointState.OPEN, member_id, delegation_id, created_at=NOW
            )
        )
        await store.add_point(
            Point(
                0,
                meeting_id,
                1,
                "a",
                first,
                "Uno a.",
                PointState.OPEN,
                member_id,
                delegation_id,
                created_at=NOW,
            )
        )
        points = await store.points(meeting_id)
        assert [p.label for p in points] == ["1", "1.a", "2"]
        points[0].number, second.number = 2, 1
        points[0].state = PointState.ADOPTED
        await store.save_points([points[0], second])
    async with factory.transaction() as store:
        by_label = await store.point_by_label(meeting_id, 2, "")
    assert by_label is not None and by_label.id == first and by_label.state is PointState.ADOPTED


async def test_due_silences_are_those_whose_deadline_passed(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        _, _, _, point_id = await _seed(store)
        point = await store.point(point_id)
        assert point is not None
        point.state, point.silence_deadline = PointState.SILENCE, NOW + timedelta(hours=1)
        await store.save_points([point])
    async with factory.transaction() as store:
        assert await store.due_silences(NOW) == []
        due = await store.due_silences(NOW + timedelta(hours=2))
    assert [p.id for p in due] == [point_id]
    assert due[0].silence_deadline == NOW + timedelta(hours=1)


async def test_comments_amendments_audit_and_documents_round_trip(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting_id, _, member_id, point_id = await _seed(store)
        await store.add_comment(point_id, member_id, "De acuerdo ✅ עברית", NOW)
        amendment = await store.add_amendment(point_id, member_id, "Nuevo texto", NOW)
        await store.set_amendment_status(amendment.id, "accepted")
        await store.audit(AuditEntry(meeting_id, "propose", "telegram", "42", NOW, point_id, {"label": "1"}))
        await store.save_document(
            StoredDocument(meeting_id, "final", 3, "informe-final.docx", b"PK\x03\x04data", NOW)
        )
    async with factory.transaction() as store:
        assert [c.text for c in await store.comments(point_id)] == ["De acuerdo ✅ עברית"]
        assert [a.status for a in await store.amendments(point_id)] == ["accepted"]
        log = await store.audit_log(meeting_id, point_id)
        document = await store.final_document(meeting_id)
    assert [(e.action, e.detail) for e in log] == [("propose", {"label": "1"})]
    assert document is not None and document.content == b"PK\x03\x04data" and document.version == 3


async def test_a_card_message_is_one_per_chat_and_found_by_thread(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        _, _, _, point_id = await _seed(store)
        await store.save_card_message(CardMessage(point_id, CHAT, "10", "5"))
        await store.save_card_message(CardMessage(point_id, CHAT, "11", "5"))
        await store.link_message(CHAT, "12", point_id)
        cards = await store.card_messages(point_id)
        assert [c.message_id for c in cards] == ["11"]
        assert await store.point_for_thread(CHAT, "5") == point_id
        assert await store.point_for_message(CHAT, "12") == point_id
        assert await store.point_for_message(ChatRef("telegram", "other"), "12") is None


async def test_the_first_card_recorded_for_a_chat_wins(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        _, _, _, point_id = await _seed(store)
        first = await store.save_card_message_if_absent(CardMessage(point_id, CHAT, "10", "10"))
        second = await store.save_card_message_if_absent(CardMessage(point_id, CHAT, "11", "11"))
        assert first.message_id == second.message_id == "10"
        assert await store.point_for_message(CHAT, "11") == point_id


async def test_a_card_that_shows_less_than_its_point_is_stale_until_marked(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        _, _, _, point_id = await _seed(store)
        await store.save_card_message(CardMessage(point_id, CHAT, "10", "", shown_version=0))
        await store.bump_card(point_id)
        await store.bump_card(point_id)
    async with factory.transaction() as store:
        stale = await store.stale_cards("telegram")
        assert [(c.message_id, c.shown_version) for c in stale] == [("10", 0)]
        assert await store.stale_cards("slack") == []
        await store.mark_card_shown(point_id, CHAT, 2)
        await store.mark_card_shown(point_id, CHAT, 1)  # an older edit arriving late changes nothing
    async with factory.transaction() as store:
        assert await store.stale_cards("telegram") == []
        assert (await store.card_messages(point_id))[0].shown_version == 2
