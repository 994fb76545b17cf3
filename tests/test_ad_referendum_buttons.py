"""Approval ad referendum from a card's button (issue 9, item 2: "also a second button or a modal where
the platform allows"). Slack: a fourth button opens a modal asking the date; its submission is the
same approval as typing `aprobar <n> ad referéndum <fecha>`, with the same refusals. Telegram has no
form: a button on a second row answers with the command to type."""

from __future__ import annotations

from bot.telegram.render import parse_callback
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.db_snapshot import snapshot
from tests.slack_fake.harness import MEETING_ES, SlackWorld, slack_world
from tests.telegram_fake.harness import running_bot, set_up_meeting

TRIO = ["México", "Panamá", "Guatemala"]
PEOPLE = {"México": "U1MX", "Panamá": "U1PA", "Guatemala": "U1GT"}


async def _slack_meeting(w: SlackWorld, extra: str = "") -> None:
    await w.command("U0ST", MEETING_ES + extra)
    await w.command("U0ST", "delegaciones " + "; ".join(TRIO))
    for name in TRIO:
        await w.admit("U0ST", name, PEOPLE[name])
    await w.command(PEOPLE["México"], "proponer Tomar nota del informe.")


async def test_slack_card_has_an_ad_referendum_button_beside_approve_object_and_abstain(
    service: DraftingService,
) -> None:
    async with slack_world(service) as w:
        await _slack_meeting(w)
        buttons = w.card("1").buttons()
        assert [b["text"]["text"] for b in buttons] == ["Aprobar", "Objetar", "Abstenerse", "Ad referéndum"]
        assert buttons[-1]["value"] == "1"  # ids only


async def test_slack_ad_referendum_button_asks_the_date_and_the_card_shows_the_approval(
    service: DraftingService,
) -> None:
    async with slack_world(service) as w:
        await _slack_meeting(w)
        await w.press(PEOPLE["México"], "1", "approve")
        await w.press(PEOPLE["Panamá"], "1", "approve")
        view = await w.ad_referendum(PEOPLE["Guatemala"], "1", "10 de diciembre")
        assert view["type"] == "modal"
        assert view["title"]["text"] == "Ad referéndum: punto 1"
        inputs = [b for b in view["blocks"] if b["type"] == "input"]
        assert len(inputs) == 1 and inputs[0]["element"]["type"] == "plain_text_input"
        assert "10 de diciembre" in inputs[0]["element"]["placeholder"]["text"]
        shown = w.card("1").block_text()
        assert shown.startswith("Punto 1 — adoptado ad referéndum")
        assert "Guatemala" in shown
        said = "\n".join(w.thread_texts("1"))
        assert "Guatemala aprueba el punto 1 ad referéndum" in said and "diciembre" in said

        await w.command(PEOPLE["Guatemala"], "confirmar 1")
        assert w.card("1").block_text().startswith("Punto 1 — adoptado\n")


async def test_slack_ad_referendum_modal_in_english_for_an_english_meeting(service: DraftingService) -> None:
    async with slack_world(service) as w:
        await _slack_meeting(w, "\nidioma: en")
        buttons = w.card("1").buttons()
        assert buttons[-1]["text"]["text"] == "Ad referendum"
        view = await w.ad_referendum(PEOPLE["Guatemala"], "1", "December 10")
        assert view["title"]["text"] == "Ad referendum: point 1"
        assert "approves point 1 ad referendum" in "\n".join(w.thread_texts("1"))


async def test_slack_a_bad_or_empty_date_is_refused_to_the_presser_and_changes_nothing(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with slack_world(service) as w:
        await _slack_meeting(w)
        before = await snapshot(stores)
        await w.ad_referendum(PEOPLE["Guatemala"], "1", "cuando pueda")
        assert await snapshot(stores) == before
        refusals = w.fake.ephemerals_for(PEOPLE["Guatemala"])
        assert any("cuando pueda" in text for text in refusals), refusals
        await w.ad_referendum(PEOPLE["Guatemala"], "1", "   ")
        assert await snapshot(stores) == before
        assert any("Indique hasta cuándo" in text for text in w.fake.ephemerals_for(PEOPLE["Guatemala"]))
        await w.ad_referendum(PEOPLE["Guatemala"], "1", "10 de diciembre " + "x" * 600)
        assert await snapshot(stores) == before
        assert any("demasiado largo" in text for text in w.fake.ephemerals_for(PEOPLE["Guatemala"]))
        assert "pendiente Guatemala" in w.card("1").block_text()


async def test_slack_an_observer_cannot_approve_ad_referendum_through_the_modal(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with slack_world(service) as w:
        await _slack_meeting(w)
        await w.command("U0ST", "observadores OIM")
        await w.admit("U0ST", "OIM", "U0OIM")
        before = await snapshot(stores)
        await w.ad_referendum("U0OIM", "1", "10 de diciembre")
        assert await snapshot(stores) == before
        assert w.fake.ephemerals_for("U0OIM")


async def test_telegram_ad_referendum_button_answers_with_the_command_to_type(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group("CRM")
        await set_up_meeting(run, chat, TRIO)
        await run.say(run.user("México"), chat, "/proponer Tomar nota del informe.")
        card = run.fake.card(chat["id"], 1)
        rows = card["reply_markup"]["inline_keyboard"]
        assert [b["text"] for b in rows[0]] == ["Aprobar", "Objetar", "Abstenerse"]
        assert [b["text"] for b in rows[1]] == ["Ad referéndum"]
        data = rows[1][0]["callback_data"]
        assert len(data.encode()) <= 64 and parse_callback(data) is not None

        query = await run.press(run.user("Guatemala"), card, "Ad referéndum")
        answer = run.fake.answer(query)
        assert answer is not None and answer["show_alert"]
        assert "/aprobar 1 ad referéndum <fecha>" in answer["text"]
        assert "/aprobar 1 ad referéndum 10 de diciembre" in answer["text"]
        assert run.fake.card(chat["id"], 1)["text"] == card["text"]  # the press itself took no position

        await run.say(run.user("México"), chat, "/aprobar 1")
        await run.say(run.user("Panamá"), chat, "/aprobar 1")
        await run.say(run.user("Guatemala"), chat, "/aprobar 1 ad referéndum 10 de diciembre")
        adopted = run.fake.card(chat["id"], 1)
        assert "Punto 1 — adoptado ad referéndum" in adopted["text"]
