"""Comments, amendments, attendance and the audit trail in SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, select, update

from drafting.model import (
    Amendment,
    AuditEntry,
    Comment,
    Stance,
)
from storage.records import Records
from storage.tables import (
    AmendmentRow,
    AttendanceRow,
    AuditRow,
    CommentRow,
    DelegationRow,
    MemberRow,
    PointRow,
    PositionHistoryRow,
)

# What a position makes of its point, logged by the same request at the same moment after it.
_CAUSED = frozenset({"adopted", "adopted_ad_referendum", "reopened"})


def _before(position: AuditEntry, entry: AuditEntry) -> bool:
    if position.at != entry.at:
        return position.at < entry.at
    return entry.point_id == position.point_id and entry.action in _CAUSED


class DiscussionRecords(Records):
    # ---- discussion ----
    async def add_comment(
        self, point_id: int, member_id: int, text: str, at: datetime, delegation_id: int | None = None
    ) -> Comment:
        row = CommentRow(
            point_id=point_id, member_id=member_id, text=text, at=at, delegation_id=delegation_id
        )
        self.s.add(row)
        await self.s.flush()
        return Comment(row.id, point_id, member_id, text, at, delegation_id)

    async def comments(self, point_id: int) -> list[Comment]:
        rows = await self.s.scalars(
            select(CommentRow).where(CommentRow.point_id == point_id).order_by(CommentRow.id)
        )
        return [Comment(r.id, r.point_id, r.member_id, r.text, r.at, r.delegation_id) for r in rows]

    async def add_amendment(
        self,
        point_id: int,
        member_id: int,
        text: str,
        at: datetime,
        delegation_id: int | None = None,
        base: str = "",
    ) -> Amendment:
        # Numbers are never reused: the next one follows the highest the point ever had. The caller
        # holds the point's row lock, so two amendments at once do not take the same number.
        last = await self.s.scalar(
            select(func.max(AmendmentRow.number)).where(AmendmentRow.point_id == point_id)
        )
        number = (last or 0) + 1
        row = AmendmentRow(
            point_id=point_id,
            member_id=member_id,
            text=text,
            status="open",
            at=at,
            delegation_id=delegation_id,
            number=number,
            base=base,
        )
        self.s.add(row)
        await self.s.flush()
        return Amendment(row.id, point_id, member_id, text, "open", at, delegation_id, number, base)

    async def amendments(self, point_id: int) -> list[Amendment]:
        rows = await self.s.scalars(
            select(AmendmentRow).where(AmendmentRow.point_id == point_id).order_by(AmendmentRow.id)
        )
        return [
            Amendment(
                r.id, r.point_id, r.member_id, r.text, r.status, r.at, r.delegation_id, r.number, r.base
            )
            for r in rows
        ]

    async def set_amendment_status(self, amendment_id: int, status: str) -> None:
        await self.s.execute(
            update(AmendmentRow).where(AmendmentRow.id == amendment_id).values(status=status)
        )

    async def attendance(self, meeting_id: int) -> set[int] | None:
        """The delegations the secretariat said took part; None when it has not said."""
        rows = await self.s.scalars(
            select(AttendanceRow.delegation_id).where(AttendanceRow.meeting_id == meeting_id)
        )
        found = set(rows)
        return found or None

    async def set_attendance(self, meeting_id: int, delegation_ids: Collection[int]) -> None:
        await self.s.execute(delete(AttendanceRow).where(AttendanceRow.meeting_id == meeting_id))
        for delegation_id in sorted(set(delegation_ids)):
            self.s.add(AttendanceRow(meeting_id=meeting_id, delegation_id=delegation_id))
        await self.s.flush()

    # ---- audit ----
    async def audit(self, entry: AuditEntry) -> None:
        self.s.add(
            AuditRow(
                meeting_id=entry.meeting_id,
                point_id=entry.point_id,
                at=entry.at,
                platform=entry.platform,
                user_id=entry.user_id,
                action=entry.action,
                detail=dict(entry.detail),
            )
        )
        await self.s.flush()

    async def audit_log(self, meeting_id: int, point_id: int | None = None) -> list[AuditEntry]:
        stmt = select(AuditRow).where(AuditRow.meeting_id == meeting_id)
        if point_id is not None:
            stmt = stmt.where(AuditRow.point_id == point_id)
        rows = await self.s.scalars(stmt.order_by(AuditRow.id))
        logged = [
            AuditEntry(r.meeting_id, r.action, r.platform, r.user_id, r.at, r.point_id, dict(r.detail or {}))
            for r in rows
        ]
        # Positions are recorded once, in their history: they join the trail from there, each in its
        # place in time. At the same moment (one request, or a test's fixed clock) the audit's own
        # entries come first, but for what the position caused on its point (adopted, reopened).
        positions = await self._positions_logged(meeting_id, point_id)
        merged: list[AuditEntry] = []
        taken = 0
        for entry in logged:
            while taken < len(positions) and _before(positions[taken], entry):
                merged.append(positions[taken])
                taken += 1
            merged.append(entry)
        return merged + positions[taken:]

    async def _positions_logged(self, meeting_id: int, point_id: int | None) -> list[AuditEntry]:
        h = PositionHistoryRow
        stmt = (
            select(
                h, MemberRow.platform, MemberRow.user_id, DelegationRow.name, PointRow.number, PointRow.letter
            )
            .join(PointRow, PointRow.id == h.point_id)
            .join(MemberRow, MemberRow.id == h.member_id)
            .join(DelegationRow, DelegationRow.id == h.delegation_id)
            .where(PointRow.meeting_id == meeting_id)
            .order_by(h.id)
        )
        if point_id is not None:
            stmt = stmt.where(h.point_id == point_id)
        out: list[AuditEntry] = []
        for row, platform, user_id, delegation, number, letter in await self.s.execute(stmt):
            detail = {
                "label": f"{number}.{letter}" if letter else str(number),
                "delegation": delegation,
                "reason": row.reason,
            }
            action = row.stance
            if row.until is not None and row.stance == Stance.APPROVE.value:
                action, detail["until"] = "ad_referendum", row.until.isoformat()
            out.append(AuditEntry(meeting_id, action, platform, user_id, row.at, row.point_id, detail))
        return out
