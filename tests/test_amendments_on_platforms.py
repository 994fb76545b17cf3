"""Amendments played through the Telegram and Slack adapters against their fake servers, and on the
console: each shows what an amendment changes its own way (Telegram strike-through and underline
entities, Slack `~old~ *new*`, console `[-old-]{+new+}`), within the platform's limits."""

from __future__ import annotations

from pathlib import Path

from bot.console import ConsoleAdapter
from bot.slack.blocks import SECTION_LIMIT, card_blocks
from bot.telegram.render import MAX_TEXT, card_message, units
from drafting.replies import CardAmendment, PointCard
from drafting.service import DraftingService
from drafting.textdiff import diff
from tests.kit import MEETING
from tests.slack_fake.harness import MEETING_ES, slack_world
from tests.telegram_fake.harness import running_bot, set_up_meeting
from tests.telegram_fake.server import JSON


def _marked(message: JSON) -> list[tuple[str, str]]:
    """(entity type, the text it covers) on a Telegram message; offsets are UTF-16 units."""
    encoded = message["text"].encode("utf-16-le")
    out = []
    for entity in message.get("entities", []):
        start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
        out.append((entity["type"], encoded[start:end].decode("utf-16-le")))
    return out


async def test_telegram_cards_strike_the_old_words_and_underline_the_new(service: DraftingService) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México", "Panamá", "Guatemala"])
        await run.say(run.user("México"), chat, "/proponer Tomar nota del informe de la ST.")
        await run.say(run.user("Panamá"), chat, "/enmendar 1 Tomar nota del informe de la PPT.")
        await run.say(run.user("Guatemala"), chat, "/enmendar 1 Tomar debida nota del informe de la ST.")
        card = run.fake.card(chat["id"], 1)
        assert "✏️ Enmienda 1 (Panamá):\nTomar nota del informe de la ST PPT." in card["text"]
        assert "✏️ Enmienda 2 (Guatemala):\nTomar debida nota del informe de la ST." in card["text"]
        assert _marked(card) == [("strikethrough", "ST"), ("underline", "PPT"), ("underline", "debida")]

        await run.say(run.user("México"), chat, "/rechazar 1 1")
        card = run.fake.card(chat["id"], 1)
        assert "Enmienda 1" not in card["text"] and "✏️ Enmienda 2 (Guatemala)" in card["text"]
        assert _marked(card) == [("underline", "debida")]
        assert "La enmienda 1 de Panamá al punto 1 fue rechazada." in run.fake.texts(chat["id"])

        await run.say(run.user("México"), chat, "/punto 1")
        (history,) = [m for m in run.fake.bot_messages(chat["id"]) if "Historial:" in m.get("text", "")]
        assert "Enmienda 1 de Panamá (rechazada): Tomar nota del informe de la ST PPT." in history["text"]
        assert ("strikethrough", "ST") in _marked(history) and ("underline", "PPT") in _marked(history)
        assert "[-" not in history["text"]

        await run.say(run.user("rapporteur"), chat, "/aceptar 1 2")
        card = run.fake.messages[(chat["id"], card["message_id"])]  # the card, edited in place
        assert "Tomar debida nota del informe de la ST." in card["text"]
        assert "entities" not in card and "Enmienda" not in card["text"]


async def test_slack_cards_show_the_changes_in_mrkdwn(service: DraftingService) -> None:
    async with slack_world(service) as w:
        people = {"México": "U101", "Panamá": "U102"}
        await w.command("U0ST", MEETING_ES)
        await w.command("U0ST", "delegaciones México, Panamá")
        for name, user in people.items():
            await w.admit("U0ST", name, user)
        await w.command("U101", "proponer Tomar nota del informe de la ST & la OIM.")
        await w.command("U102", "enmendar 1 Tomar nota del informe de la PPT & la OIM.")
        sections = [b["text"] for b in w.card("1").blocks if b.get("type") == "section"]
        amendment = next(s for s in sections if s["type"] == "mrkdwn")
        assert (
            amendment["text"]
            == "✏️ Enmienda 1 (Panamá):\nTomar nota del informe de la ~ST~ *PPT* &amp; la OIM."
        )
        assert amendment["verbatim"] is True
        await w.command("U0ST", "asistencia: México")  # the colon form on Slack too
        assert "Asistencia registrada (1): México." in " ".join(w.fake.texts(w.channel))
        await w.command("U101", "punto 1")
        history = next(t for t in w.fake.texts(w.channel) if "Historial:" in t)
        assert (
            "Enmienda 1 de Panamá (propuesta): Tomar nota del informe de la ~ST~ *PPT* &amp; la OIM."
            in history
        )
        await w.command("U101", "rechazar 1 1")
        assert not any(s["type"] == "mrkdwn" for s in (b["text"] for b in w.card("1").blocks if "text" in b))
        assert "La enmienda 1 de Panamá al punto 1 fue rechazada." in w.fake.texts(w.channel)


async def test_the_console_marks_changes_like_a_word_diff(service: DraftingService, tmp_path: Path) -> None:
    lines: list[str] = []
    console = ConsoleAdapter(service, tmp_path, write=lines.append)
    await console.say("ana", MEETING)
    await console.say("ana", "delegaciones México, Panamá")
    for name, who in (("México", "mx"), ("Panamá", "pa")):
        lines.clear()
        await console.say("ana", f"invitar {name}")
        code = next(w for line in lines for w in line.split() if w.startswith("CODE"))
        await console.say(who, f"unirse {code}")
    await console.say("mx", "proponer Tomar nota del informe de la ST.")
    lines.clear()
    await console.say("pa", "enmendar 1 Tomar nota del informe de la PPT.")
    shown = "\n".join(lines)
    assert "│ ✏️ Enmienda 1 (Panamá):\n  │ Tomar nota del informe de la [-ST-]{+PPT+}." in shown


def _long_card(words: int, amendments: int) -> PointCard:
    old = " ".join(f"palabra{n}" for n in range(words))
    new = old.replace("palabra5 ", "vocablo5 ").replace(f"palabra{words - 3}", "término")
    return PointCard(
        point_id=1,
        meeting_id=1,
        label="1",
        title="Punto 1",
        text=old,
        state="open",
        state_label="en discusión",
        subpoints=(),
        positions=(),
        tally="0 aprueban",
        amendment="",
        buttons=(),
        lang="es",
        amendments=tuple(
            CardAmendment(n, f"✏️ Enmienda {n} (México):", tuple(diff(old, new + f" {n}")))
            for n in range(1, amendments + 1)
        ),
    )


def test_a_long_diff_is_cut_to_the_telegram_limit_keeping_the_changes_marked() -> None:
    card = _long_card(words=450, amendments=3)  # about 5,000 characters of text, three times over
    text, entities = card_message(card)
    assert units(text) <= MAX_TEXT
    assert entities, "the changes are still marked"
    assert all(e.offset + e.length <= units(text) for e in entities)
    assert "vocablo5" in text and "…" in text


def test_a_long_diff_fits_a_slack_section() -> None:
    blocks = card_blocks(_long_card(words=900, amendments=2))
    sections = [
        b["text"]["text"] for b in blocks if b.get("type") == "section" and b["text"]["type"] == "mrkdwn"
    ]
    assert len(sections) == 2
    assert all(len(s) <= SECTION_LIMIT for s in sections)
    assert all("~palabra5~ *vocablo5*" in s for s in sections)
