"""SQLite run on the event loop's own thread, behind the asyncio connection interface SQLAlchemy's
aiosqlite dialect drives (passed as its `async_creator`).

Why: aiosqlite gives each connection a thread and hands it every call, so each statement costs four
round trips between the loop and that thread (cursor, execute, fetch, close), each a queue put, a
thread wake-up, a self-pipe write and a loop turn. Measured on a webhook burst of button presses, those
hops were about 21 per press and most of the bot's time; the SQL itself took a tenth of a millisecond.
A SQLite statement on a local file, in WAL mode, is a few tens of microseconds of CPU, shorter than one
hop, so it is run where it is asked for.

What could block the loop, and why it does not:
- Waiting for the write lock. In this process writers already take turns on the loop
  (storage.writer_turns), so a statement here only finds the lock taken by another process (a second
  worker or a CLI command on the same file). The busy timeout is 0: a `BEGIN`, or a statement outside a
  transaction, that finds the database locked is tried again after an asyncio sleep, for up to the same
  30 s the driver used to wait. Inside a transaction a locked statement fails at once (a read-only
  transaction that writes, which is a bug), answered "please try again" like any database trouble.
- Readers never wait for writers in WAL mode.
- A commit that triggers SQLite's automatic checkpoint (every 1000 pages of WAL) writes them back with
  an fsync: measured here at about 5 ms, once every few hundred commits.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

LOCK_WAIT = 30.0  # seconds a writer waits for another process's write lock before giving up
_BACKOFF = (0.001, 0.002, 0.005, 0.01, 0.02)  # asyncio sleeps between tries of a locked statement


class InlineCursor:
    """An aiosqlite-like cursor whose coroutines finish without suspending, but for a statement that
    waits for another process's write lock."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._cursor = connection.cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        waits = not self._connection.in_transaction  # a BEGIN, or a statement on its own
        deadline = time.monotonic() + LOCK_WAIT
        tries = 0
        while True:
            try:
                self._cursor.execute(sql, parameters)
                return self
            except sqlite3.OperationalError as error:
                if not waits or not _locked(error) or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(_BACKOFF[min(tries, len(_BACKOFF) - 1)])
            tries += 1

    async def executemany(self, sql: str, parameters: Any) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """The parts of `aiosqlite.Connection` that SQLAlchemy's adapter uses, on a plain sqlite3
    connection. `_connection` is the name the adapter checks before a commit or rollback."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._open())

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._open().create_function(*args, **kw)

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level


def _locked(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


async def connect(database: str, *, uri: bool = False) -> InlineConnection:
    """A connection that issues its own BEGIN (isolation_level None, as `storage.database` needs)."""
    connection = sqlite3.connect(database, uri=uri, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=0")
    return InlineConnection(connection)
