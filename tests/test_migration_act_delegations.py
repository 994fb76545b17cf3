"""Migration 0003_membership: amendments and comments made before it keep the delegation of their
author, and a move afterwards does not change them."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy.engine import Connection

from drafting.service import DraftingService
from storage.database import make_engine
from storage.migrate import alembic_config, upgrade
from storage.store import SqlStoreFactory
from tests.kit import Room, set_up_meeting


def _to(revision: str) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        if revision == "0002":
            command.downgrade(alembic_config(connection), revision)
        else:
            command.upgrade(alembic_config(connection), revision)

    return run


async def test_acts_from_before_the_migration_keep_their_authors_delegation_after_a_move(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    stores = await SqlStoreFactory.open(any_url)
    room = Room(make_service(stores))
    await set_up_meeting(room, ["Canadá", "Costa Rica"])
    assert (await room.say("d1", "proponer Agradecer a Honduras.")).ok
    assert (await room.say("d0", "comentar 1 Falta México.")).ok
    assert (await room.say("d0", "enmendar 1 Agradecer a Honduras y a México.")).ok
    await stores.close()

    engine = make_engine(any_url)
    try:
        async with engine.begin() as connection:  # back to the schema without the column, and up again
            await connection.run_sync(_to("0002"))
        await upgrade(engine)
    finally:
        await engine.dispose()

    stores = await SqlStoreFactory.open(any_url)
    try:
        room = Room(make_service(stores))
        assert (await room.say("st", "miembro d0 Costa Rica")).ok
        history = "\n".join((await room.say("d1", "punto 1")).texts())
        assert "Enmienda 1 de Canadá (propuesta): Agradecer a Honduras{+ y a México+}." in history
        assert "Comentario de Canadá: Falta México." in history
    finally:
        await stores.close()
