"""Nothing the core decided to send is lost with the worker that decided it (issue 12, item 3).

A command's replies are journaled in its own transaction; a worker that committed and died before
handing them to the platform leaves them to another worker's sweep, which sends each once after the
grace period. Join announcements held for company are journal entries too: a worker that dies while
holding one leaves it to another. Real Telegram adapter against the fake server; SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Collection

import pytest

from bot.dispatch import Dispatcher
from drafting.journal import (
    Handover,
    RequestOrigin,
    deliveries_from_json,
    deliveries_to_json,
    origin_from_json,
    origin_to_json,
)
from drafting.model import ChatRef, UserRef
from drafting.replies import Delivery, Digest, Document, Mention, Outcome, Text
from drafting.service import DraftingService
from drafting.textdiff import Segment
from drafting.turn import Context
from storage.journal_store import SqlJournal
from storage.store import SqlStoreFactory
from tests.kit import Wall
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON

GRACE = 5.0


@pytest.fixture
async def world(any_url: str) -> AsyncIterator[tuple[SqlStoreFactory, SqlJournal, Wall]]:
    stores = await SqlStoreFactory.open(any_url)
    wall = Wall()
    try:
        yield stores, SqlJournal(stores, clock=wall), wall
    finally:
        await stores.close()


def _service(stores: SqlStoreFactory, journal: SqlJournal) -> DraftingService:
    return DraftingService(stores, journal=journal)


def _worker_context(run: BotRun, chat: JSON, who: str, update: int, message: JSON | None = None) -> Context:
    """The context another worker made of an update (`message`: the user's message it answers)."""
    user = run.user(who)
    return Context(
        chat=ChatRef("telegram", str(chat["id"])),
        user=UserRef("telegram", str(user["id"]), "", user["first_name"]),
        prefix="/",
        dedup_key=f"msg:{chat['id']}:{update}",
        message_id=str(message["message_id"]) if message is not None else None,
    )


async def test_replies_a_worker_committed_and_never_handed_over_are_sent_once_by_another_after_the_grace(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, wall = world
    service = _service(stores, journal)
    dispatcher = Dispatcher(journal=journal, grace=GRACE)
    async with running_bot(service, dispatcher=dispatcher) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        # Messages the dying worker received (this worker ignores them: they are not commands).
        asked = await run.say(st, chat, "(puntos)")
        approved = await run.say(run.user("Panamá"), chat, "(aprobar 1)")
        in_group, in_private = len(run.fake.texts(chat["id"])), len(run.private_texts(st))
        # The dying worker: its commands commit, and it stops before its dispatcher runs.
        listed = await service.handle_text(_worker_context(run, chat, "st", 900001, asked), "puntos")
        invited = await service.handle_text(_worker_context(run, chat, "st", 900002), "invitar Panamá")
        noted = await service.handle_text(_worker_context(run, chat, "Panamá", 900003, approved), "aprobar 1")
        assert listed.ok and invited.ok and noted.ok
        assert await journal.undone() == 3

        assert await dispatcher.sweep_journal() == 0  # within the grace: still the dying worker's
        await run.settle()
        assert len(run.fake.texts(chat["id"])) == in_group

        wall.advance(GRACE + 1)
        assert await dispatcher.sweep_journal() == 3
        await run.settle()
        assert await dispatcher.sweep_journal() == 0
        await run.settle()

        codes = [t for t in run.private_texts(st)[in_private:] if re.search(r"/join \S+", t)]
        assert len(codes) == 1, run.private_texts(st)[in_private:]
        # Answered as the dying worker would have: replying to the request, a 👍 on the approval.
        (listing,) = run.replies_to(asked)
        assert "Agradecer a la Secretaría Técnica." in listing
        assert run.fake.reactions[(chat["id"], approved["message_id"])] == ["👍"]
        assert not [t for t in run.fake.texts(chat["id"])[in_group:] if "aprueba" in t]
        assert await journal.undone() == 0


class DiesAfterHandingOver(SqlJournal):
    """A journal whose worker dies right after handing its messages to the outbox: nothing it would
    record on its own afterwards ever is."""

    async def done(self, ids: Collection[int]) -> None:
        raise RuntimeError("killed")

    async def settle(self, handover: Handover) -> None:
        raise RuntimeError("killed")


async def test_a_worker_dying_right_after_putting_its_replies_in_the_outbox_leaves_nothing_to_send_again(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, wall = world
    dying = DiesAfterHandingOver(stores, clock=wall)
    service = _service(stores, dying)
    async with running_bot(service, dispatcher=Dispatcher(journal=dying, grace=GRACE)) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México", "Panamá"])
        before, private = len(run.fake.texts(chat["id"])), len(run.private_texts(st))
        await run.say(st, chat, "/invitar Panamá")  # a code privately, a word in the group
        await run.say(st, chat, "/puntos")
        said, codes = run.fake.texts(chat["id"])[before:], run.private_texts(st)[private:]
        assert len(said) == 2 and len(codes) == 1, (said, codes)
        assert await journal.undone() == 0  # ended with the outbox rows, not after them
        wall.advance(GRACE + 1)
        other = Dispatcher([run.adapter], journal=journal, grace=GRACE)
        assert await other.sweep_journal() == 0
        await run.settle()
        assert run.fake.texts(chat["id"])[before:] == said
        assert run.private_texts(st)[private:] == codes


def _said(run: BotRun, chat: JSON) -> list[str]:
    return [part for text in run.fake.texts(chat["id"]) for part in text.split("\n\n")]


class Killed(Exception):
    pass


async def test_a_sweep_sends_only_what_a_dead_worker_had_not_handed_over_yet(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, wall = world
    dying = DiesAfterHandingOver(stores, clock=wall)
    async with running_bot(_service(stores, journal)) as run:
        chat = run.fake.group()
        where = ChatRef("telegram", str(chat["id"]))
        said = [Delivery(Text(word), chat=where) for word in ("uno", "dos", "tres")]
        async with stores.transaction() as store:
            entry = await journal.record(store, "telegram", RequestOrigin(where), said[:2])

        class DiesAtTheSecond:
            platform = "telegram"

            async def deliver(self, delivery: Delivery, origin: object | None) -> None:
                assert isinstance(delivery.message, Text)
                if delivery.message.text == "dos":
                    raise Killed
                await run.adapter.deliver(delivery, origin)

        worker = Dispatcher([DiesAtTheSecond()], journal=dying, grace=GRACE)
        await worker.dispatch(
            Outcome(tuple(said), journal_id=entry, journaled=(0, 1)), platform="telegram", origin=None
        )
        await run.settle()
        # (the outbox may merge texts waiting together into one message)
        assert _said(run, chat) == ["uno", "tres"]  # "tres" was not journaled (index 2)
        wall.advance(GRACE + 1)
        other = Dispatcher([run.adapter], journal=journal, grace=GRACE)
        assert await other.sweep_journal() == 1
        await run.settle()
        assert _said(run, chat) == ["uno", "tres", "dos"]
        assert await journal.undone() == 0


async def test_a_join_held_by_a_worker_that_died_is_announced_by_another(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, wall = world
    service = _service(stores, journal)
    dying = Dispatcher(journal=journal, grace=GRACE)
    async with running_bot(service, dispatcher=dying) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México", "Panamá", "Belice"], rapporteur=False)
        code = await run.invite(st, chat, "Belice")
        dying.digest_window = 600.0  # from now on joins wait for company, far longer than the test
        before = len(run.fake.texts(chat["id"]))
        await run.say(run.user("Rosa"), chat, f"/unirse {code}")
        assert run.fake.texts(chat["id"])[before:] == []
        assert await journal.undone() == 1
        # `dying` is never flushed nor run again: as if killed. Another worker, same platform:
        other = Dispatcher([run.adapter], journal=journal, grace=GRACE, digest_window=600.0)
        wall.advance(600.0)  # due, but the worker that holds it may still release it itself
        assert await other.sweep_journal() == 0
        wall.advance(GRACE + 1)
        assert await other.sweep_journal() == 1
        await run.settle()
        news = run.fake.texts(chat["id"])[before:]
        assert news == [
            "Rosa se unió a «INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE "
            "PROTECCIÓN CONSULAR» como Belice."
        ], news
        assert await journal.undone() == 0
        await dying.flush()  # had it lived on: nothing left for it to say twice
        await run.settle()
        assert run.fake.texts(chat["id"])[before:] == news


async def test_joins_held_by_two_workers_for_one_group_go_out_as_one_message(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, _ = world
    service = _service(stores, journal)
    first = Dispatcher(journal=journal, grace=GRACE)
    async with running_bot(service, dispatcher=first) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México", "Panamá", "Belice", "Haití"], rapporteur=False)
        codes = [await run.invite(st, chat, name) for name in ("Belice", "Haití")]
        first.digest_window = 600.0
        before = len(run.fake.texts(chat["id"]))
        await run.say(run.user("Rosa"), chat, f"/unirse {codes[0]}")
        # The second join is handled by another worker, which holds it for the same group.
        second = Dispatcher([run.adapter], journal=journal, grace=GRACE, digest_window=600.0)
        joined = await service.handle_text(_worker_context(run, chat, "Jean", 900003), f"join {codes[1]}")
        await second.dispatch(joined, platform="telegram", origin=None)
        assert await journal.undone() == 2
        await second.flush()  # its window closes first: it takes what the other worker holds too
        await run.settle()
        news = run.fake.texts(chat["id"])[before:]
        assert len(news) == 1, news
        assert news[0].startswith("2 personas se unieron a «INFORME DE LA REUNIÓN")
        assert {"• Rosa, como Belice", "• Jean, como Haití"} <= set(news[0].splitlines())
        await first.flush()
        await run.settle()
        assert run.fake.texts(chat["id"])[before:] == news
        assert await journal.undone() == 0


async def test_an_ordinary_command_is_answered_once_and_leaves_nothing_in_the_journal(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, wall = world
    service = _service(stores, journal)
    dispatcher = Dispatcher(journal=journal, grace=GRACE)
    async with running_bot(service, dispatcher=dispatcher) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        message = await run.say(run.user("Panamá"), chat, "/puntos")
        assert len(run.replies_to(message)) == 1
        assert await journal.undone() == 0
        wall.advance(GRACE + 1)
        assert await dispatcher.sweep_journal() == 0
        await run.settle()
        assert len(run.replies_to(message)) == 1


async def test_a_refused_command_writes_no_journal_entry(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, _ = world
    service = _service(stores, journal)
    chat, someone = ChatRef("telegram", "-100"), UserRef("telegram", "7", "", "Ana")
    refused = await service.handle_text(Context(chat, someone, "/", "u1"), "aprobar 1")  # no meeting here
    assert not refused.ok and refused.journal_id is None
    assert await journal.undone() == 0
    made = await service.handle_text(Context(chat, someone, "/", "u2"), "ayuda")
    assert made.ok and made.journal_id is not None  # the same service journals what succeeds
    assert await journal.undone() == 1


async def test_two_sweeps_at_once_take_each_entry_once(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, wall = world
    service = _service(stores, journal)
    chat = ChatRef("telegram", "-100")
    for n in range(6):
        await service.handle_text(Context(chat, UserRef("telegram", str(n)), "/", f"u{n}"), "ayuda")
    wall.advance(GRACE + 1)
    taken = await asyncio.gather(*(journal.claim_due(GRACE, GRACE, limit=4) for _ in range(3)))
    ids = [record.id for batch in taken for record in batch]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 6
    assert await journal.claim_due(GRACE, GRACE) == []  # each is being delivered by its taker
    wall.advance(GRACE + 1)  # ... until its lease runs out (that worker died too)
    assert len(await journal.claim_due(GRACE, GRACE)) == 6


async def test_a_worker_without_the_platforms_adapter_leaves_the_entry_to_one_that_has_it(
    world: tuple[SqlStoreFactory, SqlJournal, Wall],
) -> None:
    stores, journal, wall = world
    service = _service(stores, journal)
    async with running_bot(service) as run:
        chat = run.fake.group()
        asked = await service.handle_text(_worker_context(run, chat, "Ana", 900004), "ayuda")
        assert asked.ok and await journal.undone() == 1
        wall.advance(GRACE + 1)
        slack_only = Dispatcher(journal=journal, grace=GRACE)  # no Telegram adapter in this worker
        assert await slack_only.sweep_journal() == 1
        wall.advance(0.001)
        telegram = Dispatcher([run.adapter], journal=journal, grace=GRACE)
        assert await telegram.sweep_journal() == 1
        await run.settle()
        assert len(run.fake.texts(chat["id"])) == 1
        assert await journal.undone() == 0


def test_a_delivery_reads_back_from_the_journal_as_it_was_written() -> None:
    ana = UserRef("slack", "U1", "T1", "Ana")
    chat = ChatRef("slack", "C1", "T1")
    written = [
        Delivery(
            Text(
                "Punto 1 [-old-]{+new+}",
                (Mention(ana, "Ana"),),
                (Segment("del", "old"), Segment("ins", "new")),
            ),
            chat=chat,
            point_id=3,
        ),
        Delivery(Text("código"), private_to=ana, fallback=Text("no pude"), notice=Text("enviado")),
        Delivery(Document("informe.docx", b"\x00PK\xff", "Borrador", "# md")),
        Delivery(
            Text("Ana se unió"), chat=chat, digest=Digest("digest.joined", "es", "Ana", (("title", "T"),))
        ),
        Delivery(Text("Ana aprueba"), ephemeral=True),
    ]
    origin = RequestOrigin(chat, ana, "1700.1", 4)
    assert deliveries_from_json(json.loads(json.dumps(deliveries_to_json(written)))) == tuple(written)
    assert origin_from_json(json.loads(json.dumps(origin_to_json(origin)))) == origin
