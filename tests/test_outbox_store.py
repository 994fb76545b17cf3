"""The shared outbox's store, on SQLite and PostgreSQL: one worker at a time per chat, rows in the order
they were put, a dead worker's chat taken over once its lease runs out, one flood budget per chat
whoever sends, card requests coalesced while they wait (issue 12, item 3)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from storage.outbox_store import Budget, Letter, OutboxStore
from storage.store import SqlStoreFactory

NOW = 1_800_000_000.0
LEASE = 4.0
AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def outbox(any_url: str) -> AsyncIterator[OutboxStore]:
    stores = await SqlStoreFactory.open(any_url)
    try:
        yield OutboxStore(stores, "telegram")
    finally:
        await stores.close()


def text(chat: str, words: str) -> Letter:
    return Letter(chat, "text", {"text": words})


async def test_rows_come_out_in_the_order_they_were_put_with_their_bytes(outbox: OutboxStore) -> None:
    await outbox.put([text("-1", "uno"), text("-2", "otra sala")], AT)
    await outbox.put([Letter("-1", "document", {"filename": "a.docx"}, content=b"PK\x03\x04")], AT)
    await outbox.put([text("-1", "tres")], AT)
    rows = await outbox.waiting("-1")
    assert [r.kind for r in rows] == ["text", "document", "text"]
    assert [r.payload.get("text") for r in rows] == ["uno", None, "tres"]
    assert rows[1].content == b"PK\x03\x04" and not any(r.taken for r in rows)
    assert [r.payload["text"] for r in await outbox.waiting("-2")] == ["otra sala"]


async def test_one_worker_at_a_time_holds_a_chat_until_its_lease_runs_out(outbox: OutboxStore) -> None:
    await outbox.put([text("-1", "hola")], AT)
    assert await outbox.claim("-1", "a", NOW, LEASE) is not None
    assert await outbox.claim("-1", "b", NOW + 1, LEASE) is None
    assert await outbox.claim("-1", "a", NOW + 1, LEASE) is not None  # its own: renewed
    assert await outbox.renew("a", NOW + 3, LEASE) == 1
    assert await outbox.claim("-1", "b", NOW + 6, LEASE) is None  # renewed at 3: held until 7
    assert await outbox.claim("-1", "b", NOW + 7.5, LEASE) is not None  # a stopped renewing
    assert await outbox.renew("a", NOW + 8, LEASE) == 0  # a lost it


async def test_workers_looking_at_once_each_take_different_chats(outbox: OutboxStore) -> None:
    await outbox.put([text(f"-{n}", "hola") for n in range(1, 7)], AT)
    taken = await asyncio.gather(*(outbox.claim_due(w, NOW, LEASE, limit=3) for w in "abc"))
    chats = [chat for claimed in taken for chat in claimed]
    assert sorted(chats) == sorted(f"-{n}" for n in range(1, 7))  # every chat once, none twice
    assert await outbox.claim_due("d", NOW + 1, LEASE) == {}
    # a worker that dies: its chats are due again once its lease has run out
    dead = next(claimed for claimed in taken if claimed)
    await outbox.renew("a", NOW + 2, LEASE)
    await outbox.renew("b", NOW + 2, LEASE)
    await outbox.renew("c", NOW + 2, LEASE)
    assert await outbox.claim_due("d", NOW + 5, LEASE) == {}
    again = await outbox.claim_due("d", NOW + 6.5, LEASE)
    assert set(dead) <= set(again)


async def test_a_chat_without_rows_is_not_due(outbox: OutboxStore) -> None:
    (row,) = await outbox.put([text("-1", "hola")], AT)
    assert await outbox.claim("-1", "a", NOW, LEASE) is not None
    await outbox.finish("-1", "a", [row], Budget(last_sent=NOW))
    await outbox.release("-1", "a", Budget(last_sent=NOW))
    assert await outbox.claim_due("b", NOW + 1, LEASE) == {}


async def test_the_flood_budget_passes_from_one_worker_to_the_next(outbox: OutboxStore) -> None:
    rows = await outbox.put([text("-1", "uno"), text("-1", "dos")], AT)
    assert await outbox.claim("-1", "a", NOW, LEASE) == Budget()
    spent = Budget(last_sent=NOW + 0.5, recent=[NOW, NOW + 0.5], held_until=NOW + 30)
    new, held = await outbox.finish("-1", "a", rows[:1], spent)
    assert held and new == []
    # a dies holding the second row; b takes over with what a spent, 429 hold included
    assert await outbox.claim("-1", "b", NOW + 5, LEASE) == spent
    assert [r.payload["text"] for r in await outbox.waiting("-1")] == ["dos"]
    _, held = await outbox.finish("-1", "a", [], Budget())
    assert not held, "a worker that lost its lease is told so, and its budget is not kept"
    assert await outbox.claim("-1", "c", NOW + 5.5, LEASE) is None


async def test_a_taken_row_stays_marked_for_the_next_worker(outbox: OutboxStore) -> None:
    (row,) = await outbox.put([text("-1", "quizá enviado")], AT)
    await outbox.take([row])
    (waiting,) = await outbox.waiting("-1")
    assert waiting.taken


async def test_finishing_a_row_puts_what_follows_from_it(outbox: OutboxStore) -> None:
    (row,) = await outbox.put([text("42", "privado")], AT)
    assert await outbox.claim("42", "a", NOW, LEASE) is not None
    new, _ = await outbox.finish("42", "a", [row], Budget(), [text("-1", "aviso en el grupo")], AT)
    assert await outbox.waiting("42") == []
    assert [(r.id, r.payload["text"]) for r in await outbox.waiting("-1")] == [(new[0], "aviso en el grupo")]
    assert await outbox.still_waiting([row, *new]) == set(new)


async def test_card_requests_join_the_one_waiting_until_it_is_taken(outbox: OutboxStore) -> None:
    first = await outbox.put_card("-1", 7, forced=False, at=AT)
    assert first is not None
    assert await outbox.put_card("-1", 7, forced=False, at=AT) is None
    assert await outbox.put_card("-1", 7, forced=True, at=AT) is None  # joined, and now forced
    other = await outbox.put_card("-1", 8, forced=False, at=AT)
    rows = await outbox.waiting("-1")
    assert [(r.id, r.point_id, r.forced) for r in rows] == [(first, 7, True), (other, 8, False)]
    await outbox.take([first])  # being drawn: a newer request must not be lost in it
    assert await outbox.put_card("-1", 7, forced=False, at=AT) is not None


async def test_what_waits_for_a_chat_follows_it_to_its_new_id(outbox: OutboxStore) -> None:
    await outbox.put([text("-1", "hola")], AT)
    await outbox.move_chat("-1", "-1001")
    assert await outbox.waiting("-1") == []
    assert [r.payload["text"] for r in await outbox.waiting("-1001")] == ["hola"]
    assert "-1001" in await outbox.claim_due("a", NOW, LEASE)


async def test_row_ids_are_never_reused(outbox: OutboxStore) -> None:
    (first,) = await outbox.put([text("-1", "uno")], AT)
    await outbox.finish("-1", "a", [first], Budget())
    (second,) = await outbox.put([text("-1", "dos")], AT)
    assert second > first
