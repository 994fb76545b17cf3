"""Drafts and the final report reach the group as .docx documents (sendDocument, multipart)."""

from __future__ import annotations

import io

from docx import Document as open_docx

from drafting.i18n import t
from drafting.service import DraftingService
from tests.telegram_fake.harness import BotRun, running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


async def _adopted_point(run: BotRun) -> JSON:
    chat = run.fake.group()
    await set_up_meeting(run, chat, ["México"])
    await run.say(run.user("México"), chat, "/proponer Agradecer a la Secretaría Técnica por su apoyo.")
    await run.press(run.user("México"), run.fake.card(chat["id"], 1), "Aprobar")
    return chat


def _text_of(content: bytes) -> str:
    return "\n".join(p.text for p in open_docx(io.BytesIO(content)).paragraphs)


async def test_compile_sends_the_draft_as_a_docx_document(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _adopted_point(run)
        await run.say(run.user("rapporteur"), chat, "/compilar")
        (call,) = run.fake.sent("sendDocument", chat["id"])
        (content,) = call.files.values()
        assert content.startswith(b"PK")  # a zip, as every .docx
        (message,) = run.fake.documents(chat["id"])
        document = message["document"]
        assert document["file_name"].endswith("-v1.docx")
        assert message["caption"].startswith("Borrador versión 1")
        assert run.fake.file_bytes(document["file_id"]) == content
        assert "Agradecer a la Secretaría Técnica por su apoyo." in _text_of(content)


async def test_download_sends_the_final_report_which_getfile_brings_back(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _adopted_point(run)
        await run.say(run.user("rapporteur"), chat, "/finalizar")
        asked = await run.say(run.user("st"), chat, "/descargar")
        (message,) = [
            m
            for m in run.fake.documents(chat["id"])
            if m.get("reply_to_message", {}).get("message_id") == asked["message_id"]
        ]
        file = await run.adapter.bot.get_file(message["document"]["file_id"])
        content = bytes(await file.download_as_bytearray())
        assert message["document"]["file_name"].endswith("-final.docx")
        assert "Agradecer a la Secretaría Técnica por su apoyo." in _text_of(content)


async def test_download_before_the_report_is_final_says_so(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = await _adopted_point(run)
        asked = await run.say(run.user("st"), chat, "/descargar")
        assert run.replies_to(asked) == [t("es", "error.not_final", prefix="/")]
        assert run.fake.sent("sendDocument") == []
