"""Attendance: the delegations that took part, as the report's opening paragraph lists them.

By default those member delegations with an admitted delegate; the secretariat may say otherwise
(`asistencia Canadá, Costa Rica y México`), and its list then stands until it says again.
"""

from __future__ import annotations

from drafting.cards import participating
from drafting.commands import fold
from drafting.model import DelegationKind, MeetingState, Role
from drafting.ports import Store
from drafting.spanish import join_names, sort_names
from drafting.turn import Turn


async def attending(store: Store, meeting_id: int) -> tuple[set[int], bool]:
    """The ids of the member delegations that took part, and whether the secretariat set them."""
    delegations = await store.delegations(meeting_id)
    members = {d.id for d in delegations if d.kind is DelegationKind.MEMBER}
    chosen = await store.attendance(meeting_id)
    if chosen is not None:
        return chosen & members, True
    return participating(delegations, await store.members(meeting_id)), False


async def attendance(turn: Turn) -> None:
    meeting = turn.need_meeting()
    delegations = [d for d in await turn.store.delegations(meeting.id) if d.kind is DelegationKind.MEMBER]
    if turn.cmd.names:
        member = turn.need_member()
        if member.role is not Role.SECRETARIAT:
            turn.refuse(
                "error.role", role=turn.say(f"role.{member.role.value}"), roles=turn.say("role.secretariat")
            )
        if meeting.state is MeetingState.FINAL:
            turn.refuse("error.final", prefix=turn.ctx.prefix)
        by_name = {fold(d.name): d for d in delegations}
        unknown = [n for n in turn.cmd.names if fold(n) not in by_name]
        if unknown:
            known = ", ".join(d.name for d in delegations) or "—"
            turn.refuse("error.attendance_unknown", name=unknown[0][:60], known=known)
        ids = {by_name[fold(n)].id for n in turn.cmd.names}
        await turn.store.set_attendance(meeting.id, ids)
        names = sort_names((d.name for d in delegations if d.id in ids), turn.lang)
        await turn.audit("attendance", names="; ".join(names))
        turn.reply("attendance.set", count=len(names), names=join_names(names, turn.lang))
        return
    ids, chosen = await attending(turn.store, meeting.id)
    names = sort_names((d.name for d in delegations if d.id in ids), turn.lang)
    listed = join_names(names, turn.lang) if names else "—"
    key = "attendance.shown_set" if chosen else "attendance.shown_default"
    turn.reply(key, count=len(names), names=listed, prefix=turn.ctx.prefix)
