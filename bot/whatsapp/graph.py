"""A thin typed client for the Cloud API's calls the bot makes: send a message, upload a file, and
download a file a person sent (GET /{media-id} names a short-lived URL, fetched with the same token).

Written here over aiohttp (already the HTTP stack of the process) rather than with pywa: pywa's
sending is tied to its own httpx client and Graph address, and its webhook dispatcher answers 200 even
when a handler fails, while the bot must answer 200 only after the effect is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.whatsapp.config import WhatsAppConfig

RE_ENGAGEMENT = 131047  # outside the 24-hour customer service window: only a template may go
THROUGHPUT = 130429  # the phone number's messages per second were exceeded: wait and retry
PAIR_RATE = 131056  # too many messages to the same person in a short time: wait and retry for them


class GraphError(Exception):
    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    @property
    def window_closed(self) -> bool:
        return self.code == RE_ENGAGEMENT


@dataclass(frozen=True)
class MediaInfo:
    url: str
    mime_type: str
    size: int


class GraphClient:
    def __init__(self, config: WhatsAppConfig) -> None:
        self.config = config
        self._session: aiohttp.ClientSession | None = None

    @property
    def _base(self) -> str:
        return f"{self.config.graph_url}/{self.config.api_version}/{self.config.phone_number_id}"

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {self.config.access_token}"},
                timeout=aiohttp.ClientTimeout(total=60),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, payload: dict[str, Any]) -> str:
        """Sends one message; returns its wamid."""
        body = {"messaging_product": "whatsapp", **payload}
        async with self._http().post(f"{self._base}/messages", json=body) as response:
            answer = await _json(response)
        return str(answer["messages"][0]["id"])

    async def upload(self, filename: str, content: bytes, mime_type: str) -> str:
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=filename, content_type=mime_type)
        async with self._http().post(f"{self._base}/media", data=form) as response:
            answer = await _json(response)
        return str(answer["id"])

    async def media(self, media_id: str) -> MediaInfo:
        """Where a file a person sent can be downloaded (the URL lasts minutes), and its size."""
        url = f"{self.config.graph_url}/{self.config.api_version}/{media_id}"
        async with self._http().get(url, params={"phone_number_id": self.config.phone_number_id}) as response:
            answer = await _json(response)
        return MediaInfo(
            str(answer["url"]), str(answer.get("mime_type") or ""), int(answer.get("file_size") or 0)
        )

    async def download(self, url: str, limit: int) -> bytes | None:
        """The file's bytes; None when it is larger than `limit` (not read further)."""
        async with self._http().get(url) as response:
            if response.status >= 400:
                raise GraphError(response.status, None, "media download failed")
            content = await response.content.read(limit + 1)
        return content if len(content) <= limit else None


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        answer: Any = await response.json(content_type=None)
    except ValueError:
        answer = {}
    if response.status >= 400 or not isinstance(answer, dict) or "error" in answer:
        error = answer.get("error", {}) if isinstance(answer, dict) else {}
        code = error.get("code")
        raise GraphError(
            response.status, int(code) if isinstance(code, int) else None, str(error.get("message", ""))
        )
    return answer
