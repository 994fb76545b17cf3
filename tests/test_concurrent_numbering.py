"""Points proposed at the same moment (several workers on PostgreSQL) get distinct numbers and letters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import select

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import PointRow
from tests.kit import Room, card_in, set_up_meeting

TEN = [f"Delegación {n:02d}" for n in range(1, 11)]


async def _labels(stores: SqlStoreFactory) -> list[tuple[int, str]]:
    async with stores.engine.connect() as conn:
        rows = await conn.execute(select(PointRow.number, PointRow.letter))
        return sorted((number, letter) for number, letter in rows)


async def test_points_proposed_at_once_are_numbered_one_after_another(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    stores = await SqlStoreFactory.open(any_url)
    try:
        room = Room(make_service(stores))
        people = await set_up_meeting(room, TEN)
        outcomes = await asyncio.gather(
            *(room.say(people[name], f"propose Tomar nota del informe {i}.") for i, name in enumerate(TEN))
        )
        assert all(o.ok for o in outcomes), [o.texts() for o in outcomes if not o.ok]
        assert await _labels(stores) == [(n, "") for n in range(1, 11)]
        assert sorted(card_in(o).label for o in outcomes) == sorted(str(n) for n in range(1, 11))

        subs = await asyncio.gather(
            *(room.say(people[name], f"sub 1 Inciso {i}.") for i, name in enumerate(TEN[:5]))
        )
        assert all(o.ok for o in subs), [o.texts() for o in subs if not o.ok]
        assert [label for label in await _labels(stores) if label[0] == 1] == [
            (1, ""),
            *((1, letter) for letter in "abcde"),
        ]
    finally:
        await stores.close()
