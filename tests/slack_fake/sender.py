"""Slack's side of the Events API: signed requests to the app's real HTTP endpoint.

Slash commands and interactivity payloads go as form bodies, events as JSON, each signed
`v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")` the way Slack signs them. Tests may override the
timestamp or the signature to try forged and replayed requests.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

_ids = itertools.count(1)


def sign(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    ack_ms: float  # request sent -> response read


@dataclass
class SlackSender:
    url: str
    secret: str
    team: str = "T0001"
    app_id: str = "A0DRAFT"
    response_base: str = "https://hooks.slack.test/"  # the fake's, when a world runs one
    session: aiohttp.ClientSession | None = None
    ts_counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    # ---- raw ------------------------------------------------------------------------------------

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: str | None = "now",
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        if self.session is None:
            self.session = aiohttp.ClientSession()
        sent: dict[str, str] = {"Content-Type": content_type, **(headers or {})}
        stamp = str(int(time.time())) if timestamp == "now" else timestamp
        if stamp is not None:
            sent["X-Slack-Request-Timestamp"] = stamp
        sig = (
            signature
            if signature is not None
            else (sign(self.secret, stamp, body) if stamp is not None else None)
        )
        if sig is not None:
            sent["X-Slack-Signature"] = sig
        started = time.perf_counter()
        async with self.session.post(self.url, data=body.encode("utf-8"), headers=sent) as response:
            text = await response.text()
        return Answer(response.status, text, (time.perf_counter() - started) * 1000)

    def next_ts(self) -> str:
        n = next(self.ts_counter)
        return f"{1800000000 + n}.{n:06d}"

    # ---- bodies ---------------------------------------------------------------------------------

    def command_body(
        self,
        user: str,
        text: str,
        channel: str,
        *,
        team: str | None = None,
        name: str = "",
        channel_name: str = "",
        enterprise: str | None = None,
    ) -> str:
        grid = {"enterprise_id": enterprise, "is_enterprise_install": "true"} if enterprise else {}
        return urlencode(
            grid
            | {
                "token": "legacy-verification-token",
                "team_id": team or self.team,
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": channel_name or ("general" if channel.startswith("C") else "directmessage"),
                "user_id": user,
                "user_name": name or user.lower(),
                "command": "/draft",
                "text": text,
                "api_app_id": self.app_id,
                "response_url": f"{self.response_base}command-{next(_ids)}",
                "trigger_id": f"trigger-{next(_ids)}",
            }
        )

    def event_body(
        self, event: dict[str, Any], *, event_id: str | None = None, team: str | None = None
    ) -> str:
        return json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": team or self.team,
                "api_app_id": self.app_id,
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(_ids):08d}",
                "event_time": int(time.time()),
                "event": event,
            }
        )

    def action_body(
        self,
        user: str,
        channel: str,
        message_ts: str,
        action: str,
        value: str,
        *,
        team: str | None = None,
        workspace: str | None = None,
    ) -> str:
        """`team`: the user's own team; `workspace`: the one the press happened in (ours unless set)."""
        n = next(_ids)
        payload = {
            "type": "block_actions",
            "team": {"id": workspace or self.team, "domain": "fake"},
            "user": {
                "id": user,
                "username": user.lower(),
                "name": user.lower(),
                "team_id": team or self.team,
            },
            "api_app_id": self.app_id,
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": f"trigger-{n}",
            "channel": {"id": channel, "name": "general"},
            "message": {"type": "message", "ts": message_ts, "bot_id": "BBOT"},
            "response_url": f"{self.response_base}action-{n}",
            "actions": [
                {
                    "action_id": f"draft_{action}",
                    "block_id": "draft_card",
                    "value": value,
                    "type": "button",
                    "action_ts": f"{int(time.time())}.{n:06d}",
                }
            ],
        }
        return urlencode({"payload": json.dumps(payload)})

    def view_body(
        self,
        user: str,
        view: dict[str, Any],
        reason: str,
        *,
        team: str | None = None,
        workspace: str | None = None,
        field: str = "reason",
    ) -> str:
        """`reason`: what was typed in the modal's input `field` (its block and action id)."""
        submitted = dict(view)
        submitted["state"] = {"values": {field: {field: {"type": "plain_text_input", "value": reason}}}}
        payload = {
            "type": "view_submission",
            "team": {"id": workspace or self.team, "domain": "fake"},
            "user": {
                "id": user,
                "username": user.lower(),
                "name": user.lower(),
                "team_id": team or self.team,
            },
            "api_app_id": self.app_id,
            "token": "legacy-verification-token",
            "trigger_id": f"trigger-{next(_ids)}",
            "view": submitted,
        }
        return urlencode({"payload": json.dumps(payload)})

    # ---- what people do -------------------------------------------------------------------------

    async def command(
        self,
        user: str,
        text: str,
        channel: str,
        *,
        team: str | None = None,
        name: str = "",
        channel_name: str = "",
        enterprise: str | None = None,
    ) -> Answer:
        body = self.command_body(
            user, text, channel, team=team, name=name, channel_name=channel_name, enterprise=enterprise
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        team: str | None = None,
        retry: int | None = None,
    ) -> Answer:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        body = self.event_body(event, event_id=event_id, team=team)
        return await self.post(body, "application/json", headers=headers)

    def message_event(
        self,
        user: str,
        text: str,
        channel: str,
        *,
        thread_ts: str | None = None,
        kind: str = "message",
        user_team: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": kind,
            "user": user,
            "text": text,
            "ts": self.next_ts(),
            "channel": channel,
            "channel_type": "channel",
            "team": user_team or self.team,
            "event_ts": self.next_ts(),
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        if user_team is not None:
            event["user_team"] = user_team
        event.update(extra)
        return event

    async def press(
        self,
        user: str,
        channel: str,
        message_ts: str,
        action: str,
        point_id: str,
        *,
        team: str | None = None,
        workspace: str | None = None,
    ) -> Answer:
        body = self.action_body(user, channel, message_ts, action, point_id, team=team, workspace=workspace)
        return await self.post(body, "application/x-www-form-urlencoded")

    async def submit(
        self,
        user: str,
        view: dict[str, Any],
        reason: str,
        *,
        team: str | None = None,
        workspace: str | None = None,
        field: str = "reason",
    ) -> Answer:
        return await self.post(
            self.view_body(user, view, reason, team=team, workspace=workspace, field=field),
            "application/x-www-form-urlencoded",
        )
