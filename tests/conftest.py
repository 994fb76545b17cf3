"""Shared fixtures: real SQLite files, and a real PostgreSQL when TEST_POSTGRES_URL is set.

Every PostgreSQL test gets a database of its own, created and dropped around it, so runs in
parallel (and leftovers from a crashed run) never meet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from drafting.service import DraftingService
from storage.store import SqlStoreFactory

PG_ENV = "TEST_POSTGRES_URL"


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'draftbot.db'}"


async def _admin(url: str, sql: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database=parsed.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL to run this test against")
    name = f"draftbot_test_{uuid.uuid4().hex[:12]}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The same test on the embedded default and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'draftbot.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL to run this test against")
    name = f"draftbot_test_{uuid.uuid4().hex[:12]}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def stores(sqlite_url: str) -> AsyncIterator[SqlStoreFactory]:
    factory = await SqlStoreFactory.open(sqlite_url)
    try:
        yield factory
    finally:
        await factory.close()


@pytest.fixture
def make_service(clock: FakeClock) -> Callable[[SqlStoreFactory], DraftingService]:
    codes = iter(f"CODE{n:06d}" for n in range(1, 1_000_000))
    return lambda factory: DraftingService(factory, clock=clock, new_code=lambda: next(codes))


@pytest.fixture
def service(
    stores: SqlStoreFactory, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> DraftingService:
    return make_service(stores)
