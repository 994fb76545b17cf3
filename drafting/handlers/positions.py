"""Positions of delegations, adoption, and the silence procedure."""

from __future__ import annotations

from datetime import datetime

from drafting.adoption import brackets_holding, rule_named
from drafting.cards import tally_for
from drafting.deadlines import MAX_SILENCE, DeadlineError, parse_deadline
from drafting.handlers.points import show_card
from drafting.model import DelegationKind, Point, PointState, Position, Stance
from drafting.replies import Text
from drafting.timezones import long_moment, meeting_zone
from drafting.turn import Turn, closed


async def approve(turn: Turn) -> None:
    await _take(turn, Stance.APPROVE)


async def object_(turn: Turn) -> None:
    await _take(turn, Stance.OBJECT)


async def abstain(turn: Turn) -> None:
    await _take(turn, Stance.ABSTAIN)


async def _take(turn: Turn, stance: Stance) -> None:
    member = turn.need_member()
    # Locking the point orders this position after any amendment being accepted at the same time,
    # so a position is never counted for a text it was not taken on.
    point = await turn.resolve(turn.cmd.ref, lock=True)
    if point.is_sub:
        turn.refuse("error.need_whole_point", label=point.label)
    if closed(point):
        turn.refuse("error.point_closed", label=point.label, state=turn.say(f"state.{point.state.value}"))
    delegations = await turn.store.delegations(point.meeting_id)
    delegation = next((d for d in delegations if d.id == member.delegation_id), None)
    if delegation is None or delegation.kind is not DelegationKind.MEMBER:
        turn.refuse("error.no_delegation")
    reason = turn.cmd.text if stance is Stance.OBJECT else ""
    await turn.store.put_position(
        Position(point.id, delegation.id, member.id, stance, reason, turn.now), point.version
    )
    await turn.audit(stance.value, point.id, label=point.label, delegation=delegation.name, reason=reason)
    announce = ""
    if stance is Stance.OBJECT and point.state is PointState.SILENCE:
        point.state = PointState.OPEN
        point.silence_deadline = None
        await turn.store.save_points([point])
        announce = turn.say("silence.broken", label=point.label, who=delegation.name, reason=reason)
    elif stance is Stance.OBJECT:
        announce = turn.say("position.objection", label=point.label, who=delegation.name, reason=reason)
    adopted = await evaluate(turn, point)
    if adopted:
        announce = (announce + "\n" if announce else "") + turn.say("point.adopted", label=point.label)
    await show_card(turn, point.id, announce=announce, point=point)
    if not announce:
        turn.send(_ack(turn, stance, point.label, delegation.name), point_id=point.id, ephemeral=True)


def _ack(turn: Turn, stance: Stance, label: str, who: str) -> Text:
    return Text(turn.say(f"position.{stance.value}_noted", label=label, who=who))


async def evaluate(turn: Turn, point: Point, *, silence_expired: bool = False) -> bool:
    """Adopts the point if the meeting's rule says so; returns whether it did."""
    if point.state not in (PointState.OPEN, PointState.SILENCE):
        return False
    meeting = turn.need_meeting()
    if brackets_holding(point.text, await _live_sub_texts(turn, point)):
        return False
    tally = await tally_for(turn.store, point)
    if not rule_named(meeting.rule).adopted(tally, silence_expired=silence_expired):
        return False
    point.state = PointState.ADOPTED
    point.adopted_at = turn.now
    point.silence_deadline = None
    await turn.store.save_points([point])
    await turn.audit("adopted", point.id, label=point.label, rule=meeting.rule, silence=silence_expired)
    return True


async def silence(turn: Turn) -> None:
    meeting = turn.need_meeting()
    point = await turn.resolve(turn.cmd.ref)
    locked = await turn.store.point(point.id, lock=True)
    assert locked is not None
    point = locked
    if closed(point):
        turn.refuse("error.point_closed", label=point.label, state=turn.say(f"state.{point.state.value}"))
    held = brackets_holding(point.text, await _live_sub_texts(turn, point))
    if held:
        turn.refuse("error.silence_with_brackets", label=point.label, count=held, prefix=turn.ctx.prefix)
    deadline = _read_deadline(turn)
    tally = await tally_for(turn.store, point)
    if tally.object:
        names = {d.id: d.name for d in await turn.store.delegations(meeting.id)}
        turn.refuse(
            "error.silence_with_objection", label=point.label, who=", ".join(names[i] for i in tally.object)
        )
    point.state = PointState.SILENCE
    point.silence_deadline = deadline
    await turn.store.save_points([point])
    await turn.audit("silence", point.id, label=point.label, deadline=deadline.isoformat())
    await show_card(
        turn,
        point.id,
        announce=turn.say(
            "silence.started",
            label=point.label,
            deadline=long_moment(deadline, meeting_zone(meeting).zone, turn.lang),
            prefix=turn.ctx.prefix,
        ),
    )


async def _live_sub_texts(turn: Turn, point: Point) -> list[str]:
    return [s.text for s in await turn.store.children(point.id) if s.state is not PointState.WITHDRAWN]


def _read_deadline(turn: Turn) -> datetime:
    """The deadline, read in the meeting's zone; a refusal with examples when it is not a clear one."""
    where = meeting_zone(turn.need_meeting())
    if where.missing:
        turn.refuse(
            "error.deadline_needs_zone", country=where.missing, example=where.example, prefix=turn.ctx.prefix
        )
    value = turn.cmd.text[:60]
    try:
        return parse_deadline(turn.cmd.text, turn.now, where.zone)
    except DeadlineError as error:
        when = long_moment(error.moment, where.zone, turn.lang) if error.moment is not None else ""
        turn.refuse(error.key, value=value, when=when, days=MAX_SILENCE.days)


async def expire_silence(turn: Turn, point: Point) -> None:
    """Called by the sweep when a deadline has passed: silence is consent unless someone objected."""
    if point.state is not PointState.SILENCE:
        return
    if await evaluate(turn, point, silence_expired=True):
        await show_card(turn, point.id, announce=turn.say("silence.adopted", label=point.label))
        return
    point.state = PointState.OPEN
    point.silence_deadline = None
    await turn.store.save_points([point])
    await turn.audit("silence_failed", point.id, label=point.label)
    await show_card(turn, point.id, announce=turn.say("silence.failed", label=point.label))
