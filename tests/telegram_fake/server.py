"""A fake Telegram Bot API server on 127.0.0.1, for driving the real python-telegram-bot against it.

It speaks the Bot API over HTTP (`/bot<token>/<method>` and `/file/bot<token>/<path>`) well enough
for draftbot: getMe, getUpdates (long polling, honouring `offset`, `limit` and `timeout`),
sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery, sendDocument (multipart;
the bytes are kept), getFile and the file download path, createForumTopic, editForumTopic,
setMyCommands/getMyCommands, setWebhook/deleteWebhook/getWebhookInfo, getChat and a few no-ops. It
checks what real Telegram checks where draftbot could get it wrong (text and caption lengths,
callback data of at most 64 bytes, unchanged edits, forum-only topics, private chats with users who
never started the bot, groups that became supergroups) and answers the same errors.

Tests play users through the same object: `send` (a user's message, reply or forum-topic message),
`press` (a button), `edit` (an edited message), `migrate` (a group upgraded to a supergroup),
`redeliver` (the same update handed out twice). Every call the bot makes is recorded in `calls`,
with the time it arrived; `fail` injects errors such as a 429 with `retry_after` or a 500, `lose_answer`
performs a call and then drops the connection unanswered (the bot cannot know it took effect), and
`hold` keeps a method's calls waiting until the test releases them.

When the bot sets a webhook, pushed updates are POSTed to it (with its secret token header) instead
of being handed out by getUpdates, over `webhook_connections` connections at once (Telegram's
`max_connections`; 1 by default). With `webhook_retry` set (seconds), an update that did not get a 200
(an error status, a refused or broken connection: a bot that is down or was killed) is posted again
after that delay until it does, as Telegram does; `acknowledged` records when each update first got
its 200. Without it a failed post is dropped. As Telegram does, a 200 answer whose body is a JSON object
with a `method` field is that Bot API call, made by the fake once the answer is read (one call per
answer; its result or error is never told to the bot); it is recorded in `calls` like any other, with
`in_reply` set.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, ClientSession, ClientTimeout, web

from tests.telegram_fake.flood import FloodLimits

JSON = dict[str, Any]

TOKEN = "123456789:TEST-fake-token"
BOT_ID = 123456789
ANONYMOUS_ADMIN_ID = 1087968824  # Telegram's "GroupAnonymousBot"
CHANNEL_BOT_ID = 136817688  # Telegram's "Channel_Bot"

# Form fields that are plain strings even when they look like JSON ("123", "true").
_STRING_FIELDS = {
    "text",
    "caption",
    "callback_query_id",
    "name",
    "description",
    "short_description",
    "url",
    "secret_token",
    "parse_mode",
    "file_id",
    "language_code",
    "icon_custom_emoji_id",
    "business_connection_id",
    "inline_message_id",
}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Call:
    method: str
    params: JSON
    at: float  # time.monotonic() when it arrived
    files: dict[str, bytes] = field(default_factory=dict)
    error: int | None = None  # the error code answered, if any; 0: done, but no answer (connection dropped)
    in_reply: bool = False  # made by answering a webhook post (its result goes nowhere)


@dataclass
class Failure:
    code: int  # 0: no answer at all (the connection is dropped after the call took effect)
    description: str
    parameters: JSON | None = None
    chat_id: int | None = None  # only calls for this chat
    starts: str | None = None  # only calls whose text starts so

    def matches(self, params: JSON) -> bool:
        if self.chat_id is not None and _as_int(params.get("chat_id")) != self.chat_id:
            return False
        return self.starts is None or str(params.get("text") or "").startswith(self.starts)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    def __init__(
        self,
        *,
        token: str = TOKEN,
        username: str = "draftbot_test_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_connections: int = 1,
        webhook_retry: float | None = None,
        flood: FloodLimits | None = None,
    ) -> None:
        """`flood`: Telegram's flood limits enforced (429 with `retry_after` beyond them)."""
        self.token = token
        self.flood = flood
        self.webhook_connections = max(1, webhook_connections)
        self.webhook_retry = webhook_retry
        self.acknowledged: dict[int, float] = {}  # update_id -> when the webhook first answered 200
        self.webhook_posts: list[tuple[int, int | None]] = []  # (update_id, status or None) per attempt
        self.username = username
        self.host = host
        self.port = port
        self.bot_user: JSON = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "draftbot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,  # privacy mode on
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.in_flight = 0  # Bot API calls being answered (or held by a gate) right now
        self.last_call_at = 0.0  # when the bot last called anything but getUpdates
        self.polled = False  # the bot has connected (getUpdates or setWebhook)
        self.users: dict[int, JSON] = {}
        self.updates: list[JSON] = []  # every update pushed, in order
        self.handed_out: dict[int, float] = {}  # update_id -> when the bot first got it
        self.deliveries = 0  # updates handed to the bot, counting repeats
        self.offset = 0  # the bot confirmed every update below this
        self._forced: list[JSON] = []  # redeliveries, handed out whatever the offset
        self.chats: dict[int, JSON] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.topics: dict[tuple[int, int], str] = {}
        self.files: dict[str, tuple[str, bytes, str]] = {}  # file_id -> (path, bytes, name)
        self.started: set[int] = set()  # users who opened a private chat with the bot
        self.migrated: dict[int, int] = {}
        self.reactions: dict[tuple[int, int], list[str]] = {}  # (chat, message) -> the bot's emoji
        self.reactions_off: set[int] = set()  # chats whose admins allow no reactions
        self.commands: dict[str, list[JSON]] = {}  # language code ("" default) -> commands
        self.webhook: JSON | None = None
        self.callbacks: dict[str, JSON] = {}  # callback query id -> {"answered": bool, ...}
        self.failures: dict[str, list[Failure]] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.next_gates: dict[str, list[asyncio.Event]] = {}  # gates for single calls, in order
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._user_ids = itertools.count(1001)
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._webhook_queue: asyncio.Queue[JSON] = asyncio.Queue()
        self._webhook_tasks: list[asyncio.Task[None]] = []
        self._retries: set[asyncio.TimerHandle] = set()
        self._webhook_session: ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.closing = False
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self.extra_routes: list[Callable[[web.Application], None]] = []

    # ---- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        for add in self.extra_routes:
            add(self.app)
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]
        self._webhook_session = ClientSession(timeout=ClientTimeout(total=120))
        loop = asyncio.get_running_loop()
        self._webhook_tasks = [
            loop.create_task(self._post_to_webhook()) for _ in range(self.webhook_connections)
        ]

    async def stop(self) -> None:
        self.closing = True  # long polls in progress return now
        async with self._changed:
            self._changed.notify_all()
        for gate in self.gates.values():
            gate.set()
        for gates in self.next_gates.values():
            for gate in gates:
                gate.set()
        for handle in self._retries:
            handle.cancel()
        for task in self._webhook_tasks:
            task.cancel()
        for task in self._webhook_tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._webhook_session is not None:
            await self._webhook_session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # ---- people and chats ----------------------------------------------------------------------

    def user(self, first_name: str, last_name: str = "", *, username: str = "", lang: str = "es") -> JSON:
        user: JSON = {"id": next(self._user_ids), "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        user["language_code"] = lang
        self.users[user["id"]] = user
        return user

    def group(self, title: str = "CRM", *, supergroup: bool = False, forum: bool = False) -> JSON:
        n = next(self._group_ids)
        if supergroup or forum:
            chat: JSON = {"id": -1001000000000 - n, "type": "supergroup", "title": title}
            if forum:
                chat["is_forum"] = True
        else:
            chat = {"id": -400000000 - n, "type": "group", "title": title}
        self.chats[chat["id"]] = chat
        return chat

    def channel(self, title: str) -> JSON:
        n = next(self._group_ids)
        chat: JSON = {"id": -1002000000000 - n, "type": "channel", "title": title}
        self.chats[chat["id"]] = chat
        return chat

    def private(self, user: JSON) -> JSON:
        chat: JSON = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        self.chats[chat["id"]] = chat
        return chat

    def start_bot(self, user: JSON, *, payload: str = "") -> JSON:
        """The user opens a private chat with the bot and presses Start."""
        self.started.add(user["id"])
        return self.send(user, self.private(user), "/start" + (f" {payload}" if payload else ""))

    # ---- what users do -------------------------------------------------------------------------

    def send(
        self,
        user: JSON,
        chat: JSON,
        text: str,
        *,
        reply_to: JSON | int | None = None,
        thread: int | None = None,
        sender_chat: JSON | None = None,
    ) -> JSON:
        """A user writes in a chat (optionally replying, or in a forum topic); returns the message."""
        message = self._user_message(
            user, chat, text, reply_to=reply_to, thread=thread, sender_chat=sender_chat
        )
        self.push({"message": message})
        return message

    def send_document(self, user: JSON, chat: JSON, filename: str, content: bytes, caption: str = "") -> JSON:
        """A user sends a file with a caption (a command such as "/plantilla"); the bot can download it."""
        n = next(self._file_ids)
        file_id = f"BQACAgEAAx{n:06d}"
        self.files[file_id] = (f"documents/file_{n}{_suffix(filename)}", content, filename)
        document = {
            "file_id": file_id,
            "file_unique_id": f"AgAD{n:06d}",
            "file_name": filename,
            "file_size": len(content),
        }
        extra = self._placement(chat, {})
        extra["document"] = document
        if caption:
            extra["caption"] = caption
            entities = _entities(caption)
            if entities:
                extra["caption_entities"] = entities
        message = self._message(chat, user, **extra)
        self.push({"message": message})
        return message

    def anonymous_admin(self) -> JSON:
        return {
            "id": ANONYMOUS_ADMIN_ID,
            "is_bot": True,
            "first_name": "Group",
            "username": "GroupAnonymousBot",
        }

    def channel_bot(self) -> JSON:
        return {"id": CHANNEL_BOT_ID, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}

    def edit(self, message: JSON, text: str) -> JSON:
        """The author edits a message they sent."""
        edited = dict(message, text=text, edit_date=int(time.time()))
        edited["entities"] = _entities(text)
        self.messages[(message["chat"]["id"], message["message_id"])] = edited
        self.push({"edited_message": edited})
        return edited

    def press(self, user: JSON, message: JSON, data: str) -> JSON:
        """A user presses an inline button on one of the bot's messages."""
        current = self.messages.get((message["chat"]["id"], message["message_id"]), message)
        query_id = str(next(self._callback_ids) * 7919 + 10**12)
        query: JSON = {
            "id": query_id,
            "from": user,
            "message": current,
            "chat_instance": str(message["chat"]["id"]),
            "data": data,
        }
        self.callbacks[query_id] = {"answered": False, "answer": None}
        self.push({"callback_query": query})
        return query

    def press_button(self, user: JSON, message: JSON, label: str) -> JSON:
        """Presses the button with this label on the message as it is now."""
        current = self.messages[(message["chat"]["id"], message["message_id"])]
        for row in current.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return self.press(user, current, button["callback_data"])
        raise AssertionError(f"no button {label!r} on {current.get('text', '')[:60]!r}")

    def migrate(self, group: JSON, *, announce: bool = True) -> JSON:
        """The group becomes a supergroup: a new id, the old messages kept, a service message in each
        (unless `announce` is False: the bot then learns of it only when sending to the old id)."""
        new = {"id": -1001000000000 - next(self._group_ids), "type": "supergroup", "title": group["title"]}
        self.chats[new["id"]] = new
        self.migrated[group["id"]] = new["id"]
        for (chat_id, message_id), message in list(self.messages.items()):
            if chat_id == group["id"]:
                self.messages[(new["id"], message_id)] = dict(message, chat=new)
        last = max((m for c, m in self.messages if c == group["id"]), default=0)
        self._message_ids[new["id"]] = itertools.count(last + 1)
        someone = {"id": next(self._user_ids), "is_bot": False, "first_name": "Admin"}
        to_old = self._message(group, someone, migrate_to_chat_id=new["id"])
        from_new = self._message(new, someone, migrate_from_chat_id=group["id"])
        if announce:
            self.push({"message": to_old})
            self.push({"message": from_new})
        return new

    def push(self, update: JSON) -> JSON:
        update = dict(update, update_id=next(self._update_ids))
        self.updates.append(update)
        if self.webhook is not None:
            self._webhook_queue.put_nowait(update)
        self._notify()
        return update

    def redeliver(self, update: JSON) -> None:
        """Hands the same update (same update_id) to the bot once more, as Telegram does after a lost
        confirmation or a webhook retry."""
        if self.webhook is not None:
            self._webhook_queue.put_nowait(update)
        else:
            self._forced.append(update)
        self._notify()

    # ---- test controls -------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        code: int = 429,
        retry_after: int = 1,
        description: str = "",
        chat_id: int | None = None,
        starts: str | None = None,
    ) -> None:
        """The next `times` calls of `method` (for `chat_id`, and whose text `starts` so, if given) fail
        without taking effect, by default with 429 Too Many Requests; `code=500`: Telegram could not."""
        parameters = {"retry_after": retry_after} if code == 429 else None
        text = description or (
            f"Too Many Requests: retry after {retry_after}"
            if code == 429
            else "Internal Server Error"
            if code >= 500
            else "Bad Request"
        )
        self.failures.setdefault(method, []).extend(
            Failure(code, text, parameters, chat_id=chat_id, starts=starts) for _ in range(times)
        )

    def lose_answer(
        self, method: str, *, times: int = 1, chat_id: int | None = None, starts: str | None = None
    ) -> None:
        """The next `times` calls of `method` (for `chat_id`, and whose text `starts` so, if given) take
        effect, and then the connection is dropped without an answer: the bot cannot tell they did."""
        self.failures.setdefault(method, []).extend(
            Failure(0, "", chat_id=chat_id, starts=starts) for _ in range(times)
        )

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` wait until the returned event is set."""
        gate = self.gates[method] = asyncio.Event()
        return gate

    def hold_next(self, method: str) -> asyncio.Event:
        """Only the next call of `method` waits until the returned event is set; later ones go on."""
        gate = asyncio.Event()
        self.next_gates.setdefault(method, []).append(gate)
        return gate

    def sent(self, method: str | None = None, chat_id: int | None = None, *, ok: bool = True) -> list[Call]:
        out = []
        for call in self.calls:
            if method is not None and call.method != method:
                continue
            if chat_id is not None and _as_int(call.params.get("chat_id")) != chat_id:
                continue
            if ok and call.error is not None:
                continue
            out.append(call)
        return out

    def bot_messages(self, chat_id: int) -> list[JSON]:
        """The bot's messages in a chat as they are now (after edits), oldest first."""
        out = [
            m for (c, _), m in self.messages.items() if c == chat_id and m.get("from", {}).get("id") == BOT_ID
        ]
        return sorted(out, key=lambda m: m["message_id"])

    def texts(self, chat_id: int) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.bot_messages(chat_id)]

    def card(self, chat_id: int, label: str | int) -> JSON:
        """The bot's card for point `label` in a chat ("Punto 3 — …" / "Point 3 — …")."""
        pattern = re.compile(rf"^(Punto|Point) {re.escape(str(label))} — ")
        for message in reversed(self.bot_messages(chat_id)):
            if pattern.match(message.get("text", "")):
                return message
        raise AssertionError(f"no card for point {label} in chat {chat_id}: {self.texts(chat_id)}")

    def documents(self, chat_id: int) -> list[JSON]:
        return [m for m in self.bot_messages(chat_id) if "document" in m]

    def answer(self, query: JSON) -> JSON | None:
        return self.callbacks.get(query["id"], {}).get("answer")

    def file_bytes(self, file_id: str) -> bytes:
        return self.files[file_id][1]

    async def wait_handed_out(self, timeout: float = 10.0) -> None:
        """Until the bot has taken every pushed update (polling or webhook)."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(
                lambda: all(u["update_id"] in self.handed_out for u in self.updates) and not self._forced
            )

    # ---- the Bot API ---------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params, files = await _read_params(request)
        call = Call(method, params, time.monotonic(), files)
        if method != "getUpdates":
            self.calls.append(call)
            self.last_call_at = call.at
        if method in ("getUpdates", "setWebhook"):
            self.polled = True
        self.in_flight += 1
        try:
            once = self.next_gates.get(method)
            if once:
                await once.pop(0).wait()
            gate = self.gates.get(method)
            if gate is not None:
                await gate.wait()
            response = await self._answer_call(method, params, files, call)
            if call.error == 0 and request.transport is not None:
                request.transport.abort()  # done, but the bot never hears so
            return response
        finally:
            self.in_flight -= 1

    async def _answer_call(
        self, method: str, params: JSON, files: dict[str, bytes], call: Call
    ) -> web.Response:
        try:
            queued = self.failures.get(method, [])
            failure = next((f for f in queued if f.matches(params)), None)
            if failure is not None:
                queued.remove(failure)
                if failure.code:
                    raise ApiError(failure.code, failure.description, failure.parameters)
            wait = (
                self.flood.check(method, _as_int(params.get("chat_id")), time.monotonic())
                if self.flood
                else None
            )
            if wait is not None:
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            handler = getattr(self, "_m_" + method, None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params, files)
            if failure is not None:
                call.error = 0  # taken, but its answer is lost
        except ApiError as error:
            call.error = error.code
            return _error(error.code, error.description, error.parameters)
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for stored_path, content, _ in self.files.values():
            if stored_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404)

    async def _m_getMe(self, params: JSON, files: dict[str, bytes]) -> JSON:
        return self.bot_user

    async def _m_logOut(self, params: JSON, files: dict[str, bytes]) -> bool:
        return True

    async def _m_close(self, params: JSON, files: dict[str, bytes]) -> bool:
        return True

    async def _m_getUpdates(self, params: JSON, files: dict[str, bytes]) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = _as_int(params.get("offset")) or 0
        limit = _as_int(params.get("limit")) or 100
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates")
        if offset:
            self.offset = max(self.offset, offset)
        deadline = time.monotonic() + timeout

        def ready() -> list[JSON]:
            out = list(self._forced)
            out += [u for u in self.updates if u["update_id"] >= self.offset and _allowed(u, allowed)]
            return out[:limit]

        async with self._changed:
            while True:
                batch = ready()
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self.closing:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
            now = time.monotonic()
            for update in batch:
                self.handed_out.setdefault(update["update_id"], now)
            self.deliveries += len(batch)
            self._forced = [u for u in self._forced if u not in batch]
            self._changed.notify_all()
        return batch

    async def _m_setWebhook(self, params: JSON, files: dict[str, bytes]) -> bool:
        url = params.get("url") or ""
        if not url:
            self.webhook = None
            return True
        previous = self.webhook
        self.webhook = {"url": url, "secret_token": params.get("secret_token") or ""}
        if previous is None:  # from polling to a webhook: what was never handed out goes there
            for update in self.updates:
                if update["update_id"] not in self.handed_out:
                    self._webhook_queue.put_nowait(update)
        return True

    async def _m_deleteWebhook(self, params: JSON, files: dict[str, bytes]) -> bool:
        self.webhook = None
        return True

    async def _m_getWebhookInfo(self, params: JSON, files: dict[str, bytes]) -> JSON:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    async def _m_setMyCommands(self, params: JSON, files: dict[str, bytes]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not 0 < len(commands) <= 100:
            raise ApiError(400, "Bad Request: commands must be a non-empty list of at most 100")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[params.get("language_code") or ""] = commands
        return True

    async def _m_getMyCommands(self, params: JSON, files: dict[str, bytes]) -> list[JSON]:
        return self.commands.get(params.get("language_code") or "", [])

    async def _m_deleteMyCommands(self, params: JSON, files: dict[str, bytes]) -> bool:
        self.commands.pop(params.get("language_code") or "", None)
        return True

    async def _m_getChat(self, params: JSON, files: dict[str, bytes]) -> JSON:
        chat = self._chat(params)
        gifts = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        return dict(chat, accent_color_id=0, max_reaction_count=11, accepted_gift_types=gifts)

    async def _m_sendChatAction(self, params: JSON, files: dict[str, bytes]) -> bool:
        self._chat(params)
        return True

    async def _m_sendMessage(self, params: JSON, files: dict[str, bytes]) -> JSON:
        chat = self._writable_chat(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        extra = self._placement(chat, params)
        markup = _check_markup(params.get("reply_markup"))
        if markup is not None:
            extra["reply_markup"] = markup
        entities = _given_entities(params.get("entities"), text)
        if entities:
            extra["entities"] = entities
        message = self._message(chat, self.bot_user, text=text, **extra)
        return message

    async def _m_sendDocument(self, params: JSON, files: dict[str, bytes]) -> JSON:
        chat = self._writable_chat(params)
        document = params.get("document")
        name = "document"
        content: bytes | None = None
        if isinstance(document, str) and document.startswith("attach://"):
            name = document.removeprefix("attach://")
        content = files.get(name) if name in files else files.get("document")
        if content is None:
            raise ApiError(400, "Bad Request: there is no document in the request")
        filename = (
            params.get("_filenames", {}).get(name) or params.get("_filenames", {}).get("document") or "file"
        )
        caption = str(params.get("caption") or "")
        if utf16_len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        n = next(self._file_ids)
        file_id = f"BQACAgEAAx{n:06d}"
        path = f"documents/file_{n}{_suffix(filename)}"
        self.files[file_id] = (path, content, filename)
        extra = self._placement(chat, params)
        doc = {
            "file_id": file_id,
            "file_unique_id": f"AgAD{n:06d}",
            "file_name": filename,
            "mime_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if filename.endswith(".docx")
            else "application/octet-stream",
            "file_size": len(content),
        }
        if caption:
            extra["caption"] = caption
        return self._message(chat, self.bot_user, document=doc, **extra)

    async def _m_getFile(self, params: JSON, files: dict[str, bytes]) -> JSON:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, content, _ = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_size": len(content),
            "file_path": path,
        }

    async def _m_editMessageText(self, params: JSON, files: dict[str, bytes]) -> JSON:
        chat, message = self._own_message(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = _check_markup(params.get("reply_markup"))
        entities = _sent_entities(text, params.get("entities"))
        if (
            message.get("text") == text
            and message.get("reply_markup") == markup
            and message.get("entities", []) == entities
        ):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message",
            )
        edited = dict(message, text=text, edit_date=int(time.time()))
        edited.pop("reply_markup", None)
        edited.pop("entities", None)
        if markup is not None:
            edited["reply_markup"] = markup
        if entities:
            edited["entities"] = entities
        self.messages[(chat["id"], message["message_id"])] = edited
        return edited

    async def _m_editMessageReplyMarkup(self, params: JSON, files: dict[str, bytes]) -> JSON:
        chat, message = self._own_message(params)
        markup = _check_markup(params.get("reply_markup"))
        if message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        edited = dict(message, edit_date=int(time.time()))
        edited.pop("reply_markup", None)
        if markup is not None:
            edited["reply_markup"] = markup
        self.messages[(chat["id"], message["message_id"])] = edited
        return edited

    async def _m_deleteMessage(self, params: JSON, files: dict[str, bytes]) -> bool:
        chat, message = self._own_message(params)
        del self.messages[(chat["id"], message["message_id"])]
        return True

    async def _m_setMessageReaction(self, params: JSON, files: dict[str, bytes]) -> bool:
        chat = self._writable_chat(params)
        message_id = _as_int(params.get("message_id")) or 0
        if (chat["id"], message_id) not in self.messages:
            raise ApiError(400, "Bad Request: message to react not found")
        reaction = params.get("reaction") or []
        if not isinstance(reaction, list) or len(reaction) > 1:
            raise ApiError(400, "Bad Request: REACTIONS_TOO_MANY")
        emoji = []
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") != "emoji" or not item.get("emoji"):
                raise ApiError(400, "Bad Request: REACTION_INVALID")
            emoji.append(str(item["emoji"]))
        if emoji and chat["id"] in self.reactions_off:
            raise ApiError(400, "Bad Request: REACTION_INVALID")
        self.reactions[(chat["id"], message_id)] = emoji
        return True

    async def _m_answerCallbackQuery(self, params: JSON, files: dict[str, bytes]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        state = self.callbacks.get(query_id)
        if state is None or state["answered"]:
            raise ApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        state["answered"] = True
        state["answer"] = {"text": text, "show_alert": bool(params.get("show_alert"))}
        return True

    async def _m_deleteForumTopic(self, params: JSON, files: dict[str, bytes]) -> bool:
        chat = self._writable_chat(params)
        thread = _as_int(params.get("message_thread_id"))
        if thread is None or (chat["id"], thread) not in self.topics:
            raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        del self.topics[(chat["id"], thread)]
        for key in [
            k for k, m in self.messages.items() if k[0] == chat["id"] and m.get("message_thread_id") == thread
        ]:
            del self.messages[key]
        return True

    async def _m_createForumTopic(self, params: JSON, files: dict[str, bytes]) -> JSON:
        chat = self._writable_chat(params)
        if not chat.get("is_forum"):
            raise ApiError(400, "Bad Request: the chat is not a forum")
        name = str(params.get("name") or "")
        if not 1 <= utf16_len(name) <= 128:
            raise ApiError(400, "Bad Request: TOPIC_NAME_INVALID")
        topic = {"name": name, "icon_color": 7322096}
        service = self._message(chat, self.bot_user, forum_topic_created=topic)
        thread = service["message_id"]
        service["message_thread_id"] = thread
        service["is_topic_message"] = True
        self.topics[(chat["id"], thread)] = name
        return {"message_thread_id": thread, "name": name, "icon_color": 7322096}

    async def _m_editForumTopic(self, params: JSON, files: dict[str, bytes]) -> bool:
        chat = self._chat(params)
        thread = _as_int(params.get("message_thread_id"))
        if thread is None or (chat["id"], thread) not in self.topics:
            raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        name = params.get("name")
        if name is not None:
            if self.topics[(chat["id"], thread)] == name:
                raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
            self.topics[(chat["id"], thread)] = str(name)
        return True

    # ---- helpers -------------------------------------------------------------------------------

    def _chat(self, params: JSON) -> JSON:
        chat_id = _as_int(params.get("chat_id"))
        if chat_id is None or chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.chats[chat_id]

    def _writable_chat(self, params: JSON) -> JSON:
        chat_id = _as_int(params.get("chat_id"))
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if chat_id is not None and chat_id > 0 and chat_id not in self.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return self._chat(params)

    def _own_message(self, params: JSON) -> tuple[JSON, JSON]:
        chat = self._writable_chat(params)
        message_id = _as_int(params.get("message_id"))
        message = self.messages.get((chat["id"], message_id or 0))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != BOT_ID:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, message

    def _placement(self, chat: JSON, params: JSON) -> JSON:
        extra: JSON = {}
        thread = _as_int(params.get("message_thread_id"))
        reply = params.get("reply_parameters")
        reply_id = _as_int(reply.get("message_id")) if isinstance(reply, dict) else None
        if reply_id is None:
            reply_id = _as_int(params.get("reply_to_message_id"))
        if thread is not None:
            if not chat.get("is_forum") or (chat["id"], thread) not in self.topics:
                raise ApiError(400, "Bad Request: message thread not found")
            extra["message_thread_id"] = thread
            extra["is_topic_message"] = True
        if reply_id is not None:
            replied = self.messages.get((chat["id"], reply_id))
            if replied is None:
                allow = isinstance(reply, dict) and reply.get("allow_sending_without_reply")
                if not allow:
                    raise ApiError(400, "Bad Request: message to be replied not found")
            else:
                if replied.get("message_thread_id") and thread is None and chat.get("is_forum"):
                    extra["message_thread_id"] = replied["message_thread_id"]
                    extra["is_topic_message"] = True
                extra["reply_to_message"] = _shallow(replied)
        elif thread is not None:
            opener = self.messages.get((chat["id"], thread))
            if opener is not None:
                extra["reply_to_message"] = _shallow(opener)
        return extra

    def _message(self, chat: JSON, sender: JSON, **fields: Any) -> JSON:
        counter = self._message_ids.setdefault(chat["id"], itertools.count(1))
        message: JSON = {"message_id": next(counter), "date": int(time.time()), "chat": chat, "from": sender}
        message.update(fields)
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _user_message(
        self,
        user: JSON,
        chat: JSON,
        text: str,
        *,
        reply_to: JSON | int | None,
        thread: int | None,
        sender_chat: JSON | None,
    ) -> JSON:
        params: JSON = {}
        if thread is not None:
            params["message_thread_id"] = thread
        if reply_to is not None:
            params["reply_parameters"] = {
                "message_id": reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            }
        extra = self._placement(chat, params)
        extra["text"] = text
        entities = _entities(text)
        if entities:
            extra["entities"] = entities
        if sender_chat is not None:
            extra["sender_chat"] = sender_chat
        return self._message(chat, user, **extra)

    def _notify(self) -> None:
        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()

        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(notify())

    async def _post_to_webhook(self) -> None:
        session = self._webhook_session
        assert session is not None
        while True:
            update = await self._webhook_queue.get()
            hook = self.webhook
            if hook is None:
                continue
            headers = {"Content-Type": "application/json"}
            if hook["secret_token"]:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            self.handed_out.setdefault(update["update_id"], time.monotonic())
            self.deliveries += 1
            status: int | None = None
            body, content_type = b"", ""
            try:
                async with session.post(hook["url"], data=json.dumps(update), headers=headers) as response:
                    body = await response.read()
                    status, content_type = response.status, response.content_type
            except asyncio.CancelledError:
                raise
            except Exception:  # the bot is down or died while answering
                status = None
            self.webhook_posts.append((update["update_id"], status))
            if status == 200:
                self.acknowledged.setdefault(update["update_id"], time.monotonic())
                await self._call_in_reply(body, content_type)
            elif self.webhook_retry is not None:
                self._retry_later(update)
            self._notify()

    async def _call_in_reply(self, body: bytes, content_type: str) -> None:
        """A webhook's 200 may carry one Bot API call: a JSON object naming it in `method`, with its
        parameters beside it. Telegram makes that call and tells nobody how it went."""
        if content_type != "application/json" or not body:
            return
        try:
            sent = json.loads(body)
        except ValueError:
            return
        if not isinstance(sent, dict) or not isinstance(sent.get("method"), str):
            return
        params = {k: v for k, v in sent.items() if k != "method"}
        call = Call(sent["method"], params, time.monotonic(), in_reply=True)
        self.calls.append(call)
        self.last_call_at = call.at
        await self._answer_call(call.method, params, {}, call)

    def _retry_later(self, update: JSON) -> None:
        assert self.webhook_retry is not None

        def again() -> None:
            self._retries.discard(handle)
            if not self.closing:
                self._webhook_queue.put_nowait(update)

        handle = asyncio.get_running_loop().call_later(self.webhook_retry, again)
        self._retries.add(handle)

    def unacknowledged(self) -> list[int]:
        """Updates pushed that have not had a 200 from the webhook yet."""
        return [u["update_id"] for u in self.updates if u["update_id"] not in self.acknowledged]


# ---- request parsing -----------------------------------------------------------------------------


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, bytes]]:
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, bytes] = {}
    filenames: dict[str, str] = {}
    content_type = request.content_type
    if request.method == "POST" and request.can_read_body:
        if content_type == "application/json":
            body = await request.json()
            return dict(body), {}
        if content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename:
                    files[part.name] = bytes(await part.read())
                    filenames[part.name] = part.filename
                else:
                    raw[part.name] = await part.text()
        else:
            raw.update(await request.post())
    params: JSON = {}
    for key, value in raw.items():
        if key in _STRING_FIELDS or not isinstance(value, str):
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    if filenames:
        params["_filenames"] = filenames
    return params, files


def _error(code: int, description: str, parameters: JSON | None = None) -> web.Response:
    body: JSON = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def _allowed(update: JSON, allowed: Any) -> bool:
    if not allowed:
        return True
    return any(kind in update for kind in allowed)


def _entities(text: str) -> list[JSON]:
    match = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def _given_entities(raw: Any, text: str) -> list[JSON]:
    """Entities a bot sent, checked as Telegram does: inside the text (UTF-16 units), and a text mention
    names a user by id."""
    if raw is None:
        return []
    entities = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(entities, list):
        raise ApiError(400, "Bad Request: can't parse entities")
    size = utf16_len(text)
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 1:
            raise ApiError(400, "Bad Request: can't parse entities")
        if offset + length > size:
            raise ApiError(400, "Bad Request: entity beyond the end of the text")
        if entity.get("type") == "text_mention" and not isinstance((entity.get("user") or {}).get("id"), int):
            raise ApiError(400, "Bad Request: can't parse entities: text_mention without a user")
    return entities


_SENT_ENTITY_TYPES = {"bold", "italic", "underline", "strikethrough", "code", "spoiler"}


def _sent_entities(text: str, entities: Any) -> list[JSON]:
    """Entities a bot sent with its text, checked as Telegram does: known types, inside the text
    (UTF-16 offsets), not overlapping one another in this fake's simple form."""
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise ApiError(400, "Bad Request: can't parse entities JSON object")
    length = utf16_len(text)
    out: list[JSON] = []
    for entity in entities:
        kind, offset, size = entity.get("type"), entity.get("offset"), entity.get("length")
        if kind not in _SENT_ENTITY_TYPES or not isinstance(offset, int) or not isinstance(size, int):
            raise ApiError(400, "Bad Request: can't parse entities: unsupported entity")
        if offset < 0 or size <= 0 or offset + size > length:
            raise ApiError(400, "Bad Request: can't parse entities: entity beyond the end of the text")
        out.append({"type": kind, "offset": offset, "length": size})
    return out


def _shallow(message: JSON) -> JSON:
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _suffix(filename: str) -> str:
    match = re.search(r"\.[A-Za-z0-9]{1,8}$", filename)
    return match.group(0) if match else ""


def _check_markup(markup: Any) -> JSON | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup
