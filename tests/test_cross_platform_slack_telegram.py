"""One meeting bound to a Slack channel and a Telegram group at once.

Both real adapters run on one dispatcher and one database: the Slack adapter behind its signed
HTTP endpoint with the fake Slack Web API, the Telegram adapter polling the fake Bot API server. The
Slack channel creates the meeting and binds the Telegram group with `invitar chat` → `/join <code>`;
three delegations sit in Slack and three in Telegram. A point proposed on either platform shows on
both, positions from both count toward one tally, the cards on both are edited, and one report comes
out, the same bytes whichever platform downloads it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from io import BytesIO

import docx

from bot.dispatch import Dispatcher
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.config import TelegramConfig
from bot.telegram.outbox import Limits
from drafting.model import ChatRef, UserRef
from drafting.replies import PointCard, Text
from drafting.service import DraftingService
from drafting.turn import Context
from storage.store import SqlStoreFactory
from storage.tables import MeetingChatRow, MeetingRow, PositionRow
from tests.slack_fake.harness import MEETING_ES, RecordingChannel, SlackWorld, slack_world
from tests.telegram_fake.harness import BotRun
from tests.telegram_fake.server import JSON, FakeTelegram

SLACK_PEOPLE = {"México": "U0MX", "Honduras": "U0HN", "Canadá": "U0CA"}
TELEGRAM_PEOPLE = ("Guatemala", "Costa Rica", "El Salvador")
ST, REL = "U0ST", "U0REL"

POINT_FROM_TELEGRAM = (
    "Agradecer a la delegación de Guatemala por la presentación de su plataforma de registro consular."
)
POINT_FROM_SLACK = (
    "Solicitar a la Secretaría Técnica un estudio comparativo de costos consulares en la región."
)


@dataclass
class Mixed:
    slack: SlackWorld
    telegram: BotRun
    group: JSON
    tg: dict[str, JSON]  # Telegram users by delegation name, plus "st"

    async def settle(self) -> None:
        for _ in range(2):  # each side may hand work to the other
            await self.telegram.settle()
            await self.slack.settle()

    async def tg_say(self, who: str, text: str, **options: object) -> JSON:
        message = await self.telegram.say(self.tg[who], self.group, text, **options)
        await self.settle()
        return message

    def tg_card(self, label: int) -> str:
        return str(self.telegram.fake.card(self.group["id"], label).get("text", ""))


@asynccontextmanager
async def mixed_meeting(service: DraftingService) -> AsyncIterator[Mixed]:
    dispatcher = Dispatcher()
    fake = FakeTelegram()
    await fake.start()
    config = TelegramConfig(
        token=fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        webhook_url="",
        webhook_secret="",
        webhook_listen="127.0.0.1",
        webhook_port=0,
        webhook_path="telegram",
        poll_timeout=5,
        limits=Limits.off(),
    )
    telegram = TelegramAdapter(service, dispatcher, config)
    await telegram.start()
    try:
        async with slack_world(service, dispatcher) as slack:
            run = BotRun(fake, telegram, dispatcher)
            yield Mixed(slack, run, fake.group("CRM · Red de Protección Consular"), {})
    finally:
        await telegram.stop()
        await fake.stop()


async def set_up(m: Mixed) -> None:
    s = m.slack
    # the meeting is created in the Slack channel
    await s.command(ST, MEETING_ES)
    await s.command(ST, "delegaciones " + "; ".join([*SLACK_PEOPLE, *TELEGRAM_PEOPLE]))
    # a code to bind another chat, shown only to the secretariat; typed in the Telegram group
    await s.command(ST, "invitar chat")
    code = s.code_for(ST)
    m.tg["st"] = m.telegram.user("Secretaría (Telegram)")
    m.telegram.fake.start_bot(m.tg["st"])
    await m.telegram.settle()
    await m.tg_say("st", f"/join {code}")
    # delegates on Slack
    for name, user in SLACK_PEOPLE.items():
        await s.admit(ST, name, user)
    await s.admit(ST, "relator", REL)
    # delegates on Telegram, invited by the Telegram side of the secretariat
    for name in TELEGRAM_PEOPLE:
        m.tg[name] = m.telegram.user(f"Delegado de {name}")
        code = await m.telegram.invite(m.tg["st"], m.group, name)
        await m.tg_say(name, f"/unirse {code}")


async def test_one_meeting_across_slack_and_telegram_counts_positions_from_both(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with mixed_meeting(service) as m:
        s = m.slack
        await set_up(m)
        assert await stores.count(MeetingRow) == 1
        assert await stores.count(MeetingChatRow) == 2
        assert any("vinculado" in t for t in m.telegram.fake.texts(m.group["id"]))
        # people joining on either platform are announced on both
        slack_texts = s.fake.texts(s.channel)
        assert any("Delegado de Guatemala se unió" in t for t in slack_texts)
        assert any("u0mx se unió" in t for t in m.telegram.fake.texts(m.group["id"]))

        # ---- a point proposed on Telegram shows on both; one proposed on Slack too ----
        await m.tg_say("Guatemala", f"/proponer {POINT_FROM_TELEGRAM}")
        assert POINT_FROM_TELEGRAM in s.card("1").block_text()
        assert POINT_FROM_TELEGRAM in m.tg_card(1)
        await s.command(SLACK_PEOPLE["México"], f"proponer {POINT_FROM_SLACK}")
        await m.settle()
        assert POINT_FROM_SLACK in m.tg_card(2)
        assert len(s.fake.cards(s.channel)) == 2

        # ---- positions on point 1 from both platforms, one tally, both cards edited ----
        for user in SLACK_PEOPLE.values():
            await s.press(user, "1", "approve")
        await m.settle()
        await m.tg_say("Guatemala", "/aprobar 1")
        await m.tg_say("Costa Rica", "/abstenerse 1")
        slack_card = s.card("1").block_text()
        assert "4 aprueban · 0 objetan · 1 se abstiene · 1 pendiente" in slack_card
        assert "✅ aprueba Guatemala" in slack_card and "➖ se abstiene Costa Rica" in slack_card
        assert "⏳ pendiente El Salvador" in slack_card
        assert "4 aprueban · 0 objetan · 1 se abstiene · 1 pendiente" in m.tg_card(1)
        assert "✅ aprueba México" in m.tg_card(1)
        assert slack_card.startswith("Punto 1 — en discusión")  # El Salvador (Telegram) has not spoken
        await m.tg_say("El Salvador", "/aprobar 1")
        assert s.card("1").block_text().startswith("Punto 1 — adoptado")
        assert m.tg_card(1).startswith("Punto 1 — adoptado")
        assert s.card("1").buttons() == []

        # ---- point 2: a comment in Slack's thread reaches Telegram; an objection from Telegram ----
        await s.reply(SLACK_PEOPLE["Honduras"], "Proponemos incluir a la OIM en el estudio.", s.card("2").ts)
        await m.settle()
        assert any(
            "Proponemos incluir a la OIM en el estudio." in t for t in m.telegram.fake.texts(m.group["id"])
        )
        await m.tg_say("El Salvador", "/objetar 2 El estudio debe cubrir también los costos de repatriación.")
        assert "❌ objeta El Salvador: El estudio debe cubrir también los costos de repatriación." in (
            s.card("2").block_text()
        )
        assert any("El Salvador objeta el punto 2" in t for t in s.thread_texts("2"))
        for user in SLACK_PEOPLE.values():
            await s.press(user, "2", "approve")
        await m.settle()
        for name in TELEGRAM_PEOPLE:
            await m.tg_say(name, "/aprobar 2")  # El Salvador lifts its objection
        assert s.card("2").block_text().startswith("Punto 2 — adoptado")
        assert m.tg_card(2).startswith("Punto 2 — adoptado")
        assert await stores.count(PositionRow) == 12  # six delegations × two points, one row each

        # ---- one draft in both chats, one final report ----
        await s.command(REL, "compilar")
        await m.settle()
        assert len([f for f in s.fake.files.values() if "borrador" in f.filename]) == 1
        assert len(m.telegram.fake.documents(m.group["id"])) == 1
        await s.command(REL, "finalizar")
        await m.settle()
        assert any("finalizado" in t for t in m.telegram.fake.texts(m.group["id"]))
        await s.command(ST, "descargar")
        await m.tg_say("st", "/descargar")
        (slack_final,) = [f for f in s.fake.files.values() if f.filename.endswith("-final.docx")]
        tg_final = m.telegram.fake.documents(m.group["id"])[-1]["document"]
        tg_bytes = m.telegram.fake.file_bytes(tg_final["file_id"])
        assert slack_final.content == tg_bytes  # one report
        paragraphs = [
            p.text for p in docx.Document(BytesIO(slack_final.content)).paragraphs if p.text.strip()
        ]
        body = "\n".join(paragraphs)
        assert body.index(POINT_FROM_TELEGRAM) < body.index(POINT_FROM_SLACK)
        opening = next(p for p in paragraphs if p.startswith("La Red de Funcionarios"))
        for name in [*SLACK_PEOPLE, *TELEGRAM_PEOPLE]:
            assert name in opening  # the participants sit on both platforms


async def test_cards_and_threads_for_a_point_from_another_platform(service: DraftingService) -> None:
    """The Slack side alone, with the other platform's chat a recording channel: what the Slack
    adapter does with deliveries that did not start in Slack (no origin)."""
    dispatcher = Dispatcher()
    elsewhere = RecordingChannel("telegram")
    dispatcher.register(elsewhere)
    async with slack_world(service, dispatcher) as s:
        await s.command(ST, MEETING_ES)
        await s.command(ST, "delegaciones México; Guatemala")
        await s.command(ST, "invitar chat")
        group = ChatRef("telegram", "-100777")

        async def tg(user: str, text: str) -> None:
            ctx = Context(chat=group, user=UserRef("telegram", user, "", user), prefix="/")
            outcome = await service.handle_text(ctx, text)
            assert outcome.ok, outcome.texts()
            await dispatcher.dispatch(outcome, platform="telegram", origin="telegram-origin")
            await s.settle()

        await tg("tg-st", f"join {s.code_for(ST)}")
        await s.admit(ST, "México", "U0MX")
        await tg("tg-st", "invitar Guatemala")
        private = [d.message for d, _ in elsewhere.deliveries if d.private_to is not None]
        assert len(private) == 1 and isinstance(private[0], Text)
        match = re.search(r"/join (\S+)", private[0].text)
        assert match is not None
        code = match.group(1)
        await tg("tg-gt", f"unirse {code}")
        await tg("tg-gt", "proponer Tomar nota del informe de Guatemala.")
        # the Slack channel got the announcement and a card it can edit, with its own thread
        assert "Guatemala propone el punto 1" in s.fake.texts(s.channel)[-2]
        assert "Tomar nota del informe de Guatemala." in s.card("1").block_text()
        await tg("tg-gt", "comentar 1 Un comentario desde Telegram.")
        assert any("Un comentario desde Telegram." in t for t in s.thread_texts("1"))
        await s.press("U0MX", "1", "approve")
        await tg("tg-gt", "aprobar 1")
        assert s.card("1").block_text().startswith("Punto 1 — adoptado")
        # and the other chat got the card every time, including after the press in Slack
        cards = [d for d, _ in elsewhere.deliveries if isinstance(d.message, PointCard)]
        assert len(cards) == 3 and all(d.chat == group for d in cards)
        last = cards[-1].message
        assert isinstance(last, PointCard) and last.state == "adopted"
