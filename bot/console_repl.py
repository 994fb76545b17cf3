"""`draftbot console`: type `as <name>: <command>` to act as that person."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from bot.console import ConsoleAdapter
from bot.settings import Settings
from bot.wiring import open_service

INTRO = """draftbot console. Each line is `as <name>: <command>`; `as <name>` alone switches who types,
then plain lines are that person's. Commands need no slash: `help`, `newmeeting`, `propose …`.
A `newmeeting` or `meeting` with several `key: value` lines: end each line with a backslash.
Type `quit` to leave."""

_AS = re.compile(r"^as\s+([^:]+?)\s*(?::\s*(.*))?$", re.IGNORECASE | re.DOTALL)


async def repl(out_dir: Path) -> int:
    settings = Settings.from_env()  # the same DATABASE_URL and DRAFTBOT_TEMPLATES as `draftbot run`
    service, stores = await open_service(settings.database_url or None, templates=settings.templates)
    console = ConsoleAdapter(service, out_dir)
    print(INTRO)
    who = "secretariat"
    pending = ""
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, _read, f"{who}> ")
            if line is None or line.strip() in ("quit", "exit"):
                return 0
            if line.endswith("\\"):
                pending += line[:-1] + "\n"
                continue
            line, pending = pending + line, ""
            match = _AS.match(line.strip())
            if match:
                who = match.group(1)
                if not match.group(2):
                    continue
                line = match.group(2)
            if line.strip():
                await console.say(who, line)
    finally:
        await stores.close()


def _read(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


if __name__ == "__main__":
    sys.exit(asyncio.run(repl(Path("out"))))
