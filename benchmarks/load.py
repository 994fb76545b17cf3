"""Load: 35 delegations × 50 points = 1,750 positions as one burst of button presses, through the fake
Telegram server, against `draftbot run` and against a bare python-telegram-bot echo bot; then the
compile benchmark (benchmarks/compile_report.py, with pandoc) in the same run.

    .venv/bin/python benchmarks/load.py [--modes webhook,polling] [--postgres URL] [--no-compile]
        [--rounds N] [--baseline DIR] [--no-echo] [--no-core]

The machine's load drifts from one minute to the next (the echo bot alone has measured anywhere from
170 to 700 presses/s on a shared 2-core machine), so every figure is measured `--rounds` times (3 by
default), alternating: in each round the echo bot runs right before each database's draftbot runs,
and each draftbot run is compared with that echo run; the median of those ratios is the figure.

What runs: the real `draftbot run` process (`python -m bot.cli run`), pointed at the fake Bot API server
(tests/telegram_fake) served by this script, with TELEGRAM_RATE_LIMITS=off: Telegram's real limits
(about one message a second per chat, 20 a minute per group) would make any bot take ~30 minutes to
show 1,750 card changes in one group, so they are switched off to measure the bot itself; 429s would
still be honoured. Two update modes:

- webhook: what several workers use. The fake posts updates over 40 connections at once (Telegram's
  default max_connections); draftbot answers each only after its effect is committed.
- polling: getUpdates long polling; python-telegram-bot hands draftbot one update at a time.

The meeting (35 delegations, one delegate each) is written through the service into the database
first; the 50 points are proposed through the bot, so their cards are posted; then every delegation
presses Approve on every card, all 1,750 presses pushed at once in a shuffled order.

The echo bot (benchmarks/echo_bot.py: python-telegram-bot defaults, answers each button press, echoes
texts) gets the same 1,750 presses on 50 cards of the same fake server, in the same mode.

Figures:
- positions/s: presses ÷ (last press answered − first press handed out).
- latency: from the moment the fake hands an update to the bot (getUpdates response, or the start of
  the webhook POST) until the bot's answerCallbackQuery for that press reaches the fake: a request of
  its own (the echo bot; draftbot polling), or, for draftbot by webhook, the webhook's 200 naming it
  (read by the fake as Telegram does). draftbot answers a press only after the transaction that
  records the position has committed, so this is an upper bound of "handed out → effect committed";
  for the echo bot, the answer is its whole effect.
- peak RSS: the bot process's peak resident set size (VmHWM), read just before it is stopped.
- counted: positions and position-history rows in the database afterwards (must be 1,750 each).
- cards s: from the first press until all 50 cards in the fake show their point adopted by 35.

PostgreSQL: a throwaway database on --postgres (default TEST_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/test), created and dropped here; skipped with a message when it
does not answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from alembic import command as alembic_command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from drafting.service import DraftingService  # noqa: E402
from storage.migrate import alembic_config  # noqa: E402
from storage.store import SqlStoreFactory  # noqa: E402
from storage.tables import PositionHistoryRow, PositionRow  # noqa: E402
from tests.pg import admin, throwaway_database  # noqa: E402
from tests.processes import (  # noqa: E402
    DraftbotProcess,
    bot_env,
    free_port,
    seed_telegram_meeting,
    telegram_webhook_env,
    until,
)
from tests.telegram_fake.server import BOT_ID, JSON, FakeTelegram  # noqa: E402

DELEGATIONS = 35
POINTS = 50
CONNECTIONS = 40  # Telegram's default max_connections for a webhook
WAIT = 600.0
SEED = 7


@dataclass
class Result:
    bot: str
    mode: str
    database: str
    positions: int
    per_second: float
    p50: float
    p95: float
    p99: float
    rss_mib: float
    counted: str
    cards_s: float | None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def new_fake(mode: str) -> FakeTelegram:
    if mode == "webhook":
        return FakeTelegram(webhook_connections=CONNECTIONS, webhook_retry=0.5)
    return FakeTelegram()


class Answers:
    """answerCallbackQuery calls as they reach the fake: callback id -> arrival time."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.seen = 0
        self.at: dict[str, float] = {}

    def scan(self) -> int:
        calls = self.fake.calls
        while self.seen < len(calls):
            call = calls[self.seen]
            self.seen += 1
            if call.method == "answerCallbackQuery" and call.error is None:
                self.at.setdefault(str(call.params.get("callback_query_id")), call.at)
        return len(self.at)


async def burst(fake: FakeTelegram, presses: list[tuple[JSON, JSON, str]]) -> tuple[list[float], float]:
    """Pushes every press at once; returns the latencies (s) and the positions per second."""
    answers = Answers(fake)
    answers.scan()
    queries: dict[str, int] = {}
    for user, card, data in presses:
        query = fake.press(user, card, data)
        queries[query["id"]] = int(fake.updates[-1]["update_id"])
    await until(
        lambda: answers.scan() >= len(queries) and all(q in answers.at for q in queries),
        "every answer",
        timeout=WAIT,
        every=0.01,
    )
    latencies = [answers.at[q] - fake.handed_out[u] for q, u in queries.items()]
    first = min(fake.handed_out[u] for u in queries.values())
    last = max(answers.at[q] for q in queries)
    return latencies, len(queries) / (last - first)


# ---- draftbot ------------------------------------------------------------------------------------------


async def _open_for(tree: Path, database: str) -> SqlStoreFactory:
    """The database as `tree`'s code expects it: a baseline tree from before a migration of this one
    would refuse to start on a database this tree migrated further, so it is migrated only as far as
    the tree's own newest migration (this tree's code then seeds the meeting in it)."""
    if tree == ROOT:
        return await SqlStoreFactory.open(database)
    stores = await SqlStoreFactory.open(database, migrate=False)
    config = Config()
    config.set_main_option("script_location", str(tree / "storage" / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None

    def upgrade(connection: Connection) -> None:
        alembic_command.upgrade(alembic_config(connection), head)

    async with stores.engine.begin() as connection:
        await connection.run_sync(upgrade)
    return stores


async def run_draftbot(
    mode: str,
    database: str,
    label: str,
    tmp: Path,
    profile: Path | None = None,
    tree: Path = ROOT,
    name: str = "draftbot run",
) -> Result:
    fake = new_fake(mode)
    await fake.start()
    stores = await _open_for(tree, database)
    bot: DraftbotProcess | None = None
    try:
        service = DraftingService(stores)
        chat = fake.group("CRM")
        names = [f"Delegación {n:02d}" for n in range(1, DELEGATIONS + 1)]
        people = await seed_telegram_meeting(service, fake, chat, names)
        if mode == "webhook":
            env = telegram_webhook_env(fake, database, free_port())
        else:
            env = bot_env(
                TELEGRAM_BOT_TOKEN=fake.token,
                TELEGRAM_BASE_URL=fake.base_url,
                TELEGRAM_BASE_FILE_URL=fake.base_file_url,
                TELEGRAM_RATE_LIMITS="off",
                TELEGRAM_POLL_TIMEOUT="5",
                DATABASE_URL=database,
            )
        env["DRAFTBOT_LOG_FORMAT"] = "json"
        bot = await DraftbotProcess(
            env, tmp / f"draftbot-{mode}-{label}-{tree.name}.log", name="draftbot", profile=profile, tree=tree
        ).start()
        for n in range(1, POINTS + 1):
            fake.send(
                people[names[n % DELEGATIONS]], chat, f"/proponer Punto de prueba número {n}: tomar nota."
            )
        await until(lambda: len(_cards(fake, chat)) >= POINTS, "the 50 cards", timeout=WAIT)
        cards = _cards(fake, chat)
        order = [(people[name], card, f"p:{_point_id(card)}:a") for card in cards.values() for name in names]
        random.Random(SEED).shuffle(order)
        started = time.monotonic()
        latencies, per_second = await burst(fake, order)
        rss = bot.peak_rss_mib()

        def adopted() -> bool:
            shown = _cards(fake, chat)
            return all(
                m["text"].startswith(f"Punto {n} — adoptado") and f"{DELEGATIONS} aprueban" in m["text"]
                for n, m in shown.items()
            )

        await until(adopted, "every card to show its point adopted", timeout=WAIT, every=0.05)
        cards_s = time.monotonic() - started
        rss = max(rss, bot.peak_rss_mib())
        await bot.stop()
        positions = await stores.count(PositionRow)
        history = await stores.count(PositionHistoryRow)
        return Result(
            name,
            mode,
            label,
            len(order),
            per_second,
            percentile(latencies, 50) * 1000,
            percentile(latencies, 95) * 1000,
            percentile(latencies, 99) * 1000,
            rss,
            f"{positions}/{history}",
            cards_s,
        )
    finally:
        if bot is not None:
            await bot.stop()
        await stores.close()
        await fake.stop()


def _cards(fake: FakeTelegram, chat: JSON) -> dict[int, JSON]:
    out: dict[int, JSON] = {}
    for message in fake.bot_messages(chat["id"]):
        text = message.get("text", "")
        if text.startswith("Punto ") and " — " in text.split("\n", 1)[0]:
            with contextlib.suppress(ValueError):
                out[int(text.split(" — ", 1)[0].removeprefix("Punto "))] = message
    return out


def _point_id(card: JSON) -> int:
    return int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])


# ---- the core alone ------------------------------------------------------------------------------------


async def core_alone(database: str) -> tuple[float, float, float]:
    """The same 1,750 presses straight into `DraftingService.press`, one after another, no Telegram at
    all: (presses/s, ms per card read, ms per empty transaction). Where the bot's time goes."""
    from sqlalchemy import text

    from drafting.model import ChatRef, UserRef
    from drafting.turn import Context

    stores = await SqlStoreFactory.open(database)
    try:
        service = DraftingService(stores)
        fake = FakeTelegram()  # only to name the users; not started
        chat = fake.group("CRM")
        names = [f"Delegación {n:02d}" for n in range(1, DELEGATIONS + 1)]
        people = await seed_telegram_meeting(service, fake, chat, names)
        room = ChatRef("telegram", str(chat["id"]))

        def ctx(name: str, key: str) -> Context:
            user = people[name]
            return Context(room, UserRef("telegram", str(user["id"]), "", name), prefix="/", dedup_key=key)

        points = []
        for n in range(1, POINTS + 1):
            outcome = await service.handle_text(ctx(names[n % DELEGATIONS], f"p{n}"), f"proponer Punto {n}.")
            points.append(outcome.point_ids[0])
        order = [(name, point) for point in points for name in names]
        random.Random(SEED).shuffle(order)
        started = time.perf_counter()
        for i, (name, point) in enumerate(order):
            await service.press(ctx(name, f"cb:{i}"), point, "approve")
        per_second = len(order) / (time.perf_counter() - started)
        started = time.perf_counter()
        for point in points:
            await service.card_and_messages(point)
        card_ms = (time.perf_counter() - started) / len(points) * 1000

        async def empty() -> None:
            async with stores.transaction() as store:
                await store.s.execute(text("SELECT 1"))

        started = time.perf_counter()
        for _ in range(200):
            await empty()
        empty_ms = (time.perf_counter() - started) / 200 * 1000
        return per_second, card_ms, empty_ms
    finally:
        await stores.close()


# ---- the echo bot -------------------------------------------------------------------------------------


async def run_echo(mode: str, tmp: Path) -> Result:
    fake = new_fake(mode)
    await fake.start()
    log = tmp / f"echo-{mode}.log"
    env = bot_env(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_BASE_URL=fake.base_url,
        TELEGRAM_BASE_FILE_URL=fake.base_file_url,
    )
    if mode == "webhook":
        port = free_port()
        env.update(
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            TELEGRAM_WEBHOOK_SECRET="echo-secret",
            ECHO_PORT=str(port),
        )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")], env=env, stdout=out, stderr=out
        )
    try:
        chat = fake.group("CRM")
        users = [fake.user(f"Delegación {n:02d}") for n in range(1, DELEGATIONS + 1)]
        cards = []
        for n in range(1, POINTS + 1):
            keyboard = {"inline_keyboard": [[{"text": "Aprobar", "callback_data": f"p:{n}:a"}]]}
            cards.append(fake._message(chat, fake.bot_user, text=f"Punto {n}", reply_markup=keyboard))
        await until(
            lambda: fake.webhook is not None if mode == "webhook" else fake.polled, "the echo bot", timeout=60
        )
        # one text first: the bot is really up (its webhook server listening) before the burst
        fake.send(users[0], chat, "hola")
        await until(
            lambda: any(m.get("text") == "hola" for m in fake.bot_messages(chat["id"])),
            "the echo",
            timeout=60,
        )
        assert all(m["from"]["id"] == BOT_ID for m in cards)
        order = [
            (user, card, card["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
            for card in cards
            for user in users
        ]
        random.Random(SEED).shuffle(order)
        latencies, per_second = await burst(fake, order)
        rss = _peak_rss(process.pid)
        return Result(
            "bare PTB echo bot",
            mode,
            "-",
            len(order),
            per_second,
            percentile(latencies, 50) * 1000,
            percentile(latencies, 95) * 1000,
            percentile(latencies, 99) * 1000,
            rss,
            "-",
            None,
        )
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        await fake.stop()


def _peak_rss(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ---- PostgreSQL ------------------------------------------------------------------------------------


# ---- the table ----------------------------------------------------------------------------------------


def print_table(results: list[Result]) -> None:
    header = (
        f"{'bot':<18} {'mode':<8} {'database':<10} {'positions':>9} {'pos/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'peak RSS MiB':>12} {'counted':>10} {'cards s':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        cards = f"{r.cards_s:>7.1f}" if r.cards_s is not None else f"{'-':>7}"
        print(
            f"{r.bot:<18} {r.mode:<8} {r.database:<10} {r.positions:>9} {r.per_second:>7.0f} {r.p50:>7.1f} "
            f"{r.p95:>7.1f} {r.p99:>7.1f} {r.rss_mib:>12.0f} {r.counted:>10} {cards}"
        )
    print()
    # Each bot run against the echo run measured right before it (the same minute of the machine).
    ratios: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    echo: Result | None = None
    for r in results:
        if r.bot.startswith("bare"):
            echo = r
        elif echo is not None and echo.mode == r.mode:
            pair = (r.per_second / echo.per_second, r.p95 / echo.p95)
            ratios.setdefault((r.mode, r.database, r.bot), []).append(pair)
    for (mode, database, bot), pairs in ratios.items():
        rates = ", ".join(f"{rate:.2f}×" for rate, _ in pairs)
        print(
            f"{mode}, {database}, {bot}: positions/s {statistics.median(p[0] for p in pairs):.2f}× the echo "
            f"bot's, median of {len(pairs)} ({rates}) (goal: at least 0.50×); p95 latency "
            f"{statistics.median(p[1] for p in pairs):.2f}× the echo bot's (goal: at most 3×)"
        )


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--modes", default="webhook,polling", help="webhook, polling or both (comma-separated)"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL server URL to create a throwaway database on ('' to skip PostgreSQL)",
    )
    parser.add_argument("--no-compile", action="store_true", help="leave out the compile benchmark")
    parser.add_argument(
        "--baseline",
        default="",
        help="another checkout of draftbot (e.g. /work/main) whose `draftbot run` is measured too, "
        "in the same run (its rows are named 'baseline run')",
    )
    parser.add_argument("--no-echo", action="store_true", help="leave out the bare echo bot")
    parser.add_argument("--no-core", action="store_true", help="leave out the core-alone measurement")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="how many times the echo bot and each draftbot run are measured, alternating (the machine's "
        "load drifts: each draftbot run is compared with the echo run right before it; the median of "
        "those ratios is the figure)",
    )
    args = parser.parse_args()
    trees = [("draftbot run", ROOT)] + ([("baseline run", Path(args.baseline))] if args.baseline else [])
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    print(
        f"Load: {DELEGATIONS} delegations × {POINTS} points = {DELEGATIONS * POINTS} button presses in one "
        f"burst through the fake Telegram Bot API server; Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs."
    )
    print(
        "TELEGRAM_RATE_LIMITS=off for every run: Telegram's real limits (≈1 message/s per chat, "
        "20/min per group) would dominate any bot; they are off to measure the bot itself."
    )
    results: list[Result] = []
    postgres_ok = bool(args.postgres)
    if postgres_ok:
        try:
            await admin(args.postgres, "SELECT 1")
        except Exception as error:
            print(f"PostgreSQL at {args.postgres} does not answer ({error}); its rows are skipped.")
            postgres_ok = False
    else:
        print("PostgreSQL: skipped (--postgres '').")
    cores: list[tuple[str, tuple[float, float, float]]] = []
    with tempfile.TemporaryDirectory(prefix="draftbot-load-") as folder:
        tmp = Path(folder)
        for mode in modes:
            for round_ in range(1, max(1, args.rounds) + 1):
                print(f"-- {mode}, round {round_}", file=sys.stderr, flush=True)
                for database in ["SQLite", *(["PostgreSQL"] if postgres_ok else [])]:
                    # the yardstick right before what it measures, every time
                    if not args.no_echo:
                        print(f"running: bare echo bot, {mode} …", file=sys.stderr, flush=True)
                        results.append(await run_echo(mode, tmp))
                    for name, tree in trees:
                        print(f"running: {name}, {mode}, {database} …", file=sys.stderr, flush=True)
                        if database == "SQLite":
                            url = f"sqlite:///{tmp / f'load-{mode}-{len(results)}.db'}"
                            results.append(await run_draftbot(mode, url, database, tmp, tree=tree, name=name))
                            continue
                        async with throwaway_database(args.postgres, "draftbot_load") as url:
                            results.append(await run_draftbot(mode, url, database, tmp, tree=tree, name=name))
        if not args.no_core:
            print("running: the core alone …", file=sys.stderr, flush=True)
            cores.append(("SQLite", await core_alone(f"sqlite:///{tmp / 'core.db'}")))
            if postgres_ok:
                async with throwaway_database(args.postgres, "draftbot_load") as url:
                    cores.append(("PostgreSQL", await core_alone(url)))
    print()
    print_table(results)
    if cores:
        print()
        print(
            "Where the time goes: the same presses straight into DraftingService.press, one at a time, "
            "no Telegram:"
        )
        for name, (per_second, card_ms, empty_ms) in cores:
            print(
                f"  {name:<10} {per_second:>5.0f} presses/s ({1000 / per_second:.1f} ms each); "
                f"reading a card to redraw it {card_ms:.1f} ms; "
                f"an empty transaction (BEGIN; SELECT 1; COMMIT) {empty_ms:.2f} ms"
            )
    print()
    print("pos/s: presses ÷ (last press answered − first press handed out).")
    print(
        "latency: update handed out by the fake (getUpdates answer, or start of the webhook POST) → the bot's"
        " answerCallbackQuery for it reaching the fake (draftbot by webhook: named in its 200, as Telegram"
        " allows). draftbot answers a press only after the position is committed, so this bounds 'handed"
        " out → effect committed' from above."
    )
    print(
        "webhook: the fake posts over 40 connections at once; draftbot answers 200 after the commit, "
        "the echo bot (python-telegram-bot's run_webhook) at once. polling: one update at a time in both."
    )
    print(
        "peak RSS: VmHWM of the bot process, read at the end of the burst (goal for `draftbot run`: at "
        "most 150 MiB). counted: positions / position-history rows afterwards."
    )
    print("cards s: first press → every card in the fake shows its point adopted by all 35 delegations.")
    if not args.no_compile:
        print()
        print("Compile (benchmarks/compile_report.py):", flush=True)
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compile_report.py")], check=False)
        if done.returncode != 0:
            print(f"compile benchmark failed (exit {done.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
