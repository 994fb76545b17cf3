"""A burst of presses on one card costs the database no more than the presses themselves (issue 12): the
chat's sender, while it holds the chat, remembers the card request waiting for it and the message that
is the point's card, so a press neither asks for the card again nor checks which message it pressed.
The card still ends up showing every press."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from drafting.service import DraftingService
from tests.processes import until
from tests.telegram_fake.harness import running_bot, set_up_meeting

DELEGATIONS = ["Belice", "Canadá", "Costa Rica", "El Salvador", "Guatemala", "Honduras", "México"]


Call = Callable[..., Awaitable[Any]]


def counted(calls: list[str], name: str, call: Call) -> Call:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return await call(*args, **kwargs)

    return wrapper


async def test_a_burst_of_presses_on_a_card_being_drawn_asks_for_it_once_more_and_shows_them_all(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, DELEGATIONS)
        await run.say(run.user("Belice"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        card = run.fake.card(chat["id"], 1)
        outbox = run.adapter.outbox
        calls: list[str] = []
        outbox.store.put_card = counted(calls, "put_card", outbox.store.put_card)  # type: ignore[method-assign]
        service.card_messages = counted(calls, "card_messages", service.card_messages)  # type: ignore[method-assign]
        edits = run.fake.hold("editMessageText")  # the first redraw waits: the sender holds the chat
        handled = run.adapter.handled
        for name in DELEGATIONS[:-1]:  # the last one would adopt the point
            run.fake.press_button(run.user(name), card, "Aprobar")
        await until(lambda: run.adapter.handled == handled + len(DELEGATIONS) - 1, "every press handled")
        # the first press asks for the card, the second for another drawing once the first is under
        # way; the message pressed is read once, by the first press (or by the drawing)
        assert calls.count("put_card") <= 2 and calls.count("card_messages") <= 1, calls
        edits.set()
        await run.settle()
        shown = run.fake.card(chat["id"], 1)["text"]
        assert all(f"✅ aprueba {name}" in shown for name in DELEGATIONS[:-1]), shown
        assert f"{len(DELEGATIONS) - 1} aprueban" in shown, shown
