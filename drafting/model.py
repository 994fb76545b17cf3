"""The entities of a drafting meeting, as plain values.

Storage loads and saves these; the service decides with them. Nothing here knows a chat platform or
a database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class Role(enum.StrEnum):
    DELEGATE = "delegate"
    OBSERVER = "observer"
    RAPPORTEUR = "rapporteur"
    CHAIR = "chair"
    SECRETARIAT = "secretariat"


class DelegationKind(enum.StrEnum):
    MEMBER = "member"  # a country: takes positions
    OBSERVER = "observer"  # an organisation: proposes and comments only


class PointState(enum.StrEnum):
    OPEN = "open"  # under discussion
    SILENCE = "silence"  # silence procedure running until a deadline
    # Agreed, but one or more delegations approved subject to their capital's confirmation by a date.
    AD_REFERENDUM = "ad_referendum"
    ADOPTED = "adopted"
    WITHDRAWN = "withdrawn"


class Stance(enum.StrEnum):
    APPROVE = "approve"
    OBJECT = "object"
    ABSTAIN = "abstain"


class MeetingState(enum.StrEnum):
    DRAFTING = "drafting"
    FINAL = "final"


class ReportFormat(enum.StrEnum):
    """The formats draftbot ships, by name. A meeting's format is any name in the format registry
    (drafting.report.formats), which finds a format by its folder; these are just handy constants."""

    INFORME = "informe"
    PROGRAMA = "programa"
    MESAS = "mesas"


@dataclass(frozen=True)
class ChatRef:
    """One chat on one platform. `workspace` is the Slack team; empty on Telegram."""

    platform: str
    chat_id: str
    workspace: str = ""


@dataclass(frozen=True)
class UserRef:
    """One person on one platform; permissions are keyed by (platform, workspace, user_id)."""

    platform: str
    user_id: str
    workspace: str = ""
    display_name: str = ""


@dataclass(frozen=True)
class DateSpan:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end before start")


@dataclass
class Meeting:
    id: int
    title: str = ""
    bodies: tuple[str, ...] = ()
    network: str = ""
    kind: str = ""
    place: str = ""
    dates: DateSpan | None = None
    before: str = ""
    objective: str = ""
    language: str = "es"
    format: str = ReportFormat.INFORME.value  # a name in drafting.report.formats.FORMATS
    rule: str = "consensus"
    timezone: str = "UTC"
    reminders: str = "24h, 1h"  # before a silence deadline; "" for none
    state: MeetingState = MeetingState.DRAFTING
    draft_version: int = 0
    created_at: datetime | None = None


@dataclass(frozen=True)
class Delegation:
    id: int
    meeting_id: int
    name: str
    kind: DelegationKind


@dataclass(frozen=True)
class Member:
    id: int
    meeting_id: int
    user: UserRef
    role: Role
    delegation_id: int | None = None


@dataclass
class Point:
    id: int
    meeting_id: int
    number: int  # the point's number, or for a sub-point its parent's number
    letter: str  # "" for a point, "a", "b", ... for a sub-point
    parent_id: int | None
    text: str
    state: PointState
    proposer_member_id: int | None
    proposer_delegation_id: int | None
    silence_deadline: datetime | None = None
    created_at: datetime | None = None
    adopted_at: datetime | None = None
    version: int = 1  # bumped whenever the text changes; positions belong to one text
    card_version: int = 0  # bumped whenever what its card shows changes
    reminded_at: datetime | None = None  # the last `remind` on it, for its 10-minute spacing

    @property
    def label(self) -> str:
        return f"{self.number}.{self.letter}" if self.letter else str(self.number)

    @property
    def is_sub(self) -> bool:
        return self.parent_id is not None


@dataclass(frozen=True)
class Position:
    point_id: int
    delegation_id: int
    member_id: int
    stance: Stance
    reason: str
    at: datetime
    # An approval ad referendum: subject to the capital's confirmation by this moment. None: firm.
    until: datetime | None = None

    @property
    def ad_referendum(self) -> bool:
        return self.stance is Stance.APPROVE and self.until is not None


@dataclass(frozen=True)
class Comment:
    id: int
    point_id: int
    member_id: int
    text: str
    at: datetime
    # The delegation the author spoke for when writing it; a later move of the author does not change it.
    delegation_id: int | None = None


@dataclass(frozen=True)
class Amendment:
    id: int
    point_id: int
    member_id: int
    text: str
    status: str  # open | accepted | rejected | overtaken (another one was accepted) | superseded (old)
    at: datetime
    delegation_id: int | None = None  # as for a comment: the delegation it was proposed for
    number: int = 0  # within its point, from 1; it never changes, whatever happens to the others
    base: str = ""  # the point's text it was proposed against ("" for amendments older than numbers)


@dataclass(frozen=True)
class AuditEntry:
    meeting_id: int
    action: str
    platform: str
    user_id: str
    at: datetime
    point_id: int | None = None
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Invite:
    meeting_id: int
    role: Role
    delegation_id: int | None
