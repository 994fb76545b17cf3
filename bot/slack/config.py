"""Slack's settings for the adapter, and its Web API client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings, SettingsError

DEFAULT_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    signing_secret: str = ""
    app_token: str = ""  # set: Socket Mode; empty: HTTP mode
    api_url: str = DEFAULT_API_URL
    host: str = "0.0.0.0"
    port: int = 3000
    path: str = "/slack/events"
    command: str = "/draft"
    workers: int = 16  # requests handled at once after their ack
    card_edit_interval: float = 1.0  # seconds between two edits of one card (bursts are coalesced)
    post_interval: float = 1.0  # seconds between two posts in one channel, all workers together
    rate_limit_retries: int = 3
    server_error_retries: int = 2  # a 500/503 from Slack is tried again, with a growing pause
    # seconds a request answered early is left to its worker before another's sweep handles it
    inbox_grace: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackConfig:
        return cls.from_settings(Settings.from_env(env))

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackConfig:
        token = settings.slack_bot_token
        if not token:
            raise SettingsError("SLACK_BOT_TOKEN is not set")
        app_token = settings.slack_app_token
        secret = settings.slack_signing_secret
        if not app_token and not secret:
            raise SettingsError("set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)")
        api_url = settings.slack_api_url or DEFAULT_API_URL
        return cls(
            bot_token=token,
            signing_secret=secret,
            app_token=app_token,
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            host=settings.slack_host or "0.0.0.0",
            port=settings.slack_port if settings.slack_port is not None else 3000,
            workers=settings.slack_concurrency,
            inbox_grace=settings.journal_grace_seconds,
        )

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)


def make_client(config: SlackConfig) -> AsyncWebClient:
    """The Web API client: 429 answers are retried after their Retry-After, 500/503 answers and
    dropped connections a bounded number of times; what still fails reaches the caller."""
    client = AsyncWebClient(token=config.bot_token, base_url=config.api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=config.rate_limit_retries))
    client.retry_handlers.append(AsyncServerErrorRetryHandler(max_retry_count=config.server_error_retries))
    return client
