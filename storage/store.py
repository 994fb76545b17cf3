"""The SQL implementation of the core's `Store` port: one class made of its parts (storage/*_store.py),
and the factory that opens one transaction per command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from drafting.ports import RetryableConflict, TransientStoreError
from storage.card_store import CardRecords
from storage.database import ONE_STATEMENT, READ_ONLY, is_sqlite, make_engine
from storage.discussion_store import DiscussionRecords
from storage.document_store import DocumentRecords
from storage.meeting_store import MeetingRecords
from storage.member_store import MemberRecords
from storage.migrate import upgrade
from storage.panel_store import PanelRecords
from storage.press_many import PressConnection
from storage.press_store import PressRecords
from storage.reminder_store import ReminderRecords
from storage.writer_turns import WriterTurns


class SqlStore(
    MeetingRecords,
    MemberRecords,
    DiscussionRecords,
    CardRecords,
    DocumentRecords,
    PanelRecords,
    ReminderRecords,
    PressRecords,
):
    """One transaction on one session."""


_TRANSIENT_SQLSTATES = {"40001", "40P01", "23505"}  # serialization, deadlock, unique race
# The server will not take a connection now: too many clients (every worker's pool), or starting up.
_TRANSIENT_SQLSTATES |= {"53300", "57P03"}


class SqlStoreFactory:
    """Opens one transaction per command; maps database trouble to the core's transient error."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        # Same pool; its transactions begin without the write lock (see storage.database).
        self._read_sessions = async_sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # One statement on its own: no BEGIN on SQLite, autocommit on PostgreSQL (no BEGIN/COMMIT
        # round trips); the statement is atomic by itself.
        single = {ONE_STATEMENT: True}
        if not is_sqlite(str(engine.url)):
            single["isolation_level"] = "AUTOCOMMIT"  # type: ignore[assignment]
        self._single_sessions = async_sessionmaker(engine.execution_options(**single), expire_on_commit=False)
        # Press transactions that may run at once (drafting.press_batch): SQLite has one writer. On
        # PostgreSQL a batch costs four round trips however long (storage.press_many), so two lanes,
        # one writing while the next batch gathers, did better than four smaller batches (issue 12).
        self.press_lanes = 1 if is_sqlite(str(engine.url)) else 2
        # SQLite has one writer; queueing writers here avoids busy-waiting inside the driver.
        self._lock: WriterTurns | None = WriterTurns() if is_sqlite(str(engine.url)) else None

    @classmethod
    async def open(cls, url: str, *, migrate: bool = True, **options: Any) -> SqlStoreFactory:
        engine = make_engine(url, **options)
        if migrate:
            await upgrade(engine)
        return cls(engine)

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlStore]:
        if self._lock is None:
            async with self._transaction() as store:
                yield store
            return
        async with self._lock.turn(), self._transaction() as store:
            yield store

    @asynccontextmanager
    async def press(self) -> AsyncIterator[PressConnection]:
        """The press path's transaction (drafting.press): a bare Core connection, no ORM session; it
        takes its turn among the process's writers like any transaction."""
        if self._lock is None:
            async with self._mapped(), self.engine.begin() as conn:
                yield PressConnection(conn)
            return
        async with self._lock.turn(), self._mapped(), self.engine.begin() as conn:
            yield PressConnection(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlStore]:
        """A transaction that only reads: it neither queues behind the process's writers nor takes
        SQLite's write lock, so a reader is never held up by a write in progress. Writing in it is a
        bug (on SQLite the write would wait for the lock like any deferred transaction)."""
        async with self._transaction(self._read_sessions) as store:
            yield store

    @asynccontextmanager
    async def once(self, *, writes: bool = False, urgent: bool = False) -> AsyncIterator[SqlStore]:
        """For exactly one statement, which is atomic on its own: no transaction is opened around it.
        A second statement in it would run on its own too, so only single-statement reads and writes
        use it (the card read and its mark after a press). A write takes its turn among the
        process's writers (SQLite) like any transaction; an `urgent` one, which an answer to a person
        waits for, goes before those waiting (storage.writer_turns)."""
        if writes and self._lock is not None:
            async with self._lock.turn(urgent=urgent), self._transaction(self._single_sessions) as store:
                yield store
            return
        async with self._transaction(self._single_sessions) as store:
            yield store

    @asynccontextmanager
    async def _transaction(
        self, sessions: async_sessionmaker[AsyncSession] | None = None
    ) -> AsyncIterator[SqlStore]:
        async with self._mapped(), (sessions or self.sessions)() as session, session.begin():
            yield SqlStore(session)

    @staticmethod
    @asynccontextmanager
    async def _mapped() -> AsyncIterator[None]:
        """Database trouble as the core's errors: a lost race to retry, or the database unavailable."""
        try:
            yield
        except IntegrityError as error:
            if _sqlstate(error) == "23505" or "UNIQUE constraint failed" in str(error.orig):
                raise RetryableConflict(str(error.orig)) from error
            raise
        except (OperationalError, InterfaceError) as error:
            raise _transient(error) from error
        except DBAPIError as error:
            if error.connection_invalidated or _sqlstate(error) in _TRANSIENT_SQLSTATES:
                raise _transient(error) from error
            raise
        except (OSError, ConnectionError) as error:
            raise TransientStoreError(str(error)) from error

    async def count(self, table: type[Any]) -> int:
        async with self.transaction() as store:
            return await store.count(table)


def _sqlstate(error: DBAPIError) -> str:
    orig = error.orig
    return str(getattr(orig, "sqlstate", "") or getattr(orig, "pgcode", "") or "")


def _transient(error: DBAPIError) -> TransientStoreError:
    if _sqlstate(error) in ("40001", "40P01"):
        return RetryableConflict(str(error.orig))
    return TransientStoreError(str(error.orig))
