"""A button press costs at most 5 SQL statements, the card's redraw included (issue 12), on SQLite and
PostgreSQL, and the press that adopts a point is still taken and worded in full.

The statements are counted with an SQLAlchemy listener on the engine (every statement sent to the
driver: on SQLite the BEGIN too); no timing is measured. A press is what the Telegram adapter does for
an Approve button: `service.press` with the update's key, then the card lane's read
(`card_and_messages`) and its mark (`mark_card_shown`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import event

from drafting.model import ChatRef, UserRef
from drafting.ports import CardMessage
from drafting.service import DraftingService
from drafting.turn import Context
from storage.store import SqlStoreFactory
from tests.kit import Room, card_in, set_up_meeting

DELEGATIONS = ["Belice", "Canadá", "Costa Rica", "El Salvador", "Guatemala", "Honduras"]


@pytest.fixture
async def factory(any_url: str) -> AsyncIterator[SqlStoreFactory]:
    stores = await SqlStoreFactory.open(any_url)
    try:
        yield stores
    finally:
        await stores.close()


class Statements:
    def __init__(self, stores: SqlStoreFactory) -> None:
        self.seen: list[str] = []
        event.listen(stores.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.seen.append(" ".join(statement.split()[:4]))


async def test_a_press_and_its_card_redraw_take_at_most_five_statements(
    factory: SqlStoreFactory, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    service = make_service(factory)
    room = Room(service, chat=ChatRef("telegram", "-100123"))
    people = await set_up_meeting(room, DELEGATIONS)
    card = card_in(await room.say(people["rapporteur"], "propose Tomar nota del informe."))
    await service.save_card_message(CardMessage(card.point_id, room.chat, "777", shown_version=card.version))
    counted = Statements(factory)
    for n, name in enumerate(["Belice", "Canadá", "Costa Rica"]):
        counted.seen.clear()
        ctx = Context(
            room.chat,
            UserRef("telegram", people[name], "", name),
            dedup_key=f"cb:{n}",
            thread_point_id=card.point_id,
        )
        outcome = await service.press(ctx, card.point_id, "approve")
        drawn, messages = await service.card_and_messages(card.point_id)
        assert drawn is not None and [m.message_id for m in messages] == ["777"]
        assert await service.mark_card_shown(card.point_id, room.chat, drawn.version) == drawn.version
        # what the presser and the group see: the acknowledgement, and the card with one more approval
        assert outcome.ok and f"{name} aprueba el punto 1." in outcome.texts(), outcome.texts()
        assert f"✅ aprueba {name}" in drawn.as_text() and drawn.tally.startswith(f"{n + 1} aprueba")
        assert len(counted.seen) <= 5, counted.seen


async def test_the_press_that_adopts_a_point_is_still_announced_and_shown(
    factory: SqlStoreFactory, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    service = make_service(factory)
    room = Room(service, chat=ChatRef("telegram", "-100123"))
    people = await set_up_meeting(room, DELEGATIONS[:2])
    card = card_in(await room.say(people["rapporteur"], "propose Tomar nota del informe."))
    assert (await room.press(people["Belice"], card.point_id, "approve")).ok
    last = await room.press(people["Canadá"], card.point_id, "approve")
    assert "✅ El punto 1 queda adoptado por consenso." in last.texts(), last.texts()
    drawn, _ = await service.card_and_messages(card.point_id)
    assert drawn is not None and drawn.state == "adopted" and not drawn.buttons
