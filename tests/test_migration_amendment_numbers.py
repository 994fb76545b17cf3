"""Migration 0008_w2_amendments: amendments made before numbers existed are numbered within their
point in the order they were made, and can be named by that number afterwards."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy.engine import Connection

from drafting.service import DraftingService
from storage.database import make_engine
from storage.migrate import alembic_config, upgrade
from storage.store import SqlStoreFactory
from tests.kit import Room, set_up_meeting


def _down_to_before_numbers(connection: Connection) -> None:
    command.downgrade(alembic_config(connection), "0007_w2_positions")


async def test_older_amendments_are_numbered_in_order_within_their_point(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    stores = await SqlStoreFactory.open(any_url)
    room = Room(make_service(stores))
    await set_up_meeting(room, ["Canadá", "Costa Rica"])
    assert (await room.say("d1", "proponer Agradecer a Honduras.")).ok
    assert (await room.say("d1", "proponer Tomar nota.")).ok
    assert (await room.say("d0", "enmendar 1 Agradecer a Honduras y a México.")).ok
    assert (await room.say("d0", "enmendar 2 Tomar debida nota.")).ok
    assert (await room.say("d0", "enmendar 1 Agradecer a Honduras y a Panamá.")).ok
    await stores.close()

    engine = make_engine(any_url)
    try:
        async with engine.begin() as connection:  # the schema without numbers, and up again
            await connection.run_sync(_down_to_before_numbers)
        await upgrade(engine)
    finally:
        await engine.dispose()

    stores = await SqlStoreFactory.open(any_url)
    try:
        room = Room(make_service(stores))
        history = "\n".join((await room.say("d1", "punto 1")).texts())
        assert "Enmienda 1 de Canadá (propuesta)" in history
        assert "Enmienda 2 de Canadá (propuesta)" in history
        assert "Enmienda 1 de Canadá (propuesta): Tomar {+debida +}nota." in "\n".join(
            (await room.say("d1", "punto 2")).texts()
        )
        accepted = await room.say("d1", "aceptar 1 2")
        assert accepted.ok, accepted.texts()
        assert "queda superada" in "\n".join(accepted.texts())
        third = await room.say("d0", "enmendar 1 Agradecer a Panamá.")
        assert "propone la enmienda 3 al punto 1" in third.texts()[0]
    finally:
        await stores.close()
