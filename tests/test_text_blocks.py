"""A point's typed text becomes paragraphs and bullet lists; rendering strips what XML cannot hold."""

from __future__ import annotations

import pytest

from drafting.report.model import Bullets, Paragraph
from drafting.textblocks import split_blocks
from drafting.xmltext import has_invalid_xml, xml_safe


def test_a_single_line_is_one_opening_paragraph() -> None:
    assert split_blocks("Agradecer a Honduras.") == (Paragraph("Agradecer a Honduras."),)


def test_every_non_empty_line_is_a_paragraph_of_its_own() -> None:
    text = "Agradecer a Honduras.\nSe agradece a México.\n\n\nTomar nota."
    assert split_blocks(text) == (
        Paragraph("Agradecer a Honduras."),
        Paragraph("Se agradece a México."),
        Paragraph("Tomar nota."),
    )


def test_empty_or_blank_text_has_no_blocks() -> None:
    assert split_blocks("") == ()
    assert split_blocks(" \n\t\n ") == ()


@pytest.mark.parametrize("marker", ["·", "•", "-", "*"])
def test_consecutive_bullet_lines_form_one_list_without_their_markers(marker: str) -> None:
    text = f"Propuesta de nuevas actividades:\n{marker} Talleres sobre crisis\n{marker} Talleres MICIC"
    assert split_blocks(text) == (
        Paragraph("Propuesta de nuevas actividades:"),
        Bullets(("Talleres sobre crisis", "Talleres MICIC")),
    )


def test_different_markers_in_a_row_make_one_list() -> None:
    assert split_blocks("- uno\n• dos\n* tres") == (Bullets(("uno", "dos", "tres")),)


def test_a_blank_line_between_bullets_starts_a_new_list() -> None:
    assert split_blocks("· uno\n\n· dos") == (Bullets(("uno",)), Bullets(("dos",)))


def test_a_paragraph_between_bullets_splits_the_list() -> None:
    assert split_blocks("Texto:\n- uno\nMás texto.\n- dos") == (
        Paragraph("Texto:"),
        Bullets(("uno",)),
        Paragraph("Más texto."),
        Bullets(("dos",)),
    )


@pytest.mark.parametrize("line", ["-5 grados", "*énfasis*", "·punto", "--", "** dos"])
def test_a_marker_not_followed_by_a_space_is_ordinary_text(line: str) -> None:
    assert split_blocks(line) == (Paragraph(line),)


def test_indented_bullets_and_tabs_after_the_marker_are_bullets() -> None:
    assert split_blocks("Lista:\n   -\tuno\n\t• dos") == (Paragraph("Lista:"), Bullets(("uno", "dos")))


def test_a_bullet_with_nothing_after_its_marker_is_dropped() -> None:
    assert split_blocks("· uno\n· \n· dos") == (Bullets(("uno", "dos")),)
    assert split_blocks("· ") == ()


def test_paragraphs_are_trimmed_but_keep_their_inner_spacing() -> None:
    assert split_blocks("   Agradecer  a  Honduras.   ") == (Paragraph("Agradecer  a  Honduras."),)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028", "\u2029"])
def test_any_kind_of_line_break_separates_lines(newline: str) -> None:
    assert split_blocks(f"uno{newline}dos") == (Paragraph("uno"), Paragraph("dos"))


def test_form_feeds_and_other_control_characters_are_not_line_breaks() -> None:
    assert split_blocks("uno\x0cdos\x1ctres") == (Paragraph("uno\x0cdos\x1ctres"),)


def test_the_first_block_is_the_opening_paragraph() -> None:
    blocks = split_blocks("Agradecer a la OIM.\nLos Países Miembros adaptarán los contenidos.")
    assert blocks[0] == Paragraph("Agradecer a la OIM.")


# --- xml_safe --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"]
)
def test_characters_xml_forbids_are_removed(bad: str) -> None:
    assert xml_safe(f"a{bad}b") == "ab"
    assert has_invalid_xml(f"a{bad}b")


def test_lone_surrogates_are_removed() -> None:
    broken = b"caf\xe9".decode("utf-8", errors="surrogateescape")
    assert xml_safe(broken) == "caf"
    assert xml_safe("x\ud800y\udfffz") == "xyz"


def test_tab_newline_and_carriage_return_are_kept() -> None:
    assert xml_safe("a\tb\nc\rd") == "a\tb\nc\rd"


def test_accents_right_to_left_text_and_emoji_are_kept() -> None:
    text = "Niñez — مرحبا بالعالم — שלום — 🇭🇳 👍🏽 — \u200f\u202e"
    assert xml_safe(text) == text
    assert not has_invalid_xml(text)


def test_clean_text_comes_back_as_the_same_object() -> None:
    text = "Agradecer a Honduras." * 500
    assert xml_safe(text) is text
