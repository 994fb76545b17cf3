"""Trust boundaries on Slack: whose request is served, and how a request's body is read.

Every request goes signed to the adapter's real `/slack/events` endpoint (or through the fake's
Socket Mode connection); the bot is installed in team T0001 (the fake's auth.test). "Nothing
written" is checked on every table of the real SQLite file, row by row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from bot.dispatch import Dispatcher
from bot.slack.adapter import SlackAdapter, SlackConfig
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import Base, CommentRow, MemberRow
from tests.slack_fake.api import FakeSlack
from tests.slack_fake.harness import MEETING_ES, SlackWorld, slack_world

ST, MX, HN = "U0ST", "U0MX", "U0HN"
FOREIGN = "T0FOREIGN"  # a workspace this app is not installed in
THEIR_CHANNEL = "C0THEIRS"
NOT_INSTALLED_ES = "no está instalado en este espacio de trabajo de Slack"
NOT_INSTALLED_EN = "is not installed in this Slack workspace"


@pytest.fixture
async def world(service: DraftingService) -> AsyncIterator[SlackWorld]:
    async with slack_world(service) as w:
        yield w


def snapshot(sqlite_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, as the database file holds them."""
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return {
            table.name: sorted(db.execute(f'SELECT * FROM "{table.name}"').fetchall(), key=repr)
            for table in Base.metadata.sorted_tables
        }


async def meeting_with_a_point(w: SlackWorld) -> None:
    await w.command(ST, MEETING_ES)
    await w.command(ST, "delegaciones México, Honduras")
    await w.admit(ST, "México", MX)
    await w.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")


def said(fake: FakeSlack) -> int:
    """How many things the bot has said anywhere: messages, edits, ephemerals, modals, responses."""
    return sum(len(fake.calls_to(m)) for m in ("chat.postMessage", "chat.update", "chat.postEphemeral"))


# ---- the word "payload" -------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["command text", "channel name", "user name"])
async def test_the_word_payload_anywhere_in_a_slash_command_loses_nothing(
    world: SlackWorld, stores: SqlStoreFactory, where: str
) -> None:
    await meeting_with_a_point(world)
    text = "comentar 1 el payload del cohete" if where == "command text" else "comentar 1 Sin objeciones."
    answer = await world.sender.command(
        MX,
        text,
        world.channel,
        channel_name="payload-team" if where == "channel name" else "",
        name="payload" if where == "user name" else "",
    )
    await world.settle()
    assert answer.status == 200, answer.body
    assert await stores.count(CommentRow) == 1
    shown = "el payload del cohete" if where == "command text" else "Sin objeciones."
    await world.command(HN, "punto 1")  # the point's history, as anyone may ask for it
    assert any(shown in t for t in world.fake.texts(world.channel))


async def test_a_button_press_is_still_read_from_its_payload_field(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    await meeting_with_a_point(world)
    await world.press(MX, "1", "approve")
    assert "✅ aprueba México" in world.card("1").block_text()


async def test_a_form_field_named_payload_that_is_not_json_is_refused_without_a_crash(
    world: SlackWorld, sqlite_url: str
) -> None:
    before = snapshot(sqlite_url)
    answer = await world.sender.post(urlencode({"payload": "{not json"}), "application/x-www-form-urlencoded")
    await world.settle()
    assert answer.status < 500  # signed, but nothing any listener takes: no crash
    assert snapshot(sqlite_url) == before


# ---- requests from a workspace the app is not installed in --------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [(MEETING_ES, NOT_INSTALLED_ES), ("newmeeting\ntitle: X", NOT_INSTALLED_EN)]
)
async def test_a_slash_command_from_another_workspace_is_refused_in_its_own_language_and_writes_nothing(
    world: SlackWorld, sqlite_url: str, text: str, expected: str
) -> None:
    before = snapshot(sqlite_url)
    answer = await world.sender.command(ST, text, THEIR_CHANNEL, team=FOREIGN)
    await world.settle()
    assert answer.status == 200
    shown = json.loads(answer.body)
    assert shown["response_type"] == "ephemeral" and expected in shown["text"]
    assert snapshot(sqlite_url) == before
    assert said(world.fake) == 0


async def test_a_code_used_from_another_workspace_admits_no_one_and_announces_nothing(
    world: SlackWorld, sqlite_url: str
) -> None:
    await world.command(ST, MEETING_ES)
    await world.command(ST, "delegaciones México, Honduras")
    await world.command(ST, "invitar México")
    code = world.code_for(ST)
    before, messages = snapshot(sqlite_url), len(world.fake.messages)
    for channel in (THEIR_CHANNEL, world.channel):  # their channel, or ours named in their request
        answer = await world.sender.command(MX, f"unirse {code}", channel, team=FOREIGN)
        await world.settle()
        assert NOT_INSTALLED_ES in json.loads(answer.body)["text"]
    assert snapshot(sqlite_url) == before
    assert len(world.fake.messages) == messages
    # the code still works for the person it was meant for, here
    await world.command(MX, f"unirse {code}")
    assert await world.service.stores.count(MemberRow) == 2


async def test_events_from_another_workspace_are_acknowledged_and_ignored(
    world: SlackWorld, sqlite_url: str
) -> None:
    await meeting_with_a_point(world)
    before, spoken = snapshot(sqlite_url), said(world.fake)
    thread = world.card("1").ts
    mention = world.sender.message_event(MX, "<@UBOT> aprobar 1", world.channel, kind="app_mention")
    reply = world.sender.message_event(MX, "Comentario ajeno.", world.channel, thread_ts=thread)
    setup = world.sender.message_event(ST, f"<@UBOT> {MEETING_ES}", THEIR_CHANNEL, kind="app_mention")
    for event in (mention, reply, setup):
        answer = await world.sender.event(event, team=FOREIGN)
        assert answer.status == 200  # so Slack does not send it again
    await world.settle()
    assert snapshot(sqlite_url) == before
    assert said(world.fake) == spoken


async def test_buttons_and_modals_from_another_workspace_are_refused_where_the_person_sees_it(
    world: SlackWorld, sqlite_url: str
) -> None:
    await meeting_with_a_point(world)
    card = world.card("1")
    await world.press(MX, "1", "object")
    view = world.fake.views[-1]
    before, spoken, opened = snapshot(sqlite_url), said(world.fake), len(world.fake.views)

    value = str(card.buttons()[0]["value"])
    for action in ("approve", "object"):
        answer = await world.sender.press(MX, card.channel, card.ts, action, value, workspace=FOREIGN)
        assert answer.status == 200
    await world.settle()
    told = [r for r in world.fake.responses if r.get("response_url_id", "").startswith("action-")]
    assert len(told) == 2
    assert all(r["response_type"] == "ephemeral" and NOT_INSTALLED_ES in r["text"] for r in told)
    assert len(world.fake.views) == opened  # no objection form opened for them

    theirs = view | {"team_id": FOREIGN, "app_installed_team_id": FOREIGN}  # their install's modal
    answer = await world.sender.submit(MX, theirs, "No.", workspace=FOREIGN)
    await world.settle()
    errors = json.loads(answer.body)
    assert errors["response_action"] == "errors" and NOT_INSTALLED_ES in errors["errors"]["reason"]
    assert snapshot(sqlite_url) == before
    assert said(world.fake) == spoken


async def test_socket_mode_refuses_another_workspace_too(service: DraftingService, sqlite_url: str) -> None:
    fake = await FakeSlack().start()
    config = SlackConfig(bot_token=fake.bot_token, app_token=fake.app_token, api_url=fake.api_url)
    adapter = SlackAdapter(service, Dispatcher(), config)
    try:
        await adapter.start()
        before = snapshot(sqlite_url)
        command = {
            "team_id": FOREIGN,
            "channel_id": THEIR_CHANNEL,
            "user_id": ST,
            "user_name": "st",
            "command": "/draft",
            "text": MEETING_ES,
            "trigger_id": "trigger-foreign-1",
        }
        ack = await fake.socket_send("slash_commands", command)
        event = {
            "team_id": FOREIGN,
            "event_id": "Ev0FOREIGN1",
            "type": "event_callback",
            "event": {"type": "app_mention", "user": ST, "text": f"<@UBOT> {MEETING_ES}", "ts": "1.1"}
            | {"channel": THEIR_CHANNEL},
        }
        await fake.socket_send("events_api", event)
        await adapter.drain()
        assert NOT_INSTALLED_ES in ack["payload"]["text"]
        assert snapshot(sqlite_url) == before
        assert fake.messages == [] and fake.ephemerals == []
    finally:
        await adapter.stop()
        await fake.stop()


async def test_a_chat_is_keyed_by_the_team_it_belongs_to(world: SlackWorld, sqlite_url: str) -> None:
    await world.command(ST, MEETING_ES)
    await world.sender.command(ST, MEETING_ES, THEIR_CHANNEL, team=FOREIGN)
    await world.settle()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        chats = db.execute("SELECT platform, workspace, chat_id FROM meeting_chats").fetchall()
    assert chats == [("slack", world.fake.team, world.channel)]
    assert world.fake.texts(world.channel)[0].startswith("Reunión creada")


async def test_an_org_wide_install_serves_the_workspaces_of_its_org_and_no_other(
    service: DraftingService, sqlite_url: str
) -> None:
    async with slack_world(service, fake=FakeSlack(enterprise="E0ORG", org_wide=True)) as w:
        before = snapshot(sqlite_url)
        elsewhere = await w.sender.command(ST, MEETING_ES, "C0ELSE", team="T0ELSE", enterprise="E0ELSE")
        await w.settle()
        assert NOT_INSTALLED_ES in json.loads(elsewhere.body)["text"]
        assert snapshot(sqlite_url) == before

        sister = await w.sender.command(ST, MEETING_ES, "C0SISTER", team="T0SISTER", enterprise="E0ORG")
        await w.settle()
        assert sister.status == 200 and sister.body == ""
        assert w.fake.texts("C0SISTER")[0].startswith("Reunión creada")
        path = sqlite_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            chats = db.execute("SELECT workspace, chat_id FROM meeting_chats").fetchall()
        assert chats == [("T0SISTER", "C0SISTER")]  # keyed by the workspace it is in
