"""SIGKILL in the middle of a burst of positions: nothing acknowledged is lost, nothing doubled, cards right.

`draftbot run` runs as a real process in Telegram webhook mode against the fake Bot API server, on a
SQLite file and (when TEST_POSTGRES_URL is set) on a fresh PostgreSQL database. Ten delegations take a
position on each of ten points (100 button presses, approvals and abstentions). The fake posts updates
over 8 connections at once and, like Telegram, posts again every update that did not get a 200.

The kill is made to land in the worst places, deterministically, with the fake's gates (no sleeps,
no timing assumptions):

1. card edits are held from the start of the burst, so no card shows any of its positions;
2. the first 50 presses (points 1-5) are all processed and acknowledged;
3. button answers are then held too, and the other 50 presses are posted: the 8 in flight have been
   committed but not answered (their webhook requests are still open) when the process is SIGKILLed.

Then, right after the kill: every update that got a 200 has its position in the database. After a
restart (the fake re-delivers the 8 committed-but-unanswered updates and the 42 never seen): every
position is in the database exactly once (positions, position history, processed update ids, audit
entries all exactly 100; the audit trail takes positions from their history rows), and every card on
the fake server shows exactly what the database says, once per point: points 1-5 get no new position
after the restart, so only the redraw of stale cards puts them right.

Removing any protection makes this fail (see the closing note of issue 5): without the update-id claim
the 8 re-delivered presses are counted twice (position history 108); answering 200 before processing
(python-telegram-bot's own webhook server) loses acknowledged presses; without the stale-card redraw
the cards of points 1-5 keep showing no positions. `DRAFTBOT_FAULT_TREE=/path/to/a/copy` runs the bot
process from another copy of the source tree, to check exactly that.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.telegram.render import card_text
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import (
    DelegationRow,
    PointRow,
    PositionHistoryRow,
    PositionRow,
    ProcessedUpdateRow,
)
from tests.kit import DELEGATIONS
from tests.processes import (
    ROOT,
    DraftbotProcess,
    card_count,
    free_port,
    seed_telegram_meeting,
    telegram_webhook_env,
    until,
)
from tests.telegram_fake.server import JSON, FakeTelegram

POINTS = 10
CONNECTIONS = 8
TREE = Path(os.environ.get("DRAFTBOT_FAULT_TREE") or ROOT)


@dataclass(frozen=True)
class Press:
    delegation: str
    point: int  # the point's number
    action: str  # "approve" | "abstain"


def burst() -> list[Press]:
    """Point by point; about a third abstain, so tallies are not all alike."""
    return [
        Press(name, n, "abstain" if (i + n) % 3 == 0 else "approve")
        for n in range(1, POINTS + 1)
        for i, name in enumerate(DELEGATIONS)
    ]


@asynccontextmanager
async def world(url: str, tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, SqlStoreFactory]]:
    fake = FakeTelegram(webhook_connections=CONNECTIONS, webhook_retry=0.2)
    await fake.start()
    stores = await SqlStoreFactory.open(url)
    try:
        yield fake, stores
    finally:
        await stores.close()
        await fake.stop()


async def standing(stores: SqlStoreFactory) -> dict[tuple[str, int], str]:
    """(delegation, point number) -> stance, as the database has it."""
    async with stores.engine.connect() as conn:
        rows = await conn.execute(
            select(DelegationRow.name, PointRow.number, PositionRow.stance)
            .join(DelegationRow, DelegationRow.id == PositionRow.delegation_id)
            .join(PointRow, PointRow.id == PositionRow.point_id)
        )
        return {(name, number): stance for name, number, stance in rows}


async def processed(stores: SqlStoreFactory) -> list[str]:
    async with stores.engine.connect() as conn:
        rows = await conn.execute(
            select(ProcessedUpdateRow.key).where(ProcessedUpdateRow.platform == "telegram")
        )
        return [key for (key,) in rows]


async def audited_positions(stores: SqlStoreFactory) -> int:
    """Positions in the meeting's audit trail (which takes them from their history rows: issue 12)."""
    async with stores.read() as store:
        meetings = (await store.s.scalars(select(PointRow.meeting_id).distinct())).all()
        entries = [e for m in meetings for e in await store.audit_log(m)]
    return len([e for e in entries if e.action in ("approve", "abstain")])


def quiet_for(fake: FakeTelegram, seconds: float) -> Callable[[], bool]:
    """True once neither side has done anything for `seconds`: the system is stuck at the gates."""
    seen = [-1, -1, time.monotonic()]

    def check() -> bool:
        now = time.monotonic()
        state = [len(fake.calls), len(fake.webhook_posts)]
        if state != seen[:2]:
            seen[:] = [*state, now]
            return False
        return now - seen[2] >= seconds

    return check


async def cards_right(fake: FakeTelegram, service: DraftingService, chat: JSON, ids: dict[int, int]) -> bool:
    for n, point_id in ids.items():
        card = await service.card(point_id)
        assert card is not None
        if card_count(fake, chat["id"], n) != 1 or fake.card(chat["id"], n).get("text") != card_text(card):
            return False
    return not await service.stale_cards("telegram")


async def test_sigkill_in_a_burst_loses_no_acknowledged_position_doubles_none_and_redraws_cards(
    any_url: str, tmp_path: Path
) -> None:
    async with world(any_url, tmp_path) as (fake, stores):
        service = DraftingService(stores)
        chat = fake.group("CRM")
        people = await seed_telegram_meeting(service, fake, chat, DELEGATIONS)
        port = free_port()
        log = tmp_path / "bot.log"
        env = telegram_webhook_env(fake, any_url, port)
        # Step 3 holds the presses' answerCallbackQuery calls to stop the bot between a commit and its
        # 200; answered inside the 200 (the default), a press has no such call to hold.
        env["TELEGRAM_WEBHOOK_ANSWERS"] = "call"
        bot = DraftbotProcess(env, log, tree=TREE, name="draftbot")
        try:
            await bot.start()
            # ---- ten points, each with its card ----
            for n in range(1, POINTS + 1):
                who = people[DELEGATIONS[n % len(DELEGATIONS)]]
                fake.send(who, chat, f"/proponer Punto de prueba {n}: tomar nota del informe.")
            await until(lambda: not fake.unacknowledged(), "the proposals to be acknowledged")
            await until(
                lambda: all(card_count(fake, chat["id"], n) == 1 for n in range(1, POINTS + 1)),
                "the ten cards",
            )
            cards = {n: fake.card(chat["id"], n) for n in range(1, POINTS + 1)}
            ids = {
                n: int(cards[n]["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
                for n in cards
            }
            letters = {"approve": "a", "abstain": "x"}

            def push(press: Press) -> int:
                data = f"p:{ids[press.point]}:{letters[press.action]}"
                fake.press(people[press.delegation], cards[press.point], data)
                return int(fake.updates[-1]["update_id"])

            presses = burst()
            update_of: dict[int, Press] = {}

            # ---- 1 and 2: edits held; the first half processed and acknowledged ----
            edits = fake.hold("editMessageText")
            for press in presses[:50]:
                update_of[push(press)] = press
            await until(lambda: all(u in fake.acknowledged for u in update_of), "the first 50 presses")

            # ---- 3: answers held too; the second half posted; kill once everything is stuck ----
            answers = fake.hold("answerCallbackQuery")
            for press in presses[50:]:
                update_of[push(press)] = press
            held = len([c for c in fake.calls if c.method == "answerCallbackQuery"])
            await until(
                lambda: len([c for c in fake.calls if c.method == "answerCallbackQuery"]) > held,
                "a press to be waiting for its answer",
            )
            await until(quiet_for(fake, 0.5), "the bot to be stuck at the held calls")
            acknowledged = {u for u in update_of if u in fake.acknowledged}
            bot.kill()

            # ---- right after the kill: everything acknowledged is in the database ----
            now = await standing(stores)
            lost = [
                update_of[u]
                for u in sorted(acknowledged)
                if now.get((update_of[u].delegation, update_of[u].point)) != update_of[u].action
            ]
            assert not lost, f"{len(lost)} acknowledged presses are not in the database: {lost[:5]}"
            in_flight = [
                p
                for u, p in update_of.items()
                if u not in acknowledged and now.get((p.delegation, p.point)) == p.action
            ]
            assert in_flight, "the kill did not land between a commit and its answer"
            stale = {c.point_id for c in await service.stale_cards("telegram")}
            assert {ids[n] for n in range(1, 6)} <= stale, "cards were edited before the kill"

            # ---- restart: the fake re-delivers what got no 200 ----
            edits.set()
            answers.set()
            fake.gates.clear()
            await until(lambda: fake.in_flight == 0, "the held calls of the dead process to finish")
            bot = DraftbotProcess(env, log, tree=TREE, name="draftbot (restarted)")
            await bot.start()
            await until(
                lambda: not fake.unacknowledged(), "every update to be acknowledged after the restart"
            )

            # ---- nothing lost, nothing doubled ----
            final = await standing(stores)
            expected = {(p.delegation, p.point): p.action for p in presses}
            assert final == expected
            assert await stores.count(PositionRow) == len(presses)
            assert await stores.count(PositionHistoryRow) == len(presses), "a position was counted twice"
            assert await audited_positions(stores) == len(presses)
            keys = await processed(stores)
            pressed_keys = [k for k in keys if k.startswith("cb:")]
            assert len(pressed_keys) == len(set(pressed_keys)) == len(presses)

            # ---- every card right, once per point ----
            try:
                await until(
                    lambda: cards_right(fake, service, chat, ids),
                    "every card to show the database",
                    timeout=60,
                )
            except TimeoutError:
                wrong = []
                for n, point_id in ids.items():
                    card = await service.card(point_id)
                    assert card is not None
                    shown = fake.card(chat["id"], n).get("text", "")
                    if shown != card_text(card):
                        wrong.append(f"point {n}: shows {shown.splitlines()[-1]!r}, should be {card.tally!r}")
                raise AssertionError(f"cards wrong after the restart: {wrong}") from None
            for n in ids:
                approvals = sum(1 for p in presses if p.point == n and p.action == "approve")
                abstentions = sum(1 for p in presses if p.point == n and p.action == "abstain")
                text = fake.card(chat["id"], n)["text"]
                assert f"{approvals} aprueban" in text and f"{abstentions} se abstienen" in text, text
        except BaseException:
            print(bot.output()[-6000:])
            raise
        finally:
            await bot.stop()
