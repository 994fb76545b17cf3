"""SQL statements per button press, counted: the press's own transaction and the card redraw after it.

A press is what the Telegram adapter does for an Approve button (bot/telegram/adapter.py): one
`service.press` with the update's dedup key, then the card lane redraws the card with
`service.card_and_messages` (the card and where it is posted) and `service.mark_card_shown` (the
version the chat now shows). Each phase runs through the real service and store on a real database; an
SQLAlchemy `before_cursor_execute` listener on the engine counts every statement sent to the driver,
sorted by kind (SELECT, INSERT, UPDATE, DELETE, BEGIN…) and table. COMMIT is not a statement on
either driver (the DBAPI commits), so it is not counted.

    .venv/bin/python benchmarks/press_statements.py [--postgres URL] [--presses N] [--baseline DIR]

Prints, per database: statements per press (the mean over N presses by N different delegations on one
point that none of them adopts, the first press excluded as it warms the caches), the phase split, the
breakdown of one press, and the statements of the last press, which adopts the point. The target in
issue 12 is at most 5 in all, card redraw included.

`--baseline DIR` (default /work/main when it exists): the same measurement, in the same run, of the
code checked out in DIR (today's figure), run with DIR's own interpreter (DIR/.venv). PostgreSQL runs
in throwaway databases on the --postgres server, created and dropped here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# `--code DIR`: measure the code in DIR (the baseline's run) instead of this checkout's.
_CODE = (
    sys.argv[sys.argv.index("--code") + 1]
    if "--code" in sys.argv
    else str(Path(__file__).resolve().parents[1])
)
sys.path.insert(0, _CODE)

from sqlalchemy import event  # noqa: E402

from drafting.model import ChatRef, UserRef  # noqa: E402
from drafting.ports import CardMessage  # noqa: E402
from drafting.service import DraftingService  # noqa: E402
from drafting.turn import Context  # noqa: E402
from storage.store import SqlStoreFactory  # noqa: E402
from tests.kit import Room, card_in, set_up_meeting  # noqa: E402
from tests.pg import throwaway_database  # noqa: E402

DELEGATIONS = [f"Delegación {n:02d}" for n in range(1, 40)]
_TABLE = re.compile(r"\b(?:FROM|INTO|(?<!FOR )UPDATE|JOIN)\s+\"?(\w+)", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE)


class Counting:
    """Every statement the engine sends, labelled `KIND table`, for the phase being measured."""

    def __init__(self, stores: SqlStoreFactory) -> None:
        self.phase: Counter[str] | None = None
        event.listen(stores.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.phase is not None:
            words = statement.split()
            kind = " ".join(words[:2]) if words[:1] == ["BEGIN"] else words[0].upper()
            # A SELECT's own table is named after the subqueries of its columns: its last FROM.
            found = _FROM.findall(statement) if kind == "SELECT" else _TABLE.findall(statement)
            table = (found[-1] if kind == "SELECT" else found[0]) if found else ""
            self.phase[f"{kind} {table}".strip()] += 1

    @contextmanager
    def counting(self) -> Iterator[Counter[str]]:
        self.phase = Counter()
        try:
            yield self.phase
        finally:
            self.phase = None


async def measure(url: str, presses: int) -> None:
    stores = await SqlStoreFactory.open(url)
    try:
        service = DraftingService(stores)
        room = Room(service, chat=ChatRef("telegram", "-100123"))
        # Two delegations more than press: none of the measured presses adopts the point.
        people = await set_up_meeting(room, DELEGATIONS[: presses + 3])
        card = card_in(await room.say(people["rapporteur"], "propose Tomar nota del informe."))
        await service.save_card_message(
            CardMessage(card.point_id, room.chat, "777", shown_version=card.version)
        )
        counter = Counting(stores)
        phases: dict[str, Counter[str]] = {
            "press": Counter(),
            "redraw read": Counter(),
            "mark shown": Counter(),
        }
        one: dict[str, Counter[str]] = {}
        for n, name in enumerate(DELEGATIONS[: presses + 1]):
            who = people[name]
            ctx = Context(
                room.chat,
                UserRef("telegram", who, "", who),
                dedup_key=f"cb:{n}",
                thread_point_id=card.point_id,
            )
            with counter.counting() as press:
                outcome = await service.press(ctx, card.point_id, "approve")
            assert outcome.ok, outcome.texts()
            with counter.counting() as read:
                drawn, _messages = await service.card_and_messages(card.point_id)
            assert drawn is not None
            with counter.counting() as mark:
                await service.mark_card_shown(card.point_id, room.chat, drawn.version)
            if n == 0:
                continue  # the first press warms the caches
            for label, seen in (("press", press), ("redraw read", read), ("mark shown", mark)):
                phases[label].update(seen)
                one.setdefault(label, seen)
        for n, name in enumerate(DELEGATIONS[presses + 1 : presses + 3], start=presses + 1):
            who = people[name]
            ctx = Context(room.chat, UserRef("telegram", who, "", who), dedup_key=f"cb:{n}")
            with counter.counting() as last:  # the second of the two adopts
                assert (await service.press(ctx, card.point_id, "approve")).ok
                drawn, _messages = await service.card_and_messages(card.point_id)
                assert drawn is not None
                await service.mark_card_shown(card.point_id, room.chat, drawn.version)
        assert drawn.state == "adopted", drawn.state
        backend = stores.engine.url.get_backend_name()
        total = sum(sum(c.values()) for c in phases.values()) / presses
        begins = sum(n for c in phases.values() for k, n in c.items() if k.startswith("BEGIN")) / presses
        print(f"\n== {backend}: {total:.1f} SQL statements per press (mean of {presses} presses)")
        print(f"   of which BEGIN: {begins:.1f} (sent as SQL on SQLite, by the driver on PostgreSQL)")
        for label, seen in phases.items():
            print(f"   {label:12} {sum(seen.values()) / presses:5.1f}")
        print(f"   the press that adopts the point (general path), redraw included: {sum(last.values())}")
        print("   one press, by statement kind and table:")
        for label, seen in one.items():
            for kind, count in sorted(seen.items()):
                print(f"     {label:12} {count:3d}  {kind}")
    finally:
        await stores.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", help="also on this PostgreSQL server, in a throwaway database created and dropped here"
    )
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", default="/work/main" if Path("/work/main/.venv").exists() else None)
    args = parser.parse_args()
    print(f"#### code measured: {Path(_CODE).resolve()}")
    with tempfile.TemporaryDirectory() as folder:
        await measure(f"sqlite:///{folder}/draftbot.db", args.presses)
    if args.postgres:
        # A throwaway database on that server: the shared one is left as it was.
        async with throwaway_database(args.postgres, "draftbot_press_bench") as url:
            await measure(url, args.presses)
    if args.baseline and not args.code and Path(args.baseline).resolve() != Path(_CODE).resolve():
        print("\n#### baseline, measured in the same run:", flush=True)
        command = [str(Path(args.baseline) / ".venv/bin/python"), __file__, "--code", args.baseline]
        command += ["--presses", str(args.presses)] + (["--postgres", args.postgres] if args.postgres else [])
        subprocess.run(
            command, check=True, cwd=args.baseline, env={**os.environ, "PYTHONPATH": args.baseline}
        )


if __name__ == "__main__":
    asyncio.run(main())
