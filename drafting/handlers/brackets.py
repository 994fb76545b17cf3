"""Settling a square bracket in a point's text (`resolve 3 2 1`): the text changes, so positions reset."""

from __future__ import annotations

from drafting import brackets
from drafting.handlers.points import reset_positions, show_card
from drafting.turn import Turn, closed


async def resolve(turn: Turn) -> None:
    point = await turn.resolve(turn.cmd.ref)
    locked = await turn.store.point(point.id, lock=True)
    assert locked is not None
    point = locked
    if closed(point):
        turn.refuse("error.point_closed", label=point.label, state=turn.say(f"state.{point.state.value}"))
    number = turn.cmd.position or 1
    try:
        if not brackets.find(point.text):
            turn.refuse("error.no_brackets", label=point.label)
        new_text = brackets.resolve(point.text, number, turn.cmd.text)
    except brackets.BracketError as error:
        turn.refuse(error.key, label=point.label, **error.params)
    old_text = point.text
    point.text = new_text
    top = point if point.parent_id is None else await turn.store.point(point.parent_id, lock=True)
    assert top is not None
    had = await reset_positions(turn, top)
    if top is not point:
        point.version += 1
    await turn.store.save_points([point] if top is point else [point, top])
    # The audit keeps both texts: what was in brackets and what was agreed.
    await turn.audit(
        "resolve", point.id, label=point.label, bracket=str(number), choice=turn.cmd.text, old=old_text,
        new=new_text,
    )  # fmt: skip
    note = turn.say("point.positions_reset", label=top.label) if had else ""
    left = brackets.open_count([new_text])
    announce = turn.say("point.bracket_resolved", label=point.label, bracket=number, open=left) + note
    await show_card(turn, top.id, announce=announce)
