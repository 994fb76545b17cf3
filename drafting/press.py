"""A button press in one read and one write: the common case of `approve` / `object` / `abstain`.

The service asks the store for everything the press needs in one read (`Store.press_context`: the
chat's meeting, its members and delegations, the point locked, its positions, sub-points and open
amendments, and whether the update was seen before), decides here with the same rules as the general
path (drafting.permissions, drafting.point_states, drafting.adoption), and records the position in one
write (`Store.record_press`). Whatever is not the common case, `decide` returns None for, and the
press runs through the general path (`positions._take`) as a typed command would: a refusal (so its
message and its separate claim are the general path's), a point that is not open (silence, ad
referendum, closed), a sub-point, an approval ad referendum, and a press whose position changes the
point's state (adoption): rare, and the general path already words and audits it.

The outcome is the one the general path gives for the same press: the objection announced, the card
sent to every chat of the meeting, the presser's acknowledgement when nothing is announced.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, cast

from drafting.adoption import Tally, brackets_holding, rule_named
from drafting.cards import build_card, participating
from drafting.commands import Command
from drafting.i18n import t
from drafting.model import (
    Amendment,
    Delegation,
    DelegationKind,
    Meeting,
    Member,
    Point,
    PointState,
    Position,
    Stance,
)
from drafting.permissions import permission
from drafting.point_states import next_state, waiting_ad_referendum
from drafting.ports import PointSnapshot, PressContext, PressRecord
from drafting.replies import Delivery, Outcome, PointCard, Text
from drafting.turn import Context

STANCES = {"approve": Stance.APPROVE, "object": Stance.OBJECT, "abstain": Stance.ABSTAIN}


@dataclass(frozen=True)
class Decision:
    """A press the fast path may record: what to write, and what to say once it is written."""

    record: PressRecord
    snapshot: PointSnapshot  # as it stands after the press (its card version still the old one)
    delegation: Delegation
    stance: Stance


def decide(ctx: Context, command: Command, gathered: PressContext, now: datetime) -> Decision | None:
    """The press as the general path would take it, or None when the general path must take it."""
    stance = STANCES.get(command.name)
    snap = gathered.snapshot
    meeting, point = snap.meeting, snap.point
    if stance is None or ctx.message_id is not None or (stance is not Stance.OBJECT and command.text):
        return None
    member = _member(snap.members, ctx)
    if not permission(command.spec, member, meeting).allowed or member is None:
        return None
    if point.is_sub or point.meeting_id != meeting.id or point.state is not PointState.OPEN:
        return None
    delegation = next((d for d in snap.delegations if d.id == member.delegation_id), None)
    if delegation is None or delegation.kind is not DelegationKind.MEMBER:
        return None
    reason = command.text if stance is Stance.OBJECT else ""
    position = Position(point.id, delegation.id, member.id, stance, reason, now)
    positions = (*(p for p in snap.positions if p.delegation_id != delegation.id), position)
    tally = Tally.count(
        {p.delegation_id: p.stance for p in positions},
        [d.id for d in snap.delegations if d.kind is DelegationKind.MEMBER],
        participating(list(snap.delegations), list(snap.members)),
    )
    live_subs = [s.text for s in snap.children if s.state is not PointState.WITHDRAWN]
    state = next_state(
        point,
        rule_named(meeting.rule),
        tally,
        {p.delegation_id for p in waiting_ad_referendum(positions)},
        brackets=brackets_holding(point.text, live_subs),
    )
    if state is not point.state:
        return None  # adopted (or adopted ad referendum): the general path words and audits that
    record = PressRecord(ctx.user.platform, ctx.dedup_key, position, point.version, point.card_version)
    return Decision(record, replace(snap, positions=positions), delegation, stance)


async def outcome(ctx: Context, decision: Decision, card_version: int) -> Outcome:
    """What the general path says for the same press, the card drawn at `card_version` (when read:
    chat adapters redraw a card from the database, so most press cards are never drawn)."""
    snap = decision.snapshot
    lang, point = snap.meeting.language, snap.point
    shown = replace(point, card_version=card_version)
    reads = SnapshotReads(replace(snap, point=shown))
    card = DrawnWhenRead.later(
        point.id,
        point.meeting_id,
        lang,
        card_version,
        lambda: _now(build_card(reads, point.id, lang, point=shown)),
    )
    out: list[Delivery] = []
    if decision.stance is Stance.OBJECT:
        text = t(
            lang,
            "position.objection",
            label=point.label,
            who=decision.delegation.name,
            reason=decision.record.position.reason,
        )
        out += [Delivery(Text(text), chat=chat, point_id=point.id) for chat in snap.chats]
    out += [Delivery(card, chat=chat, point_id=point.id) for chat in snap.chats]
    if decision.stance is not Stance.OBJECT:
        noted = t(
            lang, f"position.{decision.stance.value}_noted", label=point.label, who=decision.delegation.name
        )
        out.append(Delivery(Text(noted), point_id=point.id, ephemeral=True))
    return Outcome(tuple(out), meeting_id=snap.meeting.id, point_ids=(point.id,))


async def snapshot_card(snap: PointSnapshot) -> PointCard | None:
    """The card of a snapshot's point, in its meeting's language."""
    return await build_card(SnapshotReads(snap), snap.point.id, snap.meeting.language, point=snap.point)


def _member(members: tuple[Member, ...], ctx: Context) -> Member | None:
    user = ctx.user
    for m in members:
        if (m.user.platform, m.user.workspace, m.user.user_id) == (
            user.platform,
            user.workspace,
            user.user_id,
        ):
            return m
    return None


_FIELDS = tuple(f.name for f in fields(PointCard))


class _Field:
    """A field of a `DrawnWhenRead` card whose class default would hide that it is not drawn yet."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, card: DrawnWhenRead | None, owner: type | None = None) -> Any:
        if card is None:
            return ()
        if self.name not in card.__dict__:
            card._draw_now()
        return card.__dict__[self.name]

    def __set__(self, card: DrawnWhenRead, value: Any) -> None:
        card.__dict__[self.name] = value


class DrawnWhenRead(PointCard):
    """A `PointCard` drawn the first time one of its fields is read (from a snapshot, in memory: no
    read of the database). Built whole by `dataclasses.replace` and equal to a drawn card with the
    same fields."""

    amendments = _Field()

    @classmethod
    def later(
        cls, point_id: int, meeting_id: int, lang: str, version: int, draw: Callable[[], PointCard | None]
    ) -> PointCard:
        card = object.__new__(cls)
        known = {"point_id": point_id, "meeting_id": meeting_id, "lang": lang, "version": version}
        card.__dict__.update(known, _draw=draw)
        return card

    def _draw_now(self) -> None:
        draw = self.__dict__.pop("_draw", None)
        if draw is None:
            raise AttributeError("a card drawn when read lost its drawing")
        drawn = draw()
        assert drawn is not None, "a pressed point has a card"
        for name in _FIELDS:
            self.__dict__.setdefault(name, getattr(drawn, name))

    def __getattr__(self, name: str) -> Any:
        # only reached for what is not in the instance yet: a field not drawn yet
        if name not in _FIELDS or "_draw" not in self.__dict__:
            raise AttributeError(name)
        self._draw_now()
        return self.__dict__[name]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PointCard):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in _FIELDS))


def _now(drawing: Coroutine[Any, Any, PointCard | None]) -> PointCard | None:
    """Runs a card's drawing from a snapshot to its end at once: its reads never wait for anything."""
    try:
        drawing.send(None)
    except StopIteration as done:
        return cast("PointCard | None", done.value)
    drawing.close()
    raise RuntimeError("a card drawn from a snapshot waited for something")


class SnapshotReads:
    """The reads a card is built from (`drafting.cards.CardReads`), answered from one snapshot."""

    def __init__(self, snap: PointSnapshot) -> None:
        self.snap = snap

    async def point(self, point_id: int) -> Point | None:
        if point_id == self.snap.point.id:
            return self.snap.point
        return next((c for c in self.snap.children if c.id == point_id), None)

    async def meeting(self, meeting_id: int) -> Meeting | None:
        return self.snap.meeting if meeting_id == self.snap.meeting.id else None

    async def delegations(self, meeting_id: int) -> list[Delegation]:
        return list(self.snap.delegations)

    async def members(self, meeting_id: int) -> list[Member]:
        return list(self.snap.members)

    async def positions(self, point_id: int) -> list[Position]:
        return [p for p in self.snap.positions if p.point_id == point_id]

    async def children(self, point_id: int) -> list[Point]:
        return list(self.snap.children) if point_id == self.snap.point.id else []

    async def amendments(self, point_id: int) -> list[Amendment]:
        return [a for a in self.snap.amendments if a.point_id == point_id]
