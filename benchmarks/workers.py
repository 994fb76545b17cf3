"""Three workers, one busy group, Telegram's real limits: sends lost, doubled, 429s, time until every
card is right; with and without a worker killed mid-burst; this tree beside a baseline tree.

    .venv/bin/python benchmarks/workers.py [--baseline /work/main] [--baseline-python PATH]
                                           [--postgres URL] [--runs new,new-kill,base,base-kill]

What runs: three real `draftbot run` processes (Telegram webhook mode, TELEGRAM_RATE_LIMITS=telegram)
behind a round-robin balancer, on a fresh PostgreSQL database each run, against the fake Bot API
enforcing Telegram's limits (about one call a second per chat, twenty a minute per group, 429 with
`retry_after` beyond them: `tests/telegram_fake/flood.py`). The baseline is another source tree (by
default /work/main with its own virtualenv), run the same way in the same script run.

The meeting: ten delegations; three points proposed and their cards posted; then the burst: every
delegation presses a button on each of the three cards (30 presses), and six more points are proposed
(each an announcement and a card); with a kill, one worker is SIGKILLed as soon as the burst is
acknowledged (this tree: the worker holding the group's sends; the baseline has no such holder: the
worker that took the most of the burst); then four more points are proposed. The run ends when every
card is right and every announcement is in, or when nothing has reached the fake for QUIET seconds.

Figures:
- lost: announcements and cards the core decided to send that never reached the group;
- doubled: those that reached it more than once;
- 429s: calls the fake refused for going beyond the limits;
- cards right: seconds from the burst until every card shows what the database says (and no card is
  missing), or "never" within the run;
- taken over: with a kill, seconds until another worker held the group's sends (this tree only).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bot.telegram.render import card_text  # noqa: E402
from drafting.service import DraftingService  # noqa: E402
from storage.store import SqlStoreFactory  # noqa: E402
from storage.tables import PointRow  # noqa: E402
from tests.kit import DELEGATIONS  # noqa: E402
from tests.pg import throwaway_database  # noqa: E402
from tests.processes import (  # noqa: E402
    Balancer,
    DraftbotProcess,
    card_count,
    free_port,
    seed_telegram_meeting,
    telegram_webhook_env,
    until,
)
from tests.telegram_fake.flood import FloodLimits  # noqa: E402
from tests.telegram_fake.server import FakeTelegram  # noqa: E402

WORKERS = 3
QUIET = 75.0  # seconds without any call: whatever has not arrived by then will not
SECRET = "bench-secret"
LABELS = range(1, 14)


@dataclass
class Figures:
    run: str
    lost: int
    doubled: int
    refused: int
    cards_right: float | None
    takeover: float | None = None  # seconds from the kill until another worker held the group's sends


def announced(fake: FakeTelegram, chat_id: int, label: int) -> int:
    return sum(text.count(f"propone el punto {label}.") for text in fake.texts(chat_id))


async def cards_right(
    fake: FakeTelegram, service: DraftingService, stores: SqlStoreFactory, group: int
) -> bool:
    async with stores.engine.connect() as conn:
        points = dict((await conn.execute(select(PointRow.number, PointRow.id))).all())
    if sorted(points) != list(LABELS):
        return False
    for number, point_id in points.items():
        card = await service.card(point_id)
        if card is None or card_count(fake, group, number) < 1:
            return False
        if fake.card(group, number).get("text") != card_text(card):
            return False
    return True


async def lease_holder(stores: SqlStoreFactory, chat_id: int) -> str:
    try:
        from storage.delivery_tables import OutboxChatRow

        async with stores.engine.connect() as conn:
            owner = await conn.scalar(
                select(OutboxChatRow.lease_owner).where(OutboxChatRow.chat_id == str(chat_id))
            )
            return str(owner or "")
    except Exception:
        return ""


async def one_run(name: str, tree: Path, python: str, base_url: str, kill: bool, logs: Path) -> Figures:
    async with throwaway_database(base_url, "draftbot_bench_workers") as url:
        fake = FakeTelegram(webhook_connections=8, webhook_retry=0.5, flood=FloodLimits())
        await fake.start()
        ports = [free_port() for _ in range(WORKERS)]
        balancer = await Balancer([f"http://127.0.0.1:{p}" for p in ports]).start()
        workers = [
            DraftbotProcess(
                {
                    **telegram_webhook_env(fake, url, port, url=f"{balancer.url}/telegram", secret=SECRET),
                    "TELEGRAM_RATE_LIMITS": "telegram",
                },
                logs / f"{name}-worker{i}.log",
                tree=tree,
                python=python,
                name=f"{name} worker {i}",
            )
            for i, port in enumerate(ports, start=1)
        ]
        # The baseline migrates its own schema: its first worker starts alone, then the others.
        await workers[0].start()
        stores = await SqlStoreFactory.open(url, migrate=False)
        try:
            service = DraftingService(stores)
            chat = fake.group("CRM")
            group = chat["id"]
            people = await seed_telegram_meeting(service, fake, chat, DELEGATIONS)
            await asyncio.gather(*(w.start() for w in workers[1:]))

            def propose(n: int) -> None:
                fake.send(people[DELEGATIONS[n % len(DELEGATIONS)]], chat, f"/proponer Punto de prueba {n}.")

            for n in range(1, 4):
                propose(n)
            await until(
                lambda: all(card_count(fake, group, n) == 1 for n in range(1, 4)), "cards", timeout=600
            )
            cards = {n: fake.card(group, n) for n in range(1, 4)}
            ids = {
                n: cards[n]["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1]
                for n in cards
            }
            started = time.monotonic()
            takeover: float | None = None
            for n in range(1, 4):
                for i, delegation in enumerate(DELEGATIONS):
                    fake.press(people[delegation], cards[n], f"p:{ids[n]}:{'x' if (i + n) % 3 == 0 else 'a'}")
            for n in range(4, 10):
                propose(n)
            await until(lambda: not fake.unacknowledged(), "the burst", timeout=600)
            if kill:
                holder = await lease_holder(stores, group)
                victims = [w for w in workers if holder.split(":")[1:2] == [str(w.pid)]]
                if not victims:  # no shared sender: the one that took the most of the burst
                    busiest = max(balancer.served, key=lambda b: balancer.served[b])
                    victims = [w for w in workers if busiest.endswith(f":{w.port}")]
                victims[0].kill()
                killed = time.monotonic()
                while holder and time.monotonic() - killed < 30:
                    now = await lease_holder(stores, group)
                    if now and now != holder:
                        takeover = time.monotonic() - killed
                        break
                    await asyncio.sleep(0.05)
            for n in range(10, 14):
                propose(n)
            right_at: float | None = None
            while True:
                if right_at is None and await cards_right(fake, service, stores, group):
                    right_at = time.monotonic() - started
                done = right_at is not None and all(announced(fake, group, n) >= 1 for n in LABELS)
                if done or time.monotonic() - fake.last_call_at > QUIET:
                    break
                await asyncio.sleep(0.1)
            counts = [announced(fake, group, n) for n in LABELS] + [
                card_count(fake, group, n) for n in LABELS
            ]
            assert fake.flood is not None
            return Figures(
                name,
                lost=sum(1 for c in counts if c == 0),
                doubled=sum(c - 1 for c in counts if c > 1),
                refused=fake.flood.refused,
                cards_right=right_at,
                takeover=takeover,
            )
        finally:
            await asyncio.gather(*(w.stop() for w in workers))
            await stores.close()
            await balancer.stop()
            await fake.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", default="/work/main")
    parser.add_argument("--baseline-python", default="")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--runs", default="new,new-kill,base,base-kill")
    args = parser.parse_args()
    baseline = Path(args.baseline)
    base_python = args.baseline_python or str(baseline / ".venv" / "bin" / "python")
    logs = Path(tempfile.mkdtemp(prefix="draftbot-workers-"))
    plans = {
        "new": (ROOT, sys.executable, False),
        "new-kill": (ROOT, sys.executable, True),
        "base": (baseline, base_python, False),
        "base-kill": (baseline, base_python, True),
    }
    results = []
    for name in args.runs.split(","):
        tree, python, kill = plans[name]
        print(f"running {name} ({tree}) …", flush=True)
        results.append(await one_run(name, tree, python, args.postgres, kill, logs))
    print(
        f"\nthree workers, one group, Telegram's limits ({len(LABELS)} announcements + {len(LABELS)} cards)"
    )
    print(f"{'run':<10} {'lost':>5} {'doubled':>8} {'429s':>6} {'cards right':>12} {'taken over':>11}")
    for r in results:
        right = f"{r.cards_right:.1f} s" if r.cards_right is not None else "never"
        over = f"{r.takeover:.1f} s" if r.takeover is not None else "-"
        print(f"{r.run:<10} {r.lost:>5} {r.doubled:>8} {r.refused:>6} {right:>12} {over:>11}")
    print(f"(worker logs in {logs})")


if __name__ == "__main__":
    asyncio.run(main())
