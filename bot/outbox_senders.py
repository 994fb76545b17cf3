"""What every platform's sender over the shared outbox does alike: one task per chat this worker holds,
chats nobody sends to taken over, waiting until what this worker put has gone, and stopping. Each
platform's outbox (bot/slack/outbox.py, bot/whatsapp/outbox.py) adds how it puts and sends its rows."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from bot.outbox_leases import LeaseKeeper
from storage.outbox_store import OutboxStore


class Senders:
    store: OutboxStore
    owner: str
    clock: Callable[[], float]
    lease: float
    lanes: dict[str, asyncio.Task[None]]
    mine: set[int]  # rows this worker put that it has not seen sent yet
    again: set[str]  # rows were put while its sender ran: look again before releasing
    leases: LeaseKeeper
    lane_name = "lane"  # its senders' task names, "<lane_name>-<chat>"

    async def _work(self, chat_id: str) -> None:
        """Sends the chat's rows while this worker holds it."""
        raise NotImplementedError

    def kick(self, chat_id: str) -> None:
        """Starts the chat's sender, or has the running one look again before it lets the chat go."""
        self.leases.start()
        self.again.add(chat_id)
        task = self.lanes.get(chat_id)
        if task is None or task.done():
            self.lanes[chat_id] = asyncio.get_running_loop().create_task(
                self._work(chat_id), name=f"{self.lane_name}-{chat_id}"
            )

    async def start(self) -> None:
        self.leases.start()

    def _busy(self) -> bool:
        return any(not task.done() for task in self.lanes.values())

    async def poll(self) -> int:
        """Takes the chats whose rows nobody sends (none yet, or a worker that died); returns how many.
        Forgets rows of its own that another worker sent."""
        claimed = await self.store.claim_due(self.owner, self.clock(), self.lease)
        for chat_id in claimed:
            self.kick(chat_id)
        if self.mine and not self._busy():
            self.mine &= await self.store.still_waiting(self.mine)
        return len(claimed)

    def idle(self) -> bool:
        return not self.mine and not self._busy()

    async def drain(self, timeout: float | None = None) -> None:
        """Returns once everything this worker put has been sent (by it or another)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self.idle():
            if deadline is not None and loop.time() > deadline:
                return
            if not self._busy():
                with contextlib.suppress(Exception):
                    await self.poll()
            await asyncio.sleep(0.005)

    async def kill(self) -> None:
        """Stops at once, leases kept until they run out (as a killed process would)."""
        await self.leases.stop()
        for task in self.lanes.values():
            task.cancel()
        for task in self.lanes.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.lanes = {}

    async def close(self, timeout: float = 5.0) -> None:
        """Sends what it can within `timeout`; what is left stays for the other workers."""
        await self.drain(timeout)
        await self.kill()
        with contextlib.suppress(Exception):
            await self.store.release_all(self.owner)
