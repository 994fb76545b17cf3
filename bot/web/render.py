"""HTML from Jinja2 templates with autoescaping always on, and the headers every page carries."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from aiohttp import web

from bot.web.texts import say

# No inline script or style anywhere: even an escaping mistake could not run injected code.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["say"] = say
    return env


def html(name: str, status: int = 200, **context: Any) -> web.Response:
    body = environment().get_template(name).render(**context)
    return web.Response(text=body, status=status, content_type="text/html", headers=SECURITY_HEADERS)


def fragment(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
