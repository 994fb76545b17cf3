"""Every setting of draftbot in one object, read once by the entry point and handed to what needs it.

The names are the environment variables of .env.example and the README. An empty value means "not set"
(docker compose writes empty values for the blanks in .env). A malformed value stops `draftbot run`
before anything is opened, with a message naming the variable. pydantic does the type checks and words
the errors. (Not pydantic-settings: its environment source reads the whole process environment, names
case-insensitively, and cannot be handed a test's mapping; reading exactly the documented names from one
mapping is a line here.) The rules that span several variables live in the adapters' own configs
(bot/telegram/config.py, bot/slack/adapter.py, bot/http.py), built from this object.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from storage.database import normalize_url

Port = Annotated[int, Field(ge=0, le=65535)]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _var(name: str, **options: Any) -> Any:
    """A field read from the environment variable `name` (exactly that name)."""
    return Field(validation_alias=AliasChoices(name), **options)


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    # ---- database, HTTP, web page, logs, templates, sweep ----
    database_url: str = _var("DATABASE_URL", default="")
    http_host: str = _var("DRAFTBOT_HTTP_HOST", default="0.0.0.0")
    http_port: Port | None = _var("DRAFTBOT_HTTP_PORT", default=None)
    http_timing: bool = _var("DRAFTBOT_HTTP_TIMING", default=False)  # bot/http.py: per-request times
    public_url: str = _var("DRAFTBOT_PUBLIC_URL", default="")
    log_format: Literal["json", "text"] = _var("DRAFTBOT_LOG_FORMAT", default="json")
    templates: Path | None = _var("DRAFTBOT_TEMPLATES", default=None)
    sweep_seconds: float = _var("DRAFTBOT_SWEEP_SECONDS", default=30.0, gt=0)
    # How long a join announcement (or a typed position's acknowledgement on Telegram) waits for others
    # to share one message with (bot/dispatch.py).
    digest_seconds: float = _var("DRAFTBOT_DIGEST_SECONDS", default=2.0, ge=0, le=60)
    # How long the replies a worker committed are left to it before any worker's journal sweep sends
    # them (the worker died between its commit and handing them to the platform; bot/dispatch.py).
    journal_grace_seconds: float = _var("DRAFTBOT_JOURNAL_GRACE_SECONDS", default=5.0, gt=0, le=300)

    # ---- Telegram ----
    telegram_bot_token: str = _var("TELEGRAM_BOT_TOKEN", default="")
    telegram_webhook_url: str = _var("TELEGRAM_WEBHOOK_URL", default="")
    telegram_webhook_secret: str = _var("TELEGRAM_WEBHOOK_SECRET", default="")
    telegram_webhook_path: str = _var("TELEGRAM_WEBHOOK_PATH", default="")
    telegram_base_url: str = _var("TELEGRAM_BASE_URL", default="")
    telegram_base_file_url: str = _var("TELEGRAM_BASE_FILE_URL", default="")
    telegram_poll_timeout: int = _var("TELEGRAM_POLL_TIMEOUT", default=25, ge=0)
    telegram_rate_limits: Literal["telegram", "off"] = _var("TELEGRAM_RATE_LIMITS", default="telegram")
    # A button press answered in the webhook's own HTTP answer (no call of its own) or by a separate call.
    telegram_webhook_answers: Literal["reply", "call"] = _var("TELEGRAM_WEBHOOK_ANSWERS", default="reply")
    telegram_webhook_listen: str = _var("TELEGRAM_WEBHOOK_LISTEN", default="")
    telegram_webhook_port: Port | None = _var("TELEGRAM_WEBHOOK_PORT", default=None)

    # ---- Slack ----
    slack_bot_token: str = _var("SLACK_BOT_TOKEN", default="")
    slack_signing_secret: str = _var("SLACK_SIGNING_SECRET", default="")
    slack_app_token: str = _var("SLACK_APP_TOKEN", default="")
    slack_api_url: str = _var("SLACK_API_URL", default="")
    slack_concurrency: int = _var("SLACK_CONCURRENCY", default=16, ge=1)
    slack_host: str = _var("SLACK_HOST", default="")
    slack_port: Port | None = _var("SLACK_PORT", default=None)

    # ---- WhatsApp (bot/whatsapp/config.py says what each is) ----
    whatsapp_access_token: str = _var("WHATSAPP_ACCESS_TOKEN", default="")
    whatsapp_phone_number_id: str = _var("WHATSAPP_PHONE_NUMBER_ID", default="")
    whatsapp_app_secret: str = _var("WHATSAPP_APP_SECRET", default="")
    whatsapp_verify_token: str = _var("WHATSAPP_VERIFY_TOKEN", default="")
    whatsapp_graph_url: str = _var("WHATSAPP_GRAPH_URL", default="")
    whatsapp_api_version: str = _var("WHATSAPP_API_VERSION", default="")
    whatsapp_path: str = _var("WHATSAPP_PATH", default="")
    whatsapp_template_es: str = _var("WHATSAPP_TEMPLATE_ES", default="")
    whatsapp_template_en: str = _var("WHATSAPP_TEMPLATE_EN", default="")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value:
            normalize_url(value)  # an unsupported scheme fails now, not at the first command
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("templates")
    @classmethod
    def _templates(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    @field_validator("telegram_rate_limits", "telegram_webhook_answers", "log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from `env` (default: this process's environment); `SettingsError` names every
        malformed variable."""
        source = os.environ if env is None else env
        names = {
            alias
            for field in cls.model_fields.values()
            if isinstance(field.validation_alias, AliasChoices)
            for alias in field.validation_alias.choices
            if isinstance(alias, str)
        }
        given = {name: value for name, value in source.items() if name in names and value.strip()}
        try:
            return cls.model_validate(given)
        except ValidationError as error:
            raise SettingsError(_explain(error)) from error

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def whatsapp_enabled(self) -> bool:
        return all(
            (
                self.whatsapp_access_token,
                self.whatsapp_phone_number_id,
                self.whatsapp_app_secret,
                self.whatsapp_verify_token,
            )
        )

    def whatsapp_variables(self) -> dict[str, str]:
        """The WHATSAPP_* settings by their variable names, for `WhatsAppConfig.from_env`."""
        return {
            f"WHATSAPP_{name.removeprefix('whatsapp_').upper()}": str(value)
            for name, value in self.model_dump().items()
            if name.startswith("whatsapp_") and value
        }


_SECRET_PARTS = ("TOKEN", "SECRET", "DATABASE_URL")  # their values may hold a password: never echoed


def _explain(error: ValidationError) -> str:
    lines = []
    for problem in error.errors(include_url=False):
        name = ".".join(str(part) for part in problem["loc"])
        shown = "" if any(part in name for part in _SECRET_PARTS) else f"={problem.get('input')!r}"
        lines.append(f"{name}{shown}: {problem['msg']}")
    return "; ".join(lines)
