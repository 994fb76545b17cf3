"""Ad referendum, `pendientes`, `recordar` and the silence reminder, played through the Telegram adapter
and the Slack adapter against their fake servers, and at the console: a reminder mentions each silent
delegate the platform's way (Telegram text mention by user id; Slack <@U…>; the console's @name)."""

from __future__ import annotations

from pathlib import Path

from bot.console import ConsoleAdapter
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.kit import MEETING, code_in
from tests.slack_fake.harness import MEETING_ES, slack_world
from tests.telegram_fake.harness import running_bot, set_up_meeting

TRIO = ["México", "Panamá", "Guatemala"]


async def test_telegram_ad_referendum_pending_and_reminders_with_text_mentions(
    service: DraftingService, clock: FakeClock
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group("CRM")
        await set_up_meeting(run, chat, TRIO)
        mexico, panama, guatemala = (run.user(n) for n in TRIO)
        await run.say(mexico, chat, "/proponer Tomar nota del informe.")
        await run.say(mexico, chat, "/aprobar 1")
        await run.say(panama, chat, "/aprobar 1")
        await run.say(guatemala, chat, "/aprobar 1 ad referéndum 10 de diciembre")
        assert "Punto 1 — adoptado ad referéndum" in run.fake.card(chat["id"], 1)["text"]
        await run.say(guatemala, chat, "/confirmar 1")
        assert run.fake.card(chat["id"], 1)["text"].startswith("Punto 1 — adoptado\n")

        await run.say(mexico, chat, "/proponer Agradecer a la OIM.")
        await run.say(mexico, chat, "/aprobar 2")
        await run.say(mexico, chat, "/pendientes")
        assert "Punto 2: Guatemala, Panamá" in run.last_text(chat)
        await run.say(run.user("rapporteur"), chat, "/recordar 2")
        reminder = run.fake.bot_messages(chat["id"])[-1]
        assert reminder["text"].startswith("🔔 Punto 2: falta la posición de Guatemala, Panamá.")
        mentioned = [(e["type"], e["user"]["id"]) for e in reminder["entities"]]
        assert mentioned == [("text_mention", guatemala["id"]), ("text_mention", panama["id"])]
        for entity in reminder["entities"]:
            named = reminder["text"].encode("utf-16-le")[
                entity["offset"] * 2 : (entity["offset"] + entity["length"]) * 2
            ]
            assert named.decode("utf-16-le") == entity["user"]["first_name"]

        await run.say(run.user("rapporteur"), chat, "/silencio 2 en 48 horas")
        clock.advance(hours=24)
        await run.dispatcher.dispatch(await service.sweep(), platform="system", origin=None)
        await run.adapter.drain()
        swept = run.fake.bot_messages(chat["id"])[-1]
        assert swept["text"].startswith("🔔 Recordatorio: el silencio sobre el punto 2 vence")
        assert [e["user"]["id"] for e in swept["entities"]] == [guatemala["id"], panama["id"]]


async def test_slack_ad_referendum_pending_and_reminders_with_user_mentions(
    service: DraftingService, clock: FakeClock
) -> None:
    people = {"México": "U1MX", "Panamá": "U1PA", "Guatemala": "U1GT"}
    async with slack_world(service) as w:
        await w.command("U0ST", MEETING_ES)
        await w.command("U0ST", "delegaciones " + "; ".join(TRIO))
        for name in TRIO:
            await w.admit("U0ST", name, people[name])
        await w.admit("U0ST", "presidencia", "U0PPT")
        await w.command(people["México"], "proponer Tomar nota del informe.")
        await w.command(people["México"], "aprobar 1")
        await w.command(people["Panamá"], "aprobar 1")
        await w.command(people["Guatemala"], "aprobar 1 ad referéndum 10 de diciembre")
        assert w.card("1").block_text().startswith("Punto 1 — adoptado ad referéndum")
        await w.command(people["Guatemala"], "confirmar 1")
        assert w.card("1").block_text().startswith("Punto 1 — adoptado\n")

        await w.command(people["México"], "proponer Agradecer a la OIM.")
        await w.command(people["México"], "aprobar 2")
        await w.command("U0PPT", "recordar 2")
        assert "🔔 Punto 2: falta la posición de Guatemala, Panamá.\n<@U1GT>, <@U1PA>" in w.thread_texts("2")
        await w.command("U0PPT", "silencio 2 en 48 horas")
        clock.advance(hours=24)
        await w.dispatcher.dispatch(await w.service.sweep(), platform="system", origin=None)
        await w.settle()
        reminder = w.thread_texts("2")[-1]
        assert reminder.startswith("🔔 Recordatorio: el silencio sobre el punto 2 vence")
        assert reminder.endswith("\n<@U1GT>, <@U1PA>")


async def test_the_console_names_the_silent_delegates(service: DraftingService, tmp_path: Path) -> None:
    lines: list[str] = []
    console = ConsoleAdapter(service, tmp_path, write=lines.append)
    await console.say("st", MEETING)
    await console.say("st", "delegaciones México; Panamá")
    for name, who in (("México", "Ana"), ("Panamá", "Luis"), ("presidencia", "PPT")):
        await console.say(who, "unirse " + code_in(await console.say("st", f"invitar {name}")))
    await console.say("Ana", "proponer Tomar nota.")
    del lines[:]
    assert (await console.say("PPT", "recordar 1")).ok
    shown = "\n".join(lines)
    assert "🔔 Punto 1: falta la posición de México, Panamá.\n  @Ana @Luis" in shown
