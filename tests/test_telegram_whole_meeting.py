"""A whole meeting in a Telegram group: ten delegates, a rapporteur and the secretariat, through the
real python-telegram-bot Application and the fake Bot API server, ending with the final .docx."""

from __future__ import annotations

import io

from docx import Document as open_docx

from drafting.service import DraftingService
from tests.telegram_fake.harness import running_bot
from tests.telegram_fake.scenario import LocalDriver, play_meeting


def _paragraphs(content: bytes) -> list[str]:
    return [p.text for p in open_docx(io.BytesIO(content)).paragraphs if p.text.strip()]


async def test_a_whole_meeting_ends_with_the_final_report_downloaded_from_telegram(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        played = await play_meeting(LocalDriver(run))
        chat_id = played.chat["id"]
        texts = run.fake.texts(chat_id)

        # The final .docx, fetched back from the fake server, opens and holds the adopted points in order.
        assert played.final_name.endswith(".docx")
        paragraphs = _paragraphs(played.final)
        body = "\n".join(paragraphs)
        assert "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE PROTECCIÓN CONSULAR" in body
        assert "San Pedro Sula, Honduras" in body
        positions = [body.find(text[:60]) for text in played.adopted]
        assert all(p >= 0 for p in positions), (played.adopted, paragraphs)
        assert positions == sorted(positions)
        assert played.withdrawn[:40] not in body
        assert "Se agradece la voluntad manifestada por México" in body  # the sub-point of point 3

        # The draft came out too, as a document in the group.
        assert "Agradecer a Honduras" in "\n".join(_paragraphs(played.draft))

        # Every point's card ended adopted (or withdrawn), without buttons, edited in place.
        for label in (1, 2, 3, 4, 6):
            card = run.fake.card(chat_id, label)
            assert card["text"].startswith(f"Punto {label} — adoptado"), card["text"]
            assert "reply_markup" not in card
        assert run.fake.card(chat_id, 5)["text"].startswith("Punto 5 — retirado")
        assert "⏳" not in run.fake.card(chat_id, 1)["text"]
        assert "➖ se abstiene Canadá" in run.fake.card(chat_id, 2)["text"]
        cards = [t for t in texts if t.startswith("Punto ")]
        assert len(cards) == 6  # one card per point, never reposted

        # Codes never appeared in the group; they went to the secretariat's private chat.
        assert not any("/join CODE" in t for t in texts)
        assert sum("/join CODE" in t for t in run.private_texts(played.people["st"])) == 11

        # The comment by reply was taken; the objection and amendment are in point 4's history.
        history3 = await run.say(played.people["st"], played.chat, "/punto 3")
        assert "Sugerimos mencionar también la oferta de México" in run.replies_to(history3)[0]
        history = await run.say(played.people["st"], played.chat, "/punto 4")
        item = run.replies_to(history)[0]
        assert "Nicaragua" in item and "Falta mencionar el interés de Costa Rica" in item

        # Nothing the bot sent was refused by the server.
        assert [c for c in run.fake.calls if c.error is not None] == []
