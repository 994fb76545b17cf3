"""Lists of names, their order and dates, worded as in the reference reports."""

from __future__ import annotations

from datetime import date

import pytest

from drafting.model import DateSpan
from drafting.spanish import (
    date_line,
    date_phrase,
    fold,
    join_names,
    long_date,
    normalize_lang,
    sort_names,
    starts_with_i_sound,
)

COUNTRIES_001 = [
    "Canadá",
    "Costa Rica",
    "El Salvador",
    "Estados Unidos de América",
    "Guatemala",
    "Honduras",
    "México",
    "Panamá",
    "República Dominicana",
]


def span(start: date, end: date | None = None) -> DateSpan:
    return DateSpan(start, end or start)


# --- join_names ------------------------------------------------------------------------------


def test_no_names_join_to_an_empty_string() -> None:
    assert join_names([], "es") == ""
    assert join_names([], "en") == ""


def test_one_name_stands_alone() -> None:
    assert join_names(["Honduras"], "es") == "Honduras"


def test_two_names_are_joined_with_y() -> None:
    assert join_names(["Honduras", "México"], "es") == "Honduras y México"


def test_the_participants_of_reference_001_read_as_in_the_report() -> None:
    assert join_names(COUNTRIES_001, "es") == (
        "Canadá, Costa Rica, El Salvador, Estados Unidos de América, Guatemala, Honduras, México, "
        "Panamá y República Dominicana"
    )


@pytest.mark.parametrize("last", ["Irlanda", "Italia", "Israel", "Hidalgo", "Hispaniola", "Ítaca", "islas"])
def test_y_becomes_e_before_the_sound_i(last: str) -> None:
    assert join_names(["Francia", last], "es") == f"Francia e {last}"


@pytest.mark.parametrize("last", ["hielo", "hierba", "Hialeah", "Iowa", "Honduras", "Yemen", "Uruguay"])
def test_y_stays_before_diphthongs_and_other_sounds(last: str) -> None:
    assert join_names(["agua", last], "es") == f"agua y {last}"


def test_the_i_sound_rule_looks_past_opening_quotes_and_case() -> None:
    assert starts_with_i_sound("«Iniciativa")
    assert starts_with_i_sound("HIGIENE")
    assert not starts_with_i_sound("HIERRO")
    assert starts_with_i_sound("I\u0301taca"), "a decomposed accent counts too"


def test_english_lists_use_and_without_a_serial_comma() -> None:
    assert join_names(["Canada", "Mexico", "Panama"], "en") == "Canada, Mexico and Panama"
    assert join_names(["Canada", "Ireland"], "en") == "Canada and Ireland"


def test_blank_names_are_skipped_and_names_are_trimmed() -> None:
    assert join_names([" Honduras ", "", "  ", "México"], "es") == "Honduras y México"


# --- sort_names ------------------------------------------------------------------------------


def test_delegations_sort_as_in_reference_001() -> None:
    shuffled = [COUNTRIES_001[i] for i in (6, 0, 8, 3, 1, 7, 2, 5, 4)]
    assert sort_names(shuffled, "es") == COUNTRIES_001


def test_sorting_ignores_accents_and_case() -> None:
    assert sort_names(["panamá", "México", "canadá", "Belice"], "es") == [
        "Belice",
        "canadá",
        "México",
        "panamá",
    ]


def test_enye_is_its_own_letter_after_n_in_spanish() -> None:
    assert sort_names(["Oman", "Ñuble", "Nicaragua", "Nueva Zelanda"], "es") == [
        "Nicaragua",
        "Nueva Zelanda",
        "Ñuble",
        "Oman",
    ]


def test_sorting_is_total_even_for_names_that_differ_only_in_accents() -> None:
    assert sort_names(["Perú", "Peru", "PERU"], "es") == sort_names(["PERU", "Peru", "Perú"], "es")


def test_fold_lowers_case_and_drops_accents() -> None:
    assert fold("Comité") == "comite"
    assert fold("REUNIÓN") == "reunion"


# --- dates -----------------------------------------------------------------------------------


def test_a_one_day_meeting_has_a_single_date_under_the_title() -> None:
    assert date_line(span(date(2016, 11, 15)), "es") == "15 de noviembre, 2016"
    assert date_line(span(date(2016, 11, 15)), "en") == "15 November 2016"


def test_a_range_in_one_month_is_written_with_a_hyphen() -> None:
    assert date_line(span(date(2017, 3, 16), date(2017, 3, 17)), "es") == "16-17 de marzo, 2017"
    assert date_line(span(date(2017, 3, 16), date(2017, 3, 17)), "en") == "16-17 March 2017"


def test_a_range_across_months_names_both_months() -> None:
    assert date_line(span(date(2017, 4, 30), date(2017, 5, 2)), "es") == "30 de abril-2 de mayo, 2017"
    assert date_line(span(date(2017, 4, 30), date(2017, 5, 2)), "en") == "30 April-2 May 2017"


def test_a_range_across_years_names_both_years() -> None:
    dates = span(date(2016, 12, 30), date(2017, 1, 2))
    assert date_line(dates, "es") == "30 de diciembre, 2016-2 de enero, 2017"
    assert date_line(dates, "en") == "30 December 2016-2 January 2017"


def test_one_day_in_running_text_is_el_dia() -> None:
    assert date_phrase(span(date(2016, 11, 15)), "es") == "el día 15 de noviembre de 2016"
    assert date_phrase(span(date(2016, 11, 15)), "en") == "on 15 November 2016"


def test_two_days_in_running_text_are_los_dias_x_y_z() -> None:
    dates = span(date(2017, 3, 16), date(2017, 3, 17))
    assert date_phrase(dates, "es") == "los días 16 y 17 de marzo de 2017"
    assert date_phrase(dates, "en") == "on 16 and 17 March 2017"


def test_three_days_or_more_in_running_text_are_a_range() -> None:
    dates = span(date(2017, 3, 16), date(2017, 3, 18))
    assert date_phrase(dates, "es") == "del 16 al 18 de marzo de 2017"
    assert date_phrase(dates, "en") == "from 16 to 18 March 2017"


def test_a_range_across_months_in_running_text() -> None:
    dates = span(date(2017, 4, 30), date(2017, 5, 2))
    assert date_phrase(dates, "es") == "del 30 de abril al 2 de mayo de 2017"
    assert date_phrase(dates, "en") == "from 30 April to 2 May 2017"


def test_two_days_across_months_in_running_text() -> None:
    dates = span(date(2017, 3, 31), date(2017, 4, 1))
    assert date_phrase(dates, "es") == "los días 31 de marzo y 1 de abril de 2017"
    assert date_phrase(dates, "en") == "on 31 March and 1 April 2017"


def test_a_range_across_years_in_running_text() -> None:
    dates = span(date(2016, 12, 30), date(2017, 1, 2))
    assert date_phrase(dates, "es") == "del 30 de diciembre de 2016 al 2 de enero de 2017"
    assert date_phrase(dates, "en") == "from 30 December 2016 to 2 January 2017"


def test_long_dates() -> None:
    assert long_date(date(2018, 7, 19), "es") == "19 de julio de 2018"
    assert long_date(date(2018, 7, 19), "en") == "19 July 2018"
    assert long_date(date(2018, 9, 1), "es") == "1 de septiembre de 2018"


# --- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "expected"), [("", "es"), ("ES", "es"), ("es-MX", "es"), ("en_GB", "en")])
def test_language_codes_with_regions_are_accepted(given: str, expected: str) -> None:
    assert normalize_lang(given) == expected


def test_an_unsupported_language_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        join_names(["A", "B"], "fr")
