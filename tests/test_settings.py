"""Configuration in one place: every documented variable is a setting, and a bad value stops
`draftbot run` at once with a message naming the variable, before anything is opened."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.runner import run
from bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent
# Read by docker compose only (the postgres service, the published port), never by the process.
COMPOSE_ONLY = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "DRAFTBOT_PUBLISH"}
# Far beyond a refusal at startup; reaching it means the process went on to start.
GENEROUS = 60.0


def documented() -> dict[str, str]:
    """NAME -> example value, for every variable in .env.example, set or commented out."""
    found = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#?\s?([A-Z][A-Z0-9_]+)=(\S*)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_every_variable_of_the_example_file_is_a_setting() -> None:
    names = set(documented()) - COMPOSE_ONLY
    readme = set(
        re.findall(
            r"\b((?:DRAFTBOT|TELEGRAM|SLACK)_[A-Z_]+|DATABASE_URL)\b", (ROOT / "README.md").read_text()
        )
    )
    known = {
        alias
        for field in Settings.model_fields.values()
        for alias in getattr(field.validation_alias, "choices", ())
    }
    assert len(names) > 20
    assert (names | readme) - known == set()


def test_the_example_values_are_accepted() -> None:
    values = {k: v for k, v in documented().items() if k not in COMPOSE_ONLY}
    settings = Settings.from_env(values)
    assert settings.http_port == 8080
    assert settings.log_format == "json"
    assert settings.sweep_seconds == 30.0 and settings.slack_concurrency == 16


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DRAFTBOT_HTTP_PORT", "eighty"),
        ("DRAFTBOT_SWEEP_SECONDS", "soon"),
        ("DRAFTBOT_TEMPLATES", "/no/such/folder"),
        ("DRAFTBOT_LOG_FORMAT", "xml"),
        ("DRAFTBOT_PUBLIC_URL", "draftbot.example.org"),
        ("TELEGRAM_POLL_TIMEOUT", "long"),
        ("TELEGRAM_RATE_LIMITS", "sometimes"),
        ("SLACK_CONCURRENCY", "0"),
        ("DATABASE_URL", "mysql://user:hunter2@db/draftbot"),
    ],
)
async def test_a_bad_value_stops_run_with_a_message_naming_the_variable(
    name: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "draftbot.db"
    env = {
        # a platform is configured, on a loopback address nothing answers: only the setting stops it
        "TELEGRAM_BOT_TOKEN": "1:x",
        "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        "TELEGRAM_BASE_FILE_URL": "http://127.0.0.1:9/file/bot",
        "DRAFTBOT_HTTP_PORT": "0",
        "DRAFTBOT_HTTP_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{database}",
        name: value,
    }
    stop = asyncio.Event()
    stop.set()  # should it start after all, it stops at once
    assert await asyncio.wait_for(run(env, stop), GENEROUS) == 2
    error = capsys.readouterr().err
    assert name in error
    assert "hunter2" not in error  # a password in a bad URL is not printed
    assert not database.exists()  # nothing was opened


def test_settings_name_every_bad_variable_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"DRAFTBOT_HTTP_PORT": "70000", "SLACK_PORT": "x"})
    assert "DRAFTBOT_HTTP_PORT" in str(raised.value) and "SLACK_PORT" in str(raised.value)


def test_empty_values_mean_not_set() -> None:
    settings = Settings.from_env(
        {"DRAFTBOT_HTTP_PORT": "", "DRAFTBOT_TEMPLATES": " ", "SLACK_CONCURRENCY": ""}
    )
    assert settings.http_port is None and settings.templates is None and settings.slack_concurrency == 16
