"""What a Slack request is, and whether it is ours to serve.

Reading the body: Bolt's `parse_body` takes any form body that merely *contains* the word "payload"
for an interactivity payload, so `/draft comment 1 el payload del cohete` (or a channel or user
named so) became an empty request Bolt answered 404. `read_body` reads the form properly: only a
real `payload=` field is an interactivity payload.

Whose request: the installation's team comes from auth.test. A request belongs here when the team
Bolt reads from it (`team_id`, `team.id`, the Events API's `authorizations`, a modal's
`app_installed_team_id`) is that team, or, for an org-wide Enterprise Grid install, when it comes
from that enterprise. Anything else is refused before a listener runs: nothing is written, and the
person is told where Slack shows an answer (a slash command's response, a modal's error, a button's
response_url). A person from another team inside our shared channel still arrives with our team on
the request and their own on the user (`user_team`, `user.team_id`); the adapter keeps them apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from drafting.commands import command_words, fold
from drafting.i18n import t


def read_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """The request's fields as Bolt's listeners expect them; {} for anything unreadable."""
    if not raw:
        return {}
    if content_type == "application/json" or raw.startswith("{"):
        return _object(raw)
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" in fields:  # interactivity: the whole request is this one JSON field
        return _object(fields["payload"])
    return fields


def _object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def bolt_request(raw: str, query: str, headers: Mapping[str, str], content_type: str) -> AsyncBoltRequest:
    """A Bolt request whose signature is checked on the raw bytes and whose body is read by
    `read_body` instead of Bolt's parser."""
    request = AsyncBoltRequest(body="", query=query, headers=dict(headers))
    request.raw_body = raw
    request.body = read_body(raw, content_type)
    request.context = build_async_context(AsyncBoltContext({}), request.body)
    return request


@dataclass(frozen=True)
class Home:
    """The installation, as auth.test describes it."""

    team: str
    enterprise: str | None = None
    org_wide: bool = False  # installed for a whole Enterprise Grid org

    @classmethod
    def of(cls, auth_test: Mapping[str, Any]) -> Home:
        return cls(
            team=str(auth_test.get("team_id") or ""),
            enterprise=str(auth_test.get("enterprise_id") or "") or None,
            org_wide=bool(auth_test.get("is_enterprise_install")),
        )

    def serves(self, context: AsyncBoltContext) -> bool:
        if self.org_wide:
            return self.enterprise is not None and context.enterprise_id == self.enterprise
        return bool(self.team) and context.team_id == self.team


def refusal(body: Mapping[str, Any], context: AsyncBoltContext) -> tuple[BoltResponse, str | None]:
    """The answer to a request from a team without our installation, and the text still to tell
    the person through the request's response_url (a button: Slack does not show its answer)."""
    text = not_installed_text(body, context)
    if "command" in body:  # a slash command's response body is shown to its author only
        shown = {"response_type": "ephemeral", "text": text}
        return BoltResponse(status=200, body=json.dumps(shown), headers=_json()), None
    if body.get("type") == "view_submission":
        block = _first_input(body.get("view"))
        if block is not None:
            answer: dict[str, object] = {"response_action": "errors", "errors": {block: text}}
            return BoltResponse(status=200, body=json.dumps(answer), headers=_json()), None
    # Events are answered 200 so Slack does not send them again; a button's person hears it aside.
    return BoltResponse(status=200, body=""), text if body.get("response_url") else None


def not_installed_text(body: Mapping[str, Any], context: AsyncBoltContext) -> str:
    return t(command_lang(str(body.get("text") or "")), "slack.not_installed", team=context.team_id or "?")


def command_lang(text: str) -> str:
    """The language of the command word a person typed ("newmeeting": en); Spanish otherwise."""
    words = text.split(maxsplit=1)
    found = command_words().get(fold(words[0].lstrip("/"))) if words else None
    return found[1] if found else "es"


def _first_input(view: object) -> str | None:
    if not isinstance(view, dict):
        return None
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def _json() -> dict[str, str | Sequence[str]]:
    return {"content-type": "application/json; charset=utf-8"}
