"""A point's life as rules: adoption, ad referendum, silence start, break and expiry, reminders.

Pure functions over the domain values, so they are tested without a database; the handlers read what
they need, ask here what follows, and save it. What we decided:

* An approval ad referendum counts as an approval for the meeting's rule. When the rule would adopt the
  point and the only thing missing is a capital's confirmation, the point is "adopted ad referendum".
* `confirm` by that delegation, or its date passing with no objection from it, makes its approval firm;
  when no ad referendum approval is left the point is adopted.
* Any objection while a point stands adopted ad referendum reopens it (it is not adopted yet), and so does
  an open square bracket; the delegation's own objection replaces its approval ad referendum.
* A silence procedure ends at its deadline: adopted if no delegation objects (ad referendum if an
  approval still waits for its capital), else open again. Reminders go out at the meeting's offsets
  before the deadline, only those still ahead when the silence starts; `remind` at most every 10 minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from drafting.adoption import AdoptionRule, Tally
from drafting.model import Point, PointState, Position

LIVE = frozenset({PointState.OPEN, PointState.SILENCE, PointState.AD_REFERENDUM})  # positions count
REMIND_SPACING = timedelta(minutes=10)
DEFAULT_REMINDERS = "24h, 1h"


def next_state(
    point: Point,
    rule: AdoptionRule,
    tally: Tally,
    ad_referendum: Iterable[int],
    *,
    brackets: int = 0,
    silence_expired: bool = False,
) -> PointState:
    """What the point's state should be now, given its standing positions."""
    if point.state not in LIVE:
        return point.state
    fallback = PointState.OPEN if point.state is PointState.AD_REFERENDUM else point.state
    if brackets or not rule.adopted(tally, silence_expired=silence_expired):
        return fallback
    waiting = set(ad_referendum) & tally.approve
    return PointState.AD_REFERENDUM if waiting else PointState.ADOPTED


def move_to(point: Point, state: PointState, now: datetime) -> bool:
    """Sets the state the rules gave; returns whether it changed. Silence ends with any change."""
    if state is point.state:
        return False
    point.state = state
    point.silence_deadline = None
    point.adopted_at = now if state is PointState.ADOPTED else None
    return True


def start_silence(point: Point, deadline: datetime) -> None:
    point.state = PointState.SILENCE
    point.silence_deadline = deadline


def break_silence(point: Point) -> None:
    """An objection during silence, or the deadline passing without adoption."""
    point.state = PointState.OPEN
    point.silence_deadline = None


def waiting_ad_referendum(positions: Sequence[Position]) -> list[Position]:
    return [p for p in positions if p.ad_referendum]


def lapsed(positions: Sequence[Position], now: datetime) -> list[Position]:
    """Approvals ad referendum whose date has passed with no objection: they stand as firm approvals."""
    return [p for p in positions if p.ad_referendum and p.until is not None and p.until <= now]


def confirmed(position: Position, now: datetime) -> Position:
    return Position(
        position.point_id, position.delegation_id, position.member_id, position.stance, "", now, None
    )


class ReminderError(ValueError):
    pass


_OFFSET = re.compile(r"^(\d{1,3})\s*(h|d|m|min|hours?|horas?|days?|d[ií]as?|minutes?|minutos?)$")


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """ "24h, 1h" → (24 h, 1 h), latest last. "no"/"ninguno"/"" → none. Raises ReminderError."""
    value = text.strip().casefold()
    if value in ("", "no", "none", "ninguno", "ninguna", "0"):
        return ()
    out: set[timedelta] = set()
    for part in re.split(r"[,;]|\s+y\s+|\s+and\s+", value):
        match = _OFFSET.match(part.strip())
        if match is None:
            raise ReminderError(part.strip())
        amount, unit = int(match.group(1)), match.group(2)
        delta = (
            timedelta(days=amount)
            if unit.startswith("d")
            else timedelta(minutes=amount)
            if unit.startswith("m")
            else timedelta(hours=amount)
        )
        if not timedelta(minutes=1) <= delta <= timedelta(days=60):
            raise ReminderError(part.strip())
        out.add(delta)
    return tuple(sorted(out, reverse=True))


def reminder_times(deadline: datetime, now: datetime, offsets: Iterable[timedelta]) -> list[datetime]:
    """When to remind before `deadline`: the offsets still ahead of `now`, earliest first."""
    return sorted({deadline - o for o in offsets if deadline - o > now})


def remind_wait(point: Point, now: datetime) -> timedelta:
    """How long until `remind` may be used on the point again (zero: now)."""
    if point.reminded_at is None:
        return timedelta(0)
    return max(timedelta(0), point.reminded_at + REMIND_SPACING - now)
