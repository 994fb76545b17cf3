"""The one HTTP server of a `draftbot run` process: /healthz, Telegram's webhook, Slack's events.

/healthz answers 200 only once every enabled platform serves and the database answers; before that
503, naming the platforms still starting, so a load balancer sends nothing to a worker not yet ready.
The Telegram webhook answers 200 only once the update is processed and committed, 500 when its
handling failed, 503 before the adapter is ready and 403 without the secret token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from bot.dispatch import Dispatcher
from bot.http import HttpConfig, HttpConfigError, HttpServer, database_probe
from bot.runner import run
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.config import TelegramConfig
from drafting.service import DraftingService
from storage.database import make_engine
from storage.store import SqlStoreFactory
from storage.tables import PointRow, PositionRow
from tests.processes import WAIT, free_port, post_update, until
from tests.slack_fake.api import FakeSlack
from tests.slack_fake.sender import SlackSender
from tests.telegram_fake.harness import running_bot, set_up_meeting
from tests.telegram_fake.server import FakeTelegram

SECRET = "s3cret-token_for-tests"  # the harness's


async def get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return answer.status, await answer.json()


@asynccontextmanager
async def draftbot_run(env: dict[str, str]) -> AsyncIterator[asyncio.Task[int]]:
    stop = asyncio.Event()
    task = asyncio.create_task(run(env, stop))
    try:
        yield task
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)


# ---- configuration ---------------------------------------------------------------------------------


def test_one_port_by_default_and_the_old_adapter_ports_still_honoured() -> None:
    assert HttpConfig.from_env({}).binds == (("0.0.0.0", 8080),)
    assert HttpConfig.from_env({"DRAFTBOT_HTTP_PORT": "9000", "DRAFTBOT_HTTP_HOST": "127.0.0.1"}).binds == (
        ("127.0.0.1", 9000),
    )
    # an existing deployment that set only the old variables keeps its ports, and only those
    old = {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example/tg",
        "TELEGRAM_WEBHOOK_PORT": "8443",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_PORT": "3000",
        "SLACK_HOST": "127.0.0.1",
    }
    assert HttpConfig.from_env(old).binds == (("0.0.0.0", 8443), ("127.0.0.1", 3000))
    assert HttpConfig.from_env({**old, "DRAFTBOT_HTTP_PORT": "8080"}).binds == (
        ("0.0.0.0", 8080),
        ("0.0.0.0", 8443),
        ("127.0.0.1", 3000),
    )
    # an old port for a platform not in HTTP mode is not listened on
    assert HttpConfig.from_env({"TELEGRAM_WEBHOOK_PORT": "8443"}).binds == (("0.0.0.0", 8080),)
    with pytest.raises(HttpConfigError, match="DRAFTBOT_HTTP_PORT"):
        HttpConfig.from_env({"DRAFTBOT_HTTP_PORT": "eighty"})


# ---- /healthz --------------------------------------------------------------------------------------


async def test_healthz_says_the_database_answers_and_which_platforms_run(stores: SqlStoreFactory) -> None:
    server = HttpServer([("127.0.0.1", 0)], database=database_probe(stores))
    server.platforms.append("telegram")
    await server.start()
    try:
        status, body = await get(f"http://127.0.0.1:{server.port}/healthz")
        assert (status, body) == (200, {"status": "ok", "database": "ok", "platforms": ["telegram"]})
    finally:
        await server.stop()


async def test_healthz_answers_503_naming_the_platforms_still_starting(stores: SqlStoreFactory) -> None:
    server = HttpServer([("127.0.0.1", 0)], database=database_probe(stores))
    server.expect("telegram")
    server.expect("slack")
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}/healthz"
        assert await get(url) == (
            503,
            {"status": "starting", "database": "ok", "platforms": [], "starting": ["telegram", "slack"]},
        )
        server.ready("telegram")
        assert await get(url) == (
            503,
            {"status": "starting", "database": "ok", "platforms": ["telegram"], "starting": ["slack"]},
        )
        server.ready("slack")
        assert await get(url) == (
            200,
            {"status": "ok", "database": "ok", "platforms": ["telegram", "slack"]},
        )
    finally:
        await server.stop()


async def test_healthz_answers_503_when_the_database_does_not_answer() -> None:
    # nothing listens on this port: the pool cannot connect
    dead = SqlStoreFactory(make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"))
    server = HttpServer([("127.0.0.1", 0)], database=database_probe(dead), health_timeout=10)
    await server.start()
    try:
        status, body = await get(f"http://127.0.0.1:{server.port}/healthz")
        assert status == 503
        assert body == {"status": "unavailable", "database": "unreachable", "platforms": []}
    finally:
        await server.stop()
        await dead.close()


async def test_healthz_answers_503_when_the_database_hangs() -> None:
    async def hangs() -> None:
        await asyncio.Event().wait()

    server = HttpServer([("127.0.0.1", 0)], database=hangs, health_timeout=0.2)
    await server.start()
    try:
        status, body = await get(f"http://127.0.0.1:{server.port}/healthz")
        assert status == 503 and body["database"] == "unreachable"
    finally:
        await server.stop()


# ---- draftbot run: one port for Telegram and Slack ------------------------------------------------


async def test_draftbot_run_serves_telegram_slack_and_healthz_on_one_port(sqlite_url: str) -> None:
    telegram = FakeTelegram()
    await telegram.start()
    slack = await FakeSlack().start()
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "TELEGRAM_BASE_FILE_URL": telegram.base_file_url,
        "TELEGRAM_RATE_LIMITS": "off",
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/hooks/telegram",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": "slack-secret",
        "SLACK_API_URL": slack.api_url,
        "DRAFTBOT_HTTP_HOST": "127.0.0.1",
        "DRAFTBOT_HTTP_PORT": str(port),
        "DATABASE_URL": sqlite_url,
    }
    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", "slack-secret", team=slack.team)
    try:
        async with draftbot_run(env):
            body = await healthz_answers(port, 200)
            assert body["status"] == "ok" and body["database"] == "ok"
            assert sorted(body["platforms"]) == ["slack", "telegram"]
            # ready means serving: the webhook is set and Slack signed in before the first 200
            assert telegram.webhook is not None and slack.calls_to("auth.test")
            # Telegram's webhook: the fake posts a message there
            chat = telegram.group()
            st = telegram.user("Secretaría")
            telegram.send(st, chat, "/help")
            await until(lambda: bool(telegram.acknowledged), "the webhook to answer")
            await until(lambda: bool(telegram.texts(chat["id"])), "the help text in the group")
            # Slack's endpoint on the same port
            challenge = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"})
            answer = await sender.post(challenge, "application/json")
            assert answer.status == 200 and "c-123" in answer.body
    finally:
        await sender.close()
        await slack.stop()
        await telegram.stop()


async def healthz_answers(port: int, status: int) -> Any:
    """Waits until /healthz answers `status` (the server may not listen yet); returns the body."""
    answers: list[tuple[int, Any]] = []

    async def answered() -> bool:
        with contextlib.suppress(aiohttp.ClientError):
            answers.append(await get(f"http://127.0.0.1:{port}/healthz"))
            return answers[-1][0] == status
        return False

    await until(answered, f"/healthz to answer {status} (last: {answers[-1:]})")
    return answers[-1][1]


async def test_healthz_is_503_until_the_telegram_webhook_is_set_then_200(sqlite_url: str) -> None:
    telegram = FakeTelegram()
    await telegram.start()
    slack = await FakeSlack().start()
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "TELEGRAM_BASE_FILE_URL": telegram.base_file_url,
        "TELEGRAM_RATE_LIMITS": "off",
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": "slack-secret",
        "SLACK_API_URL": slack.api_url,
        "DRAFTBOT_HTTP_HOST": "127.0.0.1",
        "DRAFTBOT_HTTP_PORT": str(port),
        "DATABASE_URL": sqlite_url,
    }
    webhook = telegram.hold("setWebhook")  # Telegram has not confirmed the webhook yet
    try:
        async with draftbot_run(env):
            await until(lambda: bool(telegram.sent("setWebhook", ok=False)), "the webhook to be asked for")
            status, body = await get(f"http://127.0.0.1:{port}/healthz")
            assert status == 503
            assert body["status"] == "starting" and body["database"] == "ok"
            assert body["platforms"] == [] and sorted(body["starting"]) == ["slack", "telegram"]
            webhook.set()
            body = await healthz_answers(port, 200)
            assert sorted(body["platforms"]) == ["slack", "telegram"] and "starting" not in body
    finally:
        webhook.set()
        await slack.stop()
        await telegram.stop()


async def test_an_old_slack_port_alone_keeps_working_under_draftbot_run(sqlite_url: str) -> None:
    slack = await FakeSlack().start()
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": "slack-secret",
        "SLACK_API_URL": slack.api_url,
        "SLACK_HOST": "127.0.0.1",
        "SLACK_PORT": str(port),
        "DATABASE_URL": sqlite_url,
    }
    signing_in = slack.hold("auth.test")  # Slack has not answered the sign-in yet
    try:
        async with draftbot_run(env):
            await until(lambda: bool(slack.calls_to("auth.test")), "Slack to be asked to sign in")
            status, body = await get(f"http://127.0.0.1:{port}/healthz")
            assert (status, body) == (
                503,
                {"status": "starting", "database": "ok", "platforms": [], "starting": ["slack"]},
            )
            signing_in.set()
            assert await healthz_answers(port, 200) == {
                "status": "ok",
                "database": "ok",
                "platforms": ["slack"],
            }
    finally:
        signing_in.set()
        await slack.stop()


async def test_in_socket_mode_healthz_is_503_until_the_socket_is_connected(sqlite_url: str) -> None:
    slack = await FakeSlack().start()
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_APP_TOKEN": slack.app_token,
        "SLACK_API_URL": slack.api_url,
        "DRAFTBOT_HTTP_HOST": "127.0.0.1",
        "DRAFTBOT_HTTP_PORT": str(port),
        "DATABASE_URL": sqlite_url,
    }
    connecting = slack.hold("apps.connections.open")  # Slack has not handed out the socket's URL yet
    try:
        async with draftbot_run(env):
            await until(lambda: bool(slack.calls_to("apps.connections.open")), "the socket to be asked for")
            assert await get(f"http://127.0.0.1:{port}/healthz") == (
                503,
                {"status": "starting", "database": "ok", "platforms": [], "starting": ["slack"]},
            )
            connecting.set()
            assert await healthz_answers(port, 200) == {
                "status": "ok",
                "database": "ok",
                "platforms": ["slack"],
            }
            assert slack.socket_connected.is_set()
    finally:
        connecting.set()
        await slack.stop()


# ---- the Telegram webhook: 200 only after the commit ---------------------------------------------


async def test_the_webhook_answers_only_after_the_update_is_committed(
    service: DraftingService, stores: SqlStoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(service, webhook=True) as run_:
        chat = run_.fake.group()
        await set_up_meeting(run_, chat, ["México"])
        gate = asyncio.Event()
        entered = asyncio.Event()
        original = service.handle_text

        async def slow(ctx: Any, text: str) -> Any:
            entered.set()
            await gate.wait()
            return await original(ctx, text)

        monkeypatch.setattr(service, "handle_text", slow)
        message = run_.fake._user_message(
            run_.user("México"), chat, "/proponer Tomar nota.", reply_to=None, thread=None, sender_chat=None
        )
        update = {"update_id": 5000, "message": message}
        posting = asyncio.create_task(post_update(run_.adapter.config.webhook_url, update, SECRET))
        await asyncio.wait_for(entered.wait(), WAIT)  # a guard against a hang, not a measure
        await asyncio.sleep(0.2)  # whatever happens meanwhile, no answer can come while processing waits
        assert not posting.done()
        assert await stores.count(PointRow) == 0
        gate.set()
        assert await asyncio.wait_for(posting, 30) == 200
        assert await stores.count(PointRow) == 1  # committed before the answer


async def test_a_failure_answers_500_so_telegram_delivers_the_update_again(
    service: DraftingService, stores: SqlStoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(service, webhook=True) as run_:
        chat = run_.fake.group()
        await set_up_meeting(run_, chat, ["México"])
        original = service.handle_text

        async def broken(ctx: Any, text: str) -> Any:
            raise RuntimeError("a bug")

        monkeypatch.setattr(service, "handle_text", broken)
        message = run_.fake._user_message(
            run_.user("México"), chat, "/proponer Tomar nota.", reply_to=None, thread=None, sender_chat=None
        )
        update = {"update_id": 5001, "message": message}
        url = run_.adapter.config.webhook_url
        assert await post_update(url, update, SECRET) == 500
        monkeypatch.setattr(service, "handle_text", original)
        assert await post_update(url, update, SECRET) == 200
        assert await post_update(url, update, SECRET) == 200  # a repeat: nothing more
        assert await stores.count(PointRow) == 1


async def test_before_the_adapter_is_ready_the_webhook_answers_503(service: DraftingService) -> None:
    fake = FakeTelegram()
    await fake.start()
    server = HttpServer([("127.0.0.1", 0)])
    config = TelegramConfig(
        token=fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        webhook_url="https://bot.example/telegram",
        webhook_secret=SECRET,
        webhook_path="telegram",
    )
    TelegramAdapter(service, Dispatcher(), config, http=server)
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}/telegram"
        assert await post_update(url, {"update_id": 1}, SECRET) == 503
        assert await post_update(url, {"update_id": 1}, "wrong") == 403
    finally:
        await server.stop()
        await fake.stop()


async def test_a_webhook_burst_is_processed_concurrently_and_counted_once(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service, webhook=True) as run_:
        chat = run_.fake.group()
        names = ["México", "Panamá", "Honduras", "Guatemala"]
        await set_up_meeting(run_, chat, names)
        await run_.say(run_.user("México"), chat, "/proponer Tomar nota.")
        card = run_.fake.card(chat["id"], 1)
        updates = []
        for name in names:
            run_.fake.press_button(run_.user(name), card, "Aprobar")
            updates.append(run_.fake.updates[-1])
        await run_.settle()
        # the same four again, all at once, as retries
        url = run_.adapter.config.webhook_url
        statuses = await asyncio.gather(*(post_update(url, u, SECRET) for u in updates))
        assert statuses == [200] * 4
        assert await stores.count(PositionRow) == 4
