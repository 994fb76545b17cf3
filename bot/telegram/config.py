"""The Telegram adapter's settings, read from the environment (see `bot.telegram.adapter`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.telegram.outbox import Limits

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


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
    limits: Limits = field(default_factory=Limits)

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelegramConfig:
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip()
        secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
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
        path = env.get("TELEGRAM_WEBHOOK_PATH", "").strip() or urlsplit(webhook_url).path
        limits_name = env.get("TELEGRAM_RATE_LIMITS", "telegram").strip().lower()
        if limits_name not in ("telegram", "off"):
            raise ConfigError("TELEGRAM_RATE_LIMITS must be telegram (the default) or off")
        return cls(
            token=token,
            base_url=env.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL,
            base_file_url=env.get("TELEGRAM_BASE_FILE_URL", "").strip() or DEFAULT_BASE_FILE_URL,
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            webhook_port=_int(env, "TELEGRAM_WEBHOOK_PORT", 8443),
            webhook_path=path.strip("/"),
            poll_timeout=_int(env, "TELEGRAM_POLL_TIMEOUT", 25),
            limits=Limits() if limits_name == "telegram" else Limits.off(),
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from error
