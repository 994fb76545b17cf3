"""One meeting with members on WhatsApp (one-to-one with the bot's number) and in a Telegram group at
once: one dispatcher, one database. A point proposed on Telegram reaches the WhatsApp delegates as a
card with buttons; their positions and the Telegram delegate's make one tally, shown on the Telegram
card; one final report, the same bytes whether downloaded on Telegram or on WhatsApp."""

from __future__ import annotations

from bot.dispatch import Dispatcher
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import MEETING
from tests.telegram_fake.harness import running_bot
from tests.whatsapp_fake.harness import whatsapp_bot

POINT = "Agradecer a la delegación de Honduras por la organización de la reunión."


async def test_whatsapp_and_telegram_members_share_one_tally_and_one_report(
    service: DraftingService, clock: FakeClock
) -> None:
    dispatcher = Dispatcher()
    async with (
        running_bot(service, dispatcher=dispatcher) as tg,
        whatsapp_bot(service, clock, dispatcher) as wa,
    ):
        tg.others.append(wa.adapter.outbox.idle)
        group = tg.fake.group("CRM")
        st = tg.user("st")
        tg.fake.start_bot(st)
        await tg.settle()
        await tg.say(st, group, "/" + MEETING)
        await tg.say(st, group, "/delegaciones Guatemala, Honduras y México")
        for name in ("Guatemala", "relator"):
            code = await tg.invite(st, group, name)
            await tg.say(tg.user(name), group, f"/unirse {code}")
        beto, maria, sofia = wa.person("Beto"), wa.person("María", phone=False), wa.person("Sofía")
        for person, target in ((beto, "Honduras"), (maria, "México"), (sofia, "secretariat")):
            await person.say("unirse " + await tg.invite(st, group, target))
        await tg.settle()
        assert any("Beto se unió" in text for text in tg.fake.texts(group["id"]))

        await tg.say(tg.user("relator"), group, f"/proponer {POINT}")
        for person in (beto, maria):
            assert POINT in person.cards()[-1]["interactive"]["body"]["text"]
        await beto.press(beto.cards()[-1], "Aprobar")
        await maria.press(maria.cards()[-1], "Objetar")
        await maria.say("Debe nombrar también a la Secretaría Técnica.")
        await tg.settle()
        card = tg.fake.card(group["id"], 1)["text"]
        assert "1 aprueba · 1 objeta" in card
        assert "objeta México: Debe nombrar también a la Secretaría Técnica." in card

        await maria.say("aprobar 1")
        await tg.say(tg.user("Guatemala"), group, "/aprobar 1")
        assert tg.fake.card(group["id"], 1)["text"].startswith("Punto 1 — adoptado")
        assert any("adoptado" in text for text in beto.texts())  # the adoption reaches WhatsApp too

        await tg.say(tg.user("relator"), group, "/finalizar")
        await tg.say(st, group, "/descargar")
        await sofia.say("descargar")
        telegram_final = tg.fake.documents(group["id"])[-1]["document"]
        on_telegram = tg.fake.file_bytes(telegram_final["file_id"])
        assert sofia.documents()[-1] == on_telegram  # one report
