"""The Telegram adapter's settings, taken from the one settings object (see `bot.settings`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.settings import Settings, SettingsError
from bot.telegram.outbox import Limits

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


ConfigError = SettingsError  # a setting is missing or malformed; the message names the variable


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_BASE_FILE_URL
    webhook_url: str = ""  # empty: long polling
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_path: str = ""
    poll_timeout: int = 25
    answer_in_reply: bool = True  # webhook: a press's answerCallbackQuery rides on the HTTP answer
    limits: Limits = field(default_factory=Limits)

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelegramConfig:
        return cls.from_settings(Settings.from_env(env))

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramConfig:
        token = settings.telegram_bot_token
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        webhook_url = settings.telegram_webhook_url
        secret = settings.telegram_webhook_secret
        if webhook_url:
            if not secret:
                raise ConfigError(
                    "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: webhook mode needs a "
                    "secret token (1-256 characters A-Z, a-z, 0-9, _ and -) so that only Telegram can post "
                    "updates"
                )
            if not _SECRET.fullmatch(secret):
                raise ConfigError(
                    "TELEGRAM_WEBHOOK_SECRET may only have 1-256 characters A-Z, a-z, 0-9, _ and -"
                )
        path = settings.telegram_webhook_path or urlsplit(webhook_url).path
        return cls(
            token=token,
            base_url=settings.telegram_base_url or DEFAULT_BASE_URL,
            base_file_url=settings.telegram_base_file_url or DEFAULT_BASE_FILE_URL,
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=settings.telegram_webhook_listen or "0.0.0.0",
            webhook_port=settings.telegram_webhook_port
            if settings.telegram_webhook_port is not None
            else 8443,
            webhook_path=path.strip("/"),
            poll_timeout=settings.telegram_poll_timeout,
            answer_in_reply=settings.telegram_webhook_answers == "reply",
            limits=Limits() if settings.telegram_rate_limits == "telegram" else Limits.off(),
        )
