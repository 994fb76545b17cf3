"""The web page's words in the meeting's language, and times in the meeting's zone."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from drafting.i18n import LANGUAGES, _flatten
from drafting.i18n import catalogue as chat_catalogue
from drafting.i18n import t as chat_t
from drafting.model import Meeting
from drafting.timezones import meeting_zone, zone_named


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    raw = resources.files("bot.web").joinpath("messages", f"{lang}.toml").read_text("utf-8")
    out: dict[str, str] = {}
    _flatten("", tomllib.loads(raw), out)
    return out


def say(lang: str, key: str, /, **params: object) -> str:
    """A page text; keys of the chat's catalogue (`state.open`, `role.chair`) work too."""
    lang = lang if lang in LANGUAGES else "es"
    template = catalogue(lang).get(key)
    if template is None:
        # A key neither catalogue has (an audit kind with no wording) is shown as itself.
        return chat_t(lang, key, **params) if key in chat_catalogue(lang) else key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def zone_name(meeting: Meeting) -> str:
    """The zone the page shows times in: the meeting's `zona`, else its place's country's, else UTC."""
    return meeting_zone(meeting).name


def local_time(moment: datetime, tz_name: str) -> str:
    """`2026-12-03 18:00 (America/Panama)`; the zone is always named so nobody reads UTC as local."""
    found = zone_named(tz_name or "UTC")
    name = tz_name if found is not None else "UTC"
    local = moment.astimezone(found or UTC)
    return f"{local:%Y-%m-%d %H:%M} ({name})"


def remaining(deadline: datetime, now: datetime, lang: str) -> str:
    """`2 d 3 h 04 min` until the deadline (the page's script counts it down every second)."""
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return say(lang, "page.elapsed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if days or hours:
        parts.append(f"{hours} h")
    parts.append(f"{minutes:02d} min" if parts else f"{minutes} min {secs:02d} s")
    return say(lang, "page.remaining", left=" ".join(parts))


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
