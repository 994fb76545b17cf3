"""Two WhatsApp workers (two adapters on one database and one business number) share the outbox: a
recipient's messages are sent by the worker holding that recipient; when it is killed with messages
waiting, the other takes them over and sends each once, a card drawn as the point is when its turn
comes; the message the dead worker was sending is not sent again (issue 13, on issue 12's outbox)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from bot.whatsapp.channel import GROUP, WhatsAppOrigin
from bot.whatsapp.outbox import WhatsAppOutbox
from drafting.model import ChatRef, UserRef
from drafting.replies import Delivery, Text
from drafting.service import DraftingService
from storage.outbox_store import Letter
from tests.conftest import FakeClock
from tests.kit import Room
from tests.test_whatsapp_one_to_one import POINT, seated
from tests.whatsapp_fake.harness import PHONE_ID, WhatsAppRun, whatsapp_bot
from tests.whatsapp_fake.user import Person


async def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):  # a guard against hangs, not a measure
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_killed_workers_recipient_is_taken_over_by_the_other_and_each_message_goes_once(
    shared: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(shared, clock) as a:
        ana, _, rosa = await seated(a, Room(shared))
        chat = ChatRef("whatsapp", str(ana.bsuid), PHONE_ID)
        gate = a.graph.hold()
        try:
            await a.adapter.channel.show(chat, Text("primero"))
            await _until(lambda: a.graph.waiting == 1)  # a is sending to Ana, its call in flight
            # b starts only now: started before, its own look for unheld recipients could have taken
            # Ana first on a loaded machine, and the call held would have been b's.
            async with whatsapp_bot(shared, clock, graph=a.graph) as b:
                await _with_b_running(a, b, chat, ana, rosa)
        finally:
            gate.set()  # a's call, cut off in flight, is let go so the fake can stop


async def _with_b_running(a: WhatsAppRun, b: WhatsAppRun, chat: ChatRef, ana: Person, rosa: Person) -> None:
    await a.adapter.channel.show(chat, Text("segundo"))
    assert await b.adapter.outbox.poll() == 0, "b took a recipient a holds"

    await a.adapter.outbox.kill()  # a dies: its lease on Ana runs out, nobody renews it
    rosa.network = b.network  # Rosa's next message reaches b
    async with asyncio.timeout(30):  # a guard against hangs (nobody taking Ana over), not a measure
        await rosa.say("proponer " + POINT)  # returns once b has sent what it put, Ana's card too

    ours = [text for text in ana.texts() if text in ("primero", "segundo")]
    assert ours == ["segundo"], "a message was lost, or the one a was sending went again"
    cards = [c for c in ana.cards() if POINT in c["interactive"]["body"]["text"]]
    assert len(cards) == 1
    assert await b.adapter.outbox.store.waiting(chat.chat_id) == []
    a.adapter.outbox.mine.clear()  # what the dead worker put was sent by b


async def _taken_over(outbox: WhatsAppOutbox, done: Callable[[], bool]) -> None:
    """`outbox` looks for recipients nobody sends to (its background loop does too) until `done`."""
    async with asyncio.timeout(30):  # a guard against hangs (nobody taking over), not a measure
        while not done():
            await outbox.poll()
            await asyncio.sleep(0.05)
    await outbox.drain()


async def test_whoever_asked_for_a_message_a_killed_worker_was_sending_hears_it_may_not_have_arrived(
    shared: DraftingService, clock: FakeClock
) -> None:
    copy = (
        "⚠️ Se interrumpió el envío de este mensaje por WhatsApp, así que no sé si llegó. "
        "Por si no llegó, aquí tiene su texto:\n\npara Ana, pedido por Rosa"
    )
    here = (
        "⚠️ Se interrumpió el envío de un mensaje mío aquí por WhatsApp: si no lo ve más arriba, "
        "repita lo que pidió, o escriba puntos para ver el estado de los puntos."
    )
    async with whatsapp_bot(shared, clock) as a:
        ana, _, rosa = await seated(a, Room(shared))
        to_ana = ChatRef("whatsapp", str(ana.bsuid), PHONE_ID)
        to_rosa = ChatRef("whatsapp", str(rosa.bsuid), PHONE_ID)
        gate = a.graph.hold()
        try:
            # Rosa's action sent Ana a message; a dies during its call; b takes Ana over.
            await a.adapter.channel.show(to_ana, Text("para Ana, pedido por Rosa"), str(rosa.bsuid))
            await _until(lambda: a.graph.waiting == 1)
            # b starts only now, so that the call in flight is a's (see the test above)
            async with whatsapp_bot(shared, clock, graph=a.graph) as b:
                await a.adapter.outbox.kill()
                await _taken_over(b.adapter.outbox, lambda: copy in rosa.texts())
                assert [text for text in rosa.texts() if "pedido por Rosa" in text] == [copy]
                assert not [text for text in ana.texts() if "pedido por Rosa" in text], "sent again"

                # A message nobody in particular asked for: the word goes to the chat it was for.
                gate.set()  # the cut-off call goes through (it did arrive after all)
                await _until(lambda: a.graph.waiting == 0)
                gate = b.graph.hold()
                await b.adapter.channel.show(to_rosa, Text("noticia para Rosa"))
                await _until(lambda: b.graph.waiting == 1)
                await b.adapter.outbox.kill()
                await _taken_over(a.adapter.outbox, lambda: here in rosa.texts())  # a, restarted
                assert rosa.texts().count(here) == 1
                assert "noticia para Rosa" not in rosa.texts()
        finally:
            gate.set()


class Killed(Exception):
    pass


async def test_a_private_reply_and_its_notice_in_the_group_are_put_as_one_so_a_death_loses_neither(
    shared: DraftingService, clock: FakeClock
) -> None:
    committee = "120363040000000002"
    async with whatsapp_bot(shared, clock) as run:
        ana, _, rosa = await seated(run, Room(shared))
        run.graph.group(committee, [ana.address, rosa.address])
        await rosa.say("puntos", group=committee)  # the bot hears from the group
        store = run.adapter.outbox.store
        put, puts = store.put, 0

        async def dies_after_its_first_put(letters: list[Letter], at: object) -> list[int]:
            nonlocal puts
            puts += 1
            if puts > 1:  # the worker is gone: nothing after its first put happens
                raise Killed
            return await put(letters, at)  # type: ignore[arg-type]

        store.put = dies_after_its_first_put  # type: ignore[assignment, method-assign]
        person = UserRef("whatsapp", str(rosa.bsuid), PHONE_ID, "Rosa")
        here = WhatsAppOrigin(ChatRef("whatsapp", GROUP + committee, PHONE_ID), person)
        reply = Delivery(Text("Su código: ABC123"), private_to=person, notice=Text("Le escribí en privado."))
        with contextlib.suppress(Killed):
            await run.adapter.channel.deliver(reply, here)
        await run.adapter.outbox.drain()

        assert "Su código: ABC123" in rosa.texts()
        assert [m["text"]["body"] for m in run.graph.sent(committee) if "privado" in str(m)] == [
            "Le escribí en privado."
        ]
