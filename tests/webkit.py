"""The meeting's web page for tests: the real HTTP server on 127.0.0.1 with the page mounted, and a
browser-less client that keeps cookies the way a browser does."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from bot.http import HttpServer, database_probe
from bot.web import WebConfig, mount_web
from drafting.replies import Outcome
from drafting.service import DraftingService
from storage.store import SqlStoreFactory

LINK = re.compile(r"https?://\S+/m/\d+/t/[A-Za-z0-9_-]+")


def link_in(texts: list[str] | Outcome) -> str:
    """The one-time link in the bot's answer."""
    found = texts.texts() if isinstance(texts, Outcome) else texts
    for text in reversed(found):
        match = LINK.search(text)
        if match:
            return match.group(0)
    raise AssertionError(f"no panel link in {found}")


@dataclass
class Site:
    http: HttpServer
    base: str

    def browser(self) -> aiohttp.ClientSession:
        """A client with its own cookie jar (`unsafe`: it keeps cookies from 127.0.0.1, as browsers do)."""
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@asynccontextmanager
async def web_site(
    service: DraftingService, stores: SqlStoreFactory, *, public_url: str = ""
) -> AsyncIterator[Site]:
    """Serves the page on a free port and tells the service to hand out links to it."""
    http = HttpServer((("127.0.0.1", 0),), database=database_probe(stores))
    mount_web(http, stores, WebConfig(public_url or "http://127.0.0.1"), service.clock)
    await http.start()
    base = f"http://127.0.0.1:{http.port}"
    service.public_url = public_url or base
    try:
        yield Site(http, base)
    finally:
        service.public_url = ""
        await http.stop()
