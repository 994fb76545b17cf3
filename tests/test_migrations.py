"""The migrations build exactly the schema the code declares, on both databases, and run twice safely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.database import make_engine, normalize_url
from storage.migrate import upgrade
from storage.tables import Base


async def test_migrations_leave_no_difference_from_the_declared_tables(any_url: str) -> None:
    engine = make_engine(any_url)
    try:
        await upgrade(engine)
        await upgrade(engine)  # a second start migrates nothing and fails nothing
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    assert diff == []
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_database_urls_are_accepted_in_the_forms_people_write() -> None:
    assert normalize_url("sqlite:///data/x.db") == "sqlite+aiosqlite:///data/x.db"
    assert normalize_url("data/x.db") == "sqlite+aiosqlite:///data/x.db"
    assert normalize_url(None) == "sqlite+aiosqlite:///draftbot.db"
    assert normalize_url("postgresql://me@db/drafts") == "postgresql+asyncpg://me@db/drafts"
    assert normalize_url("postgres://me:pw@db:5433/drafts") == "postgresql+asyncpg://me:pw@db:5433/drafts"
    assert normalize_url("postgresql+psycopg://me@db/drafts") == "postgresql+asyncpg://me@db/drafts"
    assert normalize_url("postgresql+asyncpg://me@db/drafts") == "postgresql+asyncpg://me@db/drafts"


def test_an_unsupported_database_is_a_clear_error() -> None:
    import pytest

    with pytest.raises(ValueError, match="use sqlite or postgresql"):
        normalize_url("mysql://root@localhost/test")
