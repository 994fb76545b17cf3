"""Engines for the embedded default (a SQLite file) and for PostgreSQL, from one DATABASE_URL."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage import sqlite_inline

DEFAULT_PATH = Path("draftbot.db")
# Execution option that marks a connection's transactions as read-only (see `_sqlite_write_safety`).
READ_ONLY = "draftbot_read_only"
# Execution option for a connection that runs one statement on its own: no BEGIN is sent (SQLite runs
# each statement outside a transaction atomically, WAL readers on their own snapshot).
ONE_STATEMENT = "draftbot_one_statement"
IDLE_PING = 1.0  # seconds a PostgreSQL connection may sit in the pool before it is pinged on checkout
_RETURNED = "draftbot_returned"  # pool record info: when the connection was last put back


def normalize_url(url: str | None) -> str:
    """Accepts the forms people write and gives the async-driver form SQLAlchemy needs.

    `sqlite:///x.db`, `x.db`, `postgres://u@h/db`, `postgresql://u@h/db`, `postgresql+psycopg://…`
    all work; an explicit async driver is kept as it is.
    """
    if not url:
        url = f"sqlite:///{DEFAULT_PATH}"
    if "://" not in url:
        url = f"sqlite:///{url}"
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgres", "postgresql"):
        if driver not in ("asyncpg",):
            parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        if driver != "aiosqlite":
            parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}: use sqlite or postgresql")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **options: Any) -> AsyncEngine:
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        query = make_url(url).query
        uri = str(query.get("uri", "")).lower() in ("true", "1")
        # The statements run on the loop's thread, not on aiosqlite's (storage.sqlite_inline).
        creator = partial(sqlite_inline.connect, database or ":memory:", uri=uri)
        engine = create_async_engine(url, async_creator=creator, **options)
        _sqlite_write_safety(engine)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 10)
    engine = create_async_engine(url, **options)
    if not options.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle: float | None = None) -> None:
    """After a server restart, stale connections are replaced: a connection that sat in the pool for
    `IDLE_PING` seconds or more is pinged when taken out, and one that does not answer is replaced (the
    pool takes another: SQLAlchemy's "pessimistic disconnect handling"). Under load a connection goes
    out again within milliseconds and is not pinged, where `pool_pre_ping` costs a round trip for every
    transaction (a quarter of a button press's). A connection that breaks while in use (a restart
    within that second of its last use) fails its transaction, answered "please try again" (a press
    is taken again by the general path), and has the whole pool replaced with it."""
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED)
        if returned is None or time.monotonic() - returned < (IDLE_PING if idle is None else idle):
            return  # new, or back in the pool a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError(str(error)) from error


def _sqlite_write_safety(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE for writers, plain BEGIN for readers.

    A deferred transaction that reads and then writes can fail with "database is locked" when another
    writer got there first; taking the write lock at BEGIN makes concurrent writers wait their turn
    (up to busy_timeout) instead. A read-only transaction (the READ_ONLY execution option) never takes
    the write lock: under WAL it reads its snapshot while a writer is busy, without waiting for it.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (isolation_level None, set by storage.sqlite_inline.connect), and
        # a lock held by another process is waited for there, without blocking the loop.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(ONE_STATEMENT, False):
            return
        connection.exec_driver_sql("BEGIN" if options.get(READ_ONLY, False) else "BEGIN IMMEDIATE")
