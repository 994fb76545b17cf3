"""A press's card is drawn only when something reads it (issue 12): chat adapters redraw cards from the
database, so the card in a press's outcome mostly goes unread. Read, it is the card of the point as the
press left it, field for field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from drafting import press
from drafting.replies import PointCard
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.kit import Room, card_in, set_up_meeting


async def test_a_press_card_is_drawn_when_read_and_is_the_points_card_as_the_press_left_it(
    stores: SqlStoreFactory,
    make_service: Callable[[SqlStoreFactory], DraftingService],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = make_service(stores)
    room = Room(service)
    people = await set_up_meeting(room)
    proposed = card_in(await room.say(people["rapporteur"], "propose Tomar nota del informe."))
    await room.say(people["Canadá"], f"amend {proposed.label} Tomar nota con aprecio del informe.")
    drawn: list[int] = []
    draw = press.build_card

    async def counting(*args: Any, **kwargs: Any) -> PointCard | None:
        drawn.append(1)
        return await draw(*args, **kwargs)

    monkeypatch.setattr(press, "build_card", counting)
    outcome = await room.press(people["Costa Rica"], proposed.point_id, "object", "Falta consultar")
    assert outcome.ok, outcome.texts()
    card = card_in(outcome)
    assert (card.point_id, card.meeting_id) == (proposed.point_id, proposed.meeting_id) and not drawn
    expected = await service.card(proposed.point_id)
    assert expected is not None
    # the amendments first: a field with a class default must not hide that the card is not drawn yet
    assert card.amendments == expected.amendments != () and len(drawn) == 1
    assert card == expected and card.version == expected.version > proposed.version
    assert "❌ objeta Costa Rica" in card.as_text() and "Falta consultar" in card.as_text()
    assert replace(card, text="otro").text == "otro" and len(drawn) == 1
