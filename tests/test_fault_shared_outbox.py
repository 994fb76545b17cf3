"""Three workers share one outbox: one busy group at Telegram's real limits, a worker SIGKILLed while it
holds the group's sends, and still every message arrives once and every card ends right (issue 12).

Three `draftbot run` processes in Telegram webhook mode on one PostgreSQL, behind a round-robin
balancer, pace the group by Telegram's limits (TELEGRAM_RATE_LIMITS=telegram); the fake Bot API
enforces the same limits (about one call a second per chat, twenty a minute per group, 429 with
`retry_after` beyond them; `tests.telegram_fake.flood`).

The kill lands deterministically where it hurts, with the fake's gates (no sleeps, no timing): card
edits are held, then a burst (presses on the three cards, then six new proposals, each an announcement
and a card to post) is processed and acknowledged; whichever worker sends to the group is stuck in a
card edit with the rest of the burst waiting behind it when it is SIGKILLed. Its lease runs out and
another worker sends what it held; four more proposals come after the kill.

Then: each proposal's announcement is in the group exactly once (merged texts counted by their
content), each point has exactly one card and every card shows what the database says, nobody is told
a message may not have arrived, and the outbox is empty. On main (each worker sending from its own
memory) the killed worker's burst is lost: `DRAFTBOT_FAULT_TREE=/work/main` shows it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import select

from drafting.i18n import t
from drafting.service import DraftingService
from storage.delivery_tables import OutboxChatRow, OutboxRow
from storage.store import SqlStoreFactory
from storage.tables import PointRow, PositionRow
from tests.kit import DELEGATIONS
from tests.processes import (
    ROOT,
    Balancer,
    DraftbotProcess,
    card_count,
    free_port,
    seed_telegram_meeting,
    telegram_webhook_env,
    until,
)
from tests.telegram_fake.flood import FloodLimits
from tests.telegram_fake.server import FakeTelegram
from tests.test_fault_kill import cards_right

WORKERS = 3
SECRET = "outbox-secret"
TREE = Path(os.environ.get("DRAFTBOT_FAULT_TREE") or ROOT)
LONG = 600.0  # a guard against hangs: twenty calls a minute makes this test take minutes


async def lease_holder(stores: SqlStoreFactory, chat_id: int) -> str:
    async with stores.engine.connect() as conn:
        owner = await conn.scalar(
            select(OutboxChatRow.lease_owner).where(OutboxChatRow.chat_id == str(chat_id))
        )
        return str(owner or "")


async def waiting(stores: SqlStoreFactory, chat_id: int | None = None) -> int:
    async with stores.engine.connect() as conn:
        rows = select(OutboxRow.id)
        if chat_id is not None:
            rows = rows.where(OutboxRow.chat_id == str(chat_id))
        return len((await conn.execute(rows)).all())


def announced(fake: FakeTelegram, chat_id: int, label: int) -> int:
    """How many times the group was told point `label` was proposed (merged messages included)."""
    return sum(text.count(f"propone el punto {label}.") for text in fake.texts(chat_id))


async def test_a_worker_killed_holding_a_groups_sends_loses_none_and_doubles_none(
    postgres_url: str, tmp_path: Path
) -> None:
    fake = FakeTelegram(webhook_connections=8, webhook_retry=0.2, flood=FloodLimits())
    await fake.start()
    stores = await SqlStoreFactory.open(postgres_url)
    ports = [free_port() for _ in range(WORKERS)]
    balancer = await Balancer([f"http://127.0.0.1:{p}" for p in ports]).start()
    workers = [
        DraftbotProcess(
            {
                **telegram_webhook_env(
                    fake, postgres_url, port, url=f"{balancer.url}/telegram", secret=SECRET
                ),
                "TELEGRAM_RATE_LIMITS": "telegram",
            },
            tmp_path / f"worker{i}.log",
            tree=TREE,
            name=f"worker {i}",
        )
        for i, port in enumerate(ports, start=1)
    ]
    try:
        service = DraftingService(stores)
        chat = fake.group("CRM")
        group = chat["id"]
        people = await seed_telegram_meeting(service, fake, chat, DELEGATIONS)
        await asyncio.gather(*(w.start() for w in workers))

        def propose(n: int) -> None:
            fake.send(people[DELEGATIONS[n % len(DELEGATIONS)]], chat, f"/proponer Punto de prueba {n}.")

        # ---- three points with their cards ----
        for n in range(1, 4):
            propose(n)
        await until(
            lambda: all(card_count(fake, group, n) == 1 for n in range(1, 4)), "three cards", timeout=LONG
        )
        cards = {n: fake.card(group, n) for n in range(1, 4)}
        ids = {
            n: int(cards[n]["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
            for n in cards
        }

        # ---- the burst, card edits held: presses on the three cards, then six proposals ----
        edits = fake.hold("editMessageText")
        for n in range(1, 4):
            for i, name in enumerate(DELEGATIONS):
                fake.press(people[name], cards[n], f"p:{ids[n]}:{'x' if (i + n) % 3 == 0 else 'a'}")
        for n in range(4, 10):
            propose(n)
        await until(lambda: not fake.unacknowledged(), "the burst to be acknowledged", timeout=LONG)
        await until(
            lambda: len(fake.sent("editMessageText", group, ok=False)) > 0, "a card edit", timeout=LONG
        )
        holder = await lease_holder(stores, group)
        victim = next(w for w in workers if holder.split(":")[1] == str(w.pid))
        left = await waiting(stores, group)
        assert left > 1, "nothing was waiting behind the held edit: the kill would test nothing"
        victim.kill()
        edits.set()  # the dead worker's edit lands now, before anyone else may send to the group
        fake.gates.clear()
        await until(lambda: fake.in_flight == 0, "the dead worker's held edit to land")

        # ---- the burst goes on after the kill ----
        for n in range(10, 14):
            propose(n)
        labels = range(1, 14)
        await until(lambda: not fake.unacknowledged(), "every update to be acknowledged", timeout=LONG)
        await until(
            lambda: all(announced(fake, group, n) >= 1 and card_count(fake, group, n) >= 1 for n in labels),
            "every announcement and card",
            timeout=LONG,
        )
        point_ids = {n: ids.get(n) or 0 for n in labels}
        async with stores.engine.connect() as conn:
            for number, point_id in await conn.execute(select(PointRow.number, PointRow.id)):
                point_ids[number] = point_id
        await until(
            lambda: cards_right(fake, service, chat, point_ids), "every card to be right", timeout=LONG
        )
        await until(lambda: _empty(stores), "the outbox to be empty", timeout=LONG)

        # ---- nothing lost, nothing doubled ----
        assert {n: announced(fake, group, n) for n in labels} == dict.fromkeys(labels, 1)
        assert {n: card_count(fake, group, n) for n in labels} == dict.fromkeys(labels, 1)
        assert await stores.count(PositionRow) == 3 * len(DELEGATIONS)
        doubt = [t(lang, "delivery.here_doubtful") for lang in ("es", "en")]
        assert not [text for text in fake.texts(group) if any(d in text for d in doubt)]
    except BaseException:
        for worker in workers:
            print(worker.output()[-4000:])
        raise
    finally:
        await asyncio.gather(*(w.stop() for w in workers))
        await balancer.stop()
        await stores.close()
        await fake.stop()


async def _empty(stores: SqlStoreFactory) -> bool:
    return await waiting(stores) == 0
