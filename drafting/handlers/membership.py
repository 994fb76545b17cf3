"""How members are named and listed, in refusals and in the `member` command."""

from __future__ import annotations

from collections.abc import Sequence

from drafting.model import Delegation, Member, Role
from drafting.turn import Turn

MAX_LISTED = 40  # a listing shows at most this many members; numbers still reach the others


def capacity(turn: Turn, role: Role, delegation_id: int | None, delegations: Sequence[Delegation]) -> str:
    """What a membership is, as people say it: the delegation's name, else the role."""
    for d in delegations:
        if d.id == delegation_id:
            return d.name
    return turn.say(f"role.{role.value}")


# How a role is typed as the place of `member`, in each language (the words `invite` reads too).
_ROLE_WORD = {
    "en": {Role.RAPPORTEUR: "rapporteur", Role.CHAIR: "chair", Role.SECRETARIAT: "secretariat"},
    "es": {Role.RAPPORTEUR: "relator", Role.CHAIR: "presidencia", Role.SECRETARIAT: "secretaria"},
}


def place_word(turn: Turn, role: Role, delegation_id: int | None, delegations: Sequence[Delegation]) -> str:
    """The membership as typed after `member <who>`: the delegation's name, else the role's word."""
    for d in delegations:
        if d.id == delegation_id:
            return d.name
    return _ROLE_WORD.get(turn.lang, _ROLE_WORD["es"]).get(role, role.value)


def number_of(member: Member, members: Sequence[Member]) -> int:
    """A member's number in the meeting's listing: the order of joining, so it never changes."""
    return next(i for i, m in enumerate(members, start=1) if m.id == member.id)


def name_of(member: Member) -> str:
    return member.user.display_name or member.user.user_id


def listing(
    turn: Turn, shown: Sequence[Member], members: Sequence[Member], delegations: Sequence[Delegation]
) -> str:
    several_platforms = len({m.user.platform for m in members}) > 1
    lines = []
    for m in shown[:MAX_LISTED]:
        where = f" ({m.user.platform})" if several_platforms else ""
        what = capacity(turn, m.role, m.delegation_id, delegations)
        lines.append(f"{number_of(m, members)}. {name_of(m)}{where} — {what}")
    if len(shown) > MAX_LISTED:
        lines.append("…")
    return "\n".join(lines)


def secretariat_names(members: Sequence[Member]) -> str:
    return ", ".join(name_of(m) for m in members if m.role is Role.SECRETARIAT)
