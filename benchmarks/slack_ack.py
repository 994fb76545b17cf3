"""How fast the Slack adapter acknowledges a burst of button presses, and how soon the cards catch up.

    .venv/bin/python benchmarks/slack_ack.py [--presses 200] [--points 10] [--runs 3] [--database URL]

The bot runs as it is deployed: `python -m bot.cli run` in its own process, in HTTP mode, with
SLACK_API_URL pointing at the fake Slack Web API (tests/slack_fake) that this script serves, and on a
fresh temporary SQLite file per run unless --database is given. Everything goes through the bot's real
`/slack/events` endpoint as signed requests: the secretariat creates a meeting and admits
presses/points delegations (invitation codes read from the ephemeral messages), the points are
proposed with `/draft proponer` so their cards are posted, and then every delegation presses Approve on
every card — all the presses sent at once.

Printed per run: the ack time (request sent → HTTP 200 received, as the sender sees it) p50, p95 and
max; how long from the first press until every card in the fake Slack shows its point adopted with all
its approvals; how many chat.update calls that took (edits of one card are coalesced, at most one a
second per card by default).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.store import SqlStoreFactory  # noqa: E402
from storage.tables import PositionRow  # noqa: E402
from tests.slack_fake.api import FakeSlack  # noqa: E402
from tests.slack_fake.sender import SlackSender  # noqa: E402

SECRET = "benchmark-signing-secret"
CHANNEL = "C0BENCH"
ST = "U0ST"
MEETING = (
    "nuevareunion\ntitulo: INFORME DE PRUEBA DE CARGA\nred: Red de Funcionarios de Enlace\n"
    "lugar: San Pedro Sula, Honduras\nfecha: 2016-11-15"
)
WAIT = 120.0  # a guard against a stuck bot, not a measure


@dataclass
class Run:
    acks_ms: list[float]
    statuses: list[int]
    cards_s: float
    updates: int
    positions: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not get to: {what}")
        await asyncio.sleep(0.002)


def at_least(count: Callable[[], int], n: int) -> Callable[[], bool]:
    return lambda: count() >= n


def cards_done(fake: FakeSlack, points: int, delegations: int) -> bool:
    cards = fake.cards(CHANNEL)
    if len(cards) < points:
        return False
    for card in cards:
        text = card.block_text()
        if " — adoptado" not in text.splitlines()[0] or f"{delegations} aprueban" not in text:
            return False
    return True


async def start_bot(
    fake: FakeSlack, database: str, port: int, log: Path, tree: Path = ROOT
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    env.update(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        SLACK_HOST="127.0.0.1",
        SLACK_PORT=str(port),
        DATABASE_URL=database,
        PYTHONPATH=str(tree),
        # The set-up awaits each join's announcement before the next; held to share one message
        # with others (bot/dispatch.py), each would arrive seconds later. The burst is unaffected.
        DRAFTBOT_DIGEST_SECONDS="0",
    )
    with log.open("ab") as out:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", cwd=str(tree), env=env, stdout=out, stderr=out
        )
    deadline = time.monotonic() + WAIT
    async with aiohttp.ClientSession() as session:
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    if answer.status == 200:
                        return bot
            if bot.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not start; see {log}")
            await asyncio.sleep(0.05)


async def one_run(database: str, presses: int, points: int, seed: int, log: Path, tree: Path = ROOT) -> Run:
    delegations = presses // points
    fake = await FakeSlack().start()
    port = free_port()
    bot = await start_bot(fake, database, port, log, tree)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, team=fake.team, session=session)
    try:
        # ---- the meeting, through the endpoint, waiting for each effect in the fake ----
        assert (await sender.command(ST, MEETING, CHANNEL)).status == 200
        await until(lambda: len(fake.texts(CHANNEL)) >= 1, "creating the meeting")
        names = [f"Delegación {n:02d}" for n in range(1, delegations + 1)]
        users = [f"U{n:04d}" for n in range(1, delegations + 1)]
        assert (await sender.command(ST, "delegaciones " + "; ".join(names), CHANNEL)).status == 200
        await until(lambda: len(fake.texts(CHANNEL)) >= 2, "setting the delegations")
        for index, (name, user) in enumerate(zip(names, users, strict=True), start=1):
            assert (await sender.command(ST, f"invitar {name}", CHANNEL)).status == 200
            await until(at_least(lambda: len(fake.ephemerals_for(ST)), index), f"inviting {name}")
            match = re.search(r"join (\S+)", fake.ephemerals_for(ST)[-1])
            assert match is not None
            assert (await sender.command(user, f"unirse {match.group(1)}", CHANNEL)).status == 200
            joined = at_least(lambda: sum(" se unió " in t for t in fake.texts(CHANNEL)), index)
            await until(joined, f"{name} joining")
        for n in range(1, points + 1):
            answer = await sender.command(
                users[n % delegations], f"proponer Punto de prueba número {n}.", CHANNEL
            )
            assert answer.status == 200
            await until(at_least(lambda: len(fake.cards(CHANNEL)), n), f"proposing point {n}")
        cards = fake.cards(CHANNEL)
        updates_before = len(fake.calls_to("chat.update"))

        # ---- the burst ----
        bodies = [
            sender.action_body(user, CHANNEL, card.ts, "approve", str(card.buttons()[0]["value"]))
            for card in cards
            for user in users
        ]
        random.Random(seed).shuffle(bodies)

        async def press(body: str) -> tuple[int, float]:
            answer = await sender.post(body, "application/x-www-form-urlencoded")
            return answer.status, answer.ack_ms

        started = time.perf_counter()
        results = await asyncio.gather(*(press(b) for b in bodies))
        await until(lambda: cards_done(fake, points, delegations), "updating every card")
        cards_s = time.perf_counter() - started
        await asyncio.sleep(1.5)  # any edit still due is made (and counted)
        updates = len(fake.calls_to("chat.update")) - updates_before
    finally:
        await sender.close()
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(bot.wait(), 30)
            except TimeoutError:
                bot.kill()
        await fake.stop()
    stores = await SqlStoreFactory.open(database, migrate=False)
    try:
        positions = await stores.count(PositionRow)
    finally:
        await stores.close()
    return Run([ms for _, ms in results], [status for status, _ in results], cards_s, updates, positions)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--points", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--database", default="", help="a database URL; default: a temporary SQLite file per run"
    )
    parser.add_argument(
        "--baseline",
        default="",
        help="another checkout of draftbot (e.g. /work/main) measured in the same run, runs alternating",
    )
    args = parser.parse_args()
    if args.presses % args.points:
        parser.error("--presses must be a multiple of --points (every delegation presses every card)")
    trees = [("this", ROOT)] + ([("baseline", Path(args.baseline))] if args.baseline else [])
    runs: dict[str, list[Run]] = {name: [] for name, _ in trees}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "bot.log"
        for n in range(args.runs):
            for name, tree in trees:  # alternating, so both see the same disturbance from the machine
                database = args.database or f"sqlite:///{Path(tmp) / f'bench-{name}-{n}.db'}"
                runs[name].append(await one_run(database, args.presses, args.points, n, log, tree))

    delegations = args.presses // args.points
    backend = "PostgreSQL" if args.database.startswith("postgres") else "SQLite"
    print(
        f"Slack ack under a burst: {args.presses} signed button presses sent at once to /slack/events of "
        f"`draftbot run` ({args.points} cards × {delegations} delegations, {backend}, {args.runs} runs)"
    )
    header = (
        f"{'tree':<9}{'run':>3}  {'ack p50 ms':>10}  {'ack p95 ms':>10}  {'ack max ms':>10}  {'non-200':>7}  "
        f"{'all cards updated s':>19}  {'chat.update':>11}  {'positions':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, tree in trees:
        for n, run in enumerate(runs[name], start=1):
            bad = sum(1 for s in run.statuses if s != 200)
            print(
                f"{name:<9}{n:>3}  {percentile(run.acks_ms, 50):>10.1f}  "
                f"{percentile(run.acks_ms, 95):>10.1f}  "
                f"{max(run.acks_ms):>10.1f}  {bad:>7}  {run.cards_s:>19.2f}  {run.updates:>11}  "
                f"{run.positions:>9}"
            )
        every = [ms for run in runs[name] for ms in run.acks_ms]
        print(
            f"{name:<9}{'all':>3}  {percentile(every, 50):>10.1f}  {percentile(every, 95):>10.1f}  "
            f"{max(every):>10.1f}  {sum(1 for r in runs[name] for s in r.statuses if s != 200):>7}  "
            f"{statistics.median(r.cards_s for r in runs[name]):>19.2f}  (median of the runs)  {tree}"
        )
        print("-" * len(header))


if __name__ == "__main__":
    asyncio.run(main())
