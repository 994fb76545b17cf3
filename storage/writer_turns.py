"""SQLite's writers in this process, one at a time: in order of arrival, but an urgent one first.

SQLite has one writer per database file, so the process's writers take turns here instead of
busy-waiting inside the driver (`SqlStoreFactory`). Most wait in order of arrival. An urgent write is
one a person's answer waits for: the Slack inbox's INSERT, made before a request is acknowledged
(bot/slack/inbox.py). Under a burst of presses the queue holds the presses' own transactions, each
tens of milliseconds; an urgent write waits only for the transaction in progress, not for the queue.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class WriterTurns:
    def __init__(self) -> None:
        self._busy = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._queued: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def turn(self, *, urgent: bool = False) -> AsyncIterator[None]:
        if self._busy or self._urgent or self._queued:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            line = self._urgent if urgent else self._queued
            line.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._next()  # the turn was handed over just as this waiter was cancelled
                elif waiter in line:  # (`_next` drops the cancelled waiters it meets)
                    line.remove(waiter)
                raise
        else:
            self._busy = True
        try:
            yield
        finally:
            self._next()

    def _next(self) -> None:
        """The turn goes to the first urgent waiter, else the first in the queue, else nobody."""
        for line in (self._urgent, self._queued):
            while line:
                waiter = line.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # still busy: handed over
                    return
        self._busy = False
