"""Texts longer than a Telegram message (4096 UTF-16 units) are split; cards are cut to fit."""

from __future__ import annotations

from bot.telegram.render import MAX_TEXT, card_text, split_text, units
from drafting.replies import PointCard
from drafting.service import DraftingService
from tests.telegram_fake.harness import running_bot, set_up_meeting


def test_a_long_text_is_split_at_paragraphs_into_pieces_that_fit() -> None:
    paragraphs = [f"Párrafo {n}: " + "texto del informe " * 40 for n in range(20)]
    text = "\n\n".join(paragraphs)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(units(piece) <= MAX_TEXT for piece in pieces)
    assert all(piece.rstrip().endswith("informe") for piece in pieces)  # cut between paragraphs
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_emoji_count_double_when_splitting() -> None:
    text = "🤫" * 3000  # 6000 UTF-16 units in 3000 characters
    pieces = split_text(text)
    assert [units(p) for p in pieces] == [4096, 6000 - 4096]


def test_a_text_without_spaces_is_cut_hard() -> None:
    assert [len(p) for p in split_text("x" * 9000)] == [4096, 4096, 808]


def test_a_short_text_is_left_alone() -> None:
    assert split_text("Hola") == ["Hola"]


def _card(text: str) -> PointCard:
    return PointCard(
        point_id=1,
        meeting_id=1,
        label="1",
        title="Punto 1",
        text=text,
        state="open",
        state_label="en discusión",
        subpoints=(),
        positions=(),
        tally="0 aprueban",
        amendment="",
        buttons=(),
        lang="es",
    )


def test_a_card_longer_than_a_message_is_cut_with_the_way_to_read_it_whole() -> None:
    shown = card_text(_card("Agradecer " * 500))
    assert units(shown) <= MAX_TEXT
    assert "(/punto 1)" in shown and shown.endswith("0 aprueban")


async def test_a_long_point_gets_a_card_that_fits_and_its_history_comes_in_pieces(
    service: DraftingService,
) -> None:
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_meeting(run, chat, ["México"])
        long_text = "Agradecer a las delegaciones por sus informes. " * 100  # about 4700 characters
        await run.say(run.user("México"), chat, f"/proponer {long_text.strip()}")
        card = run.fake.card(chat["id"], 1)
        assert units(card["text"]) <= MAX_TEXT and "(/punto 1)" in card["text"]
        asked = await run.say(run.user("México"), chat, "/punto 1")
        pieces = run.replies_to(asked)
        assert len(pieces) == 2
        assert long_text.strip()[-200:] in "".join(pieces).replace("\n", " ")
        assert [c for c in run.fake.calls if c.error is not None] == []
