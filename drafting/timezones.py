"""The meeting's time zone, and times shown the way people there read them.

A meeting names its zone with `zona: America/Panama`. Without one, the zone of the place's country is
used when that country keeps one time (Panamá, Honduras…); for a country with several (México,
Canadá, Estados Unidos…) there is no safe guess, so a silence procedure asks the secretariat to set
`zona` first. Babel (CLDR data) gives the localized day, month and zone names, so nothing here keeps
its own list of month names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime, get_timezone_location

from drafting.commands import fold
from drafting.model import Meeting

# Countries of the region with a single civil time, by their folded Spanish and English names.
ONE_ZONE: dict[str, str] = {
    "argentina": "America/Argentina/Buenos_Aires",
    "belice": "America/Belize",
    "belize": "America/Belize",
    "bolivia": "America/La_Paz",
    "colombia": "America/Bogota",
    "costa rica": "America/Costa_Rica",
    "cuba": "America/Havana",
    "el salvador": "America/El_Salvador",
    "guatemala": "America/Guatemala",
    "guyana": "America/Guyana",
    "haiti": "America/Port-au-Prince",
    "honduras": "America/Tegucigalpa",
    "jamaica": "America/Jamaica",
    "nicaragua": "America/Managua",
    "panama": "America/Panama",
    "paraguay": "America/Asuncion",
    "peru": "America/Lima",
    "puerto rico": "America/Puerto_Rico",
    "republica dominicana": "America/Santo_Domingo",
    "dominican republic": "America/Santo_Domingo",
    "uruguay": "America/Montevideo",
    "venezuela": "America/Caracas",
}

# Countries with more than one civil time (islands included: Ecuador has the Galápagos).
SEVERAL_ZONES: dict[str, str] = {
    "mexico": "America/Mexico_City",
    "canada": "America/Toronto",
    "estados unidos": "America/New_York",
    "eeuu": "America/New_York",
    "ee uu": "America/New_York",
    "united states": "America/New_York",
    "usa": "America/New_York",
    "brasil": "America/Sao_Paulo",
    "brazil": "America/Sao_Paulo",
    "chile": "America/Santiago",
    "ecuador": "America/Guayaquil",
    "espana": "Europe/Madrid",
    "spain": "Europe/Madrid",
}


@dataclass(frozen=True)
class MeetingZone:
    """`zone` is what times are read and shown in; `missing` names a several-zone country when the
    meeting has not said which zone it means (then `zone` is UTC and an example zone is given)."""

    zone: tzinfo
    name: str
    missing: str = ""
    example: str = ""


def _country(place: str) -> str:
    # "San Pedro Sula, Honduras" -> "honduras"; the country is the last comma-separated part.
    last = place.rsplit(",", 1)[-1]
    return fold(last).replace(".", " ").replace("  ", " ").strip()


def zone_named(name: str) -> tzinfo | None:
    name = name.strip()
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def meeting_zone(meeting: Meeting | None) -> MeetingZone:
    if meeting is None:
        return MeetingZone(UTC, "UTC")
    chosen = meeting.timezone.strip()
    # "UTC" is the stored default: a meeting that never set `zona` falls back to its place.
    if chosen and chosen.upper() != "UTC":
        zone = zone_named(chosen)
        if zone is not None:
            return MeetingZone(zone, chosen)
    country = _country(meeting.place) if meeting.place.strip() else ""
    if country in ONE_ZONE:
        return MeetingZone(ZoneInfo(ONE_ZONE[country]), ONE_ZONE[country])
    if country in SEVERAL_ZONES:
        label = meeting.place.rsplit(",", 1)[-1].strip()
        return MeetingZone(UTC, "UTC", missing=label, example=SEVERAL_ZONES[country])
    return MeetingZone(UTC, "UTC")


def zone_label(zone: tzinfo, lang: str) -> str:
    """ "hora de Panamá" / "Panama time"; "UTC" for UTC."""
    if zone is UTC or getattr(zone, "key", "") in ("UTC", "Etc/UTC"):
        return "UTC"
    label = get_timezone_location(zone, locale=lang)
    if lang == "en" and label.endswith(" Time"):
        label = label[: -len(" Time")] + " time"
    return str(label)


_LONG = {"es": "'el' EEEE d 'de' MMMM 'de' y, HH:mm", "en": "EEEE d MMMM y, HH:mm"}


def long_moment(moment: datetime, zone: tzinfo, lang: str) -> str:
    """ "el viernes 25 de septiembre de 2026, 18:00 (hora de Panamá)" / "Friday 25 September 2026,
    18:00 (Panama time)": the whole date, so nobody has to work out which Friday was meant."""
    lang = lang if lang in _LONG else "es"
    local = _aware(moment).astimezone(zone)
    text = format_datetime(local, _LONG[lang], tzinfo=zone, locale=lang)
    return f"{text} ({zone_label(zone, lang)})"


def short_moment(moment: datetime, zone: tzinfo) -> str:
    """ "2026-09-25 18:00" in the meeting's zone, for history lines."""
    return _aware(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _aware(moment: datetime) -> datetime:
    # Storage keeps UTC; a naive value read back from it is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
