"""What was circulated, and who changed what since: the history a redline is drawn from.

Every `compile` posts a draft to the meeting's chats; that draft is "circulated". Its `Circulation`
keeps what the draft was built from — the meeting's data, the delegations and every point with its
text and state — so the same draft can be built again later (`restore`) and compared with a new one.
A redline is the newest draft with tracked changes against the last circulated one.

Whose each change is goes into `drafting.report.model.History` beside the previous draft.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from drafting.model import DateSpan, Delegation, DelegationKind, Meeting, Point, PointState, ReportFormat

# the meeting fields a draft prints; kept with each circulation so the same draft can be built again
_MEETING_TEXT_FIELDS = ("title", "network", "kind", "place", "before", "objective", "language", "timezone")


@dataclass(frozen=True)
class CirculatedPoint:
    point_id: int
    parent_id: int | None
    number: int
    letter: str
    text: str
    state: str  # a PointState value
    silence_deadline: str = ""  # ISO 8601, "" when none


@dataclass(frozen=True)
class Circulation:
    """One circulated draft: its version, when it went out, and what it was built from."""

    meeting_id: int
    version: int
    at: datetime
    meeting: Mapping[str, Any]
    delegations: tuple[tuple[int, str, str], ...]  # (id, name, kind)
    points: tuple[CirculatedPoint, ...]

    def as_json(self) -> dict[str, Any]:
        """The snapshot as plain JSON values (what storage keeps beside version and time)."""
        return {
            "meeting": dict(self.meeting),
            "delegations": [list(d) for d in self.delegations],
            "points": [
                [p.point_id, p.parent_id, p.number, p.letter, p.text, p.state, p.silence_deadline]
                for p in self.points
            ],
        }

    @classmethod
    def from_json(cls, meeting_id: int, version: int, at: datetime, data: Mapping[str, Any]) -> Circulation:
        return cls(
            meeting_id=meeting_id,
            version=version,
            at=at,
            meeting=dict(data.get("meeting", {})),
            delegations=tuple((int(d[0]), str(d[1]), str(d[2])) for d in data.get("delegations", [])),
            points=tuple(
                CirculatedPoint(
                    int(p[0]),
                    None if p[1] is None else int(p[1]),
                    int(p[2]),
                    str(p[3]),
                    str(p[4]),
                    str(p[5]),
                    str(p[6]),
                )
                for p in data.get("points", [])
            ),
        )


def snapshot(
    meeting: Meeting, delegations: Sequence[Delegation], points: Sequence[Point], at: datetime
) -> Circulation:
    """What the draft compiled now is built from, as it will be kept."""
    fields: dict[str, Any] = {name: getattr(meeting, name) for name in _MEETING_TEXT_FIELDS}
    fields["bodies"] = list(meeting.bodies)
    fields["format"] = meeting.format
    fields["dates"] = (
        [meeting.dates.start.isoformat(), meeting.dates.end.isoformat()] if meeting.dates else None
    )
    return Circulation(
        meeting_id=meeting.id,
        version=meeting.draft_version,
        at=at,
        meeting=fields,
        delegations=tuple((d.id, d.name, d.kind.value) for d in delegations),
        points=tuple(
            CirculatedPoint(
                p.id,
                p.parent_id,
                p.number,
                p.letter,
                p.text,
                p.state.value,
                p.silence_deadline.isoformat() if p.silence_deadline else "",
            )
            for p in points
        ),
    )


def restore(circulation: Circulation) -> tuple[Meeting, list[Delegation], list[Point]]:
    """The meeting, delegations and points as they were when `circulation` went out."""
    data = circulation.meeting
    dates = data.get("dates")
    meeting = Meeting(
        id=circulation.meeting_id,
        bodies=tuple(data.get("bodies", ())),
        dates=DateSpan(date.fromisoformat(dates[0]), date.fromisoformat(dates[1])) if dates else None,
        format=str(data.get("format", ReportFormat.INFORME.value)),
        draft_version=circulation.version,
    )
    for name in _MEETING_TEXT_FIELDS:
        setattr(meeting, name, str(data.get(name, getattr(meeting, name))))
    delegations = [
        Delegation(d_id, circulation.meeting_id, name, DelegationKind(kind))
        for d_id, name, kind in circulation.delegations
    ]
    points = [
        Point(
            id=p.point_id,
            meeting_id=circulation.meeting_id,
            number=p.number,
            letter=p.letter,
            parent_id=p.parent_id,
            text=p.text,
            state=PointState(p.state),
            proposer_member_id=None,
            proposer_delegation_id=None,
            silence_deadline=datetime.fromisoformat(p.silence_deadline) if p.silence_deadline else None,
        )
        for p in circulation.points
    ]
    return meeting, delegations, points
