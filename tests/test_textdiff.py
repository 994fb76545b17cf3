"""An amendment shown as what it changes, word by word, on the console, Slack and Telegram."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.textdiff import Segment, console, diff, slack, telegram

OLD = "Solicitar a la ST que presente un informe."
NEW = "Solicitar a la PPT que presente un informe."


def test_one_word_replaced_is_one_deletion_and_one_insertion() -> None:
    assert diff(OLD, NEW) == [
        Segment("same", "Solicitar a la "),
        Segment("del", "ST"),
        Segment("ins", "PPT"),
        Segment("same", " que presente un informe."),
    ]


def test_the_console_marks_changes_as_word_diff_does() -> None:
    assert console(diff(OLD, NEW)) == "Solicitar a la [-ST-]{+PPT+} que presente un informe."


def test_slack_strikes_the_old_words_and_bolds_the_new() -> None:
    assert slack(diff(OLD, NEW)) == "Solicitar a la ~ST~ *PPT* que presente un informe."


def test_telegram_strikes_the_old_words_and_underlines_the_new() -> None:
    assert telegram(diff(OLD, NEW)) == "Solicitar a la <s>ST</s> <u>PPT</u> que presente un informe."


def test_added_words_keep_the_spaces_outside_the_marks() -> None:
    segments = diff("Agradecer a Honduras.", "Agradecer a Honduras y a México.")
    assert console(segments) == "Agradecer a Honduras{+ y a México+}."
    assert slack(segments) == "Agradecer a Honduras *y a México*."
    assert telegram(segments) == "Agradecer a Honduras <u>y a México</u>."


def test_removed_words_are_struck() -> None:
    segments = diff("Tomar debida nota del informe.", "Tomar nota del informe.")
    assert slack(segments) == "Tomar ~debida~ nota del informe."
    assert console(segments) == "Tomar [-debida -]nota del informe."


def test_neighbouring_changes_separated_by_one_space_are_one_change() -> None:
    segments = diff("que la ST presente el informe", "que la PPT envíe el informe")
    assert console(segments) == "que la [-ST presente-]{+PPT envíe+} el informe"


def test_punctuation_changed_after_a_word_takes_the_whole_word() -> None:
    segments = diff("Tomar nota del informe.", "Tomar nota del informe;")
    assert console(segments) == "Tomar nota del [-informe.-]{+informe;+}"
    assert slack(segments) == "Tomar nota del ~informe.~ *informe;*"


def test_slack_text_is_escaped_and_its_marks_cannot_be_broken() -> None:
    segments = diff("a < b & *c*", "a > b & *c*")
    assert slack(segments) == "a ~&lt;~ *&gt;* b &amp; *c*"
    assert slack(diff("Texto", "Texto ~final~")) == "Texto *∼final∼*"


def test_telegram_text_is_html_escaped() -> None:
    assert telegram(diff("Si a < b", "Si a > b & c")) == "Si a <s>&lt;</s> <u>&gt;</u> b <u>&amp; c</u>"


def test_the_same_text_has_no_marks() -> None:
    assert diff(OLD, OLD) == [Segment("same", OLD)]
    assert console(diff(OLD, OLD)) == OLD


def test_a_text_written_from_nothing_is_all_new() -> None:
    assert telegram(diff("", "Nuevo texto.")) == "<u>Nuevo texto.</u>"


# Few letters and many separators, so that words, spaces and punctuation meet in every order; the new
# text is the old one with one stretch replaced, as an amendment usually is.
PIECES = st.text(alphabet="ab .,;\n<&*~é", max_size=30)


@settings(max_examples=500, deadline=None)
@given(PIECES, PIECES, st.integers(0, 30), st.integers(0, 30))
def test_the_segments_give_back_both_texts_exactly(old: str, put: str, start: int, length: int) -> None:
    new = old[:start] + put + old[start + length :]
    segments = diff(old, new)
    assert "".join(s.text for s in segments if s.kind != "ins") == old
    assert "".join(s.text for s in segments if s.kind != "del") == new
