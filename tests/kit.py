"""A meeting driven straight through the service, as several people in one chat."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from bot.demo import DELEGATIONS as DELEGATIONS
from drafting.model import ChatRef, UserRef
from drafting.replies import Outcome, PointCard
from drafting.service import DraftingService
from drafting.turn import Context

MEETING = (
    "nuevareunion\n"
    "titulo: INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE DE PROTECCIÓN CONSULAR\n"
    "organismos: CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM); "
    "GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN (GRCM)\n"
    "red: Red de Funcionarios de Enlace de Protección Consular\n"
    "tipo: ordinaria\n"
    "lugar: San Pedro Sula, Honduras\n"
    "fecha: 2016-11-15\n"
    "previo: Grupo Regional de Consulta sobre Migración (GRCM)"
)


def code_in(outcome: Outcome) -> str:
    for text in outcome.texts():
        match = re.search(r"join (\S+)", text)
        if match:
            return match.group(1)
    raise AssertionError(f"no invitation code in {outcome.texts()}")


def card_in(outcome: Outcome) -> PointCard:
    for delivery in outcome.deliveries:
        if isinstance(delivery.message, PointCard):
            return delivery.message
    raise AssertionError(f"no card in {outcome.texts()}")


@dataclass
class Room:
    service: DraftingService
    chat: ChatRef = field(default_factory=lambda: ChatRef("test", "room-1"))
    prefix: str = "/"

    def ctx(self, who: str, *, dedup_key: str | None = None, thread_point_id: int | None = None) -> Context:
        user = UserRef(self.chat.platform, who, self.chat.workspace, who)
        return Context(self.chat, user, self.prefix, dedup_key=dedup_key, thread_point_id=thread_point_id)

    async def say(
        self, who: str, text: str, *, dedup_key: str | None = None, thread_point_id: int | None = None
    ) -> Outcome:
        context = self.ctx(who, dedup_key=dedup_key, thread_point_id=thread_point_id)
        return await self.service.handle_text(context, text)

    async def press(self, who: str, point_id: int, action: str, reason: str = "") -> Outcome:
        return await self.service.press(self.ctx(who), point_id, action, reason)

    async def admit(self, inviter: str, target: str, who: str) -> Outcome:
        code = code_in(await self.say(inviter, f"invite {target}"))
        return await self.say(who, f"join {code}")


async def set_up_meeting(room: Room, delegations: list[str] | None = None) -> dict[str, str]:
    """A meeting with member delegations, two observers, a rapporteur and a chair, all admitted.

    Returns who speaks for what: delegation name -> user id, plus "st", "rapporteur", "chair",
    "OIM", "RROCM".
    """
    names = delegations or DELEGATIONS
    people = {"st": "st"}
    outcome = await room.say("st", MEETING)
    assert outcome.ok, outcome.texts()
    assert (await room.say("st", "delegaciones " + "; ".join(names))).ok
    assert (await room.say("st", "observadores OIM, RROCM")).ok
    for index, name in enumerate(names):
        people[name] = f"d{index}"
        assert (await room.admit("st", name, people[name])).ok
    for name in ("OIM", "RROCM"):
        people[name] = name.lower()
        assert (await room.admit("st", name, people[name])).ok
    people["rapporteur"] = "rap"
    assert (await room.admit("st", "relator", "rap")).ok
    people["chair"] = "chair"
    assert (await room.admit("st", "presidencia", "chair")).ok
    return people


class Wall:
    """A wall clock (seconds, as `time.time`) moved by the test: no test waits for a grace to pass."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
