"""Points and their text: proposing, sub-points, comments, withdrawal and order (amendments are in
`drafting.handlers.amendments`)."""

from __future__ import annotations

import string

from drafting.brackets import BracketError, check
from drafting.cards import build_card
from drafting.model import Point, PointState
from drafting.replies import Delivery, Text
from drafting.turn import Turn, closed, is_owner

MAX_POINTS = 2000
MAX_SUBPOINTS = 26


def _new_point(turn: Turn, number: int, letter: str, parent_id: int | None, text: str) -> Point:
    member = turn.need_member()
    return Point(
        id=0,
        meeting_id=turn.need_meeting().id,
        number=number,
        letter=letter,
        parent_id=parent_id,
        text=text,
        state=PointState.OPEN,
        proposer_member_id=member.id,
        proposer_delegation_id=member.delegation_id,
        created_at=turn.now,
    )


async def show_card(turn: Turn, point_id: int, *, announce: str = "", point: Point | None = None) -> None:
    """Sends the point's current card to every chat of the meeting (adapters edit it in place)."""
    top = point if point is not None and point.id == point_id and point.parent_id is None else None
    if top is None:
        top = await turn.store.point(point_id)
        while top is not None and top.parent_id is not None:
            top = await turn.store.point(top.parent_id)
    if top is None:
        return
    await turn.store.bump_card(top.id)
    top.card_version += 1
    card = await build_card(turn.store, top.id, turn.lang, point=top)
    if card is None:
        return
    if announce:
        await turn.broadcast(Text(announce), point_id=card.point_id)
    await turn.broadcast(card, point_id=card.point_id)
    turn.touched.append(card.point_id)


def check_text(turn: Turn, text: str) -> None:
    """Refuses a point, sub-point or amendment text whose square brackets cannot be numbered."""
    try:
        check(text)
    except BracketError as error:
        turn.refuse(error.key, **error.params)


async def reset_positions(turn: Turn, point: Point) -> bool:
    """A changed text is a new text: positions taken on the old one no longer stand."""
    had = bool(await turn.store.positions(point.id))
    await turn.store.clear_positions(point.id)
    point.version += 1
    if point.state in (PointState.SILENCE, PointState.AD_REFERENDUM):
        point.state = PointState.OPEN
        point.silence_deadline = None
    return had


async def propose(turn: Turn) -> None:
    meeting = turn.need_meeting()
    tops = [p for p in await turn.store.points(meeting.id) if not p.is_sub]
    if len(tops) >= MAX_POINTS:
        turn.refuse("error.too_many_points", max=MAX_POINTS)
    check_text(turn, turn.cmd.text)
    number = max((p.number for p in tops), default=0) + 1
    point = await turn.store.add_point(_new_point(turn, number, "", None, turn.cmd.text))
    await turn.audit("propose", point.id, label=point.label, text=point.text)
    delegations = await turn.store.delegations(meeting.id)
    await show_card(
        turn, point.id, announce=turn.say("point.proposed", who=turn.who(delegations), label=point.label)
    )


async def sub(turn: Turn) -> None:
    parent = await turn.resolve(turn.cmd.ref)
    if closed(parent):
        turn.refuse("error.point_closed", label=parent.label, state=turn.say(f"state.{parent.state.value}"))
    siblings = [p for p in await turn.store.points(parent.meeting_id) if p.parent_id == parent.id]
    if len(siblings) >= MAX_SUBPOINTS:
        turn.refuse("error.too_many_subpoints", max=MAX_SUBPOINTS)
    check_text(turn, turn.cmd.text)
    used = {p.letter for p in siblings}
    letter = next(c for c in string.ascii_lowercase if c not in used)
    point = await turn.store.add_point(_new_point(turn, parent.number, letter, parent.id, turn.cmd.text))
    had = await reset_positions(turn, parent)
    await turn.store.save_points([parent])
    await turn.audit("sub", point.id, label=point.label, text=point.text)
    # The card, edited in place, is what says a sub-point was added (its lettered line is there): a
    # message for each would only crowd the group. Positions that no longer count are news the card
    # cannot tell (a delegation that approved must approve again), so that is still announced.
    announce = ""
    if had:
        delegations = await turn.store.delegations(parent.meeting_id)
        announce = turn.say("point.sub_proposed", who=turn.who(delegations), label=point.label) + turn.say(
            "point.positions_reset", label=parent.label
        )
    await show_card(turn, parent.id, announce=announce)


async def comment(turn: Turn) -> None:
    point = await turn.resolve(turn.cmd.ref)
    member = turn.need_member()
    await turn.store.add_comment(point.id, member.id, turn.cmd.text, turn.now, member.delegation_id)
    await turn.audit("comment", point.id, label=point.label, text=turn.cmd.text)
    delegations = await turn.store.delegations(point.meeting_id)
    line = turn.say("point.comment", who=turn.who(delegations), label=point.label, text=turn.cmd.text)
    # The author's own chat already shows the comment; the other chats of the meeting get a copy.
    for chat in await turn.store.chats(point.meeting_id):
        if chat != turn.ctx.chat:
            turn.out.append(Delivery(Text(line), chat=chat, point_id=point.parent_id or point.id))
    # Only its author needs to hear it was recorded (the comment itself is in the chat): a reaction
    # on Telegram, an ephemeral message on Slack, not one more message for the whole group.
    turn.send(
        Text(turn.say("point.comment_noted", label=point.label)),
        point_id=point.parent_id or point.id,
        ephemeral=True,
    )


async def withdraw(turn: Turn) -> None:
    point = await turn.resolve(turn.cmd.ref)
    member = turn.need_member()
    if not is_owner(member, point):
        turn.refuse("error.not_proposer", label=point.label)
    if point.state is PointState.ADOPTED:
        turn.refuse("error.point_closed", label=point.label, state=turn.say("state.adopted"))
    if point.state is PointState.WITHDRAWN:
        turn.refuse("error.already_withdrawn", label=point.label)
    point.state = PointState.WITHDRAWN
    point.silence_deadline = None
    changed = [point]
    if point.parent_id is not None:
        parent = await turn.store.point(point.parent_id, lock=True)
        assert parent is not None
        await reset_positions(turn, parent)
        changed.append(parent)
    await turn.store.save_points(changed)
    await turn.audit("withdraw", point.id, label=point.label)
    await show_card(
        turn, point.parent_id or point.id, announce=turn.say("point.withdrawn", label=point.label)
    )


async def move(turn: Turn) -> None:
    meeting = turn.need_meeting()
    point = await turn.resolve(turn.cmd.ref)
    position = turn.cmd.position or 1
    everything = await turn.store.points(meeting.id)
    tops = sorted((p for p in everything if not p.is_sub), key=lambda p: p.number)
    if position > len(tops):
        turn.refuse("error.bad_position", max=len(tops))
    if point.number == position:
        turn.refuse("error.same_position", label=point.label)
    order = [p for p in tops if p.id != point.id]
    order.insert(position - 1, point)
    # Points are numbered by their order; sub-points carry their point's number.
    renumber: dict[int, int] = {p.id: i for i, p in enumerate(order, start=1)}
    changed: list[Point] = []
    for p in everything:
        target = renumber[p.parent_id if p.parent_id is not None else p.id]
        if p.number != target:
            p.number = target
            changed.append(p)
    await turn.store.save_points(changed)
    old_label = turn.cmd.ref.label if turn.cmd.ref else ""
    await turn.audit("move", point.id, old=old_label, new=str(position))
    turn.reply("point.moved", old=old_label, new=position)
    for p in order:
        if any(c.id == p.id for c in changed):
            await show_card(turn, p.id)
