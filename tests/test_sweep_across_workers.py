"""The silence sweep on several workers sharing one PostgreSQL: each due silence is claimed with
`FOR UPDATE SKIP LOCKED`, so a sweep never waits behind a point another worker holds (it leaves that
point to the holder, or to its next round), and the adoption is announced once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import text

from drafting.service import DraftingService
from storage.database import make_engine
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.kit import DELEGATIONS, Room, card_in, set_up_meeting

HANG_GUARD = 120.0  # seconds: only a sweep stuck behind the lock ever reaches it


async def test_a_sweep_passes_over_a_silence_another_worker_holds_and_a_later_round_adopts_it_once(
    postgres_url: str, make_service: Callable[[SqlStoreFactory], DraftingService], clock: FakeClock
) -> None:
    factory = await SqlStoreFactory.open(postgres_url)
    other_worker = make_engine(postgres_url)
    try:
        service = make_service(factory)
        room = Room(service)
        people = await set_up_meeting(room, DELEGATIONS[:3])
        point = card_in(await room.say(people["Canadá"], "propose Tomar nota del informe.")).point_id
        assert (await room.say("chair", "silencio 1 24h")).ok
        clock.advance(hours=25)
        async with other_worker.connect() as holder:
            transaction = await holder.begin()
            # another worker is in the middle of its own sweep (or a press) on this point
            await holder.execute(text("SELECT id FROM points WHERE id = :id FOR UPDATE"), {"id": point})
            swept = await asyncio.wait_for(service.sweep(), HANG_GUARD)
            assert swept.deliveries == ()
            await transaction.rollback()
        adopted = await service.sweep()
        assert card_in(adopted).state == "adopted"
        assert any("procedimiento de silencio" in t for t in adopted.texts())
        assert (await service.sweep()).deliveries == ()
    finally:
        await other_worker.dispose()
        await factory.close()
