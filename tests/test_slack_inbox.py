"""Nothing Slack sent and the bot acknowledged is lost with the worker that acknowledged it.

In HTTP mode the adapter answers a verified request before its work runs (bot/slack/inbox.py): the
request is written to the `slack_inbox` table first and deleted once its work is done. A worker killed
in between leaves the row, and another worker's sweep handles it after the grace, once. Real
slack-bolt against the fake Slack Web API (tests/slack_fake); `draftbot run` as a real process killed
with SIGKILL; SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.slack.adapter import SlackAdapter
from bot.slack.inbox import ATTEMPTS, SlackInbox
from drafting.service import DraftingService
from storage.inbox_store import InboxStore
from storage.store import SqlStoreFactory
from storage.tables import CommentRow, PositionHistoryRow, PositionRow
from tests.kit import Wall
from tests.processes import DraftbotProcess, bot_env, free_port, until
from tests.slack_fake.harness import MEETING_ES, SECRET, SlackWorld, slack_world
from tests.slack_fake.sender import SlackSender

ST, MX, HN = "U0ST", "U0MX", "U0HN"
HELP = "Comandos de draftbot"  # the answer to `ayuda`
FORM = "application/x-www-form-urlencoded"
GRACE = 1.0  # the in-process worker's: what it waits before taking a dead worker's request


def inbox(world: SlackWorld | SlackAdapter) -> SlackInbox:
    adapter = world.adapter if isinstance(world, SlackWorld) else world
    assert adapter.inbox is not None
    return adapter.inbox


async def meeting_with_a_card(w: SlackWorld) -> None:
    await w.command(ST, MEETING_ES)
    await w.command(ST, "delegaciones México, Honduras")
    await w.admit(ST, "México", MX)
    await w.admit(ST, "Honduras", HN)
    await w.command(MX, "proponer Agradecer a Honduras por su hospitalidad.")


def sql(service: DraftingService) -> SqlStoreFactory:
    assert isinstance(service.stores, SqlStoreFactory)
    return service.stores


async def positions(service: DraftingService) -> tuple[int, int]:
    """Positions standing, and positions ever taken (the history)."""
    async with sql(service).read() as store:
        standing = await store.s.scalar(select(func.count()).select_from(PositionRow))
        history = await store.s.scalar(select(func.count()).select_from(PositionHistoryRow))
    return int(standing or 0), int(history or 0)


def approve_value(w: SlackWorld) -> str:
    return str(next(b for b in w.card("1").buttons() if b["action_id"] == "draft_approve")["value"])


async def test_a_press_acknowledged_by_a_worker_killed_before_its_commit_is_counted_once_by_another_worker(
    shared: DraftingService, tmp_path: Path
) -> None:
    """Worker A (`draftbot run`, one request at a time) acknowledges a mention whose work waits on
    users.info (held in the fake), then a press, whose work waits behind it: both are answered 200
    and neither has committed when A is SIGKILLed. Worker B (in this process) handles both after the
    grace: the card shows the approval, counted once, and the mention is answered once."""
    async with slack_world(shared) as b:
        await inbox(b).stop()  # B sweeps only once A is dead (A's rows are A's while it lives)
        inbox(b).grace = GRACE
        await meeting_with_a_card(b)
        port = free_port()
        env = bot_env(
            SLACK_BOT_TOKEN=b.fake.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=b.fake.api_url,
            SLACK_CONCURRENCY="1",  # the press's work waits for the mention's
            DRAFTBOT_HTTP_HOST="127.0.0.1",
            DRAFTBOT_HTTP_PORT=str(port),
            DRAFTBOT_JOURNAL_GRACE_SECONDS="2",
            DRAFTBOT_DIGEST_SECONDS="0",
            DATABASE_URL=sql(shared).engine.url.render_as_string(hide_password=False),
        )
        a = DraftbotProcess(env, tmp_path / "worker-a.log", name="worker A")
        to_a = SlackSender(
            f"http://127.0.0.1:{port}/slack/events",
            SECRET,
            team=b.fake.team,
            response_base=b.fake.response_base,
        )
        try:
            await a.start()
            gate = b.fake.hold("users.info")
            asked = to_a.message_event("U0NEW", "<@UBOT> ayuda", b.channel, kind="app_mention")
            assert (await to_a.event(asked)).status == 200
            await until(
                lambda: any(c.params.get("user") == "U0NEW" for c in b.fake.calls_to("users.info")),
                "worker A to be stuck in users.info",
            )
            assert (
                await to_a.press(MX, b.channel, b.card("1").ts, "approve", approve_value(b))
            ).status == 200
            assert await inbox(b).store.left() == 2  # both acknowledged, neither done
            assert await positions(shared) == (0, 0)  # nothing of the press was committed
            a.kill()
            gate.set()
            assert "✅ aprueba México" not in b.card("1").block_text()
            inbox(b).start()

            await until(lambda: "✅ aprueba México" in b.card("1").block_text(), "the card", timeout=60)
            await until(lambda: any(HELP in t for t in b.fake.texts(b.channel)), "the help", timeout=60)
            await until(lambda: _none_left(b), "the inbox to empty", timeout=60)
            await b.settle()
        finally:
            a.kill()
            await to_a.close()
        assert await positions(shared) == (1, 1)
        assert sum(HELP in t for t in b.fake.texts(b.channel)) == 1


async def _none_left(w: SlackWorld) -> bool:
    return await inbox(w).store.left() == 0


async def test_a_request_handled_normally_leaves_no_inbox_row_and_no_sweep_handles_it_again(
    shared: DraftingService,
) -> None:
    async with slack_world(shared) as w:
        await meeting_with_a_card(w)
        await w.press(MX, "1", "approve")
        assert await inbox(w).store.left() == 0
        updates = len(w.fake.calls_to("chat.update"))
        wall = Wall()
        inbox(w).store.clock = wall
        wall.advance(60)  # long past the grace: a row left behind would be taken now
        assert await inbox(w).sweep() == 0
        await w.settle()
        assert await positions(shared) == (1, 1)
        assert len(w.fake.calls_to("chat.update")) == updates


async def test_requests_handled_again_after_they_committed_change_and_say_nothing_more(
    shared: DraftingService,
) -> None:
    """A worker killed after the commit and before the row's deletion: each kind the inbox keeps
    (slash command, button, mention, thread reply, form submission) comes back as a duplicate."""
    async with slack_world(shared) as w:
        await meeting_with_a_card(w)
        s = w.sender
        card = w.card("1")
        await w.press(HN, "1", "object")  # opens the form; that press is not handled again below
        view = w.fake.views[-1]
        bodies: list[tuple[str, str]] = [
            (s.command_body(ST, "ayuda", w.channel), FORM),
            (s.action_body(MX, w.channel, card.ts, "approve", approve_value(w)), FORM),
            (
                s.event_body(s.message_event(ST, "<@UBOT> ayuda", w.channel, kind="app_mention")),
                "application/json",
            ),
            (
                s.event_body(s.message_event(HN, "Apoyamos el texto.", w.channel, thread_ts=card.ts)),
                "application/json",
            ),
            (s.view_body(HN, view, "Falta mencionar a Guatemala."), FORM),
        ]
        for body, kind in bodies:
            assert (await s.post(body, kind)).status == 200
            await w.settle()
        before = await _everything(w)
        assert before["positions"] == (2, 2) and before["comments"] == 1
        wall = Wall()
        inbox(w).store.clock = wall
        await inbox(w).stop()  # this test sweeps by hand
        for body, kind in bodies:  # the rows the dying worker left
            await inbox(w).store.put(kind, body, 0.0)
        wall.advance(1)
        assert await inbox(w).sweep() == len(bodies)
        await w.settle()
        assert await _everything(w) == before
        assert await inbox(w).store.left() == 0


async def _everything(w: SlackWorld) -> dict[str, Any]:
    async with sql(w.service).read() as store:
        comments = await store.s.scalar(select(func.count()).select_from(CommentRow))
    return {
        "positions": await positions(w.service),
        "comments": int(comments or 0),
        "messages": [(m.channel, m.thread_ts, m.text) for m in w.fake.messages],
        "ephemerals": [(e.user, e.text) for e in w.fake.ephemerals],
        "responses": len(w.fake.responses),
        "reactions": {k: list(v) for k, v in w.fake.reactions.items()},
        "views": len(w.fake.views),
    }


async def test_a_forged_or_foreign_request_writes_no_inbox_row(shared: DraftingService) -> None:
    async with slack_world(shared) as w:
        s = w.sender
        body = s.command_body(ST, "ayuda", w.channel)
        assert (await s.post(body, FORM, signature="v0=" + "0" * 64)).status == 401
        assert (await s.post(body, FORM, timestamp=str(int(time.time()) - 600))).status == 401
        foreign = await s.command(ST, "ayuda", w.channel, team="T0OTHER")
        assert foreign.status == 200 and "T0OTHER" in foreign.body  # refused, in the answer
        await w.settle()
        assert await inbox(w).store.left() == 0
        assert w.fake.texts(w.channel) == []


async def test_two_sweeps_at_once_take_each_row_once(shared: DraftingService) -> None:
    wall = Wall()
    stores = sql(shared)
    workers = [InboxStore(stores, clock=wall) for _ in range(3)]
    for n in range(6):
        await workers[0].put(FORM, f"body-{n}", GRACE)
    assert await workers[1].claim(GRACE) == []  # within the grace: its worker's
    wall.advance(GRACE + 1)
    taken = await asyncio.gather(*(w.claim(GRACE, limit=4) for w in workers))
    ids = [record.id for batch in taken for record in batch]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 6
    assert await workers[0].claim(GRACE) == []  # each is being handled by its taker
    wall.advance(GRACE + 1)  # ... until its lease runs out (that worker died too)
    again = await workers[2].claim(GRACE)
    assert len(again) == 6 and {r.attempts for r in again} == {3}


async def test_a_request_whose_handling_keeps_failing_is_given_up_after_a_few_attempts(
    shared: DraftingService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with slack_world(shared) as w:
        await meeting_with_a_card(w)
        wall = Wall()
        inbox(w).store.clock = wall
        await inbox(w).stop()  # this test sweeps by hand
        tries: list[str] = []

        async def broken(*args: Any, **kwargs: Any) -> Any:
            tries.append("press")
            raise RuntimeError("a bug in the press path")

        monkeypatch.setattr(shared, "press", broken)
        await w.press(MX, "1", "approve")
        assert tries == ["press"] and await inbox(w).store.left() == 1  # kept for another try
        with caplog.at_level(logging.ERROR, logger="draftbot.slack.inbox"):
            for _ in range(ATTEMPTS + 2):
                wall.advance(inbox(w).grace + 1)
                await inbox(w).sweep()
                await w.settle()
        assert len(tries) == ATTEMPTS
        assert await inbox(w).store.left() == 0
        assert any("gave up a request" in r.getMessage() for r in caplog.records)
        assert await positions(shared) == (0, 0)
