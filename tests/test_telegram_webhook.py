"""Webhook mode: Telegram's secret token header is required; without it nothing is read or written."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.telegram.config import ConfigError, TelegramConfig
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import AuditRow, MeetingRow, PointRow, ProcessedUpdateRow
from tests.kit import MEETING
from tests.telegram_fake.harness import running_bot, set_up_meeting

TABLES = (MeetingRow, PointRow, ProcessedUpdateRow, AuditRow)


async def _counts(stores: SqlStoreFactory) -> list[int]:
    return [await stores.count(table) for table in TABLES]


async def test_the_webhook_is_set_with_its_secret_token(service: DraftingService) -> None:
    async with running_bot(service, webhook=True, secret="abc_DEF-123") as run:
        assert run.fake.webhook == {"url": run.adapter.config.webhook_url, "secret_token": "abc_DEF-123"}
        assert run.fake.sent("deleteWebhook") == []


async def test_updates_with_the_secret_token_are_handled(service: DraftingService) -> None:
    async with running_bot(service, webhook=True) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        assert "Agradecer a la Secretaría Técnica." in run.fake.card(chat["id"], 1)["text"]


@pytest.mark.parametrize("header", [None, "", "wrong-token"], ids=["missing", "empty", "wrong"])
async def test_a_request_without_the_right_secret_gets_403_and_writes_nothing(
    service: DraftingService, stores: SqlStoreFactory, header: str | None
) -> None:
    async with running_bot(service, webhook=True) as run:
        chat = run.fake.group()
        st = run.user("st")
        forged = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": chat,
                "from": st,
                "text": "/" + MEETING,
                "entities": [{"type": "bot_command", "offset": 0, "length": 13}],
            },
        }
        before = await _counts(stores)
        calls_before = len(run.fake.calls)
        headers = {"Content-Type": "application/json"}
        if header is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = header
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                run.adapter.config.webhook_url, data=json.dumps(forged), headers=headers
            ) as response,
        ):
            assert response.status == 403
        await run.adapter.drain()
        assert run.adapter.handled == 0
        assert await _counts(stores) == before
        assert len(run.fake.calls) == calls_before


async def test_a_webhook_retry_of_the_same_update_is_handled_once(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with running_bot(service, webhook=True) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        run.fake.redeliver(run.fake.updates[-1])
        await run.settle()
        assert await stores.count(PointRow) == 1


def test_webhook_mode_will_not_start_without_a_secret() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramConfig.from_env(
            {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://bot.example/tg"}
        )
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramConfig.from_env(
            {
                "TELEGRAM_BOT_TOKEN": "1:x",
                "TELEGRAM_WEBHOOK_URL": "https://bot.example/tg",
                "TELEGRAM_WEBHOOK_SECRET": "a b",
            }
        )


def test_the_webhook_settings_come_from_the_environment() -> None:
    config = TelegramConfig.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "1:x",
            "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
            "TELEGRAM_BASE_FILE_URL": "http://127.0.0.1:8081/file/bot",
            "TELEGRAM_WEBHOOK_URL": "https://bot.example/hooks/telegram",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret",
            "TELEGRAM_WEBHOOK_PORT": "9000",
        }
    )
    assert config.webhook and config.webhook_path == "hooks/telegram" and config.webhook_port == 9000
    assert config.base_url == "http://127.0.0.1:8081/bot"
    assert not TelegramConfig.from_env({"TELEGRAM_BOT_TOKEN": "1:x"}).webhook
