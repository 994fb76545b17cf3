"""On Telegram: a second code is refused in the group, and the secretariat moves a member by the name
Telegram shows for them."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.kit import MEETING
from tests.telegram_fake.harness import running_bot


async def test_a_telegram_delegate_is_moved_by_the_secretariat_not_by_a_second_code(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        st = run.fake.user("Sofía", "Reyes")
        run.fake.start_bot(st)
        await run.say(st, chat, "/" + MEETING)
        await run.say(st, chat, "/delegaciones Canadá, Costa Rica")
        ana = run.fake.user("Ana", "Pérez", username="anaperez")
        await run.say(ana, chat, "/unirse " + await run.invite(st, chat, "Canadá"))

        second = await run.say(ana, chat, "/unirse " + await run.invite(st, chat, "Costa Rica"))
        moved = await run.say(st, chat, "/miembro Ana Pérez Costa Rica")

        assert run.replies_to(second) == [
            "Usted ya participa en esta reunión como Canadá. Cada persona habla por una sola delegación "
            "(o tiene una sola función) por reunión, así que este código para Costa Rica no se usó y no "
            "cambió nada. Si debe cambiar, pídalo a la Secretaría Técnica (Sofía Reyes): puede cambiarle "
            "con /miembro 2 Costa Rica."
        ]
        assert any(
            text.startswith("La Secretaría Técnica cambió a Ana Pérez: ahora Costa Rica, hasta ahora Canadá.")
            for text in run.fake.texts(chat["id"])
        ), run.replies_to(moved)
