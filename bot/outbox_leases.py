"""What every worker runs beside a shared outbox (`storage.outbox_store`), whatever the platform.

A chat's rows are sent by the one worker holding the chat's lease. While this worker has something
to send it renews its leases every `RENEW` seconds; a worker that dies stops renewing, so its leases
run out after `LEASE` seconds. Every worker looks for chats with rows and no live lease every `POLL`
seconds and takes them (the platform's `poll`), so a killed worker's sends are taken over within
`LEASE` + `POLL` seconds, under the 5 s issue 12 asks for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable

from storage.outbox_store import OutboxStore

log = logging.getLogger("draftbot.outbox")

LEASE = 4.0  # seconds a chat stays with a worker that stopped renewing (renewed every RENEW)
RENEW = 1.0
POLL = 0.25  # seconds between two looks for chats whose rows nobody sends


def worker_id() -> str:
    """A name no other worker has, on this machine or another: it owns leases."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseKeeper:
    """This worker's two background loops: renewing its leases while `busy()`, and `poll()`ing for
    chats nobody sends to. Started at the first row put; stopped when the outbox closes."""

    def __init__(
        self,
        platform: str,
        store: OutboxStore,
        owner: str,
        clock: Callable[[], float],
        lease: float,
        *,
        busy: Callable[[], bool],
        poll: Callable[[], Awaitable[int]],
    ) -> None:
        self.platform = platform
        self.store = store
        self.owner = owner
        self.clock = clock
        self.lease = lease
        self.busy = busy
        self.poll = poll
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        if not self.tasks:
            loop = asyncio.get_running_loop()
            self.tasks = [
                loop.create_task(self._renew_forever(), name=f"{self.platform}-outbox-renew"),
                loop.create_task(self._poll_forever(), name=f"{self.platform}-outbox-poll"),
            ]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks = []

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(RENEW)
            if not self.busy():
                continue
            try:
                await self.store.renew(self.owner, self.clock(), self.lease)
            except Exception as error:
                log.warning("%s: outbox leases not renewed (%s)", self.platform, error)

    async def _poll_forever(self) -> None:
        while True:
            try:
                await self.poll()
            except Exception as error:
                log.warning("%s: could not look for messages to send (%s)", self.platform, error)
            await asyncio.sleep(POLL)
