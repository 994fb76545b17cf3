"""Delegations taking positions at the same moment are counted exactly, once each."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import PositionHistoryRow, PositionRow
from tests.conftest import FakeClock
from tests.kit import Room, card_in, set_up_meeting

TWENTY = [f"Delegación {n:02d}" for n in range(1, 21)]


async def test_twenty_delegations_approving_at_once_adopt_the_point_exactly_once(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    stores = await SqlStoreFactory.open(any_url)
    try:
        room = Room(make_service(stores))
        people = await set_up_meeting(room, TWENTY)
        card = card_in(await room.say(people[TWENTY[0]], "propose Tomar nota."))
        outcomes = await asyncio.gather(
            *(room.press(people[name], card.point_id, "approve") for name in TWENTY)
        )
        assert all(o.ok for o in outcomes), [o.texts() for o in outcomes if not o.ok]
        adopted_announcements = [t for o in outcomes for t in o.texts() if "queda adoptado" in t]
        assert len(adopted_announcements) == 1
        assert await stores.count(PositionRow) == 20
        assert await stores.count(PositionHistoryRow) == 20
        final_card = await room.service.card(card.point_id)
        assert final_card is not None and final_card.state == "adopted"
        assert "20 aprueban" in final_card.tally
    finally:
        await stores.close()


async def test_changing_positions_concurrently_keeps_one_row_per_delegation(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    stores = await SqlStoreFactory.open(any_url)
    try:
        room = Room(make_service(stores))
        people = await set_up_meeting(room, TWENTY)
        card = card_in(await room.say(people[TWENTY[0]], "propose Tomar nota."))
        # each delegation first objects, then abstains, all interleaved; the two members of one
        # delegation never make it two rows
        requests = []
        for name in TWENTY:
            requests.append(room.press(people[name], card.point_id, "object", "Motivo"))
            requests.append(room.press(people[name], card.point_id, "abstain"))
        outcomes = await asyncio.gather(*requests)
        assert all(o.ok for o in outcomes)
        assert await stores.count(PositionRow) == 20
        assert await stores.count(PositionHistoryRow) == 40
    finally:
        await stores.close()


async def test_two_workers_on_one_sqlite_file_never_see_database_is_locked(sqlite_url: str) -> None:
    first = await SqlStoreFactory.open(sqlite_url)
    second = await SqlStoreFactory.open(sqlite_url)
    try:
        clock = FakeClock()
        codes = iter(f"CODE{n:06d}" for n in range(1, 9999))
        setup_room = Room(DraftingService(first, clock=clock, new_code=lambda: next(codes)))
        people = await set_up_meeting(setup_room, TWENTY)
        card = card_in(await setup_room.say(people[TWENTY[0]], "propose Tomar nota."))
        rooms = [setup_room, Room(DraftingService(second, clock=clock))]
        outcomes = await asyncio.gather(
            *(rooms[i % 2].press(people[name], card.point_id, "approve") for i, name in enumerate(TWENTY))
        )
        assert [o.error for o in outcomes if not o.ok] == []
        assert await first.count(PositionRow) == 20
    finally:
        await first.close()
        await second.close()
