"""One meeting with members on WhatsApp, Telegram and Slack at once (issue 13): one dispatcher, one
database, the three real adapters against their fakes. The Slack channel creates the meeting and
binds the Telegram group; two delegations sit on each platform, the WhatsApp ones one-to-one with the
bot's number. A point proposed on WhatsApp shows on all three; positions from all three make one
tally; one final report, the same bytes whether downloaded on Slack, Telegram or WhatsApp."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.slack_fake.harness import MEETING_ES
from tests.test_cross_platform_slack_telegram import Mixed, mixed_meeting
from tests.whatsapp_fake.harness import whatsapp_bot

SLACK = {"México": "U0MX", "Honduras": "U0HN"}
TELEGRAM = ("Guatemala", "Costa Rica")
WHATSAPP = ("Panamá", "Belice")
ST, REL = "U0ST", "U0REL"
POINT = "Agradecer a la delegación de Panamá por la propuesta de protocolo de atención consular."


async def seats(m: Mixed) -> None:
    s = m.slack
    await s.command(ST, MEETING_ES)
    await s.command(ST, "delegaciones " + "; ".join([*SLACK, *TELEGRAM, *WHATSAPP]))
    await s.command(ST, "invitar chat")
    code = s.code_for(ST)
    m.tg["st"] = m.telegram.user("Secretaría (Telegram)")
    m.telegram.fake.start_bot(m.tg["st"])
    await m.telegram.settle()
    await m.tg_say("st", f"/join {code}")
    for name, user in SLACK.items():
        await s.admit(ST, name, user)
    await s.admit(ST, "relator", REL)
    for name in TELEGRAM:
        m.tg[name] = m.telegram.user(f"Delegado de {name}")
        await m.tg_say(name, f"/unirse {await m.telegram.invite(m.tg['st'], m.group, name)}")


async def test_whatsapp_telegram_and_slack_members_share_one_tally_and_one_report(
    service: DraftingService, clock: FakeClock
) -> None:
    async with mixed_meeting(service) as m, whatsapp_bot(service, clock, m.telegram.dispatcher) as wa:
        m.telegram.others.append(wa.adapter.outbox.idle)
        s = m.slack
        await seats(m)
        paz, bea, sofia = wa.person("Paz"), wa.person("Bea", phone=False), wa.person("Sofía")
        for person, target in ((paz, "Panamá"), (bea, "Belice"), (sofia, "secretariat")):
            await person.say("unirse " + await m.telegram.invite(m.tg["st"], m.group, target))
        await m.settle()
        assert any("Bea se unió" in text for text in s.fake.texts(s.channel))

        # ---- proposed on WhatsApp: a card on Slack, on Telegram, and with buttons on WhatsApp ----
        await paz.say("proponer " + POINT)
        await m.settle()
        assert POINT in s.card("1").block_text()
        assert POINT in m.tg_card(1)
        assert POINT in bea.cards()[-1]["interactive"]["body"]["text"]

        # ---- positions from the three platforms: one tally ----
        for user in SLACK.values():
            await s.press(user, "1", "approve")
        await m.settle()
        for name in TELEGRAM:
            await m.tg_say(name, "/aprobar 1")
        await paz.press(paz.cards()[-1], "Aprobar")
        await bea.press(bea.cards()[-1], "Objetar")
        await bea.say("Falta mencionar a la Secretaría Técnica.")
        await m.settle()
        tally = "5 aprueban · 1 objeta · 0 se abstienen · 0 pendientes"
        assert tally in s.card("1").block_text() and tally in m.tg_card(1)
        assert "objeta Belice: Falta mencionar a la Secretaría Técnica." in s.card("1").block_text()
        await bea.say("aprobar 1")
        await m.settle()
        assert s.card("1").block_text().startswith("Punto 1 — adoptado")
        assert m.tg_card(1).startswith("Punto 1 — adoptado")
        assert any("adoptado" in text for text in paz.texts())

        # ---- one final report, downloaded on each platform ----
        await s.command(REL, "finalizar")
        await m.settle()
        await s.command(ST, "descargar")
        await m.tg_say("st", "/descargar")
        await sofia.say("descargar")
        (slack_final,) = [f for f in s.fake.files.values() if f.filename.endswith("-final.docx")]
        tg_final = m.telegram.fake.documents(m.group["id"])[-1]["document"]
        on_telegram = m.telegram.fake.file_bytes(tg_final["file_id"])
        assert slack_final.content == on_telegram == sofia.documents()[-1]
        assert slack_final.content.startswith(b"PK")
