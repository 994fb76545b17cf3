"""Button presses arriving together are written together (one transaction for many, issue 12), and
each is still recorded exactly once and answered exactly as it would have been one at a time; a press
that fails in such a batch loses and changes none of the others. On SQLite and PostgreSQL.

The reference is the same presses, in the same order, one after another in an identical meeting of
another chat; the burst is the same list handed to the service all at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from drafting import press as fast
from drafting.commands import Command
from drafting.model import ChatRef
from drafting.ports import PressContext, PressStore
from drafting.press import Decision
from drafting.replies import Outcome
from drafting.service import DraftingService
from drafting.turn import Context
from storage.store import SqlStoreFactory
from storage.tables import PositionHistoryRow, PositionRow
from tests.kit import Room, card_in, set_up_meeting

DELEGATIONS = [f"Delegación {n:02d}" for n in range(1, 9)]


@pytest.fixture
async def stores(any_url: str) -> AsyncIterator[SqlStoreFactory]:
    factory = await SqlStoreFactory.open(any_url)
    try:
        yield factory
    finally:
        await factory.close()


class CountedPresses:
    """The factory's press transactions, counted: how many the burst took."""

    def __init__(self, stores: SqlStoreFactory) -> None:
        self.opened = 0
        self._press = stores.press
        stores.press = self.press  # type: ignore[method-assign, assignment]

    def press(self) -> AbstractAsyncContextManager[PressStore]:
        self.opened += 1
        return self._press()


Press = tuple[str, int, str, str, str]  # who, which point (0 or 1), action, reason, dedup key


async def meeting(service: DraftingService, chat: str) -> tuple[Room, dict[str, str], list[int]]:
    room = Room(service, chat=ChatRef("telegram", chat))
    people = await set_up_meeting(room, DELEGATIONS)
    points = [
        card_in(await room.say(people["rapporteur"], f"propose Tomar nota del informe {n}.")).point_id
        for n in (1, 2)
    ]
    return room, people, points


def presses() -> list[Press]:
    """Approvals and objections interleaved over two points, a change of mind, an observer's press
    (refused: the general path answers it), and one update delivered twice."""
    out: list[Press] = []
    for n, name in enumerate(DELEGATIONS):
        action, reason = ("object", f"Falta la cifra {n}.") if n % 3 == 0 else ("approve", "")
        out.append((name, n % 2, action, reason, f"cb:{n}"))
        out.append((name, (n + 1) % 2, "abstain", "", f"cb:{n}:b"))
    out.append((DELEGATIONS[1], 1, "object", "Mejor no.", "cb:again"))
    out.append(("OIM", 0, "approve", "", "cb:observer"))
    out.append((DELEGATIONS[2], 0, "approve", "", "cb:twice"))
    out.append((DELEGATIONS[2], 0, "approve", "", "cb:twice"))
    return out


def answered(outcome: Outcome) -> tuple[bool, bool, str | None, list[str]]:
    return outcome.ok, outcome.duplicate, outcome.error, outcome.texts()


async def press_all(
    room: Room, people: dict[str, str], points: list[int], todo: list[Press], *, at_once: bool
) -> list[Any]:
    def one(who: str, point: int, action: str, reason: str, key: str) -> Any:
        ctx = room.ctx(people[who], dedup_key=f"{room.chat.chat_id}/{key}")  # update ids are global
        return room.service.press(ctx, points[point], action, reason)

    if at_once:
        return list(await asyncio.gather(*(one(*p) for p in todo), return_exceptions=True))
    return [await one(*p) for p in todo]


async def test_a_burst_of_presses_is_written_together_recorded_once_each_and_answered_as_one_by_one(
    stores: SqlStoreFactory, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    service = make_service(stores)
    alone, alone_people, alone_points = await meeting(service, "-100001")
    burst, burst_people, burst_points = await meeting(service, "-100002")
    todo = presses()

    expected = [answered(o) for o in await press_all(alone, alone_people, alone_points, todo, at_once=False)]
    rows_before = await stores.count(PositionRow), await stores.count(PositionHistoryRow)
    counted = CountedPresses(stores)
    got = await press_all(burst, burst_people, burst_points, todo, at_once=True)

    assert [answered(o) for o in got] == expected
    # the same rows as the presses one at a time wrote: each position and its history row once
    assert await stores.count(PositionRow) - rows_before[0] == rows_before[0]
    assert await stores.count(PositionHistoryRow) - rows_before[1] == rows_before[1]
    for n in (0, 1):
        one_by_one, together = await service.card(alone_points[n]), await service.card(burst_points[n])
        assert one_by_one is not None and together is not None
        assert together.as_text() == one_by_one.as_text() and together.version == one_by_one.version
    # and they were written together, not one transaction each
    assert counted.opened < len(todo) // 2, counted.opened


async def test_redelivered_presses_in_a_batch_are_duplicates_and_the_new_ones_beside_them_are_not(
    stores: SqlStoreFactory, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    service = make_service(stores)
    alone, alone_people, alone_points = await meeting(service, "-100001")
    burst, burst_people, burst_points = await meeting(service, "-100002")
    todo = presses()
    first = todo[:4]
    await press_all(alone, alone_people, alone_points, first, at_once=False)
    await press_all(burst, burst_people, burst_points, first, at_once=False)
    again = first[:2] + todo[4:10] + first[2:]  # Telegram delivering some updates a second time
    expected = [answered(o) for o in await press_all(alone, alone_people, alone_points, again, at_once=False)]
    assert sum(duplicate for _, duplicate, _, _ in expected) == len(first)

    got = await press_all(burst, burst_people, burst_points, again, at_once=True)

    assert [answered(o) for o in got] == expected
    for n in (0, 1):
        one_by_one, together = await service.card(alone_points[n]), await service.card(burst_points[n])
        assert one_by_one is not None and together is not None
        assert together.as_text() == one_by_one.as_text() and together.version == one_by_one.version


async def test_a_press_failing_inside_a_batch_changes_nothing_for_the_presses_written_with_it(
    stores: SqlStoreFactory,
    make_service: Callable[[SqlStoreFactory], DraftingService],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = make_service(stores)
    alone, alone_people, alone_points = await meeting(service, "-100001")
    burst, burst_people, burst_points = await meeting(service, "-100002")
    todo = presses()
    failing = next(i for i, p in enumerate(todo) if p[4] == "cb:5")  # one in the middle of the burst
    others = todo[:failing] + todo[failing + 1 :]
    expected = [
        answered(o) for o in await press_all(alone, alone_people, alone_points, others, at_once=False)
    ]
    rows_before = await stores.count(PositionRow), await stores.count(PositionHistoryRow)

    decide = fast.decide

    def breaks_on_one(ctx: Context, command: Command, gathered: PressContext, now: Any) -> Decision | None:
        if ctx.dedup_key == f"{burst.chat.chat_id}/cb:5":
            raise RuntimeError("this press breaks")
        return decide(ctx, command, gathered, now)

    monkeypatch.setattr(fast, "decide", breaks_on_one)
    got = await press_all(burst, burst_people, burst_points, todo, at_once=True)

    assert isinstance(got[failing], RuntimeError)  # the failing press fails as it would alone
    assert [answered(o) for o in got[:failing] + got[failing + 1 :]] == expected
    assert await stores.count(PositionRow) - rows_before[0] == rows_before[0]
    assert await stores.count(PositionHistoryRow) - rows_before[1] == rows_before[1]


async def test_a_press_after_a_batch_was_cancelled_before_it_began_is_still_taken(
    stores: SqlStoreFactory, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    service = make_service(stores)
    room, people, points = await meeting(service, "-100001")
    first = asyncio.ensure_future(room.press(people[DELEGATIONS[0]], points[0], "approve"))
    await asyncio.sleep(0)  # the press is waiting, its batch's task created but not yet begun
    for task in list(service._batches._tasks):
        task.cancel()
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    await asyncio.sleep(0)
    # a generous bound: only a press left waiting forever would reach it
    outcome = await asyncio.wait_for(room.press(people[DELEGATIONS[1]], points[0], "approve"), 60)
    assert outcome.ok and f"{DELEGATIONS[1]} aprueba el punto 1." in outcome.texts()
