"""Silence deadlines as people write them, read in the meeting's time zone.

The present is fixed at Tuesday 22 September 2026, 10:00 in Panamá (UTC-5, no daylight saving). Each
expected value was worked out by hand from the phrase and a calendar (the 25th is a Friday, 1 October
a Thursday), not from the code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from drafting.deadlines import DeadlineError, parse_deadline

PANAMA = ZoneInfo("America/Panama")
NOW = datetime(2026, 9, 22, 10, 0, tzinfo=PANAMA).astimezone(UTC)


def _sep(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 9, day, hour, minute, tzinfo=PANAMA)


def _oct(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=PANAMA)


READ = [
    # draftbot's strict forms
    ("48h", _sep(24, 10)),
    ("2d", _sep(24, 10)),
    ("1d12h", _sep(23, 22)),
    ("90m", _sep(22, 11, 30)),
    ("2026-09-25 18:00", _sep(25, 18)),
    ("2026-09-25", _sep(25, 23, 59)),
    ("25/09/2026", _sep(25, 23, 59)),
    ("25/09/2026 18:00", _sep(25, 18)),
    ("2026-09-25T18:00-04:00", _sep(25, 17)),
    # Spanish
    ("en 48 horas", _sep(24, 10)),
    ("dentro de 3 días", _sep(25, 10)),
    ("en una semana", _sep(29, 10)),
    ("viernes 18:00", _sep(25, 18)),
    ("el viernes a las 18:00", _sep(25, 18)),
    ("viernes", _sep(25, 23, 59)),
    ("25 de septiembre", _sep(25, 23, 59)),
    ("25 de septiembre a las 18:00", _sep(25, 18)),
    ("hasta el 25 de septiembre, 18:00", _sep(25, 18)),
    ("viernes 25 de septiembre 18:00", _sep(25, 18)),
    ("mañana a las 12", _sep(23, 12)),
    ("mañana", _sep(23, 23, 59)),
    ("mañana a las 9 de la mañana", _sep(23, 9)),
    ("pasado mañana 18:00", _sep(24, 18)),
    ("el próximo viernes", _sep(25, 23, 59)),
    ("1 de octubre 15 h", _oct(1, 15)),
    ("viernes 18h30", _sep(25, 18, 30)),
    ("viernes a mediodía", _sep(25, 12)),
    ("lunes 28 a las 10:00", _sep(28, 10)),
    ("jueves a las 6 de la tarde", _sep(24, 18)),
    ("hoy 18:00", _sep(22, 18)),
    ("sábado 23:59", _sep(26, 23, 59)),
    # English
    ("in 48 hours", _sep(24, 10)),
    ("in two days", _sep(24, 10)),
    ("Friday 6pm", _sep(25, 18)),
    ("friday at 6 pm", _sep(25, 18)),
    ("next friday", _sep(25, 23, 59)),
    ("tomorrow at noon", _sep(23, 12)),
    ("tomorrow 5:30 p.m.", _sep(23, 17, 30)),
    ("September 25", _sep(25, 23, 59)),
    ("September 25 at 6pm", _sep(25, 18)),
    ("1 October 2026 09:30", _oct(1, 9, 30)),
    ("Thursday 1 October 3pm", _oct(1, 15)),
    ("Monday", _sep(28, 23, 59)),
    ("in 3 weeks", _oct(13, 10)),
    # a time alone: its next occurrence
    ("18:00", _sep(22, 18)),
    ("9:00", _sep(23, 9)),
]


@pytest.mark.parametrize(("phrase", "expected"), READ, ids=[p for p, _ in READ])
def test_a_deadline_phrase_is_read_in_the_meetings_zone(phrase: str, expected: datetime) -> None:
    got = parse_deadline(phrase, NOW, PANAMA)
    assert got.tzinfo is not None
    assert got.astimezone(PANAMA) == expected


REFUSED = [
    ("pronto", "error.bad_deadline"),
    ("el próximo", "error.bad_deadline"),
    ("next week", "error.bad_deadline"),
    ("septiembre", "error.deadline_ambiguous"),
    ("martes", "error.deadline_ambiguous"),  # today is a Tuesday: today or in a week?
    ("martes 18:00", "error.deadline_ambiguous"),
    ("mañana a las 9", "error.deadline_ambiguous"),  # 9:00 or 21:00?
    ("tomorrow at 9", "error.deadline_ambiguous"),
    ("medianoche", "error.deadline_ambiguous"),
    ("Friday midnight", "error.deadline_ambiguous"),
    ("jueves 25 de septiembre", "error.deadline_weekday"),  # the 25th is a Friday
    ("Thursday 25 September", "error.deadline_weekday"),
    ("today 9am", "error.deadline_past"),
    ("2001-01-01 10:00", "error.deadline_past"),
    ("1m", "error.deadline_past"),
    ("25 de diciembre", "error.deadline_too_far"),
    ("21 de septiembre", "error.deadline_too_far"),  # yesterday: the next one is a year away
    ("90d", "error.deadline_too_far"),
    ("   ", "error.bad_deadline"),
    # pieces dateparser drops silently: every number written must be in the result
    ("mañana 18 30", "error.deadline_ambiguous"),
    ("en 2 días y 3 horas", "error.deadline_ambiguous"),
    # numbers beyond what a date can hold
    ("9999999999d", "error.bad_deadline"),
    ("9999-12-31 23:59", "error.bad_deadline"),
]


@pytest.mark.parametrize(("phrase", "key"), REFUSED, ids=[p for p, _ in REFUSED])
def test_an_unclear_past_or_distant_deadline_is_refused(phrase: str, key: str) -> None:
    with pytest.raises(DeadlineError) as refused:
        parse_deadline(phrase, NOW, PANAMA)
    assert refused.value.key == key


def test_a_refusal_says_what_the_phrase_was_understood_as() -> None:
    with pytest.raises(DeadlineError) as refused:
        parse_deadline("jueves 25 de septiembre", NOW, PANAMA)
    assert refused.value.moment == _sep(25, 23, 59)


def test_the_same_words_give_a_different_instant_in_another_zone() -> None:
    honduras = ZoneInfo("America/Tegucigalpa")  # UTC-6
    assert parse_deadline("viernes 18:00", NOW, honduras) == datetime(2026, 9, 26, 0, 0, tzinfo=UTC)
    assert parse_deadline("viernes 18:00", NOW, PANAMA) == datetime(2026, 9, 25, 23, 0, tzinfo=UTC)


def test_a_duration_counts_real_hours_across_a_clock_change() -> None:
    toronto = ZoneInfo("America/Toronto")  # clocks go back one hour on 1 November 2026
    now = datetime(2026, 10, 31, 12, 0, tzinfo=toronto).astimezone(UTC)
    assert parse_deadline("en 48 horas", now, toronto) == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
    assert parse_deadline("2026-11-02 12:00", now, toronto) == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


def test_todays_date_without_a_year_means_today_not_next_year() -> None:
    friday = datetime(2026, 9, 25, 10, 0, tzinfo=PANAMA).astimezone(UTC)
    assert parse_deadline("25 de septiembre", friday, PANAMA) == _sep(25, 23, 59)
    assert parse_deadline("viernes 25 de septiembre", friday, PANAMA) == _sep(25, 23, 59)
    with pytest.raises(DeadlineError) as refused:
        parse_deadline("25 de septiembre 09:00", friday, PANAMA)
    assert refused.value.key == "error.deadline_past"
