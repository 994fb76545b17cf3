"""A running Slack world for tests: the fake Web API, the real adapter on 127.0.0.1, and people.

`SlackWorld` sends what people do as signed requests to the adapter's real `/slack/events` endpoint,
then waits until the adapter has finished the work it started after acknowledging.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.dispatch import Dispatcher
from bot.slack.adapter import SlackAdapter, SlackConfig
from drafting.replies import Delivery
from drafting.service import DraftingService
from tests.kit import MEETING as MEETING_ES
from tests.slack_fake.api import FakeSlack, Message
from tests.slack_fake.sender import Answer, SlackSender

__all__ = ["MEETING_ES", "RecordingChannel", "SlackWorld", "slack_world"]

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = "C0MEETING"
ME = "<@UBOT>"  # how a mention of the bot reads in a message's text


@dataclass
class SlackWorld:
    fake: FakeSlack
    adapter: SlackAdapter
    sender: SlackSender
    service: DraftingService
    dispatcher: Dispatcher
    channel: str = CHANNEL

    async def settle(self) -> None:
        await self.adapter.drain()

    async def _done(self, answer: Answer) -> Answer:
        assert answer.status == 200, (answer.status, answer.body)
        await self.settle()
        return answer

    async def command(
        self, user: str, text: str, *, channel: str | None = None, team: str | None = None
    ) -> Answer:
        return await self._done(await self.sender.command(user, text, channel or self.channel, team=team))

    async def mention(
        self,
        user: str,
        text: str,
        *,
        channel: str | None = None,
        thread_ts: str | None = None,
        user_team: str | None = None,
        event_id: str | None = None,
        **extra: Any,
    ) -> Answer:
        event = self.sender.message_event(
            user,
            f"{ME} {text}",
            channel or self.channel,
            thread_ts=thread_ts,
            kind="app_mention",
            user_team=user_team,
            **extra,
        )
        return await self._done(await self.sender.event(event, event_id=event_id))

    async def reply(
        self, user: str, text: str, thread_ts: str, *, channel: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A plain message in a thread, as Slack's `message` event. Returns the event."""
        event = self.sender.message_event(user, text, channel or self.channel, thread_ts=thread_ts, **extra)
        await self._done(await self.sender.event(event))
        return event

    def card(self, label: str, channel: str | None = None) -> Message:
        return self.fake.card_for(channel or self.channel, label)

    async def press(
        self, user: str, label: str, action: str, *, channel: str | None = None, team: str | None = None
    ) -> Answer:
        card = self.card(label, channel)
        button = next(b for b in card.buttons() if b["action_id"] == f"draft_{action}")
        answer = await self.sender.press(user, card.channel, card.ts, action, str(button["value"]), team=team)
        return await self._done(answer)

    async def object(
        self, user: str, label: str, reason: str, *, channel: str | None = None
    ) -> dict[str, Any]:
        """Object button, then the modal filled in and submitted. Returns the modal as opened."""
        opened = len(self.fake.views)
        await self.press(user, label, "object", channel=channel)
        assert len(self.fake.views) == opened + 1, "the objection modal did not open"
        view = self.fake.views[-1]
        await self._done(await self.sender.submit(user, view, reason))
        return view

    async def ad_referendum(
        self, user: str, label: str, date: str, *, channel: str | None = None
    ) -> dict[str, Any]:
        """Ad referéndum button, then the modal's date filled in and submitted. Returns the modal."""
        opened = len(self.fake.views)
        await self.press(user, label, "ad_referendum", channel=channel)
        assert len(self.fake.views) == opened + 1, "the ad referendum modal did not open"
        view = self.fake.views[-1]
        await self._done(await self.sender.submit(user, view, date, field="until"))
        return view

    def code_for(self, user: str) -> str:
        """The invitation code the bot last showed `user` privately."""
        for text in reversed(self.fake.ephemerals_for(user)):
            match = re.search(r"join (\S+)", text)
            if match:
                return match.group(1)
        raise AssertionError(f"no code shown to {user}: {self.fake.ephemerals_for(user)}")

    async def admit(self, inviter: str, target: str, who: str, *, join_word: str = "unirse") -> None:
        await self.command(inviter, f"invitar {target}")
        await self.command(who, f"{join_word} {self.code_for(inviter)}")

    def thread_texts(self, label: str, channel: str | None = None) -> list[str]:
        card = self.card(label, channel)
        return [m.text for m in self.fake.thread(card.channel, card.ts)]


@asynccontextmanager
async def slack_world(
    service: DraftingService,
    dispatcher: Dispatcher | None = None,
    *,
    channel: str = CHANNEL,
    card_edit_interval: float = 0.0,  # tests press one at a time; the throttle has its own test
    post_interval: float = 0.0,  # Slack's pace of posts in a channel; off unless a test is about it
    fake: FakeSlack | None = None,  # one set up otherwise (an Enterprise Grid install), not started
) -> AsyncIterator[SlackWorld]:
    fake = await (fake or FakeSlack()).start()
    dispatcher = dispatcher or Dispatcher()
    config = SlackConfig(
        bot_token=fake.bot_token,
        signing_secret=SECRET,
        api_url=fake.api_url,
        host="127.0.0.1",
        port=0,
        card_edit_interval=card_edit_interval,
        post_interval=post_interval,
    )
    adapter = SlackAdapter(service, dispatcher, config)
    await adapter.start()
    sender = SlackSender(
        f"http://127.0.0.1:{adapter.port}/slack/events",
        SECRET,
        team=fake.team,
        response_base=fake.response_base,
    )
    try:
        yield SlackWorld(fake, adapter, sender, service, dispatcher, channel)
    finally:
        await sender.close()
        await adapter.stop()
        await fake.stop()


@dataclass
class RecordingChannel:
    """Another platform's chats, as the dispatcher sees them: records what it is given."""

    platform: str
    deliveries: list[tuple[Delivery, Any]] = field(default_factory=list)

    async def deliver(self, delivery: Delivery, origin: Any | None) -> None:
        self.deliveries.append((delivery, origin))
