"""`draftbot serve`: the meeting's web page on this machine, for the demo's meeting, with no tokens.

Plays the demo first when its database is not there yet, then serves the page on 127.0.0.1 and prints
a one-time link for the meeting's Technical Secretariat. Serves until Ctrl+C.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

from bot.http import HttpServer, database_probe
from bot.web import WebConfig, mount_web
from bot.wiring import open_service
from drafting.model import Role
from drafting.panel import LINK_TTL, new_secret, secret_hash
from drafting.service import utcnow
from storage.store import SqlStoreFactory


async def first_link(stores: SqlStoreFactory, base: str, role: Role = Role.SECRETARIAT) -> str:
    """A one-time link for the first member with `role` in the newest meeting."""
    async with stores.transaction() as store:
        meeting_id = await store.latest_meeting_id()
        if meeting_id is None:
            raise RuntimeError("the database holds no meeting")
        member = next((m for m in await store.members(meeting_id) if m.role is role), None)
        if member is None:
            raise RuntimeError(f"meeting {meeting_id} has no {role.value}")
        token = new_secret()
        now = utcnow()
        await store.add_panel_link(meeting_id, member.user, secret_hash(token), now, now + LINK_TTL)
    return f"{base}/m/{meeting_id}/t/{token}"


async def serve(
    out_dir: Path, host: str = "127.0.0.1", port: int = 8080, stop: asyncio.Event | None = None
) -> int:
    db_path = out_dir / "demo.db"
    if not db_path.exists():
        from bot.demo import run_demo

        print(f"draftbot serve: no demo database in {out_dir}; playing the demo first…", flush=True)
        await run_demo(out_dir, quiet=True)
    service, stores = await open_service(f"sqlite:///{db_path}")
    http = HttpServer(((host, port),), database=database_probe(stores))
    config = WebConfig(f"http://{host}:{port}")
    mount_web(http, stores, config, service.clock)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await http.start()
        base = f"http://{host}:{http.port}"
        link = await first_link(stores, base)
        print(
            f"draftbot serve: the demo's meeting at {base} (database {db_path}).\n"
            f"Open this one-time link (valid {int(LINK_TTL.total_seconds() // 60)} minutes, as the Technical "
            f"Secretariat):\n{link}\nCtrl+C stops the server.",
            flush=True,
        )
        await stop.wait()
    finally:
        await http.stop()
        await stores.close()
    return 0
