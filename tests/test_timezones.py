"""The meeting's time zone: named with `zona`, else the place's country when it keeps one time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from drafting.model import Meeting
from drafting.timezones import long_moment, meeting_zone, short_moment


@pytest.mark.parametrize(
    ("place", "zone"),
    [
        ("San Pedro Sula, Honduras", "America/Tegucigalpa"),
        ("Ciudad de Panamá, Panamá", "America/Panama"),
        ("Panama City, Panama", "America/Panama"),
        ("Santo Domingo, República Dominicana", "America/Santo_Domingo"),
        ("Santo Domingo, Dominican Republic", "America/Santo_Domingo"),
        ("San José, COSTA RICA", "America/Costa_Rica"),
        ("Belize City, Belice", "America/Belize"),
        ("Managua, Nicaragua", "America/Managua"),
        ("Ciudad de Guatemala, Guatemala", "America/Guatemala"),
        ("San Salvador, El Salvador", "America/El_Salvador"),
    ],
)
def test_a_one_zone_country_gives_the_meeting_its_zone(place: str, zone: str) -> None:
    found = meeting_zone(Meeting(1, place=place))
    assert (found.zone, found.missing) == (ZoneInfo(zone), "")


@pytest.mark.parametrize("place", ["Ciudad de México, México", "Ottawa, Canadá", "Washington, D.C., USA"])
def test_a_several_zone_country_asks_for_the_zone(place: str) -> None:
    found = meeting_zone(Meeting(1, place=place))
    assert found.missing == place.rsplit(",", 1)[-1].strip()
    assert found.example.startswith("America/")


def test_a_named_zone_wins_over_the_place() -> None:
    found = meeting_zone(Meeting(1, place="Ciudad de México, México", timezone="America/Mexico_City"))
    assert (found.zone, found.missing) == (ZoneInfo("America/Mexico_City"), "")


def test_no_place_and_no_zone_is_utc() -> None:
    assert meeting_zone(Meeting(1)).zone == UTC
    assert meeting_zone(Meeting(1, place="Lugar por definir")).zone == UTC


MOMENT = datetime(2026, 9, 25, 23, 0, tzinfo=UTC)  # 18:00 in Panamá


def test_a_deadline_is_echoed_in_full_in_spanish() -> None:
    assert (
        long_moment(MOMENT, ZoneInfo("America/Panama"), "es")
        == "el viernes 25 de septiembre de 2026, 18:00 (hora de Panamá)"
    )


def test_a_deadline_is_echoed_in_full_in_english() -> None:
    assert (
        long_moment(MOMENT, ZoneInfo("America/Panama"), "en")
        == "Friday 25 September 2026, 18:00 (Panama time)"
    )


def test_utc_is_named_plainly() -> None:
    assert long_moment(MOMENT, UTC, "en") == "Friday 25 September 2026, 23:00 (UTC)"


def test_history_times_are_local() -> None:
    assert short_moment(MOMENT, ZoneInfo("America/Tegucigalpa")) == "2026-09-25 17:00"
    assert short_moment(MOMENT.replace(tzinfo=None), ZoneInfo("America/Panama")) == "2026-09-25 18:00"
