"""An HTTP control panel for the fake server, so people and scripts in another process can play users.

Routes under `/_fake/` (JSON in, JSON out):

- `POST /_fake/user {"name", "lang"}`: a user (the same one again for a known name)
- `POST /_fake/group {"title", "forum"}`: a group chat (`GET /_fake/group` gives the first one)
- `POST /_fake/start {"user_id", "payload"}`: the user opens a private chat with the bot
- `POST /_fake/send {"user_id", "chat_id", "text", "reply_to", "thread"}`: a message
- `POST /_fake/press {"user_id", "chat_id", "message_id", "label"}`: a button on a bot message
- `GET /_fake/messages?chat_id=`: the bot's messages in a chat, as they are now
- `GET /_fake/card?chat_id=&label=`: a point's card
- `POST /_fake/settle {"quiet", "timeout"}`: returns once the bot took every update and has
  been quiet for `quiet` seconds
- `GET /_fake/state`: whether the bot is connected, and counts
- `POST /_fake/fail {"method", "times", "code", "chat_id"}`: the next calls of a method fail without
  effect (code 429 by default; 500: Telegram could not do it)
- `POST /_fake/lose_answer {"method", "times", "chat_id", "starts"}`: the next calls are done, then
  their connection is dropped unanswered
- `GET /_fake/token`: the fake bot's token and username

`HttpDriver` plays the scripted meeting (`scenario.play_meeting`) through these routes.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from aiohttp import web

from tests.telegram_fake.scenario import find_code
from tests.telegram_fake.server import JSON, FakeTelegram


def add_control(fake: FakeTelegram) -> None:
    names: dict[str, JSON] = {}

    async def body(request: web.Request) -> JSON:
        data: JSON = await request.json() if request.can_read_body else {}
        return data

    def chat_of(value: Any) -> JSON:
        chat_id = int(value)
        if chat_id not in fake.chats:
            raise web.HTTPNotFound(text=f"no chat {chat_id}")
        return fake.chats[chat_id]

    def user_of(value: Any) -> JSON:
        user_id = int(value)
        if user_id not in fake.users:
            raise web.HTTPNotFound(text=f"no user {user_id}")
        return fake.users[user_id]

    async def user(request: web.Request) -> web.Response:
        data = await body(request)
        name = str(data.get("name") or "Ana")
        if name not in names:
            names[name] = fake.user(name, lang=str(data.get("lang") or "es"))
        return web.json_response(names[name])

    async def group(request: web.Request) -> web.Response:
        groups = [c for c in fake.chats.values() if c["type"] in ("group", "supergroup")]
        if request.method == "GET" and groups:
            return web.json_response(groups[0])
        data = await body(request) if request.method == "POST" else {}
        return web.json_response(fake.group(str(data.get("title") or "CRM"), forum=bool(data.get("forum"))))

    async def start(request: web.Request) -> web.Response:
        data = await body(request)
        return web.json_response(
            fake.start_bot(user_of(data["user_id"]), payload=str(data.get("payload") or ""))
        )

    async def send(request: web.Request) -> web.Response:
        data = await body(request)
        message = fake.send(
            user_of(data["user_id"]),
            chat_of(data["chat_id"]),
            str(data["text"]),
            reply_to=int(data["reply_to"]) if data.get("reply_to") else None,
            thread=int(data["thread"]) if data.get("thread") else None,
        )
        return web.json_response(message)

    async def press(request: web.Request) -> web.Response:
        data = await body(request)
        chat = chat_of(data["chat_id"])
        message = fake.messages.get((chat["id"], int(data["message_id"])))
        if message is None:
            raise web.HTTPNotFound(text="no such message")
        return web.json_response(fake.press_button(user_of(data["user_id"]), message, str(data["label"])))

    async def messages(request: web.Request) -> web.Response:
        return web.json_response(fake.bot_messages(int(request.query["chat_id"])))

    async def card(request: web.Request) -> web.Response:
        try:
            return web.json_response(fake.card(int(request.query["chat_id"]), request.query["label"]))
        except AssertionError as error:
            raise web.HTTPNotFound(text=str(error)) from error

    async def settle(request: web.Request) -> web.Response:
        data = await body(request)
        quiet = float(data.get("quiet") or 0.3)
        deadline = time.monotonic() + float(data.get("timeout") or 120)
        while time.monotonic() < deadline:
            last = max((u["update_id"] for u in fake.updates), default=0)
            taken = fake.webhook is not None or fake.offset > last
            if taken and time.monotonic() - max(fake.last_call_at, _handed(fake)) >= quiet:
                return web.json_response({"ok": True})
            await asyncio.sleep(0.05)
        return web.json_response({"ok": False}, status=504)

    async def state(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "connected": fake.polled,
                "updates": len(fake.updates),
                "calls": len(fake.calls),
                "chats": list(fake.chats.values()),
                "users": names,
            }
        )

    fake.app.router.add_post("/_fake/user", user)
    fake.app.router.add_route("*", "/_fake/group", group)
    fake.app.router.add_post("/_fake/start", start)
    fake.app.router.add_post("/_fake/send", send)
    fake.app.router.add_post("/_fake/press", press)
    fake.app.router.add_get("/_fake/messages", messages)
    fake.app.router.add_get("/_fake/card", card)
    fake.app.router.add_post("/_fake/settle", settle)
    fake.app.router.add_get("/_fake/state", state)

    def chat_id(data: JSON) -> int | None:
        return int(data["chat_id"]) if data.get("chat_id") else None

    async def fail(request: web.Request) -> web.Response:
        data = await body(request)
        fake.fail(
            str(data["method"]),
            times=int(data.get("times") or 1),
            code=int(data.get("code") or 429),
            chat_id=chat_id(data),
        )
        return web.json_response({"ok": True})

    async def lose_answer(request: web.Request) -> web.Response:
        data = await body(request)
        starts = data.get("starts")
        fake.lose_answer(
            str(data["method"]),
            times=int(data.get("times") or 1),
            chat_id=chat_id(data),
            starts=str(starts) if starts else None,
        )
        return web.json_response({"ok": True})

    fake.app.router.add_post("/_fake/fail", fail)
    fake.app.router.add_post("/_fake/lose_answer", lose_answer)

    async def token(request: web.Request) -> web.Response:
        # Only this local test server hands out its (fake) token, for `play` to call getFile.
        return web.json_response({"token": fake.token, "username": fake.username})

    fake.app.router.add_get("/_fake/token", token)


def _handed(fake: FakeTelegram) -> float:
    return max(fake.handed_out.values(), default=0.0)


class HttpDriver:
    """The scripted meeting against a fake server in another process, over its control routes."""

    def __init__(self, url: str, *, quiet: float = 0.3, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        self.quiet = quiet
        self.timeout = timeout
        self.username = ""
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpDriver:
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout + 30))
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.session is not None:
            await self.session.close()

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self.session is not None
        async with self.session.request(method, self.url + path, **kwargs) as response:
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {await response.text()}")
            return await response.json()

    async def connect(self, wait: float = 600.0) -> None:
        """Waits until a bot is polling (or has set a webhook) and learns its name."""
        deadline = time.monotonic() + wait
        while not (await self._json("GET", "/_fake/state"))["connected"]:
            if time.monotonic() > deadline:
                raise TimeoutError("no bot connected to the fake server")
            await asyncio.sleep(0.2)
        token_path = await self._json("GET", "/_fake/token")
        self.username = token_path["username"]

    async def settle(self) -> None:
        await self._json("POST", "/_fake/settle", json={"quiet": self.quiet, "timeout": self.timeout})

    async def user(self, name: str) -> JSON:
        result: JSON = await self._json("POST", "/_fake/user", json={"name": name})
        return result

    async def group(self, title: str) -> JSON:
        result: JSON = await self._json("POST", "/_fake/group", json={"title": title})
        return result

    async def start_bot(self, user: JSON) -> None:
        await self._json("POST", "/_fake/start", json={"user_id": user["id"]})
        await self.settle()

    async def say(self, user: JSON, chat: JSON, text: str, *, reply_to: JSON | None = None) -> JSON:
        payload = {"user_id": user["id"], "chat_id": chat["id"], "text": text}
        if reply_to is not None:
            payload["reply_to"] = reply_to["message_id"]
        message: JSON = await self._json("POST", "/_fake/send", json=payload)
        await self.settle()
        return message

    async def press_all(self, presses: list[tuple[JSON, JSON, str]]) -> None:
        for user, message, label in presses:
            payload = {
                "user_id": user["id"],
                "chat_id": message["chat"]["id"],
                "message_id": message["message_id"],
            }
            await self._json("POST", "/_fake/press", json=dict(payload, label=label))
        await self.settle()

    async def _poll(self, probe: Any, what: str) -> Any:
        deadline = time.monotonic() + self.timeout
        while True:
            found = await probe()
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited too long for {what}")
            await asyncio.sleep(0.2)

    async def card(self, chat: JSON, label: int) -> JSON:
        async def probe() -> JSON | None:
            assert self.session is not None
            query = {"chat_id": str(chat["id"]), "label": str(label)}
            async with self.session.get(self.url + "/_fake/card", params=query) as response:
                return None if response.status == 404 else dict(await response.json())

        result: JSON = await self._poll(probe, f"the card of point {label}")
        return result

    async def _messages(self, chat_id: int) -> list[JSON]:
        result: list[JSON] = await self._json("GET", "/_fake/messages", params={"chat_id": str(chat_id)})
        return result

    async def count_private(self, user: JSON) -> int:
        return len(await self._messages(user["id"]))

    async def code_for(self, user: JSON, after: int) -> str:
        async def probe() -> str | None:
            return find_code([m.get("text", "") for m in (await self._messages(user["id"]))[after:]])

        code: str = await self._poll(probe, "an invitation code")
        return code

    async def count_documents(self, chat: JSON) -> int:
        return len([m for m in await self._messages(chat["id"]) if "document" in m])

    async def document(self, chat: JSON, after: int) -> JSON:
        async def probe() -> JSON | None:
            documents = [m for m in await self._messages(chat["id"]) if "document" in m]
            return documents[after] if len(documents) > after else None

        result: JSON = await self._poll(probe, "a document")
        return result

    async def download(self, file_id: str) -> bytes:
        """getFile on the Bot API, then the file path, as any Telegram client would."""
        assert self.session is not None
        token = (await self._json("GET", "/_fake/token"))["token"]
        async with self.session.post(f"{self.url}/bot{token}/getFile", json={"file_id": file_id}) as response:
            path = (await response.json())["result"]["file_path"]
        async with self.session.get(f"{self.url}/file/bot{token}/{path}") as response:
            return await response.read()
