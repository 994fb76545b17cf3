"""Three `draftbot run` processes on one PostgreSQL behind one address: every position counted once.

Telegram webhook mode: all workers register the same public address, a round-robin load balancer
(`tests.processes.Balancer`) in front of them; the fake Bot API posts over 8 connections at once. Besides
that, a third of the presses are also POSTed straight to *every* worker at the same moment, as a load
balancer retrying a slow request on another worker would. Slack HTTP mode: button presses go to either
worker in turn, and a quarter of the positions are typed as mentions whose event is delivered to one
worker and, at the same moment, retried (X-Slack-Retry-Num) on the next.

Both show: every position exactly once (positions, position history, processed update ids), one card
per point per chat, and every card showing the final tally the database has. Needs PostgreSQL
(TEST_POSTGRES_URL); skipped without it. Each worker's pool may open up to 20 connections; the test
sends its own requests a few at a time, to stay well inside a shared server's max_connections.
`DRAFTBOT_FAULT_TREE=/path/to/a/copy` runs the workers from another copy of the source tree (without
the update-id claim, both tests count positions more than once).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.telegram.render import card_text
from drafting.model import ChatRef, UserRef
from drafting.service import DraftingService
from drafting.turn import Context
from storage.store import SqlStoreFactory
from storage.tables import PointRow, PositionHistoryRow, PositionRow, ProcessedUpdateRow
from tests.kit import DELEGATIONS, MEETING
from tests.processes import (
    ROOT,
    Balancer,
    DraftbotProcess,
    bot_env,
    card_count,
    free_port,
    post_update,
    seed_telegram_meeting,
    telegram_webhook_env,
    until,
)
from tests.slack_fake.api import FakeSlack
from tests.slack_fake.sender import Answer, SlackSender
from tests.telegram_fake.server import JSON, FakeTelegram

POINTS = 10
WORKERS = 3  # issue 12: the fault tests run with three workers
TREE = Path(os.environ.get("DRAFTBOT_FAULT_TREE") or ROOT)  # another copy of the source, to check the test
SECRET = "worker-secret"
SLACK_SECRET = "several-workers-signing-secret"


async def health(port: int) -> dict[str, object]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as answer,
    ):
        assert answer.status == 200
        body: dict[str, object] = await answer.json()
        return body


async def counts(stores: SqlStoreFactory, prefix: str) -> tuple[int, int, list[str]]:
    async with stores.engine.connect() as conn:
        keys = [k for (k,) in await conn.execute(select(ProcessedUpdateRow.key)) if k.startswith(prefix)]
    return await stores.count(PositionRow), await stores.count(PositionHistoryRow), keys


async def point_ids(stores: SqlStoreFactory) -> dict[int, int]:
    async with stores.engine.connect() as conn:
        rows = await conn.execute(select(PointRow.number, PointRow.id).where(PointRow.parent_id.is_(None)))
        return {number: point_id for number, point_id in rows}


async def start_all(workers: list[DraftbotProcess]) -> None:
    """At the same moment: migrations on one database, one worker migrating while the others wait."""
    await asyncio.gather(*(w.start() for w in workers))


async def stop_all(workers: list[DraftbotProcess]) -> None:
    codes = await asyncio.gather(*(w.stop() for w in workers))
    assert all(code in (0, None) for code in codes), [w.output()[-3000:] for w in workers]


# ---- Telegram, webhook mode ------------------------------------------------------------------------


async def test_three_telegram_webhook_workers_count_every_position_once(
    postgres_url: str, tmp_path: Path
) -> None:
    fake = FakeTelegram(webhook_connections=8, webhook_retry=0.2)
    await fake.start()
    stores = await SqlStoreFactory.open(postgres_url)
    ports = [free_port() for _ in range(WORKERS)]
    balancer = await Balancer([f"http://127.0.0.1:{p}" for p in ports]).start()
    public = f"{balancer.url}/telegram"
    workers = [
        DraftbotProcess(
            telegram_webhook_env(fake, postgres_url, port, url=public, secret=SECRET),
            tmp_path / f"worker{i}.log",
            tree=TREE,
            name=f"worker {i}",
        )
        for i, port in enumerate(ports, start=1)
    ]
    try:
        service = DraftingService(stores)
        chat = fake.group("CRM")
        people = await seed_telegram_meeting(service, fake, chat, DELEGATIONS)
        await start_all(workers)
        for port in ports:
            assert await health(port) == {"status": "ok", "database": "ok", "platforms": ["telegram"]}

        for n in range(1, POINTS + 1):
            fake.send(people[DELEGATIONS[n % len(DELEGATIONS)]], chat, f"/proponer Punto {n}: tomar nota.")
        await until(lambda: not fake.unacknowledged(), "the proposals")
        await until(lambda: all(card_count(fake, chat["id"], n) == 1 for n in range(1, 11)), "ten cards")
        ids = await point_ids(stores)
        assert sorted(ids) == list(range(1, POINTS + 1))
        cards = {n: fake.card(chat["id"], n) for n in ids}

        # ---- the burst: every delegation on every point, a third posted to every worker as well ----
        presses = [(name, n) for n in ids for name in DELEGATIONS]
        direct: list[asyncio.Task[int]] = []
        at_once = asyncio.Semaphore(8)  # a few at a time: the shared server's connections are for everyone

        async def post_all(url: str, update: JSON) -> int:
            async with at_once:
                return await post_update(url, update, SECRET)

        for i, (name, n) in enumerate(presses):
            action = "x" if (i + n) % 4 == 0 else "a"
            fake.press(people[name], cards[n], f"p:{ids[n]}:{action}")
            if i % 3 == 0:
                update = fake.updates[-1]
                for port in ports:
                    url = f"http://127.0.0.1:{port}/telegram"
                    direct.append(asyncio.create_task(post_all(url, update)))
        statuses = await asyncio.gather(*direct)
        assert set(statuses) == {200}, statuses
        await until(lambda: not fake.unacknowledged(), "every update to be acknowledged")

        positions, history, keys = await counts(stores, "cb:")
        assert positions == history == len(presses)
        assert len(keys) == len(set(keys)) == len(presses)
        assert all(served > 0 for served in balancer.served.values()), balancer.served

        async def cards_final() -> bool:
            for n, point_id in ids.items():
                card = await service.card(point_id)
                assert card is not None
                if card_count(fake, chat["id"], n) != 1 or fake.card(chat["id"], n)["text"] != card_text(
                    card
                ):
                    return False
            return True

        await until(cards_final, "every card to show its final tally", timeout=60)
        for n in ids:
            abstentions = sum(1 for i, (_, m) in enumerate(presses) if m == n and (i + m) % 4 == 0)
            text = fake.card(chat["id"], n)["text"]
            assert (
                f"{len(DELEGATIONS) - abstentions} aprueban" in text and f"{abstentions} se abstienen" in text
            )
            assert text.startswith(f"Punto {n} — adoptado"), text
    except BaseException:
        for worker in workers:
            print(worker.output()[-4000:])
        raise
    finally:
        await stop_all(workers)
        await balancer.stop()
        await stores.close()
        await fake.stop()


# ---- Slack, HTTP mode -----------------------------------------------------------------------------


async def test_three_slack_http_workers_count_every_position_once_with_retried_events(
    postgres_url: str, tmp_path: Path
) -> None:
    fake = await FakeSlack().start()
    stores = await SqlStoreFactory.open(postgres_url)
    ports = [free_port() for _ in range(WORKERS)]
    workers = [
        DraftbotProcess(
            bot_env(
                SLACK_BOT_TOKEN=fake.bot_token,
                SLACK_SIGNING_SECRET=SLACK_SECRET,
                SLACK_API_URL=fake.api_url,
                SLACK_CONCURRENCY="6",
                DRAFTBOT_HTTP_HOST="127.0.0.1",
                DRAFTBOT_HTTP_PORT=str(port),
                DATABASE_URL=postgres_url,
            ),
            tmp_path / f"worker{i}.log",
            tree=TREE,
            name=f"worker {i}",
        )
        for i, port in enumerate(ports, start=1)
    ]
    senders = [
        SlackSender(
            f"http://127.0.0.1:{port}/slack/events",
            SLACK_SECRET,
            team=fake.team,
            response_base=fake.response_base,
        )
        for port in ports
    ]
    channel = "C0WORKERS"
    try:
        # ---- the meeting, written through the service; the points proposed through every worker ----
        service = DraftingService(stores)
        room = ChatRef("slack", channel, fake.team)
        users = {name: f"U{i:04d}" for i, name in enumerate(DELEGATIONS, start=1)}

        async def say(user: str, text: str) -> list[str]:
            ctx = Context(chat=room, user=UserRef("slack", user, fake.team, user), prefix="/draft ")
            outcome = await service.handle_text(ctx, text)
            assert outcome.ok, outcome.texts()
            return outcome.texts()

        await say("U0ST", MEETING)
        await say("U0ST", "delegaciones " + "; ".join(DELEGATIONS))
        for name, user in users.items():
            code = next(
                t.split("join ", 1)[1].split()[0]
                for t in await say("U0ST", f"invitar {name}")
                if "join " in t
            )
            await say(user, f"unirse {code}")
        await start_all(workers)
        for port in ports:
            assert await health(port) == {"status": "ok", "database": "ok", "platforms": ["slack"]}
        for n in range(1, POINTS + 1):
            sender = senders[n % WORKERS]
            user = users[DELEGATIONS[n % len(DELEGATIONS)]]
            assert (await sender.command(user, f"proponer Punto {n}: tomar nota.", channel)).status == 200
            await until(lambda n=n: len(fake.cards(channel)) >= n, f"the card of point {n}")
        ids = await point_ids(stores)
        assert sorted(ids) == list(range(1, POINTS + 1))
        cards = {n: fake.card_for(channel, str(n)) for n in ids}

        # ---- the burst: presses on every worker; a quarter typed, each event delivered twice ----
        sends = []
        expected: dict[tuple[str, int], str] = {}
        for i, (name, n) in enumerate((name, n) for n in ids for name in DELEGATIONS):
            user = users[name]
            abstain = (i + n) % 5 == 0
            expected[(user, n)] = "abstain" if abstain else "approve"
            if i % 4 == 0:
                word = "abstenerse" if abstain else "aprobar"
                event = senders[0].message_event(user, f"<@UBOT> {word} {n}", channel, kind="app_mention")
                event_id = f"Ev{i:08d}W"
                sends.append(senders[i % WORKERS].event(event, event_id=event_id))
                sends.append(senders[(i + 1) % WORKERS].event(event, event_id=event_id, retry=1))
            else:
                sends.append(
                    senders[i % WORKERS].press(
                        user, channel, cards[n].ts, "abstain" if abstain else "approve", str(ids[n])
                    )
                )
        at_once = asyncio.Semaphore(16)

        async def throttled(send: Awaitable[Answer]) -> Answer:
            async with at_once:
                return await send

        answers = await asyncio.gather(*(throttled(send) for send in sends))
        assert {a.status for a in answers} == {200}
        total = len(expected)

        async def settled() -> bool:
            positions, history, _ = await counts(stores, "")
            return positions >= total and history >= total

        await until(settled, "every position in the database")
        positions, history, keys = await counts(stores, "event:")
        assert positions == history == total
        assert len(keys) == len(set(keys)) == len(range(0, total, 4))

        async def cards_final() -> bool:
            if len(fake.cards(channel)) != POINTS:
                return False
            for n, point_id in ids.items():
                card = await service.card(point_id)
                assert card is not None
                if card.tally not in fake.card_for(channel, str(n)).block_text():
                    return False
            return True

        await until(cards_final, "every Slack card to show its final tally", timeout=60)
        for n in ids:
            abstentions = sum(1 for (_, m), stance in expected.items() if m == n and stance == "abstain")
            text = fake.card_for(channel, str(n)).block_text()
            assert (
                f"{len(DELEGATIONS) - abstentions} aprueban" in text and f"{abstentions} se abstienen" in text
            )
        assert json.dumps(await health(ports[0]))  # still healthy after the burst
    except BaseException:
        for worker in workers:
            print(worker.output()[-4000:])
        raise
    finally:
        for sender in senders:
            await sender.close()
        await stop_all(workers)
        await stores.close()
        await fake.stop()
