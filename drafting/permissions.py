"""Who may use a command: the one rule, read from its declaration (drafting/commands.py).

The service asks it before running a command and `help` asks it to list what a user may use, so the two
cannot disagree. A command that its declaration also lets "the point's proposer" use (accept, withdraw)
can only be settled once the point is known: the answer is then `OWNER`, and the caller checks the point.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drafting.commands import PROPOSERS, Spec
from drafting.model import Meeting, MeetingState, Member


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    OWNER = "owner"  # allowed on the member's own point only


@dataclass(frozen=True)
class Permission:
    verdict: Verdict
    key: str = ""  # the refusal's message key (also what an OWNER refusal falls back to)

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOWED


def permission(spec: Spec, member: Member | None, meeting: Meeting | None) -> Permission:
    """May `member` (None: not a member, or no meeting) use `spec` in a chat whose meeting is `meeting`?"""
    if meeting is None and spec.needs_meeting:
        return Permission(Verdict.REFUSED, "error.no_meeting")
    final = meeting is not None and meeting.state is MeetingState.FINAL
    if final and spec.writes and not spec.after_final and not spec.opens_meeting:
        return Permission(Verdict.REFUSED, "error.final")
    if spec.roles is None:
        return Permission(Verdict.ALLOWED)
    if member is None:
        return Permission(Verdict.REFUSED, "error.not_member")
    if member.role in spec.roles:
        return Permission(Verdict.ALLOWED)
    if spec.owner:
        return Permission(Verdict.OWNER, "error.not_proposer_or_role" if spec.roles else "error.not_proposer")
    return Permission(Verdict.REFUSED, "error.role")


def offered(spec: Spec, member: Member | None, meeting: Meeting | None) -> bool:
    """Whether `help` lists the command for this user: what they may use, and what they may use on
    points of their own when their role is one that proposes points."""
    if spec.opens_meeting:
        return meeting is None or meeting.state is MeetingState.FINAL
    answer = permission(spec, member, meeting)
    if answer.verdict is Verdict.OWNER:
        return member is not None and member.role in PROPOSERS
    return answer.allowed
