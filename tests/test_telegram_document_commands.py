"""The documents commands through the real Telegram stack against the fake Bot API: a Word template
sent as a file with "/plantilla" in its caption, the preview in the chat and the redline as a document."""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx

from drafting.service import DraftingService
from tests.telegram_fake.harness import running_bot, set_up_meeting
from tests.test_report_word_template import word_template

POINT = "Agradecer a la Secretaría Técnica por su apoyo."
AMENDED = "Agradecer a la Secretaría Técnica de la CRM por su apoyo constante."


async def test_a_word_template_sent_as_a_file_with_its_command_is_installed(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        await run.say(run.user("México"), chat, f"/proponer {POINT}")
        sent = run.fake.send_document(run.user("st"), chat, "crm.docx", word_template(), caption="/plantilla")
        await run.settle()
        (reply,) = run.replies_to(sent)
        assert "Plantilla de Word «crm.docx» instalada" in reply
        await run.say(run.user("rapporteur"), chat, "/compilar")
        (message,) = run.fake.documents(chat["id"])
        doc = open_docx(io.BytesIO(run.fake.file_bytes(message["document"]["file_id"])))
        assert doc.styles["Normal"].font.name == "Garamond"
        assert doc.sections[0].header.paragraphs[0].text.endswith("BORRADOR – versión 1")


async def test_plantilla_without_a_file_says_to_send_the_docx_with_the_command_as_its_caption(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        asked = await run.say(run.user("st"), chat, "/plantilla")
        await run.settle()
        (reply,) = run.replies_to(asked)
        assert "Envíe el archivo .docx de la plantilla con /plantilla como leyenda" in reply
        assert "@draftbot" not in reply


async def test_preview_and_redline_reach_the_group(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        await run.say(run.user("México"), chat, f"/proponer {POINT}")
        asked = await run.say(run.user("México"), chat, "/vista")
        (preview,) = run.replies_to(asked)
        assert f"1. [{POINT}] (en discusión)" in preview
        await run.say(run.user("rapporteur"), chat, "/compilar")
        await run.say(run.user("México"), chat, f"/enmendar 1 {AMENDED}")
        await run.say(run.user("rapporteur"), chat, "/aceptar 1")
        await run.say(run.user("rapporteur"), chat, "/compilar cambios")
        names = [m["document"]["file_name"] for m in run.fake.documents(chat["id"])]
        assert names[-2].endswith("-v2.docx") and names[-1].endswith("-v2-cambios.docx")
        redline = run.fake.file_bytes(run.fake.documents(chat["id"])[-1]["document"]["file_id"])
        xml = zipfile.ZipFile(io.BytesIO(redline)).read("word/document.xml").decode()
        assert 'w:author="México"' in xml and "<w:ins " in xml and "<w:delText" not in xml
