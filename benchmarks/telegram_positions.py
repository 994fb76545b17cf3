"""100 positions in a burst through the Telegram adapter: how many messages, how long until the card shows it.

Ten delegations each take a position on ten points (100 in all, in a shuffled order) through the
real python-telegram-bot Application polling the fake Bot API server (tests/telegram_fake). For each
run it prints the messages the bot sent per 100 positions (sendMessage + editMessageText; button
answers are counted apart, they are not chat messages), and the latency from an update's hand-out by
getUpdates to the first edit of its point's card that shows that delegation's position (p50 / p95),
plus the busiest minute and the shortest gap between two messages in the group.

    python benchmarks/telegram_positions.py          # from the repository root
    python benchmarks/telegram_positions.py --calls  # also every message the bot sent, with its time
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.telegram.outbox import Limits
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.kit import DELEGATIONS
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON

POINTS = 10
CHAT_WRITES = ("sendMessage", "editMessageText", "sendDocument", "createForumTopic", "editForumTopic")


@dataclass
class Result:
    name: str
    positions: int
    messages: int
    sends: int
    edits: int
    answers: int
    p50: float
    p95: float
    busiest_minute: int
    min_gap: float
    wall: float


async def _meeting(run: BotRun) -> tuple[JSON, dict[int, JSON]]:
    chat = run.fake.group("CRM")
    await set_up_meeting(run, chat, DELEGATIONS, rapporteur=False)
    cards: dict[int, JSON] = {}
    for n in range(1, POINTS + 1):
        who = DELEGATIONS[n % len(DELEGATIONS)]
        await run.say(run.user(who), chat, f"/proponer Punto de prueba número {n}: tomar nota del informe.")
        cards[n] = run.fake.card(chat["id"], n)
    return chat, cards


async def one_run(name: str, limits: Limits, *, typed: bool) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        stores = await SqlStoreFactory.open(f"sqlite:///{folder}/bench.db")
        service = DraftingService(stores)
        try:
            async with running_bot(service) as run:
                chat, cards = await _meeting(run)
                run.adapter.set_limits(limits)
                order = [(name, n) for name in DELEGATIONS for n in cards]
                random.Random(7).shuffle(order)
                first_call = len(run.fake.calls)
                expected: dict[int, tuple[str, int]] = {}  # update id -> (delegation, point)
                started = time.monotonic()
                for delegation, n in order:
                    user = run.user(delegation)
                    if typed:
                        run.fake.send(user, chat, f"/aprobar {n}")
                    else:
                        run.fake.press_button(user, cards[n], "Aprobar")
                    expected[run.fake.updates[-1]["update_id"]] = (delegation, n)
                await run.settle(timeout=600)
                wall = time.monotonic() - started
                calls = run.fake.calls[first_call:]
                writes = [c for c in calls if c.method in CHAT_WRITES and c.error is None]
                if "--calls" in sys.argv:
                    for c in writes:
                        print(
                            round(c.at - started, 2),
                            c.method,
                            str(c.params.get("text"))[:300].replace("\n", " | "),
                        )
                latencies = []
                for update_id, (delegation, n) in expected.items():
                    handed = run.fake.handed_out[update_id]
                    line = f"✅ aprueba {delegation}"
                    shown = [
                        c.at
                        for c in writes
                        if c.method == "editMessageText"
                        and int(c.params["message_id"]) == cards[n]["message_id"]
                        and c.at >= handed
                        and line in str(c.params.get("text"))
                    ]
                    latencies.append(min(shown) - handed)
                times = sorted(c.at for c in writes)
                busiest = max((sum(1 for u in times if t <= u < t + 60) for t in times), default=0)
                gaps = [b - a for a, b in itertools.pairwise(times)]
                quantiles = statistics.quantiles(latencies, n=20)
                return Result(
                    name=name,
                    positions=len(order),
                    messages=len(writes),
                    sends=sum(c.method == "sendMessage" for c in writes),
                    edits=sum(c.method == "editMessageText" for c in writes),
                    answers=sum(c.method == "answerCallbackQuery" for c in calls),
                    p50=statistics.median(latencies),
                    p95=quantiles[18],
                    busiest_minute=busiest,
                    min_gap=min(gaps, default=0.0),
                    wall=wall,
                )
        finally:
            await stores.close()


async def main() -> None:
    telegram = Limits()  # 1 message a second per chat, 20 a minute per group, 30 a second overall
    runs = [
        ("buttons, Telegram limits", telegram, False),
        ("typed /aprobar, Telegram limits", telegram, True),
        ("buttons, no client-side limits", Limits.off(), False),
    ]
    results = []
    for name, limits, typed in runs:
        print(f"running: {name} …", file=sys.stderr, flush=True)
        results.append(await one_run(name, limits, typed=typed))
    header = (
        f"{'run':<34}{'positions':>10}{'messages':>10}{'send':>6}{'edit':>6}{'answers':>9}"
        f"{'p50 s':>8}{'p95 s':>8}{'max/60s':>9}{'min gap s':>11}{'wall s':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        per_100 = r.messages * 100 / r.positions
        print(
            f"{r.name:<34}{r.positions:>10}{per_100:>10.0f}{r.sends:>6}{r.edits:>6}{r.answers:>9}"
            f"{r.p50:>8.2f}{r.p95:>8.2f}{r.busiest_minute:>9}{r.min_gap:>11.2f}{r.wall:>8.1f}"
        )
    print(
        "\nmessages = sendMessage + editMessageText the bot made in the group per 100 positions; answers ="
        " answerCallbackQuery (toasts to the presser, not chat messages).\nLatency: from the update's"
        " hand-out by getUpdates to the first card edit showing that delegation's position."
    )


if __name__ == "__main__":
    asyncio.run(main())
