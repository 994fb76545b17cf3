"""One HTTP server per process for webhook/HTTP mode: `/healthz`, Telegram's webhook, Slack's events.

`draftbot run` starts one aiohttp application on `DRAFTBOT_HTTP_HOST:DRAFTBOT_HTTP_PORT` (default
0.0.0.0:8080) whenever a platform receives its updates over HTTP (`TELEGRAM_WEBHOOK_URL` set, or Slack
with `SLACK_SIGNING_SECRET`). Each adapter adds its own route to it before it starts:

- `POST /<path of TELEGRAM_WEBHOOK_URL>` (or `TELEGRAM_WEBHOOK_PATH`): Telegram's updates;
- `POST /slack/events`: Slack's slash commands, events and interactivity;
- `GET /healthz`: 200 with `{"status": "ok", "database": "ok", "platforms": [...]}` once every enabled
  platform serves (Telegram: webhook set or polling started; Slack: signed in, and its route live or
  Socket Mode connected) and the database answers. Until then 503 with `"status": "starting"` and
  `"starting": [...]`, the platforms not serving yet; 503 with `"database": "unreachable"` when the
  database does not answer within a few seconds. A load balancer thus sends nothing to a worker that
  cannot handle it yet, and sends the next request to another worker.

With DRAFTBOT_HTTP_TIMING=1 every request is logged (logger `draftbot.http.timing`, message "served",
fields `path`, `status`, `ms`) with how long the server took from taking the request off the connection to
writing the last byte of its response: aiohttp's access-log hook, the `%Tf` of its access log. Off by
default, and then free: aiohttp reads no clock for a server without an access logger. The Slack ack
benchmark (benchmarks/slack_ack.py) reads these lines to measure the ack on the server's side.

Several identical workers can therefore sit behind one address: every route is the same on every
worker, and the database decides what was already done.

Before this server existed, the Telegram webhook listened on `TELEGRAM_WEBHOOK_LISTEN:
TELEGRAM_WEBHOOK_PORT` (default 0.0.0.0:8443) and Slack on `SLACK_HOST:SLACK_PORT` (0.0.0.0:3000). Those
variables still work: when one of them is set, the same application also listens there (and when
`DRAFTBOT_HTTP_PORT` is not set, only there), so an existing deployment keeps its ports. Without any of
them the port is 8080.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.settings import Settings, SettingsError

log = logging.getLogger("draftbot.http")
timing_log = logging.getLogger("draftbot.http.timing")

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8080
HEALTH_TIMEOUT = 3.0  # seconds the database gets to answer a health check

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Probe = Callable[[], Awaitable[None]]


HttpConfigError = SettingsError  # a port or host variable is malformed; the message names it


@dataclass(frozen=True)
class HttpConfig:
    """Where the one server listens: (host, port) pairs, the first one the main address."""

    binds: tuple[tuple[str, int], ...] = ((DEFAULT_HOST, DEFAULT_PORT),)
    timing: bool = False  # log each request's time on the server (DRAFTBOT_HTTP_TIMING)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HttpConfig:
        return cls.from_settings(Settings.from_env(env))

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpConfig:
        host = settings.http_host
        binds: list[tuple[str, int]] = []
        if settings.http_port is not None:
            binds.append((host, settings.http_port))
        # The adapters' old variables: still honoured, on the same application.
        legacy = (
            (
                settings.telegram_webhook_port,
                settings.telegram_webhook_listen,
                bool(settings.telegram_webhook_url),
            ),
            (settings.slack_port, settings.slack_host, bool(settings.slack_signing_secret)),
        )
        for port, legacy_host, used in legacy:
            if port is None or not used:
                continue
            if all(b[1] != port for b in binds):
                binds.append((legacy_host or host, port))
        if not binds:
            binds.append((host, DEFAULT_PORT))
        return cls(tuple(binds), timing=settings.http_timing)


def database_probe(stores: Any) -> Probe:
    """A health probe for a store factory: `SELECT 1` on a pooled connection of its engine.

    On SQLite it runs outside a transaction, so a health check never waits for (or takes) the
    single writer's lock."""
    engine = getattr(stores, "engine", None)

    async def probe() -> None:
        if engine is None:
            async with stores.transaction():
                return
        async with engine.connect() as connection:

            def select_one(sync_connection: Any) -> None:
                cursor = sync_connection.connection.dbapi_connection.cursor()
                try:
                    cursor.execute("SELECT 1")
                    cursor.fetchall()
                finally:
                    cursor.close()

            await connection.run_sync(select_one)

    return probe


class _Timings(AbstractAccessLogger):
    """aiohttp's access-log hook, called once the response is written, with the seconds since the
    server took the request off the connection."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        timing_log.info(
            "served", extra={"path": request.path, "status": response.status, "ms": round(time * 1000, 3)}
        )

    @property
    def enabled(self) -> bool:
        return True


class HttpServer:
    """The process's aiohttp application; adapters add routes before `start()`."""

    def __init__(
        self,
        binds: Sequence[tuple[str, int]] = ((DEFAULT_HOST, DEFAULT_PORT),),
        *,
        database: Probe | None = None,
        health_timeout: float = HEALTH_TIMEOUT,
        timing: bool = False,
    ) -> None:
        """`timing`: log how long each request took on the server (see the module's docstring)."""
        self.binds = tuple(binds)
        self.timing = timing
        self.database = database
        self.health_timeout = health_timeout
        self.platforms: list[str] = []  # platforms serving in this process, for /healthz
        self.starting: list[str] = []  # enabled here but not serving yet: /healthz answers 503
        self.app = web.Application(client_max_size=16 * 1024 * 1024)
        self.app.router.add_get("/healthz", self._healthz)
        self.ports: list[int] = []  # the bound ports, once started
        self._paths: set[str] = set()
        self._runner: web.AppRunner | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, database: Probe | None = None) -> HttpServer:
        config = HttpConfig.from_env(env)
        return cls(config.binds, database=database, timing=config.timing)

    @property
    def port(self) -> int:
        """The main bound port (the configured one before `start()`)."""
        return self.ports[0] if self.ports else self.binds[0][1]

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def has_routes(self) -> bool:
        """Some adapter receives its updates here (else `draftbot run` needs no server)."""
        return bool(self._paths)

    @property
    def address(self) -> str:
        binds = [(h, p) for (h, _), p in zip(self.binds, self.ports, strict=False)] or list(self.binds)
        return ", ".join(f"{h}:{p}" for h, p in binds)

    def expect(self, platform: str) -> None:
        """`platform` is enabled in this process: /healthz answers 503 until `ready(platform)`."""
        if platform not in self.starting and platform not in self.platforms:
            self.starting.append(platform)

    def ready(self, platform: str) -> None:
        """`platform` serves now (its adapter has started)."""
        if platform in self.starting:
            self.starting.remove(platform)
        if platform not in self.platforms:
            self.platforms.append(platform)

    def add_post(self, path: str, handler: Handler) -> None:
        path = "/" + path.strip("/")
        if path in self._paths:
            raise ValueError(f"two adapters want the HTTP path {path}")
        if self._runner is not None:
            raise RuntimeError("routes must be added before the HTTP server starts")
        self._paths.add(path)
        self.app.router.add_post(path, handler)

    def add_page(self, method: str, path: str, handler: Handler) -> None:
        """A route of the meeting's web page (`bot.web`); unlike `add_post`, it does not by itself
        make `draftbot run` serve HTTP."""
        if self._runner is not None:
            raise RuntimeError("routes must be added before the HTTP server starts")
        self.app.router.add_route(method, path, handler)

    async def start(self) -> None:
        if self.timing:
            runner = web.AppRunner(
                self.app, access_log=timing_log, access_log_class=_Timings, handle_signals=False
            )
        else:
            runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            for host, port in self.binds:
                site = web.TCPSite(runner, host, port)
                await site.start()
                server = site._server
                sockets = getattr(server, "sockets", None) or []
                self.ports.append(int(sockets[0].getsockname()[1]) if sockets else port)
        except BaseException:
            await runner.cleanup()
            self.ports.clear()
            raise
        self._runner = runner
        log.info("http: serving %s on %s", ", ".join(sorted(self._paths | {"/healthz"})), self.address)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self.ports.clear()

    async def health(self) -> tuple[bool, dict[str, Any]]:
        database = "not checked"
        starting = list(self.starting)
        healthy = not starting
        if self.database is not None:
            try:
                await asyncio.wait_for(self.database(), self.health_timeout)
                database = "ok"
            except Exception as error:  # any failure to answer is "unreachable" to a load balancer
                log.warning("http: health check: the database did not answer: %s", error)
                database, healthy = "unreachable", False
        status = "ok" if healthy else "unavailable" if database == "unreachable" else "starting"
        body: dict[str, Any] = {"status": status, "database": database, "platforms": list(self.platforms)}
        if starting:
            body["starting"] = starting
        return healthy, body

    async def _healthz(self, _request: web.Request) -> web.Response:
        healthy, body = await self.health()
        return web.json_response(body, status=200 if healthy else 503)


async def stop_quietly(server: HttpServer | None) -> None:
    if server is not None:
        with contextlib.suppress(Exception):
            await server.stop()
