"""Wording helpers for the reports: lists of names, name order and dates, in Spanish and English.

Pure functions, no I/O. Every function takes the report language as `lang` ("es" or "en"; a region
such as "es-MX" is accepted, an empty string means Spanish) and raises `ValueError` for anything else.

Decisions recorded here:

* Lists: Spanish "A, B y C", with "e" instead of "y" before a word that starts with the sound /i/
  ("Francia e Irlanda", "España e Hidalgo") but "y" before the diphthongs "hie"/"hia"/"ie"/…
  ("agua y hielo", "Chile y Iowa"). English "A, B and C" *without* the serial (Oxford) comma, the
  house style of the UN and of the CRM's own English texts.
* Order: alphabetical ignoring case and accents ("México" between "Honduras" and "Panamá"); in
  Spanish "ñ" is its own letter, after "n". Ties are broken by the exact spelling so the order is total.
* Title-block dates: "15 de noviembre, 2016", "16-17 de marzo, 2017", "30 de abril-2 de mayo, 2017",
  "30 de diciembre, 2016-2 de enero, 2017"; English "15 November 2016", "16-17 March 2017",
  "30 April-2 May 2017", "30 December 2016-2 January 2017". A hyphen joins the range, as in the
  reference reports.
* Running-text dates: one day "el día 15 de noviembre de 2016"; two days "los días 16 y 17 de marzo
  de 2017"; three days or more "del 16 al 18 de marzo de 2017" (listing every day reads badly past two);
  across months "del 30 de abril al 2 de mayo de 2017" (two days: "los días 31 de marzo y 1 de abril
  de 2017"). English "on 15 November 2016", "on 16 and 17 March 2017", "from 16 to 18 March 2017",
  "from 30 April to 2 May 2017".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from drafting.model import DateSpan

Lang = Literal["es", "en"]

MONTHS: dict[Lang, tuple[str, ...]] = {
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

_VOWELS = frozenset("aeiouáéíóúü")
_LEADING_PUNCT = "\"'“”‘’«»¿¡([{ \t"
# sorts after every letter once accents are gone, so "ñ" comes after "nz" and before "o"
_AFTER_N = "\U0010ffff"


def normalize_lang(lang: str) -> Lang:
    """The report language for a code: "es", "ES", "es-MX", "es_HN" and "" give "es"; "en-GB" gives "en"."""
    code = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    if code in ("", "es"):
        return "es"
    if code == "en":
        return "en"
    raise ValueError(f"unsupported language {lang!r}; use 'es' or 'en'")


# --- lists of names --------------------------------------------------------------------------


def starts_with_i_sound(word: str) -> bool:
    """True when a Spanish word begins with the vowel sound /i/, so "y" before it becomes "e".

    "i…", "í…", "hi…", "hí…" count ("Irlanda", "Hidalgo", "Ítaca"); an unstressed "i"/"hi" followed by
    another vowel is a diphthong that starts with a consonant sound and keeps "y" ("hielo", "hiato",
    "Iowa").
    """
    w = unicodedata.normalize("NFC", word.lstrip(_LEADING_PUNCT)).lower()
    if w.startswith("h"):
        w = w[1:]
    if w.startswith("í"):
        return True
    if not w.startswith("i"):
        return False
    return w[1:2] not in _VOWELS


def _conjunction(last: str, lang: Lang) -> str:
    if lang == "en":
        return "and"
    return "e" if starts_with_i_sound(last) else "y"


def join_names(names: Sequence[str], lang: str) -> str:
    """Join names as running text: "A", "A y B", "A, B y C" (English "A, B and C", no serial comma).

    Names are stripped of surrounding spaces and empty ones are skipped; no names gives "".
    """
    code = normalize_lang(lang)
    items = [n.strip() for n in names if n.strip()]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    head = ", ".join(items[:-1])
    return f"{head} {_conjunction(items[-1], code)} {items[-1]}"


def fold(text: str) -> str:
    """Lower case without accents ("Comité" -> "comite"), for matching words typed either way."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _sort_key(name: str, lang: Lang) -> tuple[str, str, str]:
    folded = unicodedata.normalize("NFD", name.strip().casefold())
    if lang == "es":
        folded = folded.replace("n\u0303", "n" + _AFTER_N)
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return bare, name.casefold(), name


def sort_names(names: Iterable[str], lang: str) -> list[str]:
    """Alphabetical order ignoring case and accents, as delegations are listed in the reports."""
    code = normalize_lang(lang)
    return sorted(names, key=lambda n: _sort_key(n, code))


# --- dates -----------------------------------------------------------------------------------


def _day_month(d: date, lang: Lang) -> str:
    month = MONTHS[lang][d.month - 1]
    return f"{d.day} de {month}" if lang == "es" else f"{d.day} {month}"


def long_date(d: date, lang: str) -> str:
    """A single date in running text: "19 de julio de 2018" / "19 July 2018"."""
    code = normalize_lang(lang)
    if code == "es":
        return f"{_day_month(d, code)} de {d.year}"
    return f"{_day_month(d, code)} {d.year}"


def _title_single(d: date, lang: Lang) -> str:
    return f"{_day_month(d, lang)}, {d.year}" if lang == "es" else f"{_day_month(d, lang)} {d.year}"


def _title_single_range(days: str, year: int, lang: Lang) -> str:
    return f"{days}, {year}" if lang == "es" else f"{days} {year}"


def date_line(span: DateSpan, lang: str) -> str:
    """The date under the title: "15 de noviembre, 2016", "16-17 de marzo, 2017".

    Across months "30 de abril-2 de mayo, 2017"; across years "30 de diciembre, 2016-2 de enero, 2017".
    """
    code = normalize_lang(lang)
    start, end = span.start, span.end
    if start == end:
        return _title_single(start, code)
    if start.year != end.year:
        return f"{_title_single(start, code)}-{_title_single(end, code)}"
    if start.month != end.month:
        return _title_single_range(f"{_day_month(start, code)}-{_day_month(end, code)}", end.year, code)
    return f"{start.day}-{_title_single(end, code)}"


def date_phrase(span: DateSpan, lang: str) -> str:
    """When the meeting took place, for running text.

    "el día 15 de noviembre de 2016", "los días 16 y 17 de marzo de 2017", "del 16 al 18 de marzo de
    2017", "del 30 de abril al 2 de mayo de 2017"; English "on 15 November 2016", "on 16 and 17 March
    2017", "from 16 to 18 March 2017", "from 30 April to 2 May 2017".
    """
    code = normalize_lang(lang)
    start, end = span.start, span.end
    if start == end:
        return f"el día {long_date(start, code)}" if code == "es" else f"on {long_date(start, code)}"
    two_days = (end - start).days == 1
    if start.year != end.year:
        first, last = long_date(start, code), long_date(end, code)
    elif start.month != end.month:
        first, last = _day_month(start, code), long_date(end, code)
    else:
        first, last = str(start.day), long_date(end, code)
    if code == "es":
        return f"los días {first} y {last}" if two_days else f"del {first} al {last}"
    return f"on {first} and {last}" if two_days else f"from {first} to {last}"
