"""Stored documents, circulations and Word templates in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from drafting.ports import (
    StoredDocument,
    StoredWordTemplate,
)
from drafting.report.history import Circulation
from storage.records import Records
from storage.tables import (
    CirculationRow,
    DocumentRow,
    WordTemplateRow,
)


class DocumentRecords(Records):
    # ---- documents ----
    async def save_document(self, document: StoredDocument) -> None:
        self.s.add(
            DocumentRow(
                meeting_id=document.meeting_id,
                kind=document.kind,
                version=document.version,
                filename=document.filename,
                content=document.content,
                at=document.at,
            )
        )
        await self.s.flush()

    async def final_document(self, meeting_id: int) -> StoredDocument | None:
        stmt = (
            select(DocumentRow)
            .where(DocumentRow.meeting_id == meeting_id, DocumentRow.kind == "final")
            .order_by(DocumentRow.id.desc())
            .limit(1)
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        return StoredDocument(row.meeting_id, row.kind, row.version, row.filename, row.content, row.at)

    async def save_circulation(self, circulation: Circulation) -> None:
        self.s.add(
            CirculationRow(
                meeting_id=circulation.meeting_id,
                version=circulation.version,
                at=circulation.at,
                snapshot=circulation.as_json(),
            )
        )
        await self.s.flush()

    async def last_circulation(self, meeting_id: int) -> Circulation | None:
        stmt = (
            select(CirculationRow)
            .where(CirculationRow.meeting_id == meeting_id)
            .order_by(CirculationRow.version.desc())
            .limit(1)
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        return Circulation.from_json(row.meeting_id, row.version, row.at, row.snapshot)

    async def save_word_template(self, template: StoredWordTemplate) -> None:
        await self.delete_word_template(template.meeting_id, template.format)
        self.s.add(
            WordTemplateRow(
                meeting_id=template.meeting_id,
                format=template.format,
                filename=template.filename,
                content=template.content,
                at=template.at,
            )
        )
        await self.s.flush()

    def _word_template_query(self, meeting_id: int | None, fmt: str) -> Any:
        owner = (
            WordTemplateRow.meeting_id.is_(None)
            if meeting_id is None
            else WordTemplateRow.meeting_id == meeting_id
        )
        return select(WordTemplateRow).where(owner, WordTemplateRow.format == fmt)

    async def word_template(self, meeting_id: int | None, fmt: str) -> StoredWordTemplate | None:
        for owner in (meeting_id, None) if meeting_id is not None else (None,):
            row = (await self.s.execute(self._word_template_query(owner, fmt).limit(1))).scalar_one_or_none()
            if row is not None:
                return StoredWordTemplate(row.meeting_id, row.format, row.filename, row.content, row.at)
        return None

    async def delete_word_template(self, meeting_id: int | None, fmt: str) -> bool:
        rows = list(await self.s.scalars(self._word_template_query(meeting_id, fmt)))
        for row in rows:
            await self.s.delete(row)
        await self.s.flush()
        return bool(rows)
