"""What each Slack request asks of the core, and how its answer goes back: a slash command, a mention,
a message in a point's thread or a direct message, a button press, a form submitted. The adapter
(`bot.slack.adapter`) acknowledges a request and hands it here in a task of its own.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.bounded import BoundedDict
from bot.dispatch import Dispatcher
from bot.slack.blocks import (
    ACTION_PREFIX,
    ACTIONS,
    AD_REFERENDUM,
    AD_REFERENDUM_VIEW,
    ad_referendum_modal,
    objection_modal,
    submitted_reason,
    submitted_until,
)
from bot.slack.bodies import (
    Install,
    as_int,
    by_person,
    event_key,
    interactive_user,
    is_direct,
    response_url,
)
from bot.slack.channel import SlackChannel
from bot.slack.config import DEFAULT_API_URL as DEFAULT_API_URL
from bot.slack.config import SlackConfig as SlackConfig
from bot.slack.config import make_client as make_client
from bot.slack.files import shared_file
from bot.slack.origin import PLATFORM, SlackOrigin
from bot.slack.text import command_text, mentions, plain, without_mention
from drafting.i18n import t
from drafting.model import ChatRef, UserRef
from drafting.replies import Outcome
from drafting.service import DraftingService
from drafting.turn import Context

log = logging.getLogger("draftbot.slack")

PREFIX = "/draft "  # how commands read in usage and help texts
_SEEN_EVENTS = 20_000
_NAMES = 10_000  # display names kept per process


class SlackWork:
    def __init__(
        self, service: DraftingService, dispatcher: Dispatcher, channel: SlackChannel, client: AsyncWebClient
    ) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.channel = channel
        self.client = client
        self.seen: OrderedDict[str, None] = OrderedDict()  # event ids handled in this process
        self.names: BoundedDict[tuple[str, str], str] = BoundedDict(_NAMES)

    async def command(self, body: dict[str, Any], install: Install) -> None:
        channel = str(body.get("channel_id") or "")
        user_id = str(body.get("user_id") or "")
        if not channel or not user_id:
            return
        chat = ChatRef(PLATFORM, channel, install.team)
        user = UserRef(
            PLATFORM, user_id, str(body.get("team_id") or install.team), str(body.get("user_name") or "")
        )
        text = command_text(plain(str(body.get("text") or ""))) or "help"
        trigger = body.get("trigger_id")
        ctx = Context(
            chat=chat,
            user=user,
            prefix=PREFIX,
            dedup_key=f"command:{trigger}" if trigger else None,
            private=is_direct(channel),
        )
        outcome = await self.service.handle_text(ctx, text)
        await self._finish(outcome, SlackOrigin(chat, user, response_url=response_url(body)))

    async def mention(self, body: dict[str, Any], install: Install) -> None:
        event = body.get("event") or {}
        if not self._first_time(body.get("event_id")) or not by_person(event):
            return
        if event.get("user") == install.bot_user_id:
            return
        chat, user = await self._event_refs(body, event, install)
        thread = event.get("thread_ts")
        point = None
        if thread and thread != event.get("ts"):
            point = await self.service.point_for_thread(chat, str(thread))
        text = (
            command_text(plain(without_mention(str(event.get("text") or ""), install.bot_user_id))) or "help"
        )
        ctx = Context(
            chat=chat,
            user=user,
            prefix=PREFIX,
            dedup_key=event_key(body),
            thread_point_id=point,
            private=is_direct(chat.chat_id),
            attachment=await shared_file(self.client, event),  # `@draftbot plantilla` with a .docx
        )
        outcome = await self.service.handle_text(ctx, text)
        await self._finish(outcome, SlackOrigin(chat, user, thread_ts=str(thread) if thread else None))

    async def message(self, body: dict[str, Any], install: Install) -> None:
        """A reply in a card's thread is a comment on its point; other messages are conversation."""
        event = body.get("event") or {}
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts") or not by_person(event):
            return
        text = str(event.get("text") or "")
        if event.get("user") == install.bot_user_id or mentions(text, install.bot_user_id):
            return  # a mention arrives as app_mention too, and is handled there
        if not self._first_time(body.get("event_id")):
            return
        chat = ChatRef(PLATFORM, str(event.get("channel") or ""), install.team)
        point = await self.service.point_for_thread(chat, str(thread))
        comment = command_text(plain(text))
        if point is None or not comment:
            return
        chat, user = await self._event_refs(body, event, install)
        ctx = Context(chat=chat, user=user, prefix=PREFIX, dedup_key=event_key(body), thread_point_id=point)
        outcome = await self.service.comment(ctx, point, comment)
        origin = SlackOrigin(chat, user, thread_ts=str(thread))
        if (
            outcome.ok
            and not outcome.duplicate
            and await self.channel.react(chat, str(event.get("ts") or ""))
        ):
            # The reply itself shows the comment in the thread; a ✅ on it says it was recorded,
            # instead of a "comment recorded" message after every reply. Other chats get their copy.
            outcome = replace(outcome, deliveries=tuple(d for d in outcome.deliveries if d.chat is not None))
        await self._finish(outcome, origin)

    async def action(self, body: dict[str, Any], install: Install) -> None:
        actions = body.get("actions") or []
        if not actions:
            return
        action = actions[0]
        name = str(action.get("action_id") or "").removeprefix(ACTION_PREFIX)
        point_id = as_int(action.get("value"))
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        if name not in (*ACTIONS, AD_REFERENDUM) or point_id is None or not channel:
            return
        chat = ChatRef(PLATFORM, str(channel), install.team)
        user = interactive_user(body, install)
        if name in ("object", AD_REFERENDUM):
            await self._open_form(body, chat, user, point_id, name)
            return
        stamp = action.get("action_ts") or body.get("trigger_id")
        ctx = Context(
            chat=chat,
            user=user,
            prefix=PREFIX,
            dedup_key=f"action:{user.workspace}:{user.user_id}:{stamp}" if stamp else None,
        )
        outcome = await self.service.press(ctx, point_id, name)
        await self._finish(outcome, SlackOrigin(chat, user, response_url=response_url(body)))

    async def _open_form(
        self, body: dict[str, Any], chat: ChatRef, user: UserRef, point_id: int, name: str
    ) -> None:
        """The modal asking an objection's reason, or an ad referendum approval's date."""
        trigger = body.get("trigger_id")
        card = await self.service.card(point_id)
        if not trigger or card is None:
            return
        metadata = {"point": str(point_id), "channel": chat.chat_id}
        view = objection_modal(card, metadata) if name == "object" else ad_referendum_modal(card, metadata)
        try:
            await self.client.views_open(trigger_id=str(trigger), view=view)
        except SlackApiError as error:
            log.warning("slack: the %s form did not open: %s", name, error.response.get("error"))
            if name == "object":
                hint = _FORM_FAILED.get(card.lang, _FORM_FAILED["es"]).format(label=card.label)
            else:
                hint = t(card.lang, "button.ad_referendum_how", label=card.label, prefix=PREFIX)
            if not await self.channel.tell(chat, user, hint):
                origin = SlackOrigin(chat, user, response_url=response_url(body))
                if not await self.channel.respond(origin, hint, ephemeral=True):
                    log.error("slack: %s could not be told the objection form failed", user.user_id)

    async def view(self, body: dict[str, Any], install: Install) -> None:
        view = body.get("view") or {}
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            return
        point_id = as_int(meta.get("point")) if isinstance(meta, dict) else None
        channel = meta.get("channel") if isinstance(meta, dict) else None
        if point_id is None or not channel:
            return
        chat = ChatRef(PLATFORM, str(channel), install.team)
        user = interactive_user(body, install)
        view_id = view.get("id")
        ctx = Context(chat=chat, user=user, prefix=PREFIX, dedup_key=f"view:{view_id}" if view_id else None)
        if view.get("callback_id") == AD_REFERENDUM_VIEW:
            # A bad date is refused after the ack, as an ephemeral message (the modal is closed by then).
            outcome = await self.service.press(ctx, point_id, "approve", until_text=submitted_until(view))
        else:
            outcome = await self.service.press(ctx, point_id, "object", submitted_reason(view))
        await self._finish(outcome, SlackOrigin(chat, user))

    async def _finish(self, outcome: Outcome, origin: SlackOrigin) -> None:
        if outcome.duplicate:
            return  # a retry of something already done and answered
        await self.dispatcher.dispatch(
            outcome, platform=PLATFORM, origin=replace(origin, refused=not outcome.ok)
        )

    def _first_time(self, event_id: object) -> bool:
        """Retries of one event within this process are dropped here; the core's dedup key catches
        the rest (another worker, a restart), refused requests included."""
        if not event_id:
            return True
        key = str(event_id)
        if key in self.seen:
            return False
        self.seen[key] = None
        if len(self.seen) > _SEEN_EVENTS:
            self.seen.popitem(last=False)
        return True

    async def _event_refs(
        self, body: dict[str, Any], event: dict[str, Any], install: Install
    ) -> tuple[ChatRef, UserRef]:
        chat = ChatRef(PLATFORM, str(event.get("channel") or ""), install.team)
        user_id = str(event.get("user") or "")
        team = str(event.get("user_team") or event.get("team") or body.get("team_id") or install.team)
        return chat, UserRef(PLATFORM, user_id, team, await self._display_name(team, user_id))

    async def _display_name(self, team: str, user_id: str) -> str:
        key = (team, user_id)
        if key not in self.names:
            name = ""
            try:
                response = await self.client.users_info(user=user_id)
                person = response.get("user") or {}
                profile = person.get("profile") or {}
                name = str(
                    profile.get("display_name")
                    or profile.get("real_name")
                    or person.get("real_name")
                    or person.get("name")
                    or ""
                )
            except SlackApiError as error:
                log.info("slack: users.info %s failed: %s", user_id, error.response.get("error"))
            self.names[key] = name
        return self.names[key]


_FORM_FAILED = {
    "es": "No pude abrir el formulario de objeción. Escriba /draft objetar {label} <motivo>.",
    "en": "I could not open the objection form. Type /draft object {label} <reason>.",
}
