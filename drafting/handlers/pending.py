"""Who has not spoken: `pending`, `remind`, and the reminders before a silence deadline."""

from __future__ import annotations

import math

from drafting.cards import tally_for
from drafting.model import Point, Role
from drafting.point_states import LIVE, remind_wait
from drafting.replies import Mention, Text
from drafting.timezones import long_moment, meeting_zone
from drafting.turn import Turn


async def pending(turn: Turn) -> None:
    meeting = turn.need_meeting()
    if turn.cmd.ref is not None:
        point = await _live_point(turn)
        points, what = [point], turn.say("pending.point", label=point.label)
    else:
        points = [p for p in await turn.store.points(meeting.id) if not p.is_sub and p.state in LIVE]
        what = turn.say("pending.open_points")
    lines = []
    for point in points:
        names = [name for name, _ in await _silent(turn, point)]
        if names:
            lines.append(turn.say("pending.line", label=point.label, names=", ".join(names)))
    if not lines:
        turn.reply("pending.none", what=what)
        return
    turn.send(Text("\n".join([turn.say("pending.header"), *lines])))


async def remind(turn: Turn) -> None:
    point = await _live_point(turn, lock=True)
    wait = remind_wait(point, turn.now)
    if wait:
        turn.refuse("error.remind_too_soon", label=point.label, minutes=math.ceil(wait.total_seconds() / 60))
    silent = await _silent(turn, point)
    if not silent:
        turn.refuse("error.remind_nobody", label=point.label)
    point.reminded_at = turn.now
    await turn.store.save_points([point])
    await turn.audit("remind", point.id, label=point.label, delegations=", ".join(n for n, _ in silent))
    names = ", ".join(name for name, _ in silent)
    mentions = tuple(m for _, ms in silent for m in ms)
    await turn.broadcast(
        Text(turn.say("pending.remind", label=point.label, names=names), mentions), point_id=point.id
    )


async def silence_reminder(turn: Turn, point: Point) -> None:
    """Called by the sweep for a reminder it claimed; nothing when everyone has spoken."""
    silent = await _silent(turn, point)
    if not silent or point.silence_deadline is None:
        return
    deadline = long_moment(point.silence_deadline, meeting_zone(turn.need_meeting()).zone, turn.lang)
    names = ", ".join(name for name, _ in silent)
    text = turn.say("pending.silence", label=point.label, deadline=deadline, names=names)
    await turn.broadcast(Text(text, tuple(m for _, ms in silent for m in ms)), point_id=point.id)


async def _live_point(turn: Turn, *, lock: bool = False) -> Point:
    point = await turn.resolve(turn.cmd.ref, lock=lock)
    if point.is_sub:
        turn.refuse("error.need_whole_point", label=point.label)
    if point.state not in LIVE:
        turn.refuse("error.point_closed", label=point.label, state=turn.say(f"state.{point.state.value}"))
    return point


async def _silent(turn: Turn, point: Point) -> list[tuple[str, tuple[Mention, ...]]]:
    """The member delegations with no position on the point, by name, each with its delegates."""
    tally = await tally_for(turn.store, point)
    silent = tally.pending | tally.absent
    members = await turn.store.members(point.meeting_id)
    out = []
    for d in await turn.store.delegations(point.meeting_id):
        if d.id in silent:
            people = sorted(
                (m.user for m in members if m.delegation_id == d.id and m.role is Role.DELEGATE),
                key=lambda u: (u.display_name or u.user_id).casefold(),
            )
            out.append((d.name, tuple(Mention(u, u.display_name or u.user_id) for u in people)))
    return sorted(out, key=lambda item: item[0].casefold())
