"""Where the web page is reached from outside, and what its cookies need."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.settings import Settings


@dataclass(frozen=True)
class WebConfig:
    public_url: str  # the base of every link, e.g. https://draftbot.example.org

    @classmethod
    def from_settings(cls, settings: Settings, port: int) -> WebConfig:
        """`DRAFTBOT_PUBLIC_URL`, or this machine's loopback address on the HTTP port."""
        base = settings.public_url or f"http://127.0.0.1:{port}"
        return cls(base.rstrip("/"))

    @property
    def secure_cookies(self) -> bool:
        """Secure, unless the page is served over plain http on loopback (a developer's machine):
        a browser would never send a Secure cookie back there."""
        parts = urlsplit(self.public_url)
        if parts.scheme != "http":
            return True
        host = parts.hostname or ""
        if host == "localhost":
            return False
        try:
            return not ipaddress.ip_address(host).is_loopback
        except ValueError:
            return True
