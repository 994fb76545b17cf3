"""The meeting's web page, served by the process's one HTTP server (`bot.http`).

`mount_web(http, stores, config, clock)` adds its routes; `panel` in a meeting's chat hands out the
one-time links that open it (see `drafting.panel` and `bot.web.access`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.http import HttpServer
from bot.web.access import WebStoreFactory
from bot.web.config import WebConfig
from bot.web.routes import WebPages


def mount_web(
    http: HttpServer, stores: WebStoreFactory, config: WebConfig, clock: Callable[[], datetime]
) -> WebPages:
    pages = WebPages(stores, config, clock)
    for method, path, handler in pages.routes():
        http.add_page(method, path, handler)
    return pages


__all__ = ["WebConfig", "WebPages", "mount_web"]
