"""The `key: value` lines of `newmeeting` and `meeting`: English keys with Spanish aliases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drafting.adoption import RULES
from drafting.commands import MAX_FIELD, fold
from drafting.model import DateSpan, Meeting
from drafting.point_states import ReminderError, parse_offsets
from drafting.report.formats import FORMATS


@dataclass(frozen=True)
class Field:
    key: str
    alias: str
    example: str


FIELDS: tuple[Field, ...] = (
    Field("title", "titulo", "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE …"),
    Field("bodies", "organismos", "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM); GRUPO REGIONAL …"),
    Field("network", "red", "Red de Funcionarios de Enlace para la Protección Consular"),
    Field("kind", "tipo", "ordinaria"),
    Field("place", "lugar", "Ciudad de Panamá, Panamá"),
    Field("date", "fecha", "2018-07-19 | 2017-03-16..2017-03-17"),
    Field("before", "previo", "Grupo Regional de Consulta sobre Migración (GRCM)"),
    Field("objective", "objetivo", "El objetivo principal de esta reunión fue …"),
    Field("language", "idioma", "es | en"),
    Field("format", "formato", " | ".join(FORMATS)),
    Field("rule", "regla", "consensus | unanimity"),
    Field("timezone", "zona", "America/Tegucigalpa"),
    Field("reminders", "recordatorios", "24h, 1h | no"),
)


_BY_WORD = {fold(f.key): f for f in FIELDS} | {fold(f.alias): f for f in FIELDS}


class FieldError(Exception):
    def __init__(self, message_key: str, /, **params: str) -> None:
        super().__init__(message_key)
        self.key = message_key
        self.params = params


def key_word(key: str, lang: str) -> str:
    """A key as the meeting's language names it: "lugar" in Spanish, "place" in English."""
    field = next(f for f in FIELDS if f.key == key)
    return field.alias if lang == "es" else field.key


def current_values(meeting: Meeting) -> list[tuple[str, str]]:
    """(key, value as it would be typed) for every field; "" for one not set. The rule and the zone
    are the caller's to word: a rule's name and whether the zone was set or comes from the place."""
    dates = meeting.dates
    typed_dates = ""
    if dates is not None:
        typed_dates = dates.start.isoformat()
        if dates.end != dates.start:
            typed_dates += ".." + dates.end.isoformat()
    values = {
        "title": meeting.title,
        "bodies": "; ".join(meeting.bodies),
        "network": meeting.network,
        "kind": meeting.kind,
        "place": meeting.place,
        "date": typed_dates,
        "before": meeting.before,
        "objective": meeting.objective,
        "language": meeting.language,
        "format": meeting.format,
        "rule": meeting.rule,
        "timezone": meeting.timezone,
        "reminders": meeting.reminders or "no",
    }
    return [(f.key, values[f.key]) for f in FIELDS]


def known_keys(lang: str) -> str:
    return ", ".join(f"{f.alias} ({f.key})" if lang == "es" else f"{f.key} ({f.alias})" for f in FIELDS)


def _parse_day(text: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if match is None:
            raise
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))


def parse_dates(text: str) -> DateSpan:
    parts = re.split(r"\s*(?:\.\.|/ | a | to )\s*", text.strip())
    try:
        days = [_parse_day(p) for p in parts if p]
        if len(days) == 1:
            return DateSpan(days[0], days[0])
        if len(days) == 2:
            return DateSpan(days[0], days[1])
    except ValueError:
        pass
    raise FieldError("error.bad_date", value=text[:60])


def apply_fields(meeting: Meeting, fields: Sequence[tuple[str, str]]) -> list[str]:
    """Sets the fields on `meeting`; returns the keys changed. Raises FieldError and changes nothing."""
    staged: list[tuple[Field, object]] = []
    for word, value in fields:
        spec = _BY_WORD.get(fold(word))
        if spec is None:
            raise FieldError("error.unknown_key", key=word[:40])
        if len(value) > MAX_FIELD:
            raise FieldError("error.field_too_long", key=word, max=str(MAX_FIELD))
        staged.append((spec, _convert(spec, value)))
    for spec, converted in staged:
        setattr(meeting, _ATTR.get(spec.key, spec.key), converted)
    return [spec.key for spec, _ in staged]


_ATTR = {"date": "dates"}


def _convert(spec: Field, value: str) -> object:
    key = spec.key
    if key == "date":
        return parse_dates(value)
    if key == "bodies":
        return tuple(part.strip() for part in value.split(";") if part.strip())
    if key == "language":
        lang = fold(value)
        lang = {"espanol": "es", "spanish": "es", "ingles": "en", "english": "en"}.get(lang, lang)
        if lang not in ("es", "en"):
            raise FieldError("error.bad_language", value=value[:20])
        return lang
    if key == "format":
        # the registry's formats: adding a format folder makes it a value here
        chosen = fold(value)
        if chosen not in FORMATS:
            raise FieldError("error.bad_format", value=value[:20], formats=", ".join(FORMATS))
        return chosen
    if key == "rule":
        if fold(value) not in RULES:
            raise FieldError("error.bad_rule", value=value[:20])
        return RULES[fold(value)].name
    if key == "reminders":
        try:
            offsets = parse_offsets(value)
        except ReminderError:
            raise FieldError("error.bad_reminders", value=value[:40]) from None
        return ", ".join(_offset_text(o) for o in offsets)
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise FieldError("error.bad_timezone", value=value[:40]) from None
        return value
    return value


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"
