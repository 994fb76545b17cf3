"""Reading a silence deadline as people write it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_SILENCE = timedelta(days=60)

_DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$", re.IGNORECASE)
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def zone(name: str) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def parse_deadline(text: str, now: datetime, tz_name: str = "UTC") -> datetime | None:
    """`48h`, `2d`, `1d12h`, `90m`, `2026-11-25 18:00` (meeting time zone) or ISO with an offset.

    Returns an aware UTC datetime, or None when the text is not a deadline.
    """
    value = text.strip()
    match = _DURATION.match(value)
    if value and match and any(match.groups()):
        days, hours, minutes = (int(g) if g else 0 for g in match.groups())
        return now + timedelta(days=days, hours=hours, minutes=minutes)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        if len(value) <= 10:  # a date alone: the end of that day
            parsed = parsed.replace(hour=23, minute=59)
        parsed = parsed.replace(tzinfo=zone(tz_name))
    return parsed.astimezone(UTC)
