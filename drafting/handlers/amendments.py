"""Amendments: several open per point, numbered for good; accepted or rejected one at a time.

An amendment keeps its number whatever happens to the others (after `reject 4 1`, amendment 2 is still
`2`). Accepting one replaces the point's text, so the other open amendments no longer apply to it:
they are marked overtaken. Whoever proposed an amendment that is rejected or overtaken is told, in
the point's thread of every chat of the meeting.
"""

from __future__ import annotations

from drafting.cards import amendment_author
from drafting.handlers.points import check_text, reset_positions, show_card
from drafting.model import Amendment, Point
from drafting.turn import Turn, closed

OVERTAKEN = "overtaken"
REJECTED = "rejected"
MAX_OPEN = 20  # open amendments on one point: more would not fit a card


async def _open_point(turn: Turn) -> Point:
    # The point's row lock: amendment numbers and the choice of which one stands are taken in turn.
    point = await turn.resolve(turn.cmd.ref, lock=True)
    if closed(point):
        turn.refuse("error.point_closed", label=point.label, state=turn.say(f"state.{point.state.value}"))
    return point


async def amend(turn: Turn) -> None:
    point = await _open_point(turn)
    if turn.cmd.text == point.text:
        turn.refuse("error.amendment_same_text", label=point.label)
    check_text(turn, turn.cmd.text)
    open_ones = [a for a in await turn.store.amendments(point.id) if a.status == "open"]
    same = next((a for a in open_ones if a.text == turn.cmd.text), None)
    if same is not None:
        turn.refuse("error.amendment_duplicate", label=point.label, number=same.number)
    if len(open_ones) >= MAX_OPEN:
        turn.refuse("error.too_many_amendments", label=point.label, max=MAX_OPEN)
    member = turn.need_member()
    amendment = await turn.store.add_amendment(
        point.id, member.id, turn.cmd.text, turn.now, member.delegation_id, base=point.text
    )
    await turn.audit("amend", point.id, label=point.label, number=amendment.number, text=turn.cmd.text)
    delegations = await turn.store.delegations(point.meeting_id)
    await show_card(
        turn,
        point.parent_id or point.id,
        announce=turn.say(
            "point.amendment_numbered",
            who=turn.who(delegations),
            label=point.label,
            number=amendment.number,
            prefix=turn.ctx.prefix,
        ),
    )


async def _chosen(turn: Turn, point: Point) -> tuple[Amendment, list[Amendment]]:
    """The amendment the command names (its number, or the only open one) and the others still open."""
    every = await turn.store.amendments(point.id)
    open_ones = [a for a in every if a.status == "open"]
    number = turn.cmd.position
    if number is None:
        if not open_ones:
            turn.refuse("error.no_amendment", label=point.label, prefix=turn.ctx.prefix)
        if len(open_ones) > 1:
            turn.refuse(
                "error.which_amendment",
                label=point.label,
                numbers=", ".join(str(a.number) for a in open_ones),
                word=turn.cmd.spec.alias if turn.lang == "es" else turn.cmd.name,
                prefix=turn.ctx.prefix,
                first=open_ones[0].number,
            )
        return open_ones[0], []
    found = next((a for a in every if a.number == number), None)
    if found is None:
        known = ", ".join(str(a.number) for a in open_ones) or "—"
        turn.refuse("error.unknown_amendment", label=point.label, number=number, known=known)
    if found.status != "open":
        turn.refuse(
            "error.amendment_not_open",
            label=point.label,
            number=number,
            status=turn.say(f"amendment.{found.status}"),
        )
    return found, [a for a in open_ones if a.id != found.id]


async def _tell_proposers(turn: Turn, point: Point, amendments: list[Amendment], key: str) -> str:
    """The lines that tell each proposer what became of their amendment."""
    delegations = await turn.store.delegations(point.meeting_id)
    members = await turn.store.members(point.meeting_id)
    lines = [
        turn.say(key, number=a.number, label=point.label, who=amendment_author(a, delegations, members))
        for a in amendments
    ]
    return "".join("\n" + line for line in lines)


async def accept(turn: Turn) -> None:
    point = await _open_point(turn)
    amendment, others = await _chosen(turn, point)
    old_text = point.text
    point.text = amendment.text
    top = point if point.parent_id is None else await turn.store.point(point.parent_id, lock=True)
    assert top is not None
    had = await reset_positions(turn, top)
    if top is not point:
        point.version += 1
    await turn.store.save_points([point] if top is point else [point, top])
    await turn.store.set_amendment_status(amendment.id, "accepted")
    for other in others:
        await turn.store.set_amendment_status(other.id, OVERTAKEN)
        await turn.audit("overtaken", point.id, label=point.label, number=other.number, by=amendment.number)
    await turn.audit(
        "accept", point.id, label=point.label, number=amendment.number, old=old_text, new=point.text
    )
    note = turn.say("point.positions_reset", label=top.label) if had else ""
    told = await _tell_proposers(turn, point, others, "point.amendment_overtaken")
    announce = turn.say("point.amendment_number_accepted", label=point.label, number=amendment.number)
    await show_card(turn, top.id, announce=announce + note + told)


async def reject(turn: Turn) -> None:
    point = await _open_point(turn)
    amendment, _ = await _chosen(turn, point)
    await turn.store.set_amendment_status(amendment.id, REJECTED)
    await turn.audit("reject", point.id, label=point.label, number=amendment.number, text=amendment.text)
    told = await _tell_proposers(turn, point, [amendment], "point.amendment_rejected")
    await show_card(turn, point.parent_id or point.id, announce=told.lstrip("\n"))
