"""Documents sent TO the bot on WhatsApp (issue 13): the secretariat sends the meeting's Word template
as a .docx with the caption `plantilla`; the bot downloads it from Meta (GET /{media-id} → a URL,
fetched with the token) and installs it through the same core command Telegram and Slack use, so the
next draft has its look. Any other document is answered with what the bot accepts, and kept nowhere;
a file that is no Word document is refused as on the other platforms; nothing changes then."""

from __future__ import annotations

from io import BytesIO

import docx

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import MEETING, Room, code_in
from tests.test_report_word_template import word_template
from tests.test_whatsapp_one_to_one import POINT
from tests.whatsapp_fake.harness import WhatsAppRun, whatsapp_bot
from tests.whatsapp_fake.user import Person


async def secretariat_and_rapporteur(run: WhatsAppRun, room: Room) -> tuple[Person, Person]:
    assert (await room.say("st", MEETING)).ok
    assert (await room.say("st", "delegaciones Guatemala y Honduras")).ok
    sofia, rosa = run.person("Sofía"), run.person("Rosa")
    for person, target in ((sofia, "secretariat"), (rosa, "relator")):
        await person.say("unirse " + code_in(await room.say("st", f"invitar {target}")))
    await rosa.say("proponer " + POINT)
    return sofia, rosa


async def without_whatsapp_bookkeeping(service: DraftingService) -> dict[str, object]:
    rows = await snapshot(service.stores)  # type: ignore[arg-type]
    return {k: v for k, v in rows.items() if not k.startswith("whatsapp_")}  # windows move as they write


async def test_a_word_template_sent_with_the_caption_plantilla_is_installed_and_used(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        sofia, rosa = await secretariat_and_rapporteur(run, Room(service))
        await sofia.attach("crm.docx", word_template(), caption="plantilla")
        assert any("Plantilla de Word «crm.docx» instalada" in text for text in sofia.texts())
        await rosa.say("compilar")
        draft = docx.Document(BytesIO(rosa.documents()[-1]))
        assert draft.styles["Normal"].font.name == "Garamond"


async def test_any_other_document_is_answered_with_what_the_bot_accepts_and_changes_nothing(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        sofia, _ = await secretariat_and_rapporteur(run, Room(service))
        before = await without_whatsapp_bookkeeping(service)
        await sofia.attach("acta.docx", word_template())  # no caption
        await sofia.attach("foto.pdf", b"%PDF-1.4", caption="para el archivo", mime_type="application/pdf")
        answers = sofia.texts()[-2:]
        assert all("Solo recibo un tipo de documento" in a and "plantilla" in a for a in answers), answers
        await sofia.attach("notas.txt", b"no es un documento", caption="plantilla", mime_type="text/plain")
        assert "no es un archivo .docx de Word" in sofia.texts()[-1]
        assert await without_whatsapp_bookkeeping(service) == before


async def test_a_template_from_someone_not_of_the_secretariat_is_refused(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        _, rosa = await secretariat_and_rapporteur(run, Room(service))
        before = await without_whatsapp_bookkeeping(service)
        await rosa.attach("crm.docx", word_template(), caption="plantilla")
        assert not any("instalada" in text for text in rosa.texts())
        assert await without_whatsapp_bookkeeping(service) == before
