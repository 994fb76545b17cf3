"""A whole meeting in a Telegram group, as its people would play it, through the fake server.

Ten delegates, a rapporteur and the Technical Secretariat: the meeting is created and staffed with
invitation codes that arrive privately, points are proposed (in Spanish and English, with
`@botname`), discussed by replying to their cards, amended, objected to and approved with the card
buttons, one is withdrawn; the rapporteur compiles a draft and finalises, and the secretariat
downloads the final .docx, which is fetched back from the fake server with getFile.

The same script runs in-process under pytest (`LocalDriver`) and against a separately running
`draftbot run` over HTTP (`python -m tests.telegram_fake play`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from bot.demo import DELEGATIONS, PEOPLE
from tests.kit import MEETING
from tests.telegram_fake.harness import BotRun
from tests.telegram_fake.server import JSON

# who speaks for each delegation: the same people as in `draftbot demo`
DELEGATES = {name: PEOPLE[name] for name in DELEGATIONS}

POINTS = [
    (
        "México",
        "Agradecer a las delegaciones de Honduras, México, Guatemala, República Dominicana, Canadá, Panamá y "
        "Estados Unidos, por sus informes relativos a buenas prácticas y avances relacionadas con la "
        "protección consular en el marco de la corresponsabilidad.",
    ),
    (
        "Honduras",
        "Agradecer a Honduras por la presentación de la nota conceptual y tomar nota del ofrecimiento de "
        "Honduras y México para ser sede del Taller de “Trabajadores Temporales Migratorios”.",
    ),
    (
        "Guatemala",
        "Agradecer a las delegaciones de México, Honduras y Guatemala, por sus presentaciones sobre buenas "
        "prácticas en materia de sistemas/plataformas de registro de actuaciones consulares.",
    ),
    (
        "Costa Rica",
        "Tomar nota de la información presentada por Costa Rica acerca de los Talleres ofrecidos por la "
        "Plataforma sobre Desplazamiento en el Contexto de Desastres.",
    ),
    ("El Salvador", "Solicitar a la Secretaría Técnica un estudio comparativo de costos consulares."),
    (
        "Panamá",
        "Encomendar a la Secretaría Técnica la organización de un taller sobre manejo consular de crisis.",
    ),
]
SUBPOINT = (
    "Guatemala",
    "Se agradece la voluntad manifestada por México de acompañar a los países en la construcción de un "
    "Sistema de Registro de Protección Consular.",
)
AMENDED_4 = (
    "Tomar nota de la información presentada por Costa Rica acerca de los Talleres ofrecidos por la "
    "Plataforma sobre Desplazamiento en el Contexto de Desastres, y de su interés en ser sede del próximo."
)
WITHDRAWN = 5  # El Salvador withdraws its point 5


class Driver(Protocol):
    """What the script needs from the fake server and the bot behind it."""

    username: str

    async def user(self, name: str) -> JSON: ...
    async def group(self, title: str) -> JSON: ...
    async def start_bot(self, user: JSON) -> None: ...
    async def say(self, user: JSON, chat: JSON, text: str, *, reply_to: JSON | None = None) -> JSON: ...
    async def press_all(self, presses: list[tuple[JSON, JSON, str]]) -> None: ...
    async def card(self, chat: JSON, label: int) -> JSON: ...
    async def count_private(self, user: JSON) -> int: ...
    async def code_for(self, user: JSON, after: int) -> str: ...
    async def count_documents(self, chat: JSON) -> int: ...
    async def document(self, chat: JSON, after: int) -> JSON: ...
    async def download(self, file_id: str) -> bytes: ...


@dataclass
class Played:
    """What the meeting left behind."""

    chat: JSON
    people: dict[str, JSON]
    adopted: list[str]  # the adopted points' texts, in order
    withdrawn: str
    draft: bytes
    final: bytes
    final_name: str
    log: list[str] = field(default_factory=list)


async def play_meeting(d: Driver, *, say: bool = False) -> Played:
    log: list[str] = []

    def note(line: str) -> None:
        log.append(line)
        if say:
            print(line, flush=True)

    chat = await d.group("CRM · Red de Protección Consular")
    st = await d.user("Secretaría Técnica")
    rapporteur = await d.user("Relatora")
    delegates = {name: await d.user(person) for name, person in DELEGATES.items()}
    people = {"st": st, "rapporteur": rapporteur, **delegates}

    note("The secretariat opens a private chat with the bot and creates the meeting in the group.")
    await d.start_bot(st)
    await d.say(st, chat, f"/{MEETING.replace('nuevareunion', f'nuevareunion@{d.username}', 1)}")
    await d.say(st, chat, "/delegaciones " + "; ".join(DELEGATES))

    note("Invitation codes reach the secretariat privately; each delegate joins in the group.")
    for name, person in [*delegates.items(), ("relator", rapporteur)]:
        seen = await d.count_private(st)
        await d.say(st, chat, f"/invitar {name}")
        code = await d.code_for(st, seen)
        await d.say(person, chat, f"/unirse {code}" if name != "relator" else f"/join {code}")

    note("Points are proposed; one in English, addressed to the bot by name.")
    for index, (who, text) in enumerate(POINTS):
        if index == 1:
            await d.say(delegates[who], chat, f"/propose@{d.username} {text}")
        else:
            await d.say(delegates[who], chat, f"/proponer {text}")

    note("Discussion: replies to the cards are comments; a sub-point; an objection and an amendment.")
    card3 = await d.card(chat, 3)
    await d.say(
        delegates["México"],
        chat,
        "Sugerimos mencionar también la oferta de México de acompañar a los países.",
        reply_to=card3,
    )
    await d.say(delegates[SUBPOINT[0]], chat, f"/subpunto 3 {SUBPOINT[1]}")
    await d.say(
        delegates["Nicaragua"], chat, "/objetar 4 Falta mencionar el interés de Costa Rica en ser sede."
    )
    await d.say(delegates["Costa Rica"], chat, f"/enmendar 4 {AMENDED_4}")
    await d.say(rapporteur, chat, "/aceptar 4")
    await d.say(delegates["El Salvador"], chat, f"/retirar {WITHDRAWN}")

    note("Every delegation takes its position with the buttons, in bursts; Canadá abstains on point 2.")
    for label in (1, 2, 3, 4, 6):
        card = await d.card(chat, label)
        presses = []
        for name, person in delegates.items():
            button = "Abstenerse" if (label, name) == (2, "Canadá") else "Aprobar"
            presses.append((person, card, button))
        await d.press_all(presses)

    note("The rapporteur compiles a draft, then finalises; the secretariat downloads the final report.")
    seen = await d.count_documents(chat)
    await d.say(rapporteur, chat, "/compilar")
    draft = await d.download((await d.document(chat, seen))["document"]["file_id"])
    await d.say(rapporteur, chat, "/finalizar")
    await d.say(st, chat, "/descargar")
    final = (await d.document(chat, seen + 1))["document"]
    content = await d.download(final["file_id"])
    note(f"Final report: {final['file_name']} ({len(content)} bytes).")
    adopted = [text for index, (_, text) in enumerate(POINTS, start=1) if index != WITHDRAWN]
    adopted[3] = AMENDED_4
    return Played(chat, people, adopted, POINTS[WITHDRAWN - 1][1], draft, content, final["file_name"], log)


def find_code(texts: list[str]) -> str | None:
    for text in texts:
        match = re.search(r"/join ([A-Za-z0-9_-]{4,64})\b", text)
        if match:
            return match.group(1)
    return None


class LocalDriver:
    """The script against an in-process `BotRun`."""

    def __init__(self, run: BotRun) -> None:
        self.run = run
        self.username = run.fake.username

    async def user(self, name: str) -> JSON:
        return self.run.user(name)

    async def group(self, title: str) -> JSON:
        return self.run.fake.group(title)

    async def start_bot(self, user: JSON) -> None:
        self.run.fake.start_bot(user)
        await self.run.settle()

    async def say(self, user: JSON, chat: JSON, text: str, *, reply_to: JSON | None = None) -> JSON:
        return await self.run.say(user, chat, text, reply_to=reply_to)

    async def press_all(self, presses: list[tuple[JSON, JSON, str]]) -> None:
        for user, message, label in presses:
            self.run.fake.press_button(user, message, label)
        await self.run.settle()

    async def card(self, chat: JSON, label: int) -> JSON:
        return self.run.fake.card(chat["id"], label)

    async def count_private(self, user: JSON) -> int:
        return len(self.run.private_texts(user))

    async def code_for(self, user: JSON, after: int) -> str:
        code = find_code(self.run.private_texts(user)[after:])
        if code is None:
            raise AssertionError(f"no invitation code in {self.run.private_texts(user)[after:]}")
        return code

    async def count_documents(self, chat: JSON) -> int:
        return len(self.run.fake.documents(chat["id"]))

    async def document(self, chat: JSON, after: int) -> JSON:
        documents = self.run.fake.documents(chat["id"])
        if len(documents) <= after:
            raise AssertionError(f"no new document; last messages: {self.run.fake.texts(chat['id'])[-3:]}")
        return documents[after]

    async def download(self, file_id: str) -> bytes:
        """Through the bot's own getFile and the file download path of the fake server."""
        file = await self.run.adapter.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())
