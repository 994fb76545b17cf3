"""SQL statements an ordinary command costs with the delivery journal, beside the same command without it.

Each command runs through the real Telegram adapter against the fake Bot API (`tests.telegram_fake`),
from the update to the last message sent: the command's transaction, the hand-over to the shared
outbox, the outbox's sending. An SQLAlchemy `before_cursor_execute` listener counts every statement,
by kind and table; COMMIT is not a statement on either driver, so it is not counted. The baseline is
the same code in the same run with the service built without a journal (what each command cost
before it). Typed approvals are measured with joins/acknowledgements held for company
(DRAFTBOT_DIGEST_SECONDS 2, the default: a lone one is released by `flush`) and without (0).

    .venv/bin/python benchmarks/journal_statements.py [--postgres URL] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from bot.dispatch import Dispatcher
from drafting.service import DraftingService
from storage.journal_store import SqlJournal
from storage.store import SqlStoreFactory
from tests.pg import throwaway_database
from tests.telegram_fake.harness import running_bot, set_up_meeting

COMMANDS = ["/puntos", "/comentar 1 De acuerdo con el texto.", "/aprobar 1"]


class Counting:
    def __init__(self, stores: SqlStoreFactory) -> None:
        self.seen: Counter[str] | None = None
        event.listen(stores.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.seen is not None:
            word = statement.split()[0].upper()
            self.seen["journal" if "delivery_journal" in statement else "other"] += 1
            if "delivery_journal" in statement:
                self.seen[f"journal {word}"] += 1


async def measure(url: str, *, journal: bool, window: float, repeat: int) -> dict[str, Counter[str]]:
    stores = await SqlStoreFactory.open(url)
    counting = Counting(stores)
    out: dict[str, Counter[str]] = {}
    try:
        service = DraftingService(stores, journal=SqlJournal(stores) if journal else None)
        dispatcher = Dispatcher(journal=service.journal, digest_window=0.0)
        names = [f"Delegación {n:02d}" for n in range(repeat + 2)]
        async with running_bot(service, dispatcher=dispatcher) as run:
            chat = run.fake.group()
            await set_up_meeting(run, chat, names)
            await run.say(run.user(names[0]), chat, "/proponer Agradecer a la Secretaría Técnica.")
            dispatcher.digest_window = window
            for command in COMMANDS:
                total: Counter[str] = Counter()
                for n in range(repeat):
                    who = run.user(names[n + 1])
                    counting.seen = Counter()
                    await run.say(who, chat, command)
                    await dispatcher.flush()  # a held acknowledgement goes now (its window's work)
                    await run.settle()
                    total.update(counting.seen)
                    counting.seen = None
                out[command] = Counter({k: v // 1 for k, v in total.items()})
                out[command]["n"] = repeat
    finally:
        await stores.close()
    return out


def report(title: str, base: dict[str, Counter[str]], mine: dict[str, Counter[str]]) -> None:
    print(f"\n== {title}")
    print(f"   {'command':40} {'without':>8} {'with journal':>13}   journal statements (mean)")
    for command, seen in mine.items():
        n = seen["n"]
        before = (base[command]["other"] + base[command]["journal"]) / n
        after = (seen["other"] + seen["journal"]) / n
        kinds = ", ".join(
            f"{k.removeprefix('journal ')} {v / n:.1f}"
            for k, v in sorted(seen.items())
            if k.startswith("journal ")
        )
        print(f"   {command:40} {before:8.1f} {after:13.1f}   {kinds}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for window in (0.0, 2.0):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/a.db"
            base = await measure(url, journal=False, window=window, repeat=args.repeat)
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/b.db"
            mine = await measure(url, journal=True, window=window, repeat=args.repeat)
        report(f"sqlite, digest window {window:g} s: statements per command", base, mine)
        if args.postgres:
            async with throwaway_database(args.postgres) as url:
                base = await measure(url, journal=False, window=window, repeat=args.repeat)
            async with throwaway_database(args.postgres) as url:
                mine = await measure(url, journal=True, window=window, repeat=args.repeat)
            report(f"postgresql, digest window {window:g} s: statements per command", base, mine)


if __name__ == "__main__":
    asyncio.run(main())
