"""A whole meeting like the institution's, counted in the calls Telegram rate-limits in the group.

    .venv/bin/python benchmarks/meeting_calls.py [--baseline /work/main] [--calls]

The meeting: 10 delegations and a rapporteur; the secretariat creates the meeting, sets the
delegations and invites each delegation and the rapporteur (the codes arrive privately); the 11 join
in a burst (people who got their code at about the same time); 6 points are proposed, then 11
sub-points (2, 2, 2, 2, 2 and 1); on each point the 10 delegations take their position in a burst,
half by the card's button and half by typing `/aprobar <n>`; the rapporteur compiles and finalizes,
the secretariat downloads. Each step waits until the bot is quiet (every update answered, no Bot API
call for half a second) before the next, as people read before they type.

What runs: the real `draftbot run` process in Telegram webhook mode against the fake Bot API server
(tests/telegram_fake) served by this script, on a fresh SQLite file, with TELEGRAM_RATE_LIMITS=off
(the pacing would only make the run minutes long; with it off, a burst's card edits coalesce less, so
the count is if anything higher). The same script, the same fake, the same steps run against this
checkout and against --baseline (another checkout of draftbot, default /work/main: its code is put
first on PYTHONPATH) in one run, so the two figures are measured side by side.

Printed: the calls Telegram rate-limits in the group (every Bot API call on the group's chat id except
answerCallbackQuery and reads), by method, for each tree; and a check of every card at the end: it
shows its point adopted, every sub-point, and an approval of every delegation; and every typed
`/aprobar` was acknowledged (a reaction on it, or its line in a group message).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.demo import DELEGATIONS  # noqa: E402
from tests.kit import MEETING as KIT_MEETING  # noqa: E402
from tests.processes import DraftbotProcess, free_port, telegram_webhook_env, until  # noqa: E402
from tests.telegram_fake.server import JSON, FakeTelegram  # noqa: E402

MEETING = "/" + KIT_MEETING  # the test kit's meeting, typed as a Telegram command
POINTS = [
    "Agradecer al Gobierno de Honduras por la hospitalidad brindada.",
    "Tomar nota del informe de la Secretaría Técnica sobre protección consular.",
    "Solicitar a la Secretaría Técnica que actualice el directorio de funcionarios de enlace.",
    "Encomendar a la Presidencia Pro-Témpore la organización de un taller regional.",
    "Aprobar el plan de trabajo de la Red para el próximo año.",
    "Recomendar al GRCM que considere los lineamientos regionales.",
]
SUBPOINTS = [2, 2, 2, 2, 2, 1]  # 11 in all
# What Telegram counts against a group's limits: everything the bot writes into the chat.
READS = {"getMe", "getChat", "getFile", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo"}
# Seconds without a Bot API call after every update was answered: the step is done. Pacing to
# Telegram's limits spaces the group's calls about 3 s apart.
QUIET = 0.5
QUIET_PACED = 4.0
WAIT = 300.0  # a guard against a stuck bot, not a measure


class Meeting:
    def __init__(self, fake: FakeTelegram, quiet: float) -> None:
        self.fake = fake
        self.quiet = quiet
        self.chat = fake.group("CRM")
        self.people: dict[str, JSON] = {}
        self.typed: list[tuple[str, int, JSON]] = []  # (delegation, point, the typed /aprobar)

    def user(self, name: str) -> JSON:
        if name not in self.people:
            self.people[name] = self.fake.user(name)
        return self.people[name]

    async def settle(self) -> None:
        fake = self.fake

        def quiet() -> bool:
            answered = all(u["update_id"] in fake.acknowledged for u in fake.updates)
            return answered and fake.in_flight == 0 and time.monotonic() - fake.last_call_at > self.quiet

        await until(quiet, "the bot to be quiet", timeout=WAIT, every=0.05)

    async def say(self, name: str, text: str) -> None:
        self.fake.send(self.user(name), self.chat, text)
        await self.settle()

    async def say_for_document(self, name: str, text: str) -> None:
        """A command answered with a file: rendering it may outlast a quiet spell, so this waits for
        the file itself to reach the group."""
        before = len(self.fake.documents(self.chat["id"]))
        await self.say(name, text)
        await until(
            lambda: len(self.fake.documents(self.chat["id"])) > before, f"the file of {text}", timeout=WAIT
        )
        await self.settle()

    def card(self, n: int) -> JSON:
        return self.fake.card(self.chat["id"], n)

    async def play(self) -> None:
        fake, chat = self.fake, self.chat
        st = self.user("Secretaría")
        fake.start_bot(st)
        await self.settle()
        await self.say("Secretaría", MEETING)
        await self.say("Secretaría", "/delegaciones " + "; ".join(DELEGATIONS))
        codes: dict[str, str] = {}
        for target in [*DELEGATIONS, "relator"]:
            before = len(fake.texts(st["id"]))
            await self.say("Secretaría", f"/invitar {target}")

            def code(before: int = before) -> list[str]:
                texts = fake.texts(st["id"])[before:]
                return [m.group(1) for t in texts if (m := re.search(r"/join (\S+)", t))]

            await until(lambda: bool(code()), f"the code for {target}", timeout=WAIT)
            codes[target] = code()[0]
        for target, code in codes.items():  # they join at about the same time
            fake.send(self.user("Relatoría" if target == "relator" else target), chat, f"/unirse {code}")
        await self.settle()
        for n, text in enumerate(POINTS, start=1):
            await self.say(DELEGATIONS[n % len(DELEGATIONS)], f"/proponer {text}")
        for n, count in enumerate(SUBPOINTS, start=1):
            for k in range(count):
                who = DELEGATIONS[(n + k + 3) % len(DELEGATIONS)]
                await self.say(who, f"/subpunto {n} Subpunto {k + 1} del punto {n}, con su propio texto.")
        for n in range(1, len(POINTS) + 1):
            card = self.card(n)
            for index, name in enumerate(DELEGATIONS):  # all ten at about the same time
                if index % 2:
                    self.typed.append((name, n, fake.send(self.user(name), chat, f"/aprobar {n}")))
                else:
                    fake.press_button(self.user(name), card, "Aprobar")
            await self.settle()
        await self.say_for_document("Relatoría", "/compilar")
        await self.say("Relatoría", "/finalizar")  # says so; the final is what /descargar sends
        await self.say_for_document("Secretaría", "/descargar")

    def wrong_cards(self) -> list[str]:
        """What is wrong with the cards at the end ([] when every card is right)."""
        wrong = []
        for n in range(1, len(POINTS) + 1):
            text = self.card(n).get("text", "")
            if not text.startswith(f"Punto {n} — adoptado"):
                wrong.append(f"card {n}: not shown adopted: {text.splitlines()[0]!r}")
            for k in range(SUBPOINTS[n - 1]):
                if f"Subpunto {k + 1} del punto {n}" not in text:
                    wrong.append(f"card {n}: sub-point {k + 1} missing")
            for name in DELEGATIONS:
                if f"✅ aprueba {name}" not in text:
                    wrong.append(f"card {n}: approval of {name} missing")
        # Every typed approval is acknowledged where its author sees it: a reaction on the command, or
        # a line of a message in the group.
        said = "\n".join(self.fake.texts(self.chat["id"]))
        for name, n, message in self.typed:
            reacted = (self.chat["id"], message["message_id"]) in self.fake.reactions
            if not reacted and f"{name} aprueba el punto {n}." not in said:
                wrong.append(f"/aprobar {n} by {name}: not acknowledged")
        return wrong

    def group_calls(self) -> Counter[str]:
        group = self.chat["id"]
        counted: Counter[str] = Counter()
        for call in self.fake.calls:
            if call.method in READS or call.method == "answerCallbackQuery" or call.error is not None:
                continue
            if str(call.params.get("chat_id")) == str(group):
                counted[call.method] += 1
        return counted


async def run_tree(
    tree: Path, tmp: Path, name: str, show: bool, limits: bool
) -> tuple[Counter[str], list[str], float]:
    fake = FakeTelegram(webhook_connections=40, webhook_retry=0.5)
    await fake.start()
    port = free_port()
    env = telegram_webhook_env(fake, f"sqlite:///{tmp / f'{name}.db'}", port)
    if limits:
        env["TELEGRAM_RATE_LIMITS"] = "telegram"
    bot = DraftbotProcess(env, tmp / f"{name}.log", tree=tree, name=name)
    try:
        await bot.start()
        meeting = Meeting(fake, QUIET_PACED if limits else QUIET)
        started = time.monotonic()
        await meeting.play()
        wall = time.monotonic() - started
        if show:
            for call in fake.calls:
                if str(call.params.get("chat_id")) == str(meeting.chat["id"]) and call.method not in READS:
                    text = str(call.params.get("text") or call.params.get("caption") or "")
                    print(f"  {name:<8} {call.method:<22} {text[:90]!r}".replace("\\n", " | "))
        return meeting.group_calls(), meeting.wrong_cards(), wall
    finally:
        await bot.stop()
        await fake.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--baseline", default="/work/main", help="another checkout to measure beside this one"
    )
    parser.add_argument("--calls", action="store_true", help="also print every group call")
    parser.add_argument(
        "--limits", action="store_true", help="the bot paces itself to Telegram's limits (minutes per tree)"
    )
    parser.add_argument("--only", choices=["baseline", "this"], help="run one tree only")
    args = parser.parse_args()
    trees = [("baseline", Path(args.baseline)), ("this", ROOT)]
    trees = [(name, tree) for name, tree in trees if args.only in (None, name)]
    results = {}
    with tempfile.TemporaryDirectory(prefix="draftbot-meeting-") as folder:
        for name, tree in trees:
            print(f"running: {name} ({tree}) …", file=sys.stderr, flush=True)
            results[name] = await run_tree(tree, Path(folder), name, args.calls, args.limits)
    pacing = "pacing itself to Telegram's limits" if args.limits else "TELEGRAM_RATE_LIMITS=off"
    print(
        f"One meeting ({len(DELEGATIONS)} delegations, {len(POINTS)} points with {sum(SUBPOINTS)} "
        "sub-points, "
        "invites, joins, half the approvals by button and half typed, compile, finalize, download) "
        f"through `draftbot run` ({pacing}) and the fake Telegram; calls Telegram rate-limits in the group:"
    )
    methods = sorted({m for counted, _, _ in results.values() for m in counted})
    header = f"{'method':<26}" + "".join(f"{name:>10}" for name, _ in trees)
    print(header)
    print("-" * len(header))
    for method in methods:
        print(f"{method:<26}" + "".join(f"{results[name][0][method]:>10}" for name, _ in trees))
    print("-" * len(header))
    print(f"{'total':<26}" + "".join(f"{sum(results[name][0].values()):>10}" for name, _ in trees))
    print(f"{'wall s':<26}" + "".join(f"{results[name][2]:>10.1f}" for name, _ in trees))
    ok = True
    for name, tree in trees:
        wrong = results[name][1]
        verdict = "every card correct, every typed approval acknowledged" if not wrong else "WRONG"
        print(f"at the end, {name} ({tree}): {verdict}")
        for line in wrong[:20]:
            print(f"  {line}")
        ok = ok and not wrong
    print("goal: at most 60, every card correct")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
