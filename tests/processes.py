"""`draftbot run` as a real process, for tests and benchmarks that kill, restart or multiply it.

- `DraftbotProcess`: starts `python -m bot.cli run` (what the `draftbot` command runs) with a given
  environment, waits for its `/healthz`, and stops it with SIGTERM or kills it with SIGKILL. Its output
  goes to a log file, printed when a test fails. `tree` runs another copy of the source (PYTHONPATH),
  for checking that a test fails without a protection.
- `Balancer`: a small HTTP load balancer in front of several workers, round robin, trying the next
  worker when one refuses the connection or answers 502/503 (what nginx's `proxy_next_upstream` does).
- `seed_telegram_meeting`: a meeting bound to a fake Telegram group, its delegations and their
  delegates, written straight through the service into the database the bots will use.
- `until`: waits for a condition, with a generous timeout (never a measure of anything).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import aiohttp
from aiohttp import web

from drafting.model import ChatRef, UserRef
from drafting.service import DraftingService
from drafting.turn import Context
from tests.kit import MEETING
from tests.telegram_fake.server import JSON, FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90.0
WAIT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def until(
    condition: Callable[[], bool] | Callable[[], Awaitable[bool]],
    what: str,
    *,
    timeout: float = WAIT,
    every: float = 0.02,
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f}s for {what}")
        await asyncio.sleep(every)


def bot_env(**settings: str) -> dict[str, str]:
    """This environment without any platform or database setting, plus `settings`."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "SLACK_", "DRAFTBOT_")) and k != "DATABASE_URL"
    }
    keep.update(DRAFTBOT_LOG_FORMAT="json", PYTHONUNBUFFERED="1")
    keep.update(settings)
    return keep


def telegram_webhook_env(
    fake: FakeTelegram, database: str, port: int, *, url: str | None = None, secret: str = "worker-secret"
) -> dict[str, str]:
    """`draftbot run` in Telegram webhook mode against the fake, serving HTTP on `port`. `url` is the
    public address Telegram posts to (a balancer in front of several workers), by default this one."""
    return bot_env(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_BASE_URL=fake.base_url,
        TELEGRAM_BASE_FILE_URL=fake.base_file_url,
        TELEGRAM_RATE_LIMITS="off",
        TELEGRAM_WEBHOOK_URL=url or f"http://127.0.0.1:{port}/telegram",
        TELEGRAM_WEBHOOK_SECRET=secret,
        TELEGRAM_WEBHOOK_PATH="telegram",
        DRAFTBOT_HTTP_HOST="127.0.0.1",
        DRAFTBOT_HTTP_PORT=str(port),
        DATABASE_URL=database,
    )


class DraftbotProcess:
    def __init__(
        self,
        env: Mapping[str, str],
        log: Path,
        *,
        tree: Path = ROOT,
        name: str = "bot",
        profile: Path | None = None,
        python: str = sys.executable,
    ) -> None:
        """`profile`: run under cProfile, writing its statistics there when the process stops (SIGTERM).
        `python`: the interpreter (another tree's virtualenv, for a baseline)."""
        self.env = dict(env)
        self.log = log
        self.tree = tree
        self.name = name
        self.profile = profile
        self.python = python
        self.process: subprocess.Popen[bytes] | None = None
        self.port = int(self.env.get("DRAFTBOT_HTTP_PORT", "0") or 0)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def start(self, *, timeout: float = START_TIMEOUT) -> DraftbotProcess:
        env = dict(self.env)
        if self.tree != ROOT:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(self.tree), str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
            )
        with self.log.open("ab") as out:
            out.write(f"---- {self.name} starting ----\n".encode())
            profiling = ["-m", "cProfile", "-o", str(self.profile)] if self.profile is not None else []
            self.process = subprocess.Popen(
                [self.python, *profiling, "-m", "bot.cli", "run"],
                cwd=str(self.tree),
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if self.port:
            await until(self._healthy, f"{self.name} to answer /healthz (log: {self.log})", timeout=timeout)
        else:
            await until(self._started, f"{self.name} to start (log: {self.log})", timeout=timeout)
        return self

    async def _healthy(self) -> bool:
        if not self.alive:
            raise RuntimeError(f"{self.name} exited:\n{self.output()[-3000:]}")
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session,
                session.get(f"http://127.0.0.1:{self.port}/healthz") as answer,
            ):
                # 200 means every platform serves; the log line too, for an older source tree
                # (DRAFTBOT_FAULT_TREE) whose /healthz may have said so earlier.
                return answer.status == 200 and "draftbot run: started" in self.output()
        except (aiohttp.ClientError, TimeoutError):
            return False

    def _started(self) -> bool:
        if not self.alive:
            raise RuntimeError(f"{self.name} exited:\n{self.output()[-3000:]}")
        return "draftbot run: started" in self.output()

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def peak_rss_mib(self) -> float:
        """The process's peak resident set size so far (Linux: VmHWM)."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flushing, connections cut."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    async def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM and wait (SIGKILL if it does not stop in time)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if self.process.poll() is None:
                self.kill()
        return self.process.returncode


class Balancer:
    """Round robin over workers; a refused connection or a 502/503 goes on to the next worker."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.served: dict[str, int] = dict.fromkeys(backends, 0)  # 2xx answers per worker
        self._next = itertools.count()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> Balancer:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        for address in self._runner.addresses:
            self.port = int(address[1])
        return self

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        first = next(self._next)
        last: web.Response = web.Response(status=502, text="no worker answered")
        for i in range(len(self.backends)):
            backend = self.backends[(first + i) % len(self.backends)]
            try:
                async with self._session.request(
                    request.method, backend + request.rel_url.path_qs, data=body, headers=headers
                ) as answer:
                    content = await answer.read()
                    last = web.Response(
                        status=answer.status,
                        body=content,
                        content_type=answer.content_type,
                    )
                    if answer.status in (502, 503):
                        continue
                    if answer.status < 300:
                        self.served[backend] += 1
                    return last
            except aiohttp.ClientConnectionError:
                continue
        return last


# ---- a meeting seeded through the service --------------------------------------------------------


def telegram_user(user: JSON) -> UserRef:
    name = " ".join(filter(None, [user.get("first_name"), user.get("last_name")]))
    return UserRef("telegram", str(user["id"]), "", name)


async def seed_telegram_meeting(
    service: DraftingService, fake: FakeTelegram, chat: JSON, delegations: list[str]
) -> dict[str, JSON]:
    """A meeting bound to `chat`, with these member delegations and one delegate each (fake users
    named after their delegation), written through the service. Returns name -> user ("st" is the
    secretariat)."""
    people: dict[str, JSON] = {"st": fake.user("Secretaría")}
    room = ChatRef("telegram", str(chat["id"]))

    async def say(who: str, text: str) -> list[str]:
        ctx = Context(chat=room, user=telegram_user(people[who]), prefix="/")
        outcome = await service.handle_text(ctx, text)
        assert outcome.ok, (text, outcome.texts())
        return outcome.texts()

    await say("st", MEETING)
    await say("st", "delegaciones " + "; ".join(delegations))
    for name in delegations:
        texts = await say("st", f"invitar {name}")
        code = next(m.group(1) for t in texts if (m := re.search(r"/join (\S+)", t)))
        people[name] = fake.user(name)
        await say(name, f"unirse {code}")
    return people


async def post_update(url: str, update: JSON, secret: str) -> int:
    """POSTs one update to a worker's webhook as Telegram would; returns the HTTP status."""
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session,
        session.post(
            url,
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        ) as answer,
    ):
        await answer.read()
        return answer.status


def card_count(fake: FakeTelegram, chat_id: int, label: int) -> int:
    pattern = re.compile(rf"^(Punto|Point) {label} — ")
    return sum(1 for m in fake.bot_messages(chat_id) if pattern.match(m.get("text", "")))
