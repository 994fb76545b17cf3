"""A file shared in the same message as a command (`@draftbot plantilla` with a .docx attached).

A slash command cannot carry a file in Slack, so a Word template comes with a mention of the bot: the
`app_mention` event lists the message's files by id. Their name, size and private download address
come from `files.info` (scope files:read), and the download needs the bot token, as Slack's private
file URLs do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from drafting.report import word_template

log = logging.getLogger(__name__)

_TIMEOUT = aiohttp.ClientTimeout(total=60)


async def shared_file(client: AsyncWebClient, event: Mapping[str, Any]) -> tuple[str, bytes] | None:
    """(name, content) of the first file shared with the event's message; None without one. A file
    that cannot be fetched, or is larger than a Word template can be, comes as its name with no
    content, which the core refuses as no .docx."""
    files = event.get("files") or []
    if not files or not isinstance(files[0], Mapping):
        return None
    first = files[0]
    name = str(first.get("name") or "file")
    try:
        info = await client.files_info(file=str(first.get("id") or ""))
    except SlackApiError as exc:
        log.warning("files.info failed: %s", exc.response.get("error"))
        return name, b""
    meta: Mapping[str, Any] = info.get("file") or {}
    name = str(meta.get("name") or name)
    url = str(meta.get("url_private_download") or meta.get("url_private") or "")
    if not url or int(meta.get("size") or 0) > word_template.MAX_BYTES:
        return name, b""
    headers = {"Authorization": f"Bearer {client.token}"}
    async with (
        aiohttp.ClientSession(timeout=_TIMEOUT) as session,
        session.get(url, headers=headers) as response,
    ):
        if response.status != 200:
            log.warning("file download answered %s", response.status)
            return name, b""
        content = await response.content.read(word_template.MAX_BYTES + 1)
    return name, content if len(content) <= word_template.MAX_BYTES else b""
