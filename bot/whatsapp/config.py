"""WhatsApp Cloud API settings, read from the environment in one function the lead can move to the
settings model.

WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN are
required (all four set: `draftbot run` serves WhatsApp). WHATSAPP_GRAPH_URL (default
https://graph.facebook.com; the fake in tests/whatsapp_fake otherwise), WHATSAPP_API_VERSION (v23.0),
WHATSAPP_PATH (/whatsapp), WHATSAPP_TEMPLATE_ES / WHATSAPP_TEMPLATE_EN: the pre-approved template sent
outside the 24-hour window, per meeting language, as `name` or `name:language_code` (its body takes two
parameters: how many messages wait, and the meeting's title).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

REQUIRED = (
    "WHATSAPP_ACCESS_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
)
DEFAULT_GRAPH_URL = "https://graph.facebook.com"


@dataclass(frozen=True)
class Template:
    name: str
    language: str  # the template's language code at Meta, e.g. "es" or "en_US"


@dataclass(frozen=True)
class Pacing:
    """How fast the bot sends. Meta's Cloud API takes 80 messages a second per business number by
    default (130429 beyond) and, per person, about one every 6 seconds with short bursts allowed
    (131056 "pair rate limit" beyond); both answers mean "wait and retry"."""

    per_second: float = 80.0  # whole phone number; 0 = unpaced
    per_person_per_minute: int = 20  # one recipient, rolling minute; 0 = unpaced
    per_person_interval: float = 0.0  # seconds between two messages to one recipient
    backoff: float = 6.0  # seconds to wait after a rate-limit answer, doubled at each retry
    retries: int = 3


@dataclass(frozen=True)
class WhatsAppConfig:
    access_token: str
    phone_number_id: str
    app_secret: str
    verify_token: str
    graph_url: str = DEFAULT_GRAPH_URL
    api_version: str = "v23.0"
    path: str = "/whatsapp"
    templates: Mapping[str, Template] = field(default_factory=dict)  # meeting language -> template
    pacing: Pacing = field(default_factory=lambda: Pacing())

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WhatsAppConfig:
        missing = [name for name in REQUIRED if not env.get(name, "").strip()]
        if missing:
            raise ValueError(f"WhatsApp needs {', '.join(missing)}")
        templates: dict[str, Template] = {}
        for lang in ("es", "en"):
            raw = env.get(f"WHATSAPP_TEMPLATE_{lang.upper()}", "").strip()
            if raw:
                name, _, code = raw.partition(":")
                templates[lang] = Template(name.strip(), code.strip() or lang)
        return cls(
            access_token=env["WHATSAPP_ACCESS_TOKEN"].strip(),
            phone_number_id=env["WHATSAPP_PHONE_NUMBER_ID"].strip(),
            app_secret=env["WHATSAPP_APP_SECRET"].strip(),
            verify_token=env["WHATSAPP_VERIFY_TOKEN"].strip(),
            graph_url=(env.get("WHATSAPP_GRAPH_URL", "").strip() or DEFAULT_GRAPH_URL).rstrip("/"),
            api_version=env.get("WHATSAPP_API_VERSION", "").strip() or "v23.0",
            path="/" + (env.get("WHATSAPP_PATH", "").strip() or "whatsapp").strip("/"),
            templates=templates,
        )


def whatsapp_configured(env: Mapping[str, str]) -> bool:
    return all(env.get(name, "").strip() for name in REQUIRED)
