"""The web page's words in the meeting's language, and times in the meeting's zone."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from drafting.deadlines import zone
from drafting.i18n import LANGUAGES, _flatten
from drafting.i18n import t as chat_t


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
        return chat_t(lang, key, **params)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def zone_name(tz_name: str) -> str:
    """The zone the page shows times in: the meeting's, or UTC when it names none or an unknown one."""
    found = zone(tz_name or "UTC")
    return tz_name if tz_name and found is not UTC else "UTC"


def local_time(moment: datetime, tz_name: str) -> str:
    """`2026-12-03 18:00 (America/Panama)`; the zone is always named so nobody reads UTC as local."""
    name = zone_name(tz_name)
    local = moment.astimezone(zone(name))
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
