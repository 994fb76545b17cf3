"""The process's SQLite writers take turns in order of arrival; an urgent one (the Slack inbox's
INSERT, which an acknowledgement waits for) goes before those waiting; a waiter given up on is
skipped without stopping the others."""

from __future__ import annotations

import asyncio

from storage.writer_turns import WriterTurns


async def _writer(turns: WriterTurns, name: str, order: list[str], *, urgent: bool = False) -> None:
    async with turns.turn(urgent=urgent):
        order.append(name)
        await asyncio.sleep(0)


async def test_an_urgent_writer_goes_before_those_waiting_but_after_the_one_writing() -> None:
    turns, order = WriterTurns(), list[str]()
    release = asyncio.Event()

    async def first() -> None:
        async with turns.turn():
            order.append("writing")
            await release.wait()

    holder = asyncio.create_task(first())
    await asyncio.sleep(0)
    queued = [asyncio.create_task(_writer(turns, f"queued {n}", order)) for n in range(3)]
    await asyncio.sleep(0)
    urgent = asyncio.create_task(_writer(turns, "urgent", order, urgent=True))
    await asyncio.sleep(0)
    assert order == ["writing"]
    release.set()
    await asyncio.gather(holder, *queued, urgent)
    assert order == ["writing", "urgent", "queued 0", "queued 1", "queued 2"]


async def test_a_waiter_cancelled_while_waiting_leaves_the_turns_to_the_others() -> None:
    turns, order = WriterTurns(), list[str]()
    async with turns.turn():
        gone = asyncio.create_task(_writer(turns, "gone", order))
        later = asyncio.create_task(_writer(turns, "later", order))
        await asyncio.sleep(0)
        gone.cancel()
    # the turn passed on (over the cancelled waiter) before `gone` saw its cancellation
    async with asyncio.timeout(5):  # a guard against a hang, not a measure
        await later
        await asyncio.gather(gone, return_exceptions=True)
        await _writer(turns, "after", order)
    assert gone.cancelled() and order == ["later", "after"]


async def test_a_waiter_cancelled_just_as_it_was_given_the_turn_passes_it_on() -> None:
    turns, order = WriterTurns(), list[str]()
    async with turns.turn():
        gone = asyncio.create_task(_writer(turns, "gone", order))
        await asyncio.sleep(0)
        later = asyncio.create_task(_writer(turns, "later", order))
        await asyncio.sleep(0)
    gone.cancel()  # handed the turn, cancelled before it ran
    async with asyncio.timeout(5):  # a guard against a hang, not a measure
        await later
        await asyncio.gather(gone, return_exceptions=True)
        await _writer(turns, "after", order)
    assert gone.cancelled() and order == ["later", "after"]
