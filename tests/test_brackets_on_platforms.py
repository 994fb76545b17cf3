"""Brackets played through the Telegram adapter and the Slack adapter against their fake servers: the
card shows the bracket numbered and why the point is not adopted; `resolver` settles it and the card
follows."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.slack_fake.harness import MEETING_ES, slack_world
from tests.telegram_fake.harness import running_bot, set_up_meeting

PAIR = ["México", "Panamá"]
PROPOSED = "Solicitar a la ST [un estudio / una nota conceptual] sobre costos consulares."
HELD = "No puede adoptarse todavía: 1 corchete sin resolver"


async def test_telegram_a_bracket_holds_the_card_back_until_the_rapporteur_resolves_it(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group("CRM")
        await set_up_meeting(run, chat, PAIR)
        mexico, panama = (run.user(n) for n in PAIR)
        await run.say(mexico, chat, "/proponer " + PROPOSED)
        await run.say(mexico, chat, "/aprobar 1")
        await run.say(panama, chat, "/aprobar 1")
        card = run.fake.card(chat["id"], 1)["text"]
        assert "Solicitar a la ST [1: un estudio / una nota conceptual] sobre costos consulares." in card
        assert card.startswith("Punto 1 — en discusión")
        assert HELD in card

        await run.say(run.user("rapporteur"), chat, "/resolver 1 1 2")
        card = run.fake.card(chat["id"], 1)["text"]
        assert "Solicitar a la ST una nota conceptual sobre costos consulares." in card
        assert "corchete" not in card
        await run.say(mexico, chat, "/aprobar 1")
        await run.say(panama, chat, "/aprobar 1")
        assert run.fake.card(chat["id"], 1)["text"].startswith("Punto 1 — adoptado\n")


async def test_slack_a_bracket_holds_the_card_back_until_the_chair_resolves_it(
    service: DraftingService,
) -> None:
    people = {"México": "U1MX", "Panamá": "U1PA"}
    async with slack_world(service) as w:
        await w.command("U0ST", MEETING_ES)
        await w.command("U0ST", "delegaciones " + "; ".join(PAIR))
        for name in PAIR:
            await w.admit("U0ST", name, people[name])
        await w.admit("U0ST", "presidencia", "U0PPT")
        await w.command(people["México"], "proponer " + PROPOSED)
        for who in people.values():
            await w.command(who, "aprobar 1")
        card = w.card("1").block_text()
        assert "Solicitar a la ST [1: un estudio / una nota conceptual] sobre costos consulares." in card
        assert card.startswith("Punto 1 — en discusión")
        assert HELD in card

        await w.command("U0PPT", "resolver 1 1 1")
        card = w.card("1").block_text()
        assert "Solicitar a la ST un estudio sobre costos consulares." in card
        assert "corchete" not in card
        for who in people.values():
            await w.command(who, "aprobar 1")
        assert w.card("1").block_text().startswith("Punto 1 — adoptado\n")
