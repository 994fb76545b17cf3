"""Point cards: a point, its state and the positions by delegation, as every chat shows it."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Protocol

from drafting.adoption import Tally, brackets_holding
from drafting.brackets import numbered
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
    Role,
    Stance,
)
from drafting.point_states import LIVE
from drafting.ports import Store
from drafting.replies import CardAmendment, CardButton, CardPosition, PointCard
from drafting.textdiff import diff
from drafting.timezones import long_moment, meeting_zone


class CardReads(Protocol):
    """The reads a card is built from: a `Store`, or one snapshot of the point (drafting.press)."""

    async def point(self, point_id: int) -> Point | None: ...
    async def meeting(self, meeting_id: int) -> Meeting | None: ...
    async def delegations(self, meeting_id: int) -> list[Delegation]: ...
    async def members(self, meeting_id: int) -> list[Member]: ...
    async def positions(self, point_id: int) -> list[Position]: ...
    async def children(self, point_id: int) -> list[Point]: ...
    async def amendments(self, point_id: int) -> list[Amendment]: ...


STANCE_MARK = {Stance.APPROVE: "✅", Stance.OBJECT: "❌", Stance.ABSTAIN: "➖"}


def participating(delegations: list[Delegation], members: list[Member]) -> set[int]:
    """Member delegations with at least one admitted delegate."""
    kinds = {d.id: d.kind for d in delegations}
    return {
        m.delegation_id
        for m in members
        if m.role is Role.DELEGATE
        and m.delegation_id is not None
        and kinds.get(m.delegation_id) is DelegationKind.MEMBER
    }


def state_label(point: Point, lang: str, zone: tzinfo = UTC) -> str:
    """`zone` is the meeting's (drafting.timezones.meeting_zone): a deadline is shown in full there."""
    if point.state is PointState.SILENCE and point.silence_deadline is not None:
        when = long_moment(point.silence_deadline, zone, lang)
        return t(lang, "state.silence_until", deadline=when)
    return t(lang, f"state.{point.state.value}")


async def tally_for(store: Store, point: Point) -> Tally:
    delegations = await store.delegations(point.meeting_id)
    members = await store.members(point.meeting_id)
    stances = {p.delegation_id: p.stance for p in await store.positions(point.id)}
    member_ids = [d.id for d in delegations if d.kind is DelegationKind.MEMBER]
    return Tally.count(stances, member_ids, participating(delegations, members))


async def build_card(
    store: CardReads, point_id: int, lang: str, *, point: Point | None = None
) -> PointCard | None:
    """`point`, when the caller holds it already and it is current, saves a read."""
    if point is None or point.id != point_id:
        point = await store.point(point_id)
    if point is None:
        return None
    if point.parent_id is not None:
        return await build_card(store, point.parent_id, lang)
    delegations = await store.delegations(point.meeting_id)
    members = await store.members(point.meeting_id)
    present = participating(delegations, members)
    positions = {p.delegation_id: p for p in await store.positions(point.id)}
    subs = [p for p in await store.children(point.id) if p.state is not PointState.WITHDRAWN]
    zone: tzinfo = UTC
    if point.state is PointState.SILENCE or any(p.until for p in positions.values()):
        zone = meeting_zone(await store.meeting(point.meeting_id)).zone
    rows: list[CardPosition] = []
    # A card is drawn after every press, with a row per delegation: each row's label is worded once.
    labels: dict[tuple[str, str], str] = {}

    def label(key: str, mark: str) -> str:
        if (key, mark) not in labels:
            labels[key, mark] = f"{mark} {t(lang, key)}"
        return labels[key, mark]

    for d in sorted((d for d in delegations if d.kind is DelegationKind.MEMBER), key=lambda d: d.name):
        pos = positions.get(d.id)
        if pos is not None and pos.until is not None:
            until = t(lang, "stance.until", until=long_moment(pos.until, zone, lang))
            worded = label("stance.approve_ad_referendum", STANCE_MARK[pos.stance])
            rows.append(CardPosition(d.name, pos.stance.value, worded, until))
        elif pos is not None:
            worded = label("stance." + pos.stance.value, STANCE_MARK[pos.stance])
            rows.append(CardPosition(d.name, pos.stance.value, worded, pos.reason))
        elif d.id in present and point.state in LIVE:
            rows.append(CardPosition(d.name, "", label("stance.pending", "⏳")))
    tally = Tally.count(
        {k: v.stance for k, v in positions.items()},
        [d.id for d in delegations if d.kind is DelegationKind.MEMBER],
        present,
    )
    tally_text = t(
        lang,
        "card.tally",
        approve=len(tally.approve),
        object=len(tally.object),
        abstain=len(tally.abstain),
        pending=len(tally.pending),
        absent=len(tally.absent),
    )
    shown = await card_amendments(store, point, lang, delegations, members)
    amendment = "\n\n".join(a.as_text() for a in shown)
    held = brackets_holding(point.text, [s.text for s in subs])
    if held and point.state in LIVE:
        # Why a point everyone approved is still not adopted.
        tally_text += "\n" + t(lang, "card.brackets_open", count=held, label=point.label)
    buttons: tuple[CardButton, ...] = ()
    if point.state in LIVE:
        buttons = tuple(CardButton(a, t(lang, f"button.{a}")) for a in ("approve", "object", "abstain"))
    return PointCard(
        point_id=point.id,
        meeting_id=point.meeting_id,
        label=point.label,
        title=t(lang, "card.title", label=point.label),
        text=numbered(point.text),
        state=point.state.value,
        state_label=state_label(point, lang, zone),
        subpoints=tuple(f"{s.letter}. {numbered(s.text)}" for s in subs),
        positions=tuple(rows),
        tally=tally_text,
        amendment=amendment,
        buttons=buttons,
        lang=lang,
        version=point.card_version,
        amendments=shown,
    )


def amendment_author(amendment: Amendment, delegations: list[Delegation], members: list[Member]) -> str:
    """The delegation it was proposed for, else the person (who spoke in a role of their own)."""
    for d in delegations:
        if d.id == amendment.delegation_id:
            return d.name
    for m in members:
        if m.id == amendment.member_id:
            return m.user.display_name or m.user.user_id
    return "?"


async def card_amendments(
    store: CardReads, point: Point, lang: str, delegations: list[Delegation], members: list[Member]
) -> tuple[CardAmendment, ...]:
    """The open amendments of the point, and of its sub-points, each as what it changes in their text."""
    out: list[CardAmendment] = []
    for target in [point, *await store.children(point.id)]:
        for a in await store.amendments(target.id):
            if a.status != "open":
                continue
            key = "card.amendment_numbered" if target is point else "card.amendment_numbered_sub"
            heading = t(
                lang, key, number=a.number, who=amendment_author(a, delegations, members), label=target.label
            )
            changes = diff(numbered(target.text), numbered(a.text))
            out.append(CardAmendment(a.number, heading, tuple(changes)))
    return tuple(out)
