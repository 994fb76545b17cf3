"""Invitation codes reach the secretariat privately when it has started the bot; else the group hears how."""

from __future__ import annotations

from drafting.i18n import t
from drafting.service import DraftingService
from tests.kit import MEETING
from tests.telegram_fake.harness import running_bot


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
