"""Invitation codes reach the secretariat privately when it has started the bot; else the group hears how.
Delegates who join together are announced in one message."""

from __future__ import annotations

from bot.dispatch import Dispatcher
from drafting.i18n import t
from drafting.service import DraftingService
from tests.kit import MEETING
from tests.telegram_fake.harness import BotRun, running_bot
from tests.telegram_fake.server import JSON


async def test_a_code_goes_privately_and_the_group_only_hears_where_it_went(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = run.user("st")
        run.fake.start_bot(st)
        await run.say(st, chat, "/" + MEETING)
        await run.say(st, chat, "/delegaciones México, Panamá")
        asked = await run.say(st, chat, "/invitar México")
        assert run.replies_to(asked) == [t("es", "setup.invite_sent_privately", what="México")]
        assert any("/join CODE" in text for text in run.private_texts(st))
        assert not any("CODE" in text for text in run.fake.texts(chat["id"]))


async def test_without_a_private_chat_the_group_is_told_how_and_no_code_leaks(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = run.user("st")  # never pressed Start in a private chat with the bot
        await run.say(st, chat, "/" + MEETING)
        await run.say(st, chat, "/delegaciones México, Panamá")
        asked = await run.say(st, chat, "/invitar Panamá")
        assert run.replies_to(asked) == [t("es", "setup.invite_private_failed", what="Panamá", prefix="/")]
        assert not any("CODE" in text for text in run.fake.texts(chat["id"]))
        refused = run.fake.sent("sendMessage", st["id"], ok=False)
        assert [c.error for c in refused] == [403]
        # After pressing Start, asking again works.
        run.fake.start_bot(st)
        await run.say(st, chat, "/invitar Panamá")
        assert any("/join CODE" in text for text in run.private_texts(st))


async def test_a_code_can_be_used_in_the_private_chat_too(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = run.user("st")
        run.fake.start_bot(st)
        await run.say(st, chat, "/" + MEETING)
        await run.say(st, chat, "/delegaciones México")
        code = await run.invite(st, chat, "México")
        mariana = run.fake.user("Mariana")
        run.fake.start_bot(mariana)
        await run.settle()
        await run.say(mariana, run.fake.private(mariana), f"/unirse {code}")
        assert any("Mariana se unió" in text for text in run.private_texts(mariana))
        assert any("Mariana se unió" in text for text in run.fake.texts(chat["id"]))


async def _invited(run: BotRun, chat: JSON, delegations: list[str]) -> dict[str, str]:
    st = run.user("st")
    run.fake.start_bot(st)
    await run.say(st, chat, "/" + MEETING)
    await run.say(st, chat, "/delegaciones " + ", ".join(delegations))
    return {name: await run.invite(st, chat, name) for name in delegations}


async def test_delegates_joining_together_are_announced_in_one_message_naming_each(
    service: DraftingService,
) -> None:
    # A window far longer than the test: what is held goes out only when flushed.
    async with running_bot(service, dispatcher=Dispatcher(digest_window=600)) as run:
        chat = run.fake.group()
        codes = await _invited(run, chat, ["México", "Panamá", "Costa Rica"])
        before = len(run.fake.texts(chat["id"]))
        for name, person in [("México", "Ana"), ("Panamá", "Luis"), ("Costa Rica", "Rosa")]:
            run.fake.send(run.user(person), chat, f"/unirse {codes[name]}")
        await run.settle()
        assert run.fake.texts(chat["id"])[before:] == []
        await run.dispatcher.flush()
        await run.settle()
        news = run.fake.texts(chat["id"])[before:]
        assert len(news) == 1
        assert news[0].startswith("3 personas se unieron a «INFORME DE LA REUNIÓN")
        for line in ("• Ana, como México", "• Luis, como Panamá", "• Rosa, como Costa Rica"):
            assert line in news[0].splitlines()


async def test_a_join_held_for_company_goes_out_before_the_next_message_in_the_group(
    service: DraftingService,
) -> None:
    async with running_bot(service, dispatcher=Dispatcher(digest_window=600)) as run:
        chat = run.fake.group()
        codes = await _invited(run, chat, ["México"])
        before = len(run.fake.texts(chat["id"]))
        await run.say(run.user("Ana"), chat, f"/unirse {codes['México']}")
        await run.say(run.user("Ana"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        # Sent first (the outbox may put both in one message, the join on top).
        said = "\n".join(run.fake.texts(chat["id"])[before:])
        joined = said.find(
            "Ana se unió a «INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE PROTECCIÓN "
            "CONSULAR» como México."
        )
        assert 0 <= joined < said.find("México propone el punto 1."), said
