"""What the documents features keep, on SQLite and PostgreSQL: each circulated draft (the redline's
base) and Word templates, per meeting or as the server's default."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from drafting.model import DateSpan, Meeting, Point, PointState, ReportFormat
from drafting.ports import StoredWordTemplate
from drafting.report.history import restore, snapshot
from storage.store import SqlStoreFactory

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def factory(any_url: str) -> AsyncIterator[SqlStoreFactory]:
    stores = await SqlStoreFactory.open(any_url)
    try:
        yield stores
    finally:
        await stores.close()


async def test_the_last_circulation_gives_back_what_the_draft_was_built_from(
    factory: SqlStoreFactory,
) -> None:
    async with factory.transaction() as store:
        meeting = await store.create_meeting(
            Meeting(
                0, title="Informe", dates=DateSpan(date(2016, 11, 15), date(2016, 11, 15)), kind="primera"
            ),
            AT,
        )
        assert await store.last_circulation(meeting.id) is None
        point = Point(7, meeting.id, 1, "", None, "Agradecer a Honduras.", PointState.OPEN, None, None)
        for version in (1, 2):
            meeting.draft_version = version
            point.text = f"Agradecer a Honduras, versión {version}."
            await store.save_circulation(snapshot(meeting, [], [point], AT))
    async with factory.transaction() as store:
        last = await store.last_circulation(meeting.id)
    assert last is not None and last.version == 2 and last.at == AT
    old_meeting, _, (old_point,) = restore(last)
    assert old_meeting.kind == "primera" and old_meeting.dates == meeting.dates
    assert old_meeting.format == ReportFormat.INFORME and old_meeting.draft_version == 2
    assert (old_point.id, old_point.text, old_point.state) == (
        7,
        "Agradecer a Honduras, versión 2.",
        PointState.OPEN,
    )


async def test_a_meeting_s_word_template_comes_before_the_server_default(factory: SqlStoreFactory) -> None:
    async with factory.transaction() as store:
        meeting = await store.create_meeting(Meeting(0, title="Informe"), AT)
        await store.save_word_template(StoredWordTemplate(None, "informe", "default.docx", b"D", AT))
        assert (await store.word_template(meeting.id, "informe")).filename == "default.docx"  # type: ignore[union-attr]
        await store.save_word_template(StoredWordTemplate(meeting.id, "informe", "own.docx", b"O1", AT))
        await store.save_word_template(StoredWordTemplate(meeting.id, "informe", "own.docx", b"O2", AT))
    async with factory.transaction() as store:
        own = await store.word_template(meeting.id, "informe")
        assert own is not None and own.content == b"O2"  # installing again replaces
        assert await store.word_template(meeting.id, "mesas") is None
        assert await store.delete_word_template(meeting.id, "informe")
        assert not await store.delete_word_template(meeting.id, "informe")
        back = await store.word_template(meeting.id, "informe")
        assert back is not None and back.filename == "default.docx"
