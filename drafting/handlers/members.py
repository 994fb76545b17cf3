"""Who takes part as what: one delegation or role per person per meeting, moved only by the secretariat.

A person joins once. A second code for another delegation or role is refused (`setup.join`); the
secretariat moves a member explicitly with `member <who> <delegation or role>`. A move changes the
membership only: amendments, comments, points and positions keep the delegation they were made for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from drafting.commands import fold
from drafting.handlers.membership import capacity, listing, name_of
from drafting.handlers.setup import ROLE_WORDS
from drafting.model import Delegation, DelegationKind, Member, Role
from drafting.replies import Text
from drafting.turn import Turn

_NUMBER = re.compile(r"#?(\d{1,5})")


def _find(who: str, members: Sequence[Member]) -> list[Member]:
    """The members `who` names: a listing number, a platform id or @handle, a name or part of one."""
    number = _NUMBER.fullmatch(who)
    if number is not None:
        index = int(number.group(1))
        return [members[index - 1]] if 1 <= index <= len(members) else []
    key = fold(who.removeprefix("@"))
    exact = [m for m in members if key in (fold(m.user.user_id), fold(m.user.display_name))]
    if exact:
        return exact
    # "Ana" or "ana per" for "Ana Pérez": each typed word starts a word of the name.
    typed = key.split()
    return [
        m
        for m in members
        if typed and all(any(w.startswith(t) for w in fold(name_of(m)).split()) for t in typed)
    ]


def _places(delegations: Sequence[Delegation]) -> dict[str, tuple[Role, int | None]]:
    places: dict[str, tuple[Role, int | None]] = {w: (r, None) for w, r in ROLE_WORDS.items()}
    for d in delegations:
        role = Role.DELEGATE if d.kind is DelegationKind.MEMBER else Role.OBSERVER
        places[fold(d.name)] = (role, d.id)
    return places


def _split(text: str, places: dict[str, tuple[Role, int | None]]) -> tuple[str, str] | None:
    """`Ana Pérez Costa Rica` → ("Ana Pérez", "Costa Rica"); `Ana Pérez: Costa Rica` likewise."""
    if ":" in text:
        who, _, place = text.partition(":")
        return (who.strip(), place.strip()) if who.strip() and fold(place) in places else None
    words = text.split()
    # The longest place that ends the text wins, so "República Dominicana" is not read as "Dominicana".
    for k in range(len(words) - 1, 0, -1):
        if fold(" ".join(words[-k:])) in places:
            return " ".join(words[:-k]), " ".join(words[-k:])
    return None


async def member(turn: Turn) -> None:
    meeting = turn.need_meeting()
    # Moves take turns (the meeting's row lock, on PostgreSQL), so two secretariats moving each
    # other away at once cannot leave the meeting with none; the one who waited is checked again.
    await turn.store.meeting(meeting.id, lock=True)
    me = await turn.store.member(meeting.id, turn.ctx.user)
    if me is not None and me.role is not Role.SECRETARIAT:
        turn.refuse("error.role", role=turn.say(f"role.{me.role.value}"), roles=turn.say("role.secretariat"))
    members = await turn.store.members(meeting.id)
    delegations = await turn.store.delegations(meeting.id)
    text = turn.cmd.text.strip()
    if not text:
        header = turn.say("setup.members", title=meeting.title)
        hint = turn.say("setup.members_hint", prefix=turn.ctx.prefix)
        turn.send(Text(f"{header}\n{listing(turn, members, members, delegations)}\n\n{hint}"))
        return
    places = _places(delegations)
    split = _split(text, places)
    if split is None:
        known = ", ".join(d.name for d in delegations) or "—"
        turn.refuse("error.need_place", known=known)
    who, place = split
    found = _find(who, members)
    if not found:
        turn.refuse(
            "error.member_unknown", who=who[:60], members=listing(turn, members, members, delegations)
        )
    if len(found) > 1:
        turn.refuse(
            "error.member_ambiguous",
            who=who[:60],
            place=place,
            members=listing(turn, found, members, delegations),
        )
    moved = found[0]
    role, delegation_id = places[fold(place)]
    old = capacity(turn, moved.role, moved.delegation_id, delegations)
    new = capacity(turn, role, delegation_id, delegations)
    if (moved.role, moved.delegation_id) == (role, delegation_id):
        turn.refuse("error.member_unchanged", name=name_of(moved), what=old)
    others = [m for m in members if m.role is Role.SECRETARIAT and m.id != moved.id]
    if moved.role is Role.SECRETARIAT and not others:
        turn.refuse("error.last_secretariat", name=name_of(moved), prefix=turn.ctx.prefix)
    await turn.store.move_member(moved.id, role, delegation_id)
    await turn.audit(
        "member",
        member=f"{moved.user.platform}:{moved.user.user_id}",
        name=name_of(moved),
        old_role=moved.role.value,
        old=old,
        new_role=role.value,
        new=new,
    )
    text = turn.say("setup.member_moved", name=name_of(moved), old=old, new=new)
    left = [m for m in members if m.delegation_id == moved.delegation_id and m.id != moved.id]
    if moved.role is Role.DELEGATE and not left:
        # Said aloud because it changes what adoption waits for: an absent delegation is not pending.
        text += " " + turn.say("setup.member_left_absent", old=old)
    await turn.broadcast(Text(text))
