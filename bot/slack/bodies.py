"""Reading what Slack sends: the team and person of a request, its ids, its kind of message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.slack.origin import PLATFORM
from bot.slack.trust import Home
from drafting.model import UserRef

# message subtypes that are a person writing; edits, joins, deletions and bots are not
_PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}


@dataclass(frozen=True)
class Install:
    """The team a request's chat belongs to, and our bot user. Only requests `Home.serves` get here:
    for a workspace install the team is the installation's (auth.test), never one the request
    names; for an org-wide Enterprise Grid install it is the request's workspace, in our org."""

    team: str
    bot_user_id: str | None

    @classmethod
    def of(cls, context: AsyncBoltContext, home: Home | None) -> Install:
        result = context.authorize_result
        team = context.team_id if home is not None and home.org_wide else None
        team = team or (result.team_id if result is not None else None)
        bot = (result.bot_user_id if result is not None else None) or context.bot_user_id
        return cls(team or "", bot)


def authorized_team(context: AsyncBoltContext) -> str:
    result = context.authorize_result
    return (result.team_id if result is not None else None) or ""


def body_team(body: Mapping[str, Any]) -> str:
    team = body.get("team")
    if isinstance(team, dict):
        return str(team.get("id") or "")
    return str(body.get("team_id") or "")


def event_key(body: Mapping[str, Any]) -> str | None:
    event_id = body.get("event_id")
    return f"event:{event_id}" if event_id else None


def response_url(body: Mapping[str, Any]) -> str | None:
    url = body.get("response_url")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def by_person(event: Mapping[str, Any]) -> bool:
    """Messages of bots (ours or any other) and system messages are never counted."""
    if event.get("bot_id") or event.get("bot_profile") or not event.get("user"):
        return False
    return event.get("subtype") in _PERSON_SUBTYPES


def interactive_user(body: Mapping[str, Any], install: Install) -> UserRef:
    person = body.get("user") or {}
    team = str(person.get("team_id") or body_team(body) or install.team)
    name = str(person.get("name") or person.get("username") or "")
    return UserRef(PLATFORM, str(person.get("id") or ""), team, name)


def is_direct(channel: str) -> bool:
    return channel.startswith("D")


def as_int(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None
