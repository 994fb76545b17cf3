"""Migration 0010_press_position_audit: positions taken before it had an audit row besides their
history row; afterwards the audit trail shows each of them once, as it shows the new ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from alembic import command
from sqlalchemy.engine import Connection

from drafting.service import DraftingService
from storage.database import make_engine
from storage.migrate import alembic_config, upgrade
from storage.store import SqlStoreFactory
from storage.tables import AuditRow
from tests.kit import Room, card_in, set_up_meeting


def _down_to_before(connection: Connection) -> None:
    command.downgrade(alembic_config(connection), "0009_wa_sent")


async def test_positions_audited_before_the_migration_show_once_in_the_trail(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    stores = await SqlStoreFactory.open(any_url)
    room = Room(make_service(stores))
    people = await set_up_meeting(room, ["Canadá", "Costa Rica", "Panamá"])
    card = card_in(await room.say(people["Canadá"], "proponer Tomar nota del informe."))
    assert (await room.press(people["Canadá"], card.point_id, "approve")).ok
    meeting_id = card.meeting_id
    await stores.close()

    engine = make_engine(any_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_down_to_before)
        stores = SqlStoreFactory(engine)
        # as the code before the migration logged it: an audit row besides the history row
        async with stores.transaction() as store:
            store.s.add(
                AuditRow(
                    meeting_id=meeting_id,
                    point_id=card.point_id,
                    at=datetime(2016, 11, 15, 10, tzinfo=UTC),
                    platform="test",
                    user_id=people["Canadá"],
                    action="approve",
                    detail={"label": "1", "delegation": "Canadá", "reason": ""},
                )
            )
        await upgrade(engine)
    finally:
        await engine.dispose()

    stores = await SqlStoreFactory.open(any_url)
    try:
        room = Room(make_service(stores))
        assert (await room.press(people["Costa Rica"], card.point_id, "object", "Falta un párrafo.")).ok
        async with stores.read() as store:
            trail = [
                (e.action, e.detail.get("delegation"))
                for e in await store.audit_log(meeting_id, card.point_id)
            ]
        assert trail == [("propose", None), ("approve", "Canadá"), ("object", "Costa Rica")]
    finally:
        await stores.close()
