"""Commands typed in a Telegram group, in English and Spanish, with and without @botname."""

from __future__ import annotations

from drafting.commands import SPECS
from drafting.i18n import t
from drafting.service import DraftingService
from tests.kit import MEETING
from tests.telegram_fake.harness import running_bot, set_up_meeting


async def test_spanish_and_english_command_words_both_create_points(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["Canadá", "México"])
        await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica.")
        await run.say(run.user("Canadá"), chat, "/propose Tomar nota del informe.")
        assert run.fake.card(chat["id"], 1)["text"].endswith(
            "0 aprueban · 0 objetan · 0 se abstienen · 2 pendientes · 0 ausentes"
        )
        assert "Tomar nota del informe." in run.fake.card(chat["id"], 2)["text"]


async def test_a_command_addressed_to_the_bot_by_name_works_whatever_the_case(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        await run.say(run.user("México"), chat, "/proponer@draftbot_test_bot Agradecer a Honduras.")
        await run.say(run.user("México"), chat, "/propose@DraftBot_Test_Bot Agradecer a Panamá.")
        assert "Agradecer a Honduras." in run.fake.card(chat["id"], 1)["text"]
        assert "Agradecer a Panamá." in run.fake.card(chat["id"], 2)["text"]


async def test_a_multi_line_newmeeting_with_the_bots_name_creates_the_meeting(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = run.user("st")
        head, rest = MEETING.split("\n", 1)
        message = await run.say(st, chat, f"/{head}@draftbot_test_bot\n{rest}")
        assert run.replies_to(message)[0].startswith("Reunión creada: INFORME DE LA REUNIÓN")


async def test_a_command_for_another_bot_is_left_alone(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        before = len(run.fake.texts(chat["id"]))
        await run.say(run.user("México"), chat, "/propose@some_other_bot Agradecer a Honduras.")
        await run.say(run.user("México"), chat, "/weather Tegucigalpa")
        assert len(run.fake.texts(chat["id"])) == before


async def test_an_unknown_command_sent_to_the_bot_by_name_is_answered(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        message = await run.say(run.user("México"), chat, "/weather@draftbot_test_bot Tegucigalpa")
        assert run.replies_to(message)[0].startswith(t("es", "error.unknown_command", word="/weather"))


async def test_plain_messages_in_the_group_are_not_for_the_bot(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        before = len(run.fake.texts(chat["id"]))
        await run.say(run.user("México"), chat, "propose Agradecer a Honduras.")
        await run.say(run.user("México"), chat, "Buenos días a todas las delegaciones.")
        assert len(run.fake.texts(chat["id"])) == before


async def test_a_refused_command_is_answered_in_reply_to_it(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        stranger = run.user("stranger")
        message = await run.say(stranger, chat, "/proponer Agradecer a todos.")
        (reply,) = run.replies_to(message)
        assert reply == t("es", "error.not_member", prefix="/")
        message = await run.say(run.user("México"), chat, "/aprobar")
        assert run.replies_to(message)[0].startswith(t("es", "error.need_point"))


async def test_the_command_menu_is_registered_in_english_and_in_spanish(service: DraftingService) -> None:
    async with running_bot(service) as run:
        english = run.fake.commands[""]
        spanish = run.fake.commands["es"]
        assert [c["command"] for c in english] == [s.name for s in SPECS]
        assert [c["command"] for c in spanish] == [s.alias for s in SPECS]
        assert english[0]["description"] == t("en", "help.help")
        assert {c["command"]: c["description"] for c in spanish}["proponer"] == t("es", "help.propose")


async def test_start_in_a_private_chat_greets_in_the_users_language(service: DraftingService) -> None:
    async with running_bot(service) as run:
        ana = run.fake.user("Ana", lang="es")
        john = run.fake.user("John", lang="en")
        run.fake.start_bot(ana)
        run.fake.start_bot(john)
        await run.settle()
        assert run.private_texts(ana)[0].startswith(t("es", "help.header"))
        assert run.private_texts(john)[0].startswith(t("en", "help.header"))


async def test_a_start_link_with_a_code_joins_the_meeting(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = await set_up_meeting(run, chat, ["México", "Panamá"], rapporteur=False)
        code = await run.invite(st, chat, "Panamá")
        itzel = run.fake.user("Itzel")
        run.fake.start_bot(itzel, payload=code)
        await run.settle()
        assert any("Itzel se unió" in text for text in run.private_texts(itzel))
        await run.say(itzel, chat, "/proponer Agradecer a Panamá.")
        assert "Agradecer a Panamá." in run.fake.card(chat["id"], 1)["text"]
