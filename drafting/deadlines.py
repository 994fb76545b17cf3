"""Reading a silence deadline as people write it, in the meeting's time zone.

Order: draftbot's strict forms first (`48h`, `2d`, `1d12h`, `90m`, `en 48 horas`, `in 48 hours`, ISO
`2026-11-25 18:00` or with an offset, `25/11/2026`), then plain Spanish or English through dateparser
(`viernes 18:00`, `25 de septiembre`, `mañana a las 12`, `Friday 6pm`). What we decided, and why:

* A date without a time means the end of that day, 23:59 in the meeting's zone: a chair who says
  "hasta el 25 de septiembre" gives the whole 25th. The echo shows 23:59, so nobody is surprised.
* A time alone (`18:00`) means its next occurrence: today, or tomorrow once it has passed today
  (dateparser's "prefer future"); the full echo says which day it is.
* A weekday alone names the coming one. When it is today's weekday ("viernes" on a Friday) it could
  mean today or in a week: refused as ambiguous. A weekday that does not match the date given
  ("jueves 25 de septiembre" when the 25th is a Friday) is refused too.
* `a las 9`, `mañana 9`: a bare hour 1–11 could be morning or evening: refused; `9:00`, `21:00`,
  `9 pm`, `9 de la noche` are clear. `12` and 13–23 are clear. Midnight is refused (start or end of the
  day?); noon / mediodía is 12:00.
* A month, a week or a year alone (`septiembre`, `next week`) is not a deadline.
* Durations are counted from now, in real elapsed time, whatever the zone.

dateparser traps met and avoided here:
* an aware RELATIVE_BASE with its TIMEZONE setting made `18:00` unparseable: we give it the meeting's
  wall-clock time, naive, and attach the zone after;
* weekdays work only without articles (`el viernes`, `el próximo viernes` give nothing), so the
  words around are dropped;
* `18h` and `15 h` are read as days or years (`1 de octubre 15 h` gave 2115): they become `18:00`;
* `a las 12` and a trailing hour are silently dropped: they are rewritten or refused;
* a bare weekday on that same weekday jumps a week, and today's date without a year jumps a year.
Every number of the phrase must appear in the result, so a piece dateparser ignored never passes
unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from dateparser.date import DateDataParser

from drafting.commands import fold

MAX_SILENCE = timedelta(days=60)
MIN_SILENCE = timedelta(minutes=1)
END_OF_DAY = time(23, 59)


class DeadlineError(Exception):
    """`key` is a catalogue key; `moment`, when set, is what the phrase was understood as."""

    def __init__(self, key: str, moment: datetime | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.moment = moment


@dataclass(frozen=True)
class _Read:
    moment: datetime  # aware
    words: bool  # read from plain words, so weekday and number checks apply


_DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$", re.IGNORECASE)
_NUMBER_WORDS = {
    "un": 1, "una": 1, "uno": 1, "a": 1, "an": 1, "one": 1, "dos": 2, "two": 2, "tres": 3, "three": 3,
    "cuatro": 4, "four": 4, "cinco": 5, "five": 5, "seis": 6, "six": 6, "siete": 7, "seven": 7,
    "ocho": 8, "eight": 8, "nueve": 9, "nine": 9, "diez": 10, "ten": 10,
}  # fmt: skip
_UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minuto": "minutes", "minutos": "minutes",
    "minute": "minutes", "minutes": "minutes", "h": "hours", "hr": "hours", "hrs": "hours",
    "hora": "hours", "horas": "hours", "hour": "hours", "hours": "hours", "d": "days", "dia": "days",
    "dias": "days", "day": "days", "days": "days", "semana": "weeks", "semanas": "weeks",
    "week": "weeks", "weeks": "weeks",
}  # fmt: skip
_SPOKEN_DURATION = re.compile(r"^(?:en|in|dentro de|within)?\s*(\d+|[a-z]+)\s*([a-z]+)$")
_FORMATS = ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y")
_WEEKDAYS = {
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_TIME_TOKEN = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b")
_MONTH = re.compile(
    r"\b(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre"
    r"|diciembre|january|february|march|april|june|july|august|september|october|november|december"
    r"|ene|feb|mar|abr|jun|jul|ago|sep|sept|oct|nov|dic|jan|apr|aug|dec)\b"
)
_PARSER_SETTINGS = {"PREFER_DATES_FROM": "future", "RETURN_TIME_AS_PERIOD": True, "DATE_ORDER": "DMY"}


def parse_deadline(text: str, now: datetime, zone: tzinfo) -> datetime:
    """The deadline `text` names, as an aware UTC datetime, read in `zone` with `now` as the present.

    Raises DeadlineError: error.bad_deadline (not understood), error.deadline_ambiguous,
    error.deadline_past, error.deadline_too_far.
    """
    value = " ".join(text.split())
    if not value:
        raise DeadlineError("error.bad_deadline")
    try:
        read = _strict(value, now, zone) or _words(value, now, zone)
        moment = read.moment.astimezone(UTC)
    except (OverflowError, ValueError):  # "9999999999d", "9999-12-31 23:59" west of UTC
        raise DeadlineError("error.bad_deadline") from None
    if moment <= now + MIN_SILENCE:
        raise DeadlineError("error.deadline_past", moment)
    if moment - now > MAX_SILENCE:
        raise DeadlineError("error.deadline_too_far", moment)
    return moment


def _strict(value: str, now: datetime, zone: tzinfo) -> _Read | None:
    match = _DURATION.match(value)
    if match and any(match.groups()):
        days, hours, minutes = (int(g) if g else 0 for g in match.groups())
        return _Read(now + timedelta(days=days, hours=hours, minutes=minutes), words=False)
    spoken = _SPOKEN_DURATION.match(fold(value))
    if spoken and spoken.group(2) in _UNITS:
        count_word = spoken.group(1)
        count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS.get(count_word)
        if count is not None:
            return _Read(now + timedelta(**{_UNITS[spoken.group(2)]: count}), words=False)
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        if ":" not in value:
            parsed = datetime.combine(parsed.date(), END_OF_DAY)
        parsed = parsed.replace(tzinfo=zone)
    return _Read(parsed, words=False)


def _words(value: str, now: datetime, zone: tzinfo) -> _Read:
    local_now = now.astimezone(zone)
    phrase = _normalise(value.lower(), local_now)
    if not phrase:
        raise DeadlineError("error.bad_deadline")
    # Naive base: dateparser cannot read a bare time against an aware one.
    parser = DateDataParser(
        languages=["es", "en"],
        settings={**_PARSER_SETTINGS, "RELATIVE_BASE": local_now.replace(tzinfo=None)},
    )
    data = parser.get_date_data(phrase)
    found = data.date_obj
    if found is None:
        raise DeadlineError("error.bad_deadline")
    if data.period not in ("day", "time"):
        raise DeadlineError("error.deadline_ambiguous")
    found = _today_not_next_year(found, phrase, local_now)
    if data.period == "day":
        found = datetime.combine(found.date(), END_OF_DAY, tzinfo=found.tzinfo)
    moment = found if found.tzinfo is not None else found.replace(tzinfo=zone)
    _check_weekday(phrase, moment.astimezone(zone), local_now)
    _check_numbers(phrase, moment.astimezone(zone))
    return _Read(moment, words=True)


_REWRITES: tuple[tuple[str, str], ...] = (
    (r"\b(\d{1,2})\s*h\s*(\d{2})\b", r"\1:\2"),  # 18h30
    (r"\b(\d{1,2})\s*(?:h|hs|hrs|horas)\b", r"\1:00"),  # 18h, 15 h, a las 18 horas
    (r"\b(\d{1,2})(:\d{2})?\s*de la (?:tarde|noche)\b", r"\1\2 pm"),
    (r"\b(\d{1,2})(:\d{2})?\s*de la (?:mañana|madrugada)\b", r"\1\2 am"),
    (r"\b(\d{1,2})(:\d{2})?\s*(a|p)\.?\s?m\b\.?", r"\1\2 \3m"),
    (r"\b(?:a |al )?medio\s?d[ií]a\b|\b(?:at )?(?:noon|midday)\b", "12:00"),
    (r"\b(?:a las|a la|at)\s+(\d{1,2})(?![\d:])(?!\s*[ap]m)", r"\1:00"),
    (r"^(?:hasta|until|till|by)\b", ""),
    (r"\b(?:el|la|on|at|este|esta|this|pr[oó]ximo|pr[oó]xima|next|d[ií]a|a las|a la)\b", ""),
    (r"[,;]", " "),
)


def _normalise(text: str, local_now: datetime) -> str:
    folded = fold(text)
    if re.search(r"\b(?:medianoche|midnight)\b", folded):
        raise DeadlineError("error.deadline_ambiguous")
    # A bare hour 1-11 after "a las"/"at" or ending the phrase: morning or evening?
    if re.search(r"\b(?:a las|a la|at)\s+(?:[1-9]|1[01])(?![\d:])(?!\s*(?:[ap]\.?\s?m|de la|h\b))", folded):
        raise DeadlineError("error.deadline_ambiguous")
    if re.search(r"\b(?:hoy|manana|today|tomorrow)\s+(?:[1-9]|1[01])$", folded):
        raise DeadlineError("error.deadline_ambiguous")
    after = (local_now + timedelta(days=2)).date().isoformat()
    text = re.sub(r"\bpasado mañana\b|\bpasado manana\b|\b(?:the )?day after tomorrow\b", after, text)
    text = re.sub(r"\b(hoy|mañana|today|tomorrow)\s+(1[2-9]|2[0-3])$", r"\1 \2:00", text)
    for pattern, replacement in _REWRITES:
        text = re.sub(pattern, replacement, text)
    return " ".join(text.split())


def _today_not_next_year(found: datetime, phrase: str, local_now: datetime) -> datetime:
    """Today's date written without a year means today: "prefer future" sends it a year ahead."""
    today = local_now.date()
    if (
        found.year == today.year + 1
        and (found.month, found.day) == (today.month, today.day)
        and str(found.year) not in phrase
    ):
        return found.replace(year=today.year)
    return found


def _check_weekday(phrase: str, found: datetime, local_now: datetime) -> None:
    folded = fold(phrase)
    named = [_WEEKDAYS[w] for w in re.findall(r"[a-z]+", folded) if w in _WEEKDAYS]
    if not named:
        return
    if found.weekday() != named[0]:
        raise DeadlineError("error.deadline_weekday", found)
    dated = re.search(r"\d", _TIME_TOKEN.sub(" ", folded)) or _MONTH.search(folded)
    if not dated and named[0] == local_now.weekday():
        raise DeadlineError("error.deadline_ambiguous")


def _check_numbers(phrase: str, found: datetime) -> None:
    """Every number written must be in the result: dateparser sometimes drops a piece it cannot read."""
    hour12 = found.hour % 12 or 12
    known = {found.day, found.month, found.year, found.year % 100, found.hour, hour12, found.minute}
    for number in re.findall(r"\d+", phrase):
        if int(number) not in known:
            raise DeadlineError("error.deadline_ambiguous")
