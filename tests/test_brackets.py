"""Square brackets in a point's text: found, numbered, settled one at a time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.brackets import BracketError, find, numbered, open_count, resolve

TEXT = "Solicitar a [la ST / la PPT] que presente [antes de la próxima reunión] un informe."


def test_brackets_are_found_in_reading_order_with_their_alternatives() -> None:
    found = find(TEXT)
    assert [(b.number, b.options) for b in found] == [
        (1, ("la ST", "la PPT")),
        (2, ("antes de la próxima reunión",)),
    ]


def test_brackets_are_shown_numbered() -> None:
    assert numbered(TEXT) == (
        "Solicitar a [1: la ST / la PPT] que presente [2: antes de la próxima reunión] un informe."
    )


def test_a_slash_without_spaces_is_part_of_the_phrase() -> None:
    assert find("Coordinar [y/o apoyar] a la ST.")[0].options == ("y/o apoyar",)


def test_text_without_brackets_is_unchanged() -> None:
    assert numbered("Tomar nota.") == "Tomar nota."
    assert open_count(["Tomar nota.", "Agradecer."]) == 0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Tomar [nota [del] informe].", "error.bracket_nested"),
        ("Tomar [nota del informe.", "error.bracket_unbalanced"),
        ("Tomar nota] del informe.", "error.bracket_unbalanced"),
        ("Tomar [] nota.", "error.bracket_empty"),
        ("Tomar [nota /  / acta].", "error.bracket_empty"),
    ],
)
def test_brackets_that_cannot_be_numbered_are_refused(text: str, key: str) -> None:
    with pytest.raises(BracketError) as refused:
        find(text)
    assert refused.value.key == key


def test_an_alternative_is_chosen_by_its_number() -> None:
    expected = "Solicitar a la PPT que presente [antes de la próxima reunión] un informe."
    assert resolve(TEXT, 1, "2") == expected


def test_a_phrase_not_yet_agreed_is_kept_with_1() -> None:
    expected = "Solicitar a [la ST / la PPT] que presente antes de la próxima reunión un informe."
    assert resolve(TEXT, 2, "1") == expected


def test_new_text_replaces_the_whole_bracket() -> None:
    assert resolve(TEXT, 1, "la Secretaría Técnica") == (
        "Solicitar a la Secretaría Técnica que presente [antes de la próxima reunión] un informe."
    )


def test_a_dash_deletes_the_bracket_without_leaving_a_double_space() -> None:
    assert resolve(TEXT, 2, "-") == "Solicitar a [la ST / la PPT] que presente un informe."
    assert resolve("Tomar nota del informe [de la OIM].", 1, "ninguna") == "Tomar nota del informe."


def test_the_rest_of_the_text_keeps_its_spacing() -> None:
    text = "Talleres:\n  · uno [en 2027]\n  · dos"
    assert resolve(text, 1, "-") == "Talleres:\n  · uno\n  · dos"


@pytest.mark.parametrize(
    ("number", "choice", "key"),
    [
        (3, "1", "error.bracket_missing"),
        (0, "1", "error.bracket_missing"),
        (1, "3", "error.bracket_choice"),
        (1, "0", "error.bracket_choice"),
        (1, "  ", "error.bracket_choice"),
        (1, "[la ST]", "error.bracket_nested"),
    ],
)
def test_a_bracket_or_choice_that_does_not_exist_is_refused(number: int, choice: str, key: str) -> None:
    with pytest.raises(BracketError) as refused:
        resolve(TEXT, number, choice)
    assert refused.value.key == key


def test_open_brackets_are_counted_over_a_point_and_its_sub_points() -> None:
    assert open_count([TEXT, "a. Sin corchetes.", "b. Con [uno]."]) == 3
    assert open_count(["Roto [sin cierre"]) == 1


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab []/.,\n", max_size=40), st.sampled_from(["1", "2", "-", "nuevo texto"]))
def test_settling_a_bracket_leaves_one_fewer_or_refuses(text: str, choice: str) -> None:
    try:
        before = len(find(text))
        after = resolve(text, 1, choice)
    except BracketError:
        return
    assert len(find(after)) == before - 1
