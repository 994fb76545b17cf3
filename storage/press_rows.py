"""One row of the press path's snapshot read (storage.press_store) as domain values: the point and
its meeting from columns, the point's lists from the JSON arrays aggregated beside them."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from drafting.model import (
    Amendment,
    ChatRef,
    DateSpan,
    Delegation,
    DelegationKind,
    Meeting,
    MeetingState,
    Member,
    Point,
    PointState,
    Position,
    Role,
    Stance,
    UserRef,
)
from drafting.ports import CardMessage, PointSnapshot
from storage.tables import PointRow

POINT_COLUMNS = [c.name for c in PointRow.__table__.columns]
POSITION_VALUES = (
    "point_id",
    "delegation_id",
    "member_id",
    "stance",
    "reason",
    "at",
    "point_version",
    "until",
)


def _listed(value: Any) -> list[list[Any]]:
    if value is None:
        return []
    rows = json.loads(value) if isinstance(value, str | bytes) else value
    return sorted(rows, key=lambda r: r[0]) if rows and isinstance(rows[0][0], int) else list(rows)


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def snapshot(row: Mapping[Any, Any]) -> PointSnapshot:
    meeting = _meeting(row)
    point = _point({name: row[f"p_{name}"] for name in POINT_COLUMNS})
    delegations = _kept(_delegations, meeting.id, row["l_delegations"])
    members = _kept(_members, meeting.id, row["l_members"])
    chats = _kept(_chats, meeting.id, row["l_chats"])
    positions = tuple(
        Position(pid, delegation, member, Stance(stance), reason, _moment(at) or datetime.min, _moment(until))
        for _, pid, delegation, member, stance, reason, at, _version, until in _listed(row["l_positions"])
    )
    children = sorted(
        (
            Point(
                id=i,
                meeting_id=meeting.id,
                number=number,
                letter=letter,
                parent_id=point.id,
                text=text,
                state=PointState(state),
                proposer_member_id=by_member,
                proposer_delegation_id=by_delegation,
            )
            for i, number, letter, text, state, by_member, by_delegation in _listed(row["l_children"])
        ),
        key=lambda p: (p.letter, p.id),
    )
    amendments = tuple(
        Amendment(i, pid, member, text, status, _moment(at) or datetime.min, delegation, number, base)
        for i, pid, member, text, status, at, delegation, number, base in _listed(row["l_amendments"])
    )
    cards = tuple(
        CardMessage(point.id, ChatRef(platform, chat, workspace), message, thread, shown)
        for platform, workspace, chat, message, thread, shown in _listed(row.get("l_cards"))
    )
    return PointSnapshot(
        meeting, point, delegations, members, chats, positions, tuple(children), amendments, cards
    )


def _delegations(meeting_id: int, listed: Any) -> tuple[Delegation, ...]:
    return tuple(Delegation(i, meeting_id, name, DelegationKind(kind)) for i, name, kind in _listed(listed))


def _members(meeting_id: int, listed: Any) -> tuple[Member, ...]:
    return tuple(
        Member(i, meeting_id, UserRef(platform, user, workspace, name), Role(role), delegation)
        for i, platform, workspace, user, name, role, delegation in _listed(listed)
    )


def _chats(meeting_id: int, listed: Any) -> tuple[ChatRef, ...]:
    return tuple(ChatRef(platform, chat, workspace) for _, platform, chat, workspace in _listed(listed))


T = TypeVar("T")
# A meeting's delegations, members and chats, as read last: every press of a meeting reads the same
# ones, and turning them into domain values again each time is most of a snapshot's cost. The key is
# the text the database aggregated, so a changed list is a new entry; the values are immutable.
_KEPT: dict[tuple[Callable[..., Any], int, str], Any] = {}
_KEEP = 256


def _kept(parse: Callable[[int, Any], tuple[T, ...]], meeting_id: int, listed: Any) -> tuple[T, ...]:
    if not isinstance(listed, str):  # None: an empty list
        return parse(meeting_id, listed)
    key = (parse, meeting_id, listed)
    found = _KEPT.get(key)
    if found is None:
        if len(_KEPT) >= _KEEP:
            _KEPT.clear()
        found = _KEPT[key] = parse(meeting_id, listed)
    return cast("tuple[T, ...]", found)


def _meeting(row: Mapping[Any, Any]) -> Meeting:
    start, end = row["date_start"], row["date_end"]
    return Meeting(
        id=row["id"],
        title=row["title"],
        bodies=tuple(b for b in row["bodies"].split("\n") if b),
        network=row["network"],
        kind=row["kind"],
        place=row["place"],
        dates=DateSpan(start, end or start) if start else None,
        before=row["before"],
        objective=row["objective"],
        language=row["language"],
        format=row["format"],
        rule=row["rule"],
        timezone=row["timezone"],
        reminders=row["reminders"],
        state=MeetingState(row["state"]),
        draft_version=row["draft_version"],
        created_at=row["created_at"],
    )


def _point(row: Mapping[str, Any]) -> Point:
    return Point(
        id=row["id"],
        meeting_id=row["meeting_id"],
        number=row["number"],
        letter=row["letter"],
        parent_id=row["parent_id"],
        text=row["text"],
        state=PointState(row["state"]),
        proposer_member_id=row["proposer_member_id"],
        proposer_delegation_id=row["proposer_delegation_id"],
        silence_deadline=row["silence_deadline"],
        created_at=row["created_at"],
        adopted_at=row["adopted_at"],
        version=row["version"],
        card_version=row["card_version"],
        reminded_at=row["reminded_at"],
    )
