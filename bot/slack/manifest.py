"""The Slack app manifest, with the `/draft` command's hint written from the command declarations.

`draftbot slack-manifest` prints it; bot/slack/manifest.json is that output, checked in so an app can be
created from the file, and a test holds the two equal (a declared command shows up in both).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from drafting.commands import SPECS, Spec
from drafting.i18n import t

USAGE_HINT_LIMIT = 1000  # Slack refuses a longer usage_hint


def usage_hint(specs: Sequence[Spec] = SPECS) -> str:
    """Every command word, English then the Spanish aliases, in declaration order."""
    english = " · ".join(spec.name for spec in specs)
    spanish = " · ".join(spec.alias for spec in specs)
    return f"{english}  ({spanish})"


def description() -> str:
    return f"{t('en', 'help.slack_description')} / {t('es', 'help.slack_description')}"


def manifest(specs: Sequence[Spec] = SPECS) -> dict[str, Any]:
    text = resources.files("bot.slack").joinpath("manifest.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    (command,) = data["features"]["slash_commands"]
    command["usage_hint"] = usage_hint(specs)
    command["description"] = description()
    return data


def manifest_text() -> str:
    return json.dumps(manifest(), indent=2, ensure_ascii=False) + "\n"
