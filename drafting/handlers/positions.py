"""Positions of delegations, adoption, and the silence procedure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from drafting.adoption import brackets_holding, rule_named
from drafting.cards import tally_for
from drafting.deadlines import MAX_SILENCE, DeadlineError, parse_deadline
from drafting.handlers.points import show_card
from drafting.model import DelegationKind, Point, PointState, Position, Stance
from drafting.point_states import (
    LIVE,
    break_silence,
    confirmed,
    move_to,
    next_state,
    parse_offsets,
    reminder_times,
    start_silence,
    waiting_ad_referendum,
)
from drafting.replies import Text
from drafting.spanish import long_date
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
    until = _read_deadline(turn) if stance is Stance.APPROVE and turn.cmd.text else None
    await turn.store.put_position(
        Position(point.id, delegation.id, member.id, stance, reason, turn.now, until), point.version
    )
    # No audit row: the position's history row is its record (the audit trail reads it, storage).
    announce = ""
    if stance is Stance.OBJECT and point.state is PointState.SILENCE:
        break_silence(point)
        await turn.store.save_points([point])
        announce = turn.say("silence.broken", label=point.label, who=delegation.name, reason=reason)
    elif stance is Stance.OBJECT:
        announce = turn.say("position.objection", label=point.label, who=delegation.name, reason=reason)
    elif until is not None:
        announce = turn.say(
            "position.ad_referendum_noted",
            label=point.label,
            who=delegation.name,
            until=long_moment(until, meeting_zone(turn.meeting).zone, turn.lang),
            prefix=turn.ctx.prefix,
        )
    announce = _join(announce, await evaluate(turn, point))
    await show_card(turn, point.id, announce=announce, point=point)
    if not announce:
        turn.send(_ack(turn, stance, point.label, delegation.name), point_id=point.id, ephemeral=True)


async def confirm(turn: Turn) -> None:
    """The capital confirmed: the delegation's approval ad referendum becomes firm."""
    member = turn.need_member()
    point = await turn.resolve(turn.cmd.ref, lock=True)
    if point.is_sub:
        turn.refuse("error.need_whole_point", label=point.label)
    who = await turn.delegation_name(member.delegation_id)
    standing = next(
        (p for p in await turn.store.positions(point.id) if p.delegation_id == member.delegation_id), None
    )
    if standing is None or not standing.ad_referendum or closed(point):
        turn.refuse("error.no_ad_referendum", who=who or turn.who([]), label=point.label)
    await turn.store.put_position(confirmed(standing, turn.now), point.version)
    await turn.audit("confirm", point.id, label=point.label, delegation=who)
    announce = _join(turn.say("position.confirmed", who=who, label=point.label), await evaluate(turn, point))
    await show_card(turn, point.id, announce=announce, point=point)


async def lapse_ad_referendum(turn: Turn, point: Point, position: Position) -> None:
    """Called by the sweep: the date passed with no objection from that delegation, so it stands."""
    standing = next(
        (p for p in await turn.store.positions(point.id) if p.delegation_id == position.delegation_id), None
    )
    if standing is None or standing.until is None or standing.until > turn.now:
        return  # confirmed, withdrawn or replaced since it was read
    who = await turn.delegation_name(position.delegation_id)
    await turn.store.put_position(confirmed(standing, turn.now), point.version)
    await turn.audit("ad_referendum_lapsed", point.id, label=point.label, delegation=who)
    if point.state not in LIVE:
        return
    announce = _join(turn.say("position.lapsed", who=who, label=point.label), await evaluate(turn, point))
    await show_card(turn, point.id, announce=announce, point=point)


def _join(first: str, second: str) -> str:
    return "\n".join(part for part in (first, second) if part)


def _ack(turn: Turn, stance: Stance, label: str, who: str) -> Text:
    return Text(turn.say(f"position.{stance.value}_noted", label=label, who=who))


async def evaluate(turn: Turn, point: Point, *, silence_expired: bool = False) -> str:
    """Moves the point to the state the rules give (drafting.point_states); returns what to announce."""
    if point.state not in LIVE:
        return ""
    meeting = turn.need_meeting()
    standing = await turn.store.positions(point.id)
    state = next_state(
        point,
        rule_named(meeting.rule),
        await tally_for(turn.store, point),
        {p.delegation_id for p in waiting_ad_referendum(standing)},
        brackets=brackets_holding(point.text, await _live_sub_texts(turn, point)),
        silence_expired=silence_expired,
    )
    if not move_to(point, state, turn.now):
        return ""
    await turn.store.save_points([point])
    if state is PointState.ADOPTED:
        await turn.audit("adopted", point.id, label=point.label, rule=meeting.rule, silence=silence_expired)
        key = "silence.adopted" if silence_expired else "point.adopted"
        return turn.say(key, label=point.label)
    if state is PointState.AD_REFERENDUM:
        await turn.audit("adopted_ad_referendum", point.id, label=point.label)
        names = sorted([await turn.delegation_name(p.delegation_id) for p in waiting_ad_referendum(standing)])
        return turn.say("point.adopted_ad_referendum", label=point.label, who=", ".join(names))
    await turn.audit("reopened", point.id, label=point.label)
    return turn.say("point.reopened", label=point.label)


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
    start_silence(point, deadline)
    await turn.store.save_points([point])
    offsets = parse_offsets(meeting.reminders) if meeting.reminders else ()
    await turn.store.add_reminders(point.id, deadline, reminder_times(deadline, turn.now, offsets))
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
    announce = await evaluate(turn, point, silence_expired=True)
    if point.state is not PointState.SILENCE:
        await show_card(turn, point.id, announce=announce)
        return
    break_silence(point)
    await turn.store.save_points([point])
    await turn.audit("silence_failed", point.id, label=point.label)
    await show_card(turn, point.id, announce=turn.say("silence.failed", label=point.label))


async def ad_referendum_notes(turn: Turn, points: Sequence[Point]) -> dict[int, str]:
    """The drafts' mark of each point adopted ad referendum: whose capital it waits for, until when."""
    zone = meeting_zone(turn.need_meeting()).zone
    notes: dict[int, str] = {}
    for point in points:
        if point.state is not PointState.AD_REFERENDUM:
            continue
        waiting = []
        for position in waiting_ad_referendum(await turn.store.positions(point.id)):
            assert position.until is not None
            day = long_date(position.until.astimezone(zone).date(), turn.lang)
            name = await turn.delegation_name(position.delegation_id)
            waiting.append(turn.say("pending.ad_referendum_until", name=name, date=day))
        notes[point.id] = turn.say("pending.ad_referendum_note", names="; ".join(sorted(waiting)))
    return notes
