"""The SQL side of the meeting's web page: one-time links, browser sessions, and the reads the page
needs beyond the core's (document list, open amendments, a change stamp), mixed into `SqlStore`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from drafting.model import Amendment, UserRef
from drafting.panel import DocumentInfo, PanelLink, WebSession
from drafting.ports import StoredDocument
from storage.tables import (
    AmendmentRow,
    AuditRow,
    DocumentRow,
    MeetingRow,
    PanelTokenRow,
    PointRow,
    WebSessionRow,
)


class PanelRecords:
    s: AsyncSession

    # ---- one-time links ----
    async def add_panel_link(
        self, meeting_id: int, user: UserRef, token_hash: str, at: datetime, expires_at: datetime
    ) -> None:
        self.s.add(
            PanelTokenRow(
                token_hash=token_hash,
                meeting_id=meeting_id,
                platform=user.platform,
                workspace=user.workspace,
                user_id=user.user_id,
                created_at=at,
                expires_at=expires_at,
            )
        )
        await self.s.flush()

    async def panel_link(self, token_hash: str) -> PanelLink | None:
        row = (
            await self.s.execute(select(PanelTokenRow).where(PanelTokenRow.token_hash == token_hash))
        ).scalar_one_or_none()
        if row is None:
            return None
        user = UserRef(row.platform, row.user_id, row.workspace)
        return PanelLink(row.meeting_id, user, row.expires_at, row.used_at)

    async def spend_panel_link(self, token_hash: str, at: datetime) -> bool:
        """Marks the link used; False when another request spent it first (two workers, one link)."""
        result = await self.s.execute(
            update(PanelTokenRow)
            .where(PanelTokenRow.token_hash == token_hash, PanelTokenRow.used_at.is_(None))
            .values(used_at=at)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    # ---- sessions ----
    async def add_web_session(self, session_hash: str, session: WebSession, at: datetime) -> None:
        self.s.add(
            WebSessionRow(
                session_hash=session_hash,
                meeting_id=session.meeting_id,
                platform=session.user.platform,
                workspace=session.user.workspace,
                user_id=session.user.user_id,
                csrf=session.csrf,
                created_at=at,
                expires_at=session.expires_at,
            )
        )
        await self.s.flush()

    async def web_session(self, session_hash: str, at: datetime) -> WebSession | None:
        """The live session with that id hash: not revoked, not expired."""
        row = (
            await self.s.execute(
                select(WebSessionRow).where(
                    WebSessionRow.session_hash == session_hash,
                    WebSessionRow.revoked_at.is_(None),
                    WebSessionRow.expires_at > at,
                )
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        return WebSession(
            row.meeting_id, UserRef(row.platform, row.user_id, row.workspace), row.csrf, row.expires_at
        )

    async def revoke_web_session(self, session_hash: str, at: datetime) -> None:
        await self.s.execute(
            update(WebSessionRow)
            .where(WebSessionRow.session_hash == session_hash, WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    # ---- reads for the page ----
    async def documents(self, meeting_id: int) -> list[DocumentInfo]:
        stmt = (
            select(
                DocumentRow.id,
                DocumentRow.kind,
                DocumentRow.version,
                DocumentRow.filename,
                func.length(DocumentRow.content),
                DocumentRow.at,
            )
            .where(DocumentRow.meeting_id == meeting_id)
            .order_by(DocumentRow.id)
        )
        return [DocumentInfo(*row) for row in (await self.s.execute(stmt)).all()]

    async def document(self, meeting_id: int, document_id: int) -> StoredDocument | None:
        row = (
            await self.s.execute(
                select(DocumentRow).where(DocumentRow.id == document_id, DocumentRow.meeting_id == meeting_id)
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        return StoredDocument(row.meeting_id, row.kind, row.version, row.filename, row.content, row.at)

    async def open_amendments(self, meeting_id: int) -> list[Amendment]:
        stmt = (
            select(AmendmentRow)
            .join(PointRow, PointRow.id == AmendmentRow.point_id)
            .where(PointRow.meeting_id == meeting_id, AmendmentRow.status == "open")
            .order_by(AmendmentRow.id)
        )
        return [
            Amendment(
                r.id, r.point_id, r.member_id, r.text, r.status, r.at, r.delegation_id, r.number, r.base
            )
            for r in await self.s.scalars(stmt)
        ]

    async def change_stamp(self, meeting_id: int) -> str:
        """Changes whenever anything the page shows changes: every change writes the audit trail or
        bumps a point's card version, and documents are rows of their own. One round trip."""
        audit = select(func.coalesce(func.max(AuditRow.id), 0)).where(AuditRow.meeting_id == meeting_id)
        cards = select(func.coalesce(func.sum(PointRow.card_version), 0)).where(
            PointRow.meeting_id == meeting_id
        )
        docs = select(func.coalesce(func.max(DocumentRow.id), 0)).where(DocumentRow.meeting_id == meeting_id)
        row = (
            await self.s.execute(
                select(audit.scalar_subquery(), cards.scalar_subquery(), docs.scalar_subquery())
            )
        ).one()
        return "-".join(str(int(v)) for v in row)

    async def latest_meeting_id(self) -> int | None:
        """The newest meeting, for `draftbot serve` on the demo's database."""
        return (await self.s.execute(select(func.max(MeetingRow.id)))).scalar_one_or_none()
