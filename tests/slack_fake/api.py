"""A fake Slack Web API on 127.0.0.1: enough of Slack for the adapter to run a whole meeting.

It answers JSON and form bodies the way Slack does (`{"ok": true, …}` or `{"ok": false, "error": …}`),
checks the bot token, keeps the channels' messages (with threads and edits), ephemeral messages,
opened modals and uploaded files (the bytes sent to the upload URL), and records every call. A test
can make a method answer 429 with a Retry-After, fail with a Slack error, or answer an HTTP error
(500, 503) the way Slack's edge does when it is in trouble. It also serves Socket
Mode: `apps.connections.open` hands out a WebSocket on the same server, and `socket_send` pushes an
envelope through it and returns the app's acknowledgement.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    edits: int = 0

    def buttons(self) -> list[dict[str, Any]]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", [])]

    def block_text(self) -> str:
        """Every text the blocks show, one per line."""
        out: list[str] = []
        for block in self.blocks:
            text = block.get("text")
            if isinstance(text, dict):
                out.append(str(text.get("text", "")))
            for element in block.get("elements", []) if block.get("type") == "context" else []:
                out.append(str(element.get("text", "")))
        return "\n".join(out)


@dataclass
class Ephemeral:
    channel: str
    user: str
    text: str
    thread_ts: str | None = None


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int
    content: bytes = b""
    title: str = ""
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str = ""
    shared: bool = False


class FakeSlack:
    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-token",
        app_token: str = "xapp-fake-token",
        team: str = "T0001",
        bot_user: str = "UBOT",
        bot_id: str = "BBOT",
        enterprise: str | None = None,  # an Enterprise Grid org
        org_wide: bool = False,  # the app installed for the whole org, not one workspace
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team = team
        self.bot_user = bot_user
        self.bot_id = bot_id
        self.enterprise = enterprise
        self.org_wide = org_wide
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.ephemerals: list[Ephemeral] = []
        self.views: list[dict[str, Any]] = []
        self.files: dict[str, UploadedFile] = {}
        self.users: dict[str, str] = {}  # user id -> display name, for users.info
        self.reactions: dict[tuple[str, str], list[str]] = {}  # (channel, ts) -> reaction names
        self.outside: set[str] = set()  # channels the bot is not a member of
        self.responses: list[dict[str, Any]] = []  # what was posted to response_urls
        self._limits: dict[str, list[int]] = {}  # method -> Retry-After seconds of the next 429s
        self._failures: dict[str, list[str]] = {}  # method -> errors to answer next
        self._http_errors: dict[str, list[int]] = {}  # method -> HTTP statuses to answer next
        self._gates: dict[str, asyncio.Event] = {}  # method -> calls wait until it is set
        self._ids = itertools.count(1)
        self._clock = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.socket_connected = asyncio.Event()
        self.port = 0

    # ---- lifecycle ------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def response_base(self) -> str:
        """Where the fake's response_urls live; the sender puts them in commands and actions."""
        return f"http://127.0.0.1:{self.port}/response/"

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/response/{id}", self._response)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        for address in self._runner.addresses:
            self.port = int(address[1])
        return self

    async def stop(self) -> None:
        for gate in self._gates.values():
            gate.set()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests arrange ---------------------------------------------------------------------

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` answer 429 with `Retry-After: retry_after`."""
        self._limits.setdefault(method, []).extend([retry_after] * times)

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        self._failures.setdefault(method, []).extend([error] * times)

    def fail_http(self, method: str, status: int, *, times: int = 1) -> None:
        """The next `times` calls of `method` answer `status` with an HTML page, not JSON."""
        self._http_errors.setdefault(method, []).extend([status] * times)

    def fail_responses(self, *, times: int = 1) -> None:
        """The next `times` posts to a response_url answer 404 (expired, or used up)."""
        self._http_errors.setdefault("response_url", []).extend([404] * times)

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` (recorded in `calls` at once) are answered only once the event is set."""
        gate = self._gates[method] = asyncio.Event()
        return gate

    # ---- what tests read ------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def top_level(self, channel: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel and m.thread_ts is None]

    def thread(self, channel: str, ts: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel and m.thread_ts == ts]

    def message(self, channel: str, ts: str) -> Message:
        for m in self.messages:
            if m.channel == channel and m.ts == ts:
                return m
        raise KeyError(ts)

    def cards(self, channel: str) -> list[Message]:
        return [
            m
            for m in self.top_level(channel)
            if m.buttons() or any(b.get("type") == "header" for b in m.blocks)
        ]

    def card_for(self, channel: str, label: str) -> Message:
        """The card of point `label` ("3") in a channel, as it shows now."""
        for m in self.cards(channel):
            header = next((b for b in m.blocks if b.get("type") == "header"), None)
            if header is not None:
                title = str(header["text"]["text"]).split(" — ")[0]
                if title.split()[-1] == label:
                    return m
        raise KeyError(f"no card for point {label} in {channel}")

    def texts(self, channel: str) -> list[str]:
        return [m.text for m in self.messages if m.channel == channel]

    def ephemerals_for(self, user: str) -> list[str]:
        return [e.text for e in self.ephemerals if e.user == user]

    # ---- Web API --------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        header = request.headers.get("Authorization", "")
        token = (
            header.removeprefix("Bearer ").strip()
            if header.startswith("Bearer ")
            else str(params.get("token", ""))
        )
        call = Call(method, params, token)
        self.calls.append(call)
        gate = self._gates.get(method)
        if gate is not None:
            await gate.wait()
        limits = self._limits.get(method)
        if limits:
            call.status = 429
            retry_after = limits.pop(0)
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
            )
        statuses = self._http_errors.get(method)
        if statuses:
            call.status = statuses.pop(0)
            return web.Response(status=call.status, text="<html>Slack is having trouble</html>")
        failures = self._failures.get(method)
        if failures:
            return web.json_response({"ok": False, "error": failures.pop(0)})
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method.startswith("chat.") and str(params.get("channel") or "") in self.outside:
            return web.json_response({"ok": False, "error": "not_in_channel"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        answer: dict[str, Any] = await handler(params)
        return web.json_response(answer)

    def _ts(self) -> str:
        n = next(self._clock)
        return f"{1700000000 + n}.{n:06d}"

    @staticmethod
    def _json(value: Any, default: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return default
        return default if value is None else value

    async def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake Workspace",
            "user": "draftbot",
            "team_id": self.team,
            "user_id": self.bot_user,
            "bot_id": self.bot_id,
            "enterprise_id": self.enterprise,
            "is_enterprise_install": self.org_wide,
        }

    async def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        text = str(params.get("text") or "")
        blocks = self._json(params.get("blocks"), [])
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if _invalid_blocks(blocks):
            return {"ok": False, "error": "invalid_blocks"}
        thread = params.get("thread_ts") or None
        message = Message(channel, self._ts(), text, list(blocks), str(thread) if thread else None)
        self.messages.append(message)
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "message": {"text": text, "ts": message.ts, "bot_id": self.bot_id, "type": "message"},
        }

    async def _m_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel") or ""), str(params.get("ts") or "")
        try:
            message = self.message(channel, ts)
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        if "text" in params:
            message.text = str(params["text"])
        if "blocks" in params:
            if _invalid_blocks(self._json(params["blocks"], [])):
                return {"ok": False, "error": "invalid_blocks"}
            message.blocks = list(self._json(params["blocks"], []))
        message.edits += 1
        return {"ok": True, "channel": channel, "ts": ts, "text": message.text}

    async def _m_chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel") or ""), str(params.get("ts") or "")
        try:
            message = self.message(channel, ts)
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        self.messages.remove(message)
        return {"ok": True, "channel": channel, "ts": ts}

    async def _m_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, user = str(params.get("channel") or ""), str(params.get("user") or "")
        if not channel or not user:
            return {"ok": False, "error": "channel_not_found" if not channel else "user_not_in_channel"}
        thread = params.get("thread_ts") or None
        self.ephemerals.append(
            Ephemeral(channel, user, str(params.get("text") or ""), str(thread) if thread else None)
        )
        return {"ok": True, "message_ts": self._ts()}

    async def _m_reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts, name = (str(params.get(k) or "") for k in ("channel", "timestamp", "name"))
        if not channel or not ts or not name:
            return {"ok": False, "error": "invalid_arguments"}
        key = (channel, ts)
        if name in self.reactions.get(key, []):
            return {"ok": False, "error": "already_reacted"}
        self.reactions.setdefault(key, []).append(name)
        return {"ok": True}

    async def _m_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view = dict(self._json(params.get("view"), {}))
        view["id"] = f"V{next(self._ids):06d}"
        view["team_id"] = self.team
        view["app_installed_team_id"] = self.team  # what Slack adds: the installation that opened it
        self.views.append(view)
        return {"ok": True, "view": view}

    async def _m_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user") or "")
        if not user:
            return {"ok": False, "error": "user_not_found"}
        name = self.users.get(user, f"Persona {user}")
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": user.lower(),
                "real_name": name,
                "profile": {"display_name": name, "real_name": name},
            },
        }

    async def _m_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = str(params.get("filename") or "")
        try:
            length = int(params.get("length") or 0)
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not filename or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = UploadedFile(file_id, filename, length)
        return {
            "ok": True,
            "file_id": file_id,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
        }

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        self.calls.append(Call("upload", {"file_id": file_id}, ""))
        upload = self.files.get(file_id)
        if upload is None:
            return web.Response(status=404, text="unknown upload")
        upload.content = await request.read()
        return web.Response(text=f"OK - {len(upload.content)}")

    async def _m_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = self._json(params.get("files"), [])
        done = []
        for item in files:
            upload = self.files.get(str(item.get("id")))
            if upload is None or len(upload.content) != upload.length:
                return {"ok": False, "error": "file_not_found" if upload is None else "upload_incomplete"}
            upload.title = str(item.get("title") or upload.filename)
            upload.channel = params.get("channel_id") or None
            thread = params.get("thread_ts") or None
            upload.thread_ts = str(thread) if thread else None
            upload.initial_comment = str(params.get("initial_comment") or "")
            upload.shared = bool(upload.channel)
            done.append({"id": upload.id, "name": upload.filename, "title": upload.title})
        return {"ok": True, "files": done}

    def share_file(self, filename: str, content: bytes) -> dict[str, Any]:
        """A file a user attaches to a message: the `files` entry its event carries."""
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = UploadedFile(file_id, filename, len(content), content, shared=True)
        return {"id": file_id, "name": filename, "mode": "hosted"}

    async def _m_files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = self.files.get(str(params.get("file") or ""))
        if upload is None:
            return {"ok": False, "error": "file_not_found"}
        url = f"http://127.0.0.1:{self.port}/files-pri/{upload.id}/{upload.filename}"
        return {
            "ok": True,
            "file": {
                "id": upload.id,
                "name": upload.filename,
                "size": upload.length,
                "url_private": url,
                "url_private_download": f"{url}?download=1",
            },
        }

    async def _download(self, request: web.Request) -> web.Response:
        """A private file URL: only with the bot token, as Slack's are."""
        self.calls.append(Call("download", {"file_id": request.match_info["file_id"]}, ""))
        upload = self.files.get(request.match_info["file_id"])
        if request.headers.get("Authorization", "") != f"Bearer {self.bot_token}" or upload is None:
            return web.Response(status=404, text="<html>not found</html>")
        return web.Response(body=upload.content, content_type="application/octet-stream")

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        statuses = self._http_errors.get("response_url")
        if statuses:
            self.calls.append(Call("response_url", body, "", statuses[0]))
            return web.Response(status=statuses.pop(0), text="used_url")
        body["response_url_id"] = request.match_info["id"]
        self.responses.append(body)
        self.calls.append(Call("response_url", body, ""))
        return web.Response(text="ok")

    # ---- Socket Mode ----------------------------------------------------------------------------

    async def _m_apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self.socket_connected.set()
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                answer = json.loads(frame.data)
                waiter = self._acks.pop(str(answer.get("envelope_id")), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(answer)
        finally:
            self._sockets.remove(ws)
        return ws

    async def socket_send(self, kind: str, payload: dict[str, Any], *, timeout: float = 10) -> dict[str, Any]:
        """Pushes one envelope to the connected app; returns its acknowledgement."""
        await asyncio.wait_for(self.socket_connected.wait(), timeout)
        envelope_id = f"env-{next(self._ids)}"
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = waiter
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        await self._sockets[-1].send_str(json.dumps(envelope))
        return await asyncio.wait_for(waiter, timeout)


def _invalid_blocks(blocks: Any) -> bool:
    """What Slack refuses that a card could run into: more than 50 blocks, a section text over 3,000
    characters, a text object of an unknown type."""
    if not isinstance(blocks, list) or len(blocks) > 50:
        return True
    for block in blocks:
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, dict):
            if text.get("type") not in ("plain_text", "mrkdwn"):
                return True
            if block.get("type") == "section" and len(str(text.get("text", ""))) > 3000:
                return True
    return False
