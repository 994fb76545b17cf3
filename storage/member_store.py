"""Delegations, members and invitations in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from drafting.model import (
    Delegation,
    DelegationKind,
    Member,
    Role,
    UserRef,
)
from drafting.ports import (
    TakenInvite,
)
from storage.records import Records, member_of
from storage.tables import (
    AmendmentRow,
    CommentRow,
    DelegationRow,
    InviteRow,
    MemberRow,
    PointRow,
    PositionHistoryRow,
    PositionRow,
)


class MemberRecords(Records):
    # ---- delegations, members, invites ----
    async def delegations(self, meeting_id: int) -> list[Delegation]:
        if meeting_id not in self._delegations:
            rows = await self.s.execute(
                select(DelegationRow.id, DelegationRow.name, DelegationRow.kind)
                .where(DelegationRow.meeting_id == meeting_id)
                .order_by(DelegationRow.id)
            )
            self._delegations[meeting_id] = [
                Delegation(r.id, meeting_id, r.name, DelegationKind(r.kind)) for r in rows
            ]
        return list(self._delegations[meeting_id])

    async def add_delegation(self, meeting_id: int, name: str, kind: DelegationKind) -> Delegation:
        self._delegations.pop(meeting_id, None)
        row = DelegationRow(meeting_id=meeting_id, name=name, kind=kind.value)
        self.s.add(row)
        await self.s.flush()
        return Delegation(row.id, meeting_id, name, kind)

    async def delete_delegation(self, delegation_id: int) -> None:
        self._delegations.clear()
        await self.s.execute(delete(DelegationRow).where(DelegationRow.id == delegation_id))

    async def member(self, meeting_id: int, user: UserRef) -> Member | None:
        # One read of the meeting's members serves this lookup and the card built after it.
        for m in await self.members(meeting_id):
            u = m.user
            if (u.platform, u.workspace, u.user_id) == (user.platform, user.workspace, user.user_id):
                return m
        return None

    async def members(self, meeting_id: int) -> list[Member]:
        if meeting_id not in self._members:
            rows = await self.s.scalars(
                select(MemberRow).where(MemberRow.meeting_id == meeting_id).order_by(MemberRow.id)
            )
            self._members[meeting_id] = [member_of(r) for r in rows]
        return list(self._members[meeting_id])

    async def save_member(
        self, meeting_id: int, user: UserRef, role: Role, delegation_id: int | None, at: datetime
    ) -> Member:
        self._members.pop(meeting_id, None)
        values = dict(
            meeting_id=meeting_id,
            platform=user.platform,
            workspace=user.workspace,
            user_id=user.user_id,
            display_name=user.display_name[:200],
            role=role.value,
            delegation_id=delegation_id,
            joined_at=at,
        )
        stmt = (
            self._insert(MemberRow)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["meeting_id", "platform", "workspace", "user_id"],
                set_={
                    "role": role.value,
                    "delegation_id": delegation_id,
                    "display_name": values["display_name"],
                },
            )
            .returning(MemberRow.id)
        )
        member_id = (await self.s.execute(stmt)).scalar_one()
        return Member(member_id, meeting_id, user, role, delegation_id)

    async def add_member(
        self, meeting_id: int, user: UserRef, role: Role, delegation_id: int | None, at: datetime
    ) -> Member | None:
        """A new membership; None, and nothing written, when the person is a member already. Two
        joins of one person at the same moment cannot both win: the second finds the first's row."""
        self._members.pop(meeting_id, None)
        stmt = (
            self._insert(MemberRow)
            .values(
                meeting_id=meeting_id,
                platform=user.platform,
                workspace=user.workspace,
                user_id=user.user_id,
                display_name=user.display_name[:200],
                role=role.value,
                delegation_id=delegation_id,
                joined_at=at,
            )
            .on_conflict_do_nothing(index_elements=["meeting_id", "platform", "workspace", "user_id"])
            .returning(MemberRow.id)
        )
        member_id = (await self.s.execute(stmt)).scalar_one_or_none()
        if member_id is None:
            return None
        return Member(member_id, meeting_id, user, role, delegation_id)

    async def delegations_in_use(self, meeting_id: int) -> set[int]:
        """Delegations something stands for: a member, or a past act (point, amendment, comment,
        position). Such a delegation cannot be dropped from the meeting's lists."""
        in_meeting = select(PointRow.id).where(PointRow.meeting_id == meeting_id)
        queries = [
            select(MemberRow.delegation_id).where(MemberRow.meeting_id == meeting_id),
            select(PointRow.proposer_delegation_id).where(PointRow.meeting_id == meeting_id),
            select(AmendmentRow.delegation_id).where(AmendmentRow.point_id.in_(in_meeting)),
            select(CommentRow.delegation_id).where(CommentRow.point_id.in_(in_meeting)),
            select(PositionHistoryRow.delegation_id).where(PositionHistoryRow.point_id.in_(in_meeting)),
            select(PositionRow.delegation_id).where(PositionRow.point_id.in_(in_meeting)),
        ]
        used: set[int] = set()
        for query in queries:
            used.update(d for d in (await self.s.scalars(query.distinct())) if d is not None)
        return used

    async def move_member(self, member_id: int, role: Role, delegation_id: int | None) -> None:
        """Only the membership row changes: past acts carry the delegation they were made for."""
        self._members.clear()
        await self.s.execute(
            update(MemberRow)
            .where(MemberRow.id == member_id)
            .values(role=role.value, delegation_id=delegation_id)
        )

    async def add_invite(
        self,
        meeting_id: int,
        code_hash: str,
        role: Role,
        delegation_id: int | None,
        bind_chat: bool,
        at: datetime,
    ) -> None:
        self.s.add(
            InviteRow(
                meeting_id=meeting_id,
                code_hash=code_hash,
                role=role.value,
                delegation_id=delegation_id,
                bind_chat=bind_chat,
                created_at=at,
            )
        )
        await self.s.flush()

    async def take_invite(self, code_hash: str, at: datetime) -> TakenInvite | None:
        # One statement marks the code used and returns it: two people racing for one code cannot both win.
        stmt = (
            update(InviteRow)
            .where(InviteRow.code_hash == code_hash, InviteRow.used_at.is_(None))
            .values(used_at=at)
            .returning(InviteRow.meeting_id, InviteRow.role, InviteRow.delegation_id, InviteRow.bind_chat)
        )
        row = (await self.s.execute(stmt)).one_or_none()
        if row is None:
            return None
        return TakenInvite(row.meeting_id, Role(row.role), row.delegation_id, bool(row.bind_chat))
