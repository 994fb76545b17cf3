"""The store's press path (`press_context`, `record_press`, `point_snapshot`, `mark_card_shown_latest`),
one contract run unchanged on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from drafting.model import (
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
from drafting.ports import CardMessage, PressRecord
from storage.store import SqlStore, SqlStoreFactory
from storage.tables import PositionHistoryRow, PositionRow, ProcessedUpdateRow

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CHAT = ChatRef("telegram", "-100123")
OTHER_CHAT = ChatRef("slack", "C1", "T1")


@pytest.fixture
async def factory(any_url: str) -> AsyncIterator[SqlStoreFactory]:
    stores = await SqlStoreFactory.open(any_url)
    try:
        yield stores
    finally:
        await stores.close()


async def _seed(store: SqlStore) -> tuple[int, int, int, int, int]:
    """A meeting in two chats with two member delegations (one delegate each) and a point with a
    sub-point and an open amendment; returns the ids (meeting, delegation 1, member 1, delegation 2,
    point)."""
    meeting = await store.create_meeting(
        Meeting(id=0, title="INFORME", dates=DateSpan(NOW.date(), NOW.date())), NOW
    )
    await store.bind_chat(meeting.id, CHAT, NOW)
    await store.bind_chat(meeting.id, OTHER_CHAT, NOW)
    mexico = await store.add_delegation(meeting.id, "México", DelegationKind.MEMBER)
    honduras = await store.add_delegation(meeting.id, "Honduras", DelegationKind.MEMBER)
    await store.add_delegation(meeting.id, "OIM", DelegationKind.OBSERVER)
    first = await store.save_member(
        meeting.id, UserRef("telegram", "42", "", "Mariana"), Role.DELEGATE, mexico.id, NOW
    )
    await store.save_member(
        meeting.id, UserRef("telegram", "43", "", "Jorge"), Role.DELEGATE, honduras.id, NOW
    )
    point = await store.add_point(
        Point(0, meeting.id, 1, "", None, "Tomar nota.", PointState.OPEN, first.id, mexico.id, created_at=NOW)
    )
    sub = await store.add_point(
        Point(
            0,
            meeting.id,
            1,
            "a",
            point.id,
            "Del informe.",
            PointState.OPEN,
            first.id,
            mexico.id,
            created_at=NOW,
        )
    )
    await store.add_amendment(sub.id, first.id, "Del informe anual.", NOW, mexico.id, base="Del informe.")
    await store.put_position(Position(point.id, honduras.id, first.id, Stance.OBJECT, "No.", NOW), 1)
    return meeting.id, mexico.id, first.id, honduras.id, point.id


async def test_a_press_context_gathers_the_meeting_the_point_and_everything_its_card_shows(
    factory: SqlStoreFactory,
) -> None:
    async with factory.transaction() as store:
        meeting_id, mexico, _member, honduras, point_id = await _seed(store)
    async with factory.transaction() as store:
        gathered = await store.press_context(CHAT, "telegram", "cb:1", point_id)
    assert gathered is not None and not gathered.claimed
    snap = gathered.snapshot
    assert snap.meeting.id == meeting_id and snap.meeting.title == "INFORME"
    assert snap.meeting.dates == DateSpan(NOW.date(), NOW.date())
    assert (snap.point.id, snap.point.text, snap.point.state) == (point_id, "Tomar nota.", PointState.OPEN)
    assert [d.name for d in snap.delegations] == ["México", "Honduras", "OIM"]
    assert [(m.user.user_id, m.delegation_id) for m in snap.members] == [("42", mexico), ("43", honduras)]
    assert snap.chats == (CHAT, OTHER_CHAT)
    assert [(p.delegation_id, p.stance, p.reason) for p in snap.positions] == [
        (honduras, Stance.OBJECT, "No.")
    ]
    assert [(c.letter, c.text) for c in snap.children] == [("a", "Del informe.")]
    assert [(a.point_id, a.text, a.number) for a in snap.amendments] == [
        (snap.children[0].id, "Del informe anual.", 1)
    ]


async def test_a_points_snapshot_holds_no_amendment_of_another_points_sub_point(
    factory: SqlStoreFactory,
) -> None:
    async with factory.transaction() as store:
        meeting_id, mexico, member, _honduras, point_id = await _seed(store)
        other = await store.add_point(
            Point(0, meeting_id, 2, "", None, "Otro.", PointState.OPEN, member, mexico, created_at=NOW)
        )
        other_sub = await store.add_point(
            Point(0, meeting_id, 2, "a", other.id, "Otro sub.", PointState.OPEN, member, mexico, None, NOW)
        )
        await store.add_amendment(other_sub.id, member, "Otro sub, enmendado.", NOW, mexico, base="Otro sub.")
    async with factory.transaction() as store:
        gathered = await store.press_context(CHAT, "telegram", "cb:1", point_id)
        snap = await store.point_snapshot(point_id)
        other_snap = await store.point_snapshot(other.id)
    assert gathered is not None and snap is not None and other_snap is not None
    assert [a.text for a in gathered.snapshot.amendments] == ["Del informe anual."]
    assert [a.text for a in snap.amendments] == ["Del informe anual."]
    assert [a.text for a in other_snap.amendments] == ["Otro sub, enmendado."]


async def test_a_press_context_is_none_outside_the_points_meeting_and_says_when_the_update_was_seen(
    factory: SqlStoreFactory,
) -> None:
    async with factory.transaction() as store:
        *_, point_id = await _seed(store)
        assert await store.claim_update("telegram", "cb:seen", NOW)
    async with factory.transaction() as store:
        assert await store.press_context(ChatRef("telegram", "-999"), "telegram", None, point_id) is None
        assert await store.press_context(CHAT, "telegram", None, point_id + 100) is None
        seen = await store.press_context(CHAT, "telegram", "cb:seen", point_id)
        assert seen is not None and seen.claimed


async def test_recording_a_press_writes_claim_position_history_and_the_next_card_version_once(
    factory: SqlStoreFactory,
) -> None:
    async with factory.transaction() as store:
        _meeting, mexico, member, _honduras, point_id = await _seed(store)
        before = await store.point(point_id)
        assert before is not None
    position = Position(point_id, mexico, member, Stance.APPROVE, "", NOW)
    record = PressRecord("telegram", "cb:7", position, 1, before.card_version)
    async with factory.transaction() as store:
        assert await store.record_press(record, NOW) == before.card_version + 1
    async with factory.transaction() as store:
        assert not await store.claim_update("telegram", "cb:7", NOW)
        assert [(p.delegation_id, p.stance) for p in await store.positions(point_id)][-1] == (
            mexico,
            Stance.APPROVE,
        )
        assert (await store.position_history(point_id))[-1] == position
        after = await store.point(point_id)
        assert after is not None and after.card_version == before.card_version + 1
    counts = [await factory.count(t) for t in (PositionRow, PositionHistoryRow, ProcessedUpdateRow)]
    assert counts == [2, 2, 1]


async def test_a_card_snapshot_holds_where_the_card_is_posted_and_marking_it_shown_never_goes_back(
    factory: SqlStoreFactory,
) -> None:
    async with factory.transaction() as store:
        *_, point_id = await _seed(store)
        await store.bump_card(point_id)
        await store.bump_card(point_id)
        await store.save_card_message(CardMessage(point_id, CHAT, "777", "", shown_version=0))
    async with factory.once() as store:
        snap = await store.point_snapshot(point_id)
        assert await store.point_snapshot(point_id + 100) is None
    assert snap is not None and snap.card_messages == (CardMessage(point_id, CHAT, "777", "", 0),)
    assert snap.point.card_version == 2
    async with factory.once(writes=True) as store:
        assert await store.mark_card_shown_latest(point_id, CHAT, 2) == 2
    async with factory.once(writes=True) as store:
        assert await store.mark_card_shown_latest(point_id, CHAT, 1) == 2  # an older draw marks nothing
        assert await store.mark_card_shown_latest(point_id, OTHER_CHAT, 1) == 2  # no card there
    async with factory.read() as store:
        assert [c.shown_version for c in await store.card_messages(point_id)] == [2]


async def test_a_press_that_waited_for_the_points_lock_reads_what_its_holder_wrote(
    factory: SqlStoreFactory,
) -> None:
    async with factory.transaction() as store:
        _meeting, mexico, member, _honduras, point_id = await _seed(store)
    holding, done = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with factory.transaction() as store:
            await store.point(point_id, lock=True)
            holding.set()
            await asyncio.sleep(0.3)  # the other transaction starts its read meanwhile, and waits
            await store.put_position(Position(point_id, mexico, member, Stance.ABSTAIN, "", NOW), 1)
            await store.bump_card(point_id)
        done.set()

    async def presser() -> list[Stance]:
        await holding.wait()
        async with factory.transaction() as store:
            gathered = await store.press_context(CHAT, "telegram", None, point_id)
        assert done.is_set() and gathered is not None
        return [p.stance for p in gathered.snapshot.positions]

    _, stances = await asyncio.gather(holder(), presser())
    assert sorted(stances) == [Stance.ABSTAIN, Stance.OBJECT]
