"""The Slack adapter through its real HTTP endpoint, against the fake Slack Web API.

Every request here is signed the way Slack signs it and goes to Bolt's `/slack/events` on
127.0.0.1; everything the bot says comes back through the fake Web API.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from importlib import resources
from io import BytesIO
from typing import Any

import docx
import pytest

from bot.dispatch import Dispatcher
from bot.settings import Settings
from bot.slack.adapter import SlackAdapter, SlackConfig, build_slack
from bot.slack.blocks import card_blocks
from bot.slack.text import chunks, escape, plain
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import (
    AuditRow,
    CommentRow,
    MeetingRow,
    MemberRow,
    PointRow,
    PositionRow,
    ProcessedUpdateRow,
)
from tests.slack_fake.api import FakeSlack
from tests.slack_fake.harness import MEETING_ES, SECRET, SlackWorld, slack_world
from tests.slack_fake.sender import SlackSender, sign

ST, REL = "U0ST", "U0REL"
MX, HN, GT = "U0MX", "U0HN", "U0GT"
OIM = "U0OIM"


@pytest.fixture
async def world(service: DraftingService) -> AsyncIterator[SlackWorld]:
    async with slack_world(service) as w:
        yield w


async def meeting(w: SlackWorld) -> None:
    """México, Honduras and Guatemala with one delegate each, OIM observing, a rapporteur."""
    await w.command(ST, MEETING_ES)
    await w.command(ST, "delegaciones México, Honduras y Guatemala")
    await w.command(ST, "observadores OIM")
    for name, user in (("México", MX), ("Honduras", HN), ("Guatemala", GT), ("OIM", OIM), ("relator", REL)):
        await w.admit(ST, name, user)


async def table_counts(stores: SqlStoreFactory) -> dict[str, int]:
    tables = (MeetingRow, MemberRow, PointRow, PositionRow, CommentRow, AuditRow, ProcessedUpdateRow)
    return {t.__name__: await stores.count(t) for t in tables}


# ---- commands -----------------------------------------------------------------------------------


async def test_slash_commands_work_in_spanish_and_in_english(world: SlackWorld) -> None:
    await meeting(world)
    texts = world.fake.texts(world.channel)
    assert texts[0].startswith("Reunión creada: INFORME DE LA REUNIÓN")
    assert "/draft delegaciones A, B y C" in texts[0]  # usage reads as typed on Slack
    assert any("Delegaciones miembro (3): México, Honduras, Guatemala." in t for t in texts)
    # the invitation codes were shown to the secretariat only, with the Slack way to use them
    codes = world.fake.ephemerals_for(ST)
    assert len(codes) == 5 and all("/draft join CODE" in c for c in codes)
    assert not any("CODE0000" in t for t in world.fake.texts(world.channel))

    await world.command(MX, "proponer Agradecer a las delegaciones por sus informes.")
    await world.command(HN, "propose Take note of the report of the OIM.")
    assert [m.block_text().splitlines()[0] for m in world.fake.cards(world.channel)] == [
        "Punto 1 — en discusión",
        "Punto 2 — en discusión",
    ]
    await world.command(GT, "puntos")
    await world.command(GT, "items")
    listings = [t for t in world.fake.texts(world.channel) if t.startswith("Puntos de")]
    assert len(listings) == 2 and all("Take note of the report of the OIM." in t for t in listings)


async def test_an_english_meeting_answers_in_english(world: SlackWorld) -> None:
    await world.command(
        ST,
        "newmeeting\ntitle: REPORT OF THE MEETING\nnetwork: Liaison Officers Network\n"
        "place: Panama City, Panama\ndate: 2018-07-19\nlanguage: en",
    )
    await world.command(ST, "delegations Mexico, Honduras")
    texts = world.fake.texts(world.channel)
    assert texts[0].startswith("Meeting created: REPORT OF THE MEETING")
    assert "/draft delegations A, B and C" in texts[0]
    assert texts[1] == "Member delegations (2): Mexico, Honduras."


async def test_help_alone_and_refusals_go_only_to_the_person_who_asked(world: SlackWorld) -> None:
    await world.command(MX, "")  # `/draft` alone is help
    await world.command(MX, "ayuda")
    public = world.fake.texts(world.channel)
    assert len(public) == 2 and all("/draft" in t for t in public)
    await world.command(MX, "volar 3")  # unknown command
    await world.command(MX, "proponer Algo.")  # no meeting here yet
    refusals = world.fake.ephemerals_for(MX)
    assert len(refusals) == 2
    assert "/draft ayuda" in refusals[0] or "/draft help" in refusals[0]
    assert len(world.fake.texts(world.channel)) == 2  # nothing more in the channel


async def test_where_the_bot_is_not_a_member_the_command_is_answered_through_its_response_url(
    world: SlackWorld,
) -> None:
    world.fake.outside.add("G0PRIVATE")
    await world.command(MX, "ayuda", channel="G0PRIVATE")
    await world.command(MX, "puntos", channel="G0PRIVATE")  # refused: no meeting here
    (help_, refusal) = world.fake.responses
    assert help_["response_type"] == "in_channel" and "/draft" in help_["text"]
    assert refusal["response_type"] == "ephemeral"
    assert help_["response_url_id"].startswith("command-") and help_["replace_original"] is False


async def test_markup_in_what_people_type_is_neither_lost_nor_obeyed(world: SlackWorld) -> None:
    await meeting(world)
    # Slack sends `<`, `>` and `&` escaped, and links and mentions as tokens
    await world.command(
        MX, "proponer Agradecer a &lt;OIM&gt; &amp; <https://iom.int|OIM> y a <@U0HN|honduras> <!channel>"
    )
    card = world.card("1")
    assert "Agradecer a <OIM> & OIM y a @honduras @channel" in card.block_text()
    # what the bot posts as mrkdwn cannot ping or link
    announce = world.fake.top_level(world.channel)[-2].text
    assert "<" not in announce.replace("&lt;", "")


# ---- cards and buttons --------------------------------------------------------------------------


async def test_a_point_card_has_buttons_and_is_edited_in_place(world: SlackWorld) -> None:
    await meeting(world)
    await world.command(MX, "proponer Agradecer a las delegaciones por sus informes.")
    cards = world.fake.cards(world.channel)
    assert len(cards) == 1
    card = cards[0]
    buttons = card.buttons()
    assert [b["action_id"] for b in buttons] == [
        "draft_approve",
        "draft_object",
        "draft_abstain",
        "draft_ad_referendum",
    ]
    assert {b["value"] for b in buttons} == {"1"}  # ids only
    assert [b["text"]["text"] for b in buttons] == ["Aprobar", "Objetar", "Abstenerse", "Ad referéndum"]

    await world.press(MX, "1", "approve")
    await world.press(HN, "1", "abstain")
    assert len(world.fake.cards(world.channel)) == 1  # still one card, edited
    card = world.card("1")
    assert card.ts == cards[0].ts and card.edits >= 2
    shown = card.block_text()
    assert (
        "✅ aprueba México" in shown
        and "➖ se abstiene Honduras" in shown
        and "⏳ pendiente Guatemala" in shown
    )
    assert "1 aprueba · 0 objetan · 1 se abstiene · 1 pendiente" in shown
    # the press was confirmed to the presser only
    assert any("México aprueba el punto 1" in t for t in world.fake.ephemerals_for(MX))

    await world.press(GT, "1", "approve")
    card = world.card("1")
    assert card.block_text().startswith("Punto 1 — adoptado")
    assert card.buttons() == []  # an adopted point takes no more positions
    assert any("queda adoptado" in t for t in world.thread_texts("1"))


async def test_object_button_asks_the_reason_in_a_modal(world: SlackWorld) -> None:
    await meeting(world)
    await world.command(MX, "proponer Solicitar a la Secretaría Técnica un estudio de costos.")
    view = await world.object(HN, "1", "Falta mencionar a la CRM.")
    assert view["type"] == "modal" and view["callback_id"] == "draft_object"
    assert view["title"]["text"] == "Objetar el punto 1"
    assert any(b["type"] == "input" for b in view["blocks"])
    opened = world.fake.calls_to("views.open")[-1]
    assert opened.params["trigger_id"].startswith("trigger-")
    card = world.card("1")
    assert "❌ objeta Honduras: Falta mencionar a la CRM." in card.block_text()
    assert any("Honduras objeta el punto 1: Falta mencionar a la CRM." in t for t in world.thread_texts("1"))


async def test_an_empty_objection_is_refused_and_changes_nothing(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    before = await stores.count(PositionRow)
    await world.object(HN, "1", "   ")
    assert await stores.count(PositionRow) == before
    assert world.fake.ephemerals_for(HN), "the refusal was not shown"


async def test_observers_cannot_take_positions_with_the_buttons(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    await world.press(OIM, "1", "approve")
    assert await stores.count(PositionRow) == 0
    assert world.fake.ephemerals_for(OIM)


# ---- threads ------------------------------------------------------------------------------------


async def test_replies_in_a_cards_thread_are_comments_and_a_mention_there_needs_no_number(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    await meeting(world)
    await world.command(MX, "proponer Agradecer a Honduras por la nota conceptual.")
    await world.command(HN, "proponer Tomar nota del ofrecimiento de México.")
    thread = world.card("2").ts

    reply = await world.reply(GT, "Sugerimos mencionar también a Guatemala.", thread)
    assert await stores.count(CommentRow) == 1
    # the reply shows the comment; a ✅ on it says it was recorded, with no extra message
    assert world.fake.reactions[(world.channel, reply["ts"])] == ["white_check_mark"]
    assert world.thread_texts("2") == [] and world.thread_texts("1") == []

    await world.mention(GT, "aprobar", thread_ts=thread)
    await world.mention(MX, "abstain", thread_ts=thread)
    card2 = world.card("2").block_text()
    assert "✅ aprueba Guatemala" in card2 and "➖ se abstiene México" in card2
    assert "⏳ pendiente" in world.card("1").block_text()  # point 1 untouched

    # the history has the comment
    await world.mention(GT, "punto", thread_ts=thread)
    assert any("Sugerimos mencionar también a Guatemala." in t for t in world.thread_texts("2"))


async def test_a_comment_is_confirmed_to_its_author_when_a_reaction_cannot_be_added(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    world.fake.fail("reactions.add", "missing_scope")
    await world.reply(HN, "Apoyamos el texto.", world.card("1").ts)
    assert await stores.count(CommentRow) == 1
    # Only the author needs to hear it: an ephemeral message, not one more in the thread.
    assert world.fake.ephemerals_for(HN)[-1] == "Comentario registrado en el punto 1."
    assert world.thread_texts("1") == []


async def test_a_mention_at_channel_level_takes_commands_too(world: SlackWorld) -> None:
    await meeting(world)
    await world.mention(MX, "propose Tomar nota del informe.")
    await world.mention(HN, "aprobar 1")
    assert "✅ aprueba Honduras" in world.card("1").block_text()
    # someone joining by mention is named as Slack knows them (users.info)
    await world.command(ST, "observadores OIM, ACNUR")
    await world.command(ST, "invitar ACNUR")
    world.fake.users["U0ACNUR"] = "Rosa Pérez"
    await world.mention("U0ACNUR", f"unirse {world.code_for(ST)}")
    assert any(t.startswith("Rosa Pérez se unió") for t in world.fake.texts(world.channel))


async def test_answers_go_where_the_question_was_and_meeting_news_to_the_channel(world: SlackWorld) -> None:
    await meeting(world)
    await world.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")
    for user in (MX, HN, GT):
        await world.press(user, "1", "approve")
    thread = world.card("1").ts
    before = len(world.fake.top_level(world.channel))
    await world.mention(REL, "items", thread_ts=thread)  # an answer: in the thread it was asked in
    assert any(t.startswith("Puntos de") for t in world.thread_texts("1"))
    assert len(world.fake.top_level(world.channel)) == before
    await world.mention(REL, "compile", thread_ts=thread)  # a draft for the meeting: in the channel
    (upload,) = world.fake.files.values()
    assert upload.channel == world.channel and upload.thread_ts is None


async def test_messages_outside_a_cards_thread_are_conversation(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    calls = len(world.fake.calls)
    await world.reply(GT, "¿Almorzamos?", world.fake.top_level(world.channel)[0].ts)  # a thread, not a card's
    top = world.sender.message_event(GT, "Buenos días a todos", world.channel)
    assert (await world.sender.event(top)).status == 200
    await world.settle()
    assert await stores.count(CommentRow) == 0
    assert len(world.fake.calls) == calls


# ---- safety -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        "missing timestamp",
        "missing signature",
        "five minutes old",
        "from the future",
        "forged",
        "non-numeric",
        "unicode digits",
    ],
)
async def test_unsigned_or_badly_signed_requests_get_401_and_write_nothing(
    world: SlackWorld, stores: SqlStoreFactory, case: str
) -> None:
    body = world.sender.command_body(ST, MEETING_ES, world.channel)
    now = int(time.time())
    timestamp: str | None = str(now)
    signature: str | None = None
    if case == "missing timestamp":
        timestamp = None
        signature = sign(SECRET, str(now), body)
    elif case == "missing signature":
        signature = ""
    elif case == "five minutes old":
        timestamp = str(now - 310)
    elif case == "from the future":
        timestamp = str(now + 310)  # clear of the 300 s bound even if a second ticks
    elif case == "forged":
        signature = sign("not-the-secret", str(now), body)
    elif case == "non-numeric":
        timestamp = "12abc"
        signature = sign(SECRET, timestamp, body)
    elif case == "unicode digits":
        timestamp = "١٧٠٠٠٠٠٠٠٠"
        signature = sign(SECRET, timestamp, body)
    before = await table_counts(stores)
    calls = len(world.fake.calls)
    answer = await world.sender.post(
        body, "application/x-www-form-urlencoded", timestamp=timestamp, signature=signature
    )
    await world.settle()
    assert answer.status == 401
    assert await table_counts(stores) == before
    assert len(world.fake.calls) == calls  # not a word said either


async def test_a_signed_body_cannot_be_replayed_with_another_body(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    now = str(int(time.time()))
    genuine = world.sender.command_body(ST, "ayuda", world.channel)
    other = world.sender.command_body(ST, MEETING_ES, world.channel)
    answer = await world.sender.post(
        other, "application/x-www-form-urlencoded", timestamp=now, signature=sign(SECRET, now, genuine)
    )
    assert answer.status == 401
    assert await stores.count(MeetingRow) == 0


async def test_a_press_from_our_team_is_answered_before_bolt_handles_it_and_still_counts(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    """The ack of a burst's press does not wait for Bolt's dispatch (most of a request's cost)."""
    await meeting(world)
    await world.command(MX, "proponer Agradecer a las delegaciones por sus informes.")
    card = world.card("1")
    dispatch = world.adapter.app.async_dispatch
    let_bolt_run = asyncio.Event()

    async def held(request: Any) -> Any:
        await let_bolt_run.wait()
        return await dispatch(request)

    world.adapter.app.async_dispatch = held  # type: ignore[method-assign]
    press = world.sender.press(HN, world.channel, card.ts, "approve", "1")
    answer = await asyncio.wait_for(press, 20)  # a guard: held by Bolt, the press would never be answered
    assert (answer.status, answer.body) == (200, "")
    assert await stores.count(PositionRow) == 0  # answered, and Bolt has not seen it yet
    let_bolt_run.set()
    await world.settle()
    assert await stores.count(PositionRow) == 1


async def test_url_verification_answers_the_challenge_only_when_signed(world: SlackWorld) -> None:
    body = json.dumps(
        {"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    )
    answer = await world.sender.post(body, "application/json")
    assert answer.status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in answer.body
    forged = await world.sender.post(body, "application/json", signature="v0=" + "0" * 64)
    assert forged.status == 401


async def test_event_retries_are_handled_once(
    world: SlackWorld, service: DraftingService, stores: SqlStoreFactory
) -> None:
    await meeting(world)
    event = world.sender.message_event(
        MX, "<@UBOT> proponer Tomar nota del informe.", world.channel, kind="app_mention"
    )
    for retry in (None, 1, 2):
        answer = await world.sender.event(event, event_id="Ev0RETRY01", retry=retry)
        assert answer.status == 200
    await world.settle()
    assert await stores.count(PointRow) == 1
    assert len(world.fake.cards(world.channel)) == 1

    # another worker (or this one after a restart) gets the same retry: the core remembers it
    config = SlackConfig(
        bot_token=world.fake.bot_token,
        signing_secret=SECRET,
        api_url=world.fake.api_url,
        host="127.0.0.1",
        port=0,
    )
    other = SlackAdapter(service, Dispatcher(), config)
    await other.start()
    try:
        sender = SlackSender(f"http://127.0.0.1:{other.port}/slack/events", SECRET, team=world.fake.team)
        assert (await sender.event(event, event_id="Ev0RETRY01", retry=3)).status == 200
        await other.drain()
        await sender.close()
    finally:
        await other.stop()
    assert await stores.count(PointRow) == 1
    assert len(world.fake.cards(world.channel)) == 1


async def test_messages_of_bots_are_never_counted(world: SlackWorld, stores: SqlStoreFactory) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    thread = world.card("1").ts
    calls = len(world.fake.calls)
    # our own bot, another app's bot, a bot_message, and a bot mentioning us
    await world.reply("UBOT", "Comentario registrado", thread, bot_id="BBOT")
    await world.reply(MX, "aprobar", thread, bot_id="B0OTHER", bot_profile={"name": "other"})
    await world.reply(MX, "aprobar", thread, subtype="bot_message")
    bot_mention = world.sender.message_event(
        "U0OTHERBOT", "<@UBOT> aprobar 1", world.channel, kind="app_mention", bot_id="B0OTHER"
    )
    assert (await world.sender.event(bot_mention)).status == 200
    # edits and joins are not people writing either
    await world.reply(MX, "aprobar", thread, subtype="message_changed")
    await world.settle()
    assert await stores.count(CommentRow) == 0
    assert await stores.count(PositionRow) == 0
    assert len(world.fake.calls) == calls


async def test_a_user_of_another_workspace_cannot_act_as_a_member(
    world: SlackWorld, stores: SqlStoreFactory
) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    other = "T0OTHER"
    # same user id, another team in our shared channel: by button, by mention, by modal, by reply
    # (a slash command names the team it was typed in: another team's is refused as not ours,
    # see tests/test_slack_trust.py)
    await world.press(MX, "1", "approve", team=other)
    await world.mention(MX, "aprobar 1", user_team=other)
    await world.reply(MX, "Comentario desde otro espacio.", world.card("1").ts, user_team=other)
    opened = len(world.fake.views)
    await world.press(MX, "1", "object", team=other)
    assert len(world.fake.views) == opened + 1
    await world.sender.submit(MX, world.fake.views[-1], "No.", team=other, workspace=other)
    await world.settle()
    assert await stores.count(PositionRow) == 0
    assert await stores.count(CommentRow) == 0
    assert "⏳ pendiente México" in world.card("1").block_text()
    assert len(world.fake.ephemerals_for(MX)) >= 4  # each was told why
    # the real member still can
    await world.press(MX, "1", "approve")
    assert await stores.count(PositionRow) == 1


async def test_a_burst_of_presses_on_one_card_is_coalesced_into_few_edits(service: DraftingService) -> None:
    names = [f"Delegación {n}" for n in range(1, 9)]
    async with slack_world(service, card_edit_interval=0.5) as w:
        await w.command(ST, MEETING_ES)
        await w.command(ST, "delegaciones " + "; ".join(names))
        users = [f"U0D{n}" for n in range(len(names))]
        for name, user in zip(names, users, strict=True):
            await w.admit(ST, name, user)
        await w.command(users[0], "proponer Tomar nota del informe.")
        card = w.card("1")
        edits = len(w.fake.calls_to("chat.update"))
        answers = await asyncio.gather(
            *(w.sender.press(user, w.channel, card.ts, "approve", "1") for user in users)
        )
        assert [a.status for a in answers] == [200] * len(users)
        await w.settle()
        shown = w.card("1").block_text()
        assert shown.startswith("Punto 1 — adoptado") and "8 aprueban" in shown
        assert len(w.fake.calls_to("chat.update")) - edits < len(users)


async def test_a_rate_limited_call_is_retried_after_retry_after(world: SlackWorld) -> None:
    world.fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    await world.command(ST, MEETING_ES)
    posts = world.fake.calls_to("chat.postMessage")
    assert [c.status for c in posts] == [429, 200]
    assert world.fake.texts(world.channel)[0].startswith("Reunión creada")


async def test_a_rate_limited_card_edit_ends_with_the_latest_card(world: SlackWorld) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    world.fake.rate_limit("chat.update", times=1, retry_after=1)
    await world.press(MX, "1", "approve")
    await world.press(HN, "1", "approve")
    assert world.fake.calls_to("chat.update")[0].status == 429
    assert "2 aprueban" in world.card("1").block_text()


async def test_a_deleted_card_is_posted_again(world: SlackWorld) -> None:
    await meeting(world)
    await world.command(MX, "proponer Tomar nota.")
    first = world.card("1")
    world.fake.messages.remove(first)  # someone deleted the card
    await world.command(MX, "aprobar 1")
    again = world.card("1")
    assert again.ts != first.ts and "✅ aprueba México" in again.block_text()
    reply = await world.reply(HN, "Comentario en el hilo nuevo.", again.ts)
    assert (world.channel, reply["ts"]) in world.fake.reactions


# ---- documents ----------------------------------------------------------------------------------


async def test_a_draft_is_uploaded_with_files_upload_v2(world: SlackWorld) -> None:
    await meeting(world)
    await world.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")
    for user in (MX, HN, GT):
        await world.press(user, "1", "approve")
    await world.command(REL, "compilar")
    assert [c.method for c in world.fake.calls if "upload" in c.method.lower()] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    (upload,) = world.fake.files.values()
    assert upload.shared and upload.channel == world.channel and upload.filename.endswith(".docx")
    assert "Borrador" in upload.initial_comment or "borrador" in upload.initial_comment
    text = "\n".join(p.text for p in docx.Document(BytesIO(upload.content)).paragraphs)
    assert "Agradecer a Honduras por su hospitalidad." in text


# ---- Socket Mode, configuration, manifest -------------------------------------------------------


async def test_socket_mode_receives_acknowledges_and_answers(service: DraftingService) -> None:
    fake = await FakeSlack().start()
    config = SlackConfig(bot_token=fake.bot_token, app_token=fake.app_token, api_url=fake.api_url)
    adapter = SlackAdapter(service, Dispatcher(), config)
    try:
        await adapter.start()
        assert adapter.port is None  # no HTTP server in Socket Mode
        payload = dict(
            token="legacy",
            team_id=fake.team,
            channel_id="C0SOCKET",
            user_id=ST,
            user_name="st",
            command="/draft",
            text=MEETING_ES,
            trigger_id="trigger-socket-1",
        )
        ack = await fake.socket_send("slash_commands", payload)
        assert ack["envelope_id"].startswith("env-")
        await adapter.drain()
        assert fake.texts("C0SOCKET")[0].startswith("Reunión creada")
        event = {
            "team_id": fake.team,
            "event_id": "Ev0SOCKET1",
            "type": "event_callback",
            "event": {
                "type": "app_mention",
                "user": ST,
                "text": "<@UBOT> ayuda",
                "ts": "1.1",
                "channel": "C0SOCKET",
            },
        }
        assert "envelope_id" in await fake.socket_send("events_api", event)
        await adapter.drain()
        assert len(fake.texts("C0SOCKET")) == 2
    finally:
        await adapter.stop()
        await fake.stop()


def test_configuration_comes_from_the_environment(service: DraftingService) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": "http://127.0.0.1:9/api",
        "SLACK_PORT": "3100",
    }
    config = SlackConfig.from_env(env)
    assert config.api_url == "http://127.0.0.1:9/api/" and config.port == 3100 and not config.socket_mode
    dispatcher = Dispatcher()
    adapter = build_slack(service, dispatcher, Settings.from_env(env))
    assert adapter.platform == "slack" and dispatcher.channels["slack"] is adapter.channel
    assert adapter.client.base_url == "http://127.0.0.1:9/api/"
    assert any(type(h).__name__ == "AsyncRateLimitErrorRetryHandler" for h in adapter.client.retry_handlers)
    assert SlackConfig.from_env({"SLACK_BOT_TOKEN": "x", "SLACK_APP_TOKEN": "xapp-1"}).socket_mode
    with pytest.raises(ValueError):
        SlackConfig.from_env({"SLACK_BOT_TOKEN": "x"})


def test_the_manifest_installs_what_the_adapter_uses() -> None:
    manifest = json.loads(resources.files("bot.slack").joinpath("manifest.json").read_text("utf-8"))
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/draft" and command["url"].endswith("/slack/events")
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # commands; app_mention; thread replies; post/update/ephemeral; files_upload_v2 and files.info; ✅;
    # users.info
    assert {
        "commands",
        "app_mentions:read",
        "channels:history",
        "chat:write",
        "files:read",
        "files:write",
        "reactions:write",
        "users:read",
    } <= scopes
    settings = manifest["settings"]
    assert {"app_mention", "message.channels"} <= set(settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["request_url"] == settings["interactivity"]["request_url"]


# ---- text and blocks ----------------------------------------------------------------------------


def test_slack_markup_is_read_and_written_safely() -> None:
    assert plain("a &lt;b&gt; &amp; <https://x.org|x> <mailto:a@b.org|a@b.org> <#C1|general> <!here>") == (
        "a <b> & x a@b.org #general @here"
    )
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    text = "línea\n" * 2000
    parts = chunks(text, 3500)
    assert all(len(p) <= 3500 for p in parts) and "\n".join(parts) == text
    long_line = "x" * 8000
    assert [len(p) for p in chunks(long_line, 3500)] == [3500, 3500, 1000]


async def test_a_card_fits_slacks_limits_whatever_the_text(service: DraftingService) -> None:
    from drafting.replies import CardButton, CardPosition, PointCard

    card = PointCard(
        point_id=7,
        meeting_id=1,
        label="7",
        title="Punto 7",
        text="Agradecer. " * 450,
        state="open",
        state_label="en discusión",
        subpoints=tuple(f"{chr(97 + i)}. " + "texto " * 800 for i in range(26)),
        positions=tuple(CardPosition(f"Delegación {i}", "", "⏳ pendiente") for i in range(60)),
        tally="0 aprueban",
        amendment="",
        buttons=tuple(CardButton(a, a) for a in ("approve", "object", "abstain")),
        lang="es",
    )
    blocks = card_blocks(card)
    assert len(blocks) <= 50
    assert blocks[-1]["type"] == "actions"
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            assert len(text["text"]) <= 3000
