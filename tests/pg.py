"""Throw-away PostgreSQL databases on a shared server, for tests and benchmarks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url


async def admin(url: str, sql: str) -> None:
    """Runs one statement on the server `url` names (CREATE/DROP DATABASE cannot run in a transaction)."""
    import asyncpg  # type: ignore[import-untyped]

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database=parsed.database or "postgres",
        timeout=5,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def throwaway_database(base: str, prefix: str = "draftbot_test") -> AsyncIterator[str]:
    """A new database on the server of `base`, its URL yielded, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await admin(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
