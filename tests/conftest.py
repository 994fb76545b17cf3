"""Shared fixtures: real SQLite files, and a real PostgreSQL when TEST_POSTGRES_URL is set.

Every PostgreSQL test gets a database of its own, created and dropped around it, so runs in
parallel (and leftovers from a crashed run) never meet.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drafting.i18n import set_strict
from drafting.service import DraftingService
from storage.journal_store import SqlJournal
from storage.store import SqlStoreFactory
from tests.pg import throwaway_database

PG_ENV = "TEST_POSTGRES_URL"

# A message key that does not exist, or a placeholder left unfilled, fails the test that caused it
# instead of showing "{count}" to a user (production logs it and shows the sentence without it).
set_strict(True)


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


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL to run this test against")
    async with throwaway_database(base) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The same test on the embedded default and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'draftbot.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL to run this test against")
    async with throwaway_database(base) as url:
        yield url


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
    return lambda factory: DraftingService(
        factory, clock=clock, new_code=lambda: next(codes), journal=SqlJournal(factory)
    )


@pytest.fixture
def service(
    stores: SqlStoreFactory, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> DraftingService:
    return make_service(stores)


@pytest.fixture
async def shared(
    any_url: str, make_service: Callable[[SqlStoreFactory], DraftingService]
) -> AsyncIterator[DraftingService]:
    """One database, SQLite file or PostgreSQL, for every worker of a test (each its own adapter)."""
    factory = await SqlStoreFactory.open(any_url)
    try:
        yield make_service(factory)
    finally:
        await factory.close()
