"""On SQLite, a command that only reads (a card redraw, a thread lookup, the meeting's language) does
not wait for a write in progress: it reads the last committed state while the writer holds the lock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from drafting.model import ChatRef
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import ProcessedUpdateRow
from tests.kit import Room, card_in, set_up_meeting

# Far longer than any read takes on a loaded machine; reaching it means the read was waiting for the
# writer (which only finishes after the read returns), not that it was slow.
GENEROUS = 60.0


async def test_reads_complete_while_a_write_transaction_is_held_open(
    tmp_path: Path, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    stores = await SqlStoreFactory.open(f"sqlite:///{tmp_path / 'draftbot.db'}")
    try:
        room = Room(make_service(stores))
        people = await set_up_meeting(room)
        delegate = people["rapporteur"]
        card = card_in(await room.say(delegate, "propose Tomar nota del informe."))
        service = room.service

        async with stores.transaction() as writer:
            # The writer holds SQLite's write lock (and the process's writer queue) until the reads end.
            assert await writer.claim_update("test", "held-open", service.clock())

            async def reads() -> tuple[object, ...]:
                return (
                    await service.card(card.point_id),
                    await service.card_messages(card.point_id),
                    await service.stale_cards("test"),
                    await service.point_for_thread(room.chat, "no-such-thread"),
                    await service.language_for(room.chat),
                )

            shown, _messages, _stale, thread_point, language = await asyncio.wait_for(reads(), GENEROUS)

        assert shown is not None and shown.point_id == card.point_id and shown.state == card.state
        assert thread_point is None
        assert language == "es"
        assert await service.language_for(ChatRef("test", "no-meeting-here")) == "es"
    finally:
        await stores.close()


async def test_a_read_sees_the_last_committed_state_not_the_open_write(tmp_path: Path) -> None:
    stores = await SqlStoreFactory.open(f"sqlite:///{tmp_path / 'draftbot.db'}")
    try:

        async def claims_seen() -> int:
            async with stores.read() as reader:
                return await reader.count(ProcessedUpdateRow)

        async with stores.transaction() as writer:
            await writer.claim_update("test", "uncommitted", datetime.now(UTC))
            # Not committed yet: a reader does not see the claim, and is not held up by it.
            assert await asyncio.wait_for(claims_seen(), GENEROUS) == 0
        async with stores.read() as reader:
            assert await reader.count(ProcessedUpdateRow) == 1
    finally:
        await stores.close()
