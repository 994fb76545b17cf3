"""On SQLite, another process holding the write lock (a CLI command, a second worker on the same file)
makes a command wait for it without stopping the bot: everything else on the event loop goes on, reads
are answered, and the command is recorded once the lock is free. If it never comes free, the user is
told to try again and nothing changes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from drafting.replies import PointCard
from drafting.service import DraftingService
from storage import sqlite_inline
from storage.store import SqlStoreFactory
from tests.kit import Room, card_in, set_up_meeting

HELD = 1.5  # seconds the other process keeps the write lock
GENEROUS = 60.0  # far beyond any wait on a loaded machine


@contextmanager
def write_lock_held_by_another_process(database: Path) -> Iterator[subprocess.Popen[str]]:
    """A real second process that takes SQLite's write lock on the file and keeps it until told."""
    script = (
        "import sqlite3, sys\n"
        f"c = sqlite3.connect({str(database)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
        "c.execute('COMMIT')\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        yield other
    finally:
        if other.poll() is None:
            assert other.stdin is not None
            other.stdin.write("\n")
            other.stdin.flush()
        other.wait(GENEROUS)


def stance_of(card: PointCard, delegation: str) -> str:
    return next(p.stance for p in card.positions if p.delegation == delegation)


def release(other: subprocess.Popen[str]) -> None:
    assert other.stdin is not None
    other.stdin.write("\n")
    other.stdin.flush()


async def test_a_command_waits_for_another_processs_write_lock_while_the_bot_goes_on(
    tmp_path: Path, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> None:
    database = tmp_path / "draftbot.db"
    stores = await SqlStoreFactory.open(f"sqlite:///{database}")
    try:
        room = Room(make_service(stores))
        people = await set_up_meeting(room)
        card = card_in(await room.say(people["rapporteur"], "propose Tomar nota del informe."))
        ticks: list[float] = []

        async def heartbeat() -> None:
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        with write_lock_held_by_another_process(database) as other:
            beating = asyncio.create_task(heartbeat())
            approving = asyncio.create_task(room.press(people["Costa Rica"], card.point_id, "approve"))
            started = time.monotonic()
            await asyncio.sleep(HELD)
            # Still waiting for the lock, and the loop was never stopped by the wait.
            assert not approving.done()
            beats = [t for t in ticks if t >= started]
            assert len(beats) >= 10, f"the event loop ran {len(beats)} times in {HELD} s"
            # Reads are answered meanwhile (WAL): the card as it was.
            shown = await asyncio.wait_for(room.service.card(card.point_id), GENEROUS)
            assert shown is not None and stance_of(shown, "Costa Rica") == ""
            release(other)
            outcome = await asyncio.wait_for(approving, GENEROUS)
            beating.cancel()
        assert outcome.ok
        after = await room.service.card(card.point_id)
        assert after is not None and stance_of(after, "Costa Rica") == "approve"
    finally:
        await stores.close()


async def test_a_lock_never_released_is_answered_try_again_and_changes_nothing(
    tmp_path: Path,
    make_service: Callable[[SqlStoreFactory], DraftingService],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = tmp_path / "draftbot.db"
    stores = await SqlStoreFactory.open(f"sqlite:///{database}")
    try:
        room = Room(make_service(stores))
        people = await set_up_meeting(room)
        card = card_in(await room.say(people["rapporteur"], "propose Tomar nota del informe."))
        monkeypatch.setattr(sqlite_inline, "LOCK_WAIT", 0.5)
        with write_lock_held_by_another_process(database):
            outcome = await asyncio.wait_for(
                room.say(people["Costa Rica"], f"aprobar {card.title.split()[-1]}"), GENEROUS
            )
        assert not outcome.ok
        assert "vuelva a intentarlo" in " ".join(outcome.texts())
        after = await room.service.card(card.point_id)
        assert after is not None and stance_of(after, "Costa Rica") == ""
    finally:
        await stores.close()
