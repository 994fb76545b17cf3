"""The command language, parsed once for every platform.

Each command is declared once in `SPECS` (drafting/specs.py): its English word, its Spanish alias,
its arguments, who may use it, the handler that carries it out and its flags. Everything else is
derived from that one line: the parser here, the permission check (drafting/permissions.py), usage and
help (drafting/usage.py), the service's dispatch, the Telegram menu (setMyCommands) and the Slack
manifest (`draftbot slack-manifest`). A platform adapter only strips its own prefix (`/propose@bot`,
`/draft propose`, a mention) and hands the rest here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from drafting.names import split_names as split_names
from drafting.specs import ANY_MEMBER as ANY_MEMBER
from drafting.specs import BY_NAME as BY_NAME
from drafting.specs import MAX_COMMENT as MAX_COMMENT
from drafting.specs import MAX_FIELD as MAX_FIELD
from drafting.specs import MAX_NAMES as MAX_NAMES
from drafting.specs import MAX_REASON as MAX_REASON
from drafting.specs import MAX_TEXT as MAX_TEXT
from drafting.specs import PROPOSERS as PROPOSERS
from drafting.specs import SPECS as SPECS
from drafting.specs import Arg as Arg
from drafting.specs import Spec as Spec


def _fold(word: str) -> str:
    """Lower case without accents: "Reunión" and "reunion" are the same command word."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_for(specs: Sequence[Spec]) -> dict[str, tuple[Spec, str]]:
    """Every word that names one of `specs`, folded, with the language it is in."""
    words: dict[str, tuple[Spec, str]] = {}
    for spec in specs:
        words[_fold(spec.name)] = (spec, "en")
        words[_fold(spec.alias)] = (spec, "es")
        # Common spellings people type; they map to the same commands.
        words.update({_fold(word): (spec, lang) for word, lang in spec.spellings})
    return words


_WORDS = words_for(SPECS)


def command_words() -> Mapping[str, tuple[Spec, str]]:
    """Every word that names a command, folded, with the language it is in."""
    return _WORDS


@dataclass(frozen=True)
class Ref:
    """A point as a user names it ("3", "3.b"), or by its id when a button was pressed."""

    number: int = 0
    letter: str = ""
    point_id: int | None = None

    @property
    def label(self) -> str:
        if self.point_id is not None and not self.number:
            return f"#{self.point_id}"
        return f"{self.number}.{self.letter}" if self.letter else str(self.number)


@dataclass(frozen=True)
class Command:
    name: str
    lang: str  # the language of the word used: "es" for a Spanish alias
    ref: Ref | None = None
    position: int | None = None
    text: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    names: tuple[str, ...] = ()

    @property
    def spec(self) -> Spec:
        return BY_NAME[self.name]


@dataclass(frozen=True)
class ParseError:
    """Why a message could not be read as a command; rendered with the command's usage line."""

    key: str
    lang: str
    spec: Spec | None = None
    params: Mapping[str, str] = field(default_factory=dict)


_REF = re.compile(r"^#?(\d{1,4})(?:[.\s]?([a-z]))?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff\ufffe\uffff]")
# "ad referendum", "ad referéndum", "ad-referendum", "ad ref."
_AD_REFERENDUM = re.compile(r"ad[\s-]*ref(?:er[eé]ndum|\.)?(?=\s|$)\s*", re.IGNORECASE)
_LIMITS = {Arg.TEXT: MAX_TEXT, Arg.REASON: MAX_REASON, Arg.TARGET: MAX_FIELD, Arg.CHOICE: MAX_TEXT}


def parse(
    text: str,
    *,
    context: Ref | None = None,
    default_lang: str = "es",
    words: Mapping[str, tuple[Spec, str]] | None = None,
) -> Command | ParseError:
    """Read one message (platform prefix already removed) as a command.

    `context` is the point whose thread the message was written in; it fills a missing point
    reference, so `approve` in point 3's thread means `approve 3`. `words` (from `words_for`) reads
    another set of declarations than `SPECS`.
    """
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        return ParseError("error.empty", default_lang)
    head, rest = _split_head(body)
    word = _fold(head.lstrip("/"))
    if word not in _WORDS and ":" in word:
        # "asistencia: A, B y C" (on Telegram "/asistencia:" is not a command entity; the adapter still
        # passes it): the command word ends at the colon.
        word = word.partition(":")[0]
        rest = head[head.index(":") + 1 :] + (" " + rest if rest else "")
    found = (_WORDS if words is None else words).get(word)
    if found is None:
        return ParseError("error.unknown_command", default_lang, None, {"word": head[:40]})
    spec, lang = found
    if _CONTROL.search(body):
        return ParseError("error.control_chars", lang, spec)
    return _parse_args(spec, lang, rest.strip(), context)


def _split_head(body: str) -> tuple[str, str]:
    match = re.match(r"(\S+)\s*(.*)", body, re.DOTALL)
    assert match is not None  # body is stripped and not empty
    return match.group(1), match.group(2)


def _parse_args(spec: Spec, lang: str, rest: str, context: Ref | None) -> Command | ParseError:
    values: dict[str, object] = {}
    for index, arg in enumerate(spec.args):
        last = index == len(spec.args) - 1
        if arg in (Arg.REF, Arg.POINT):
            ref, rest = _take_ref(rest)
            if ref is None:
                if context is not None and (arg is Arg.REF or not context.letter):
                    ref = context
                else:
                    return ParseError("error.need_point", lang, spec)
            if arg is Arg.POINT and ref.letter:
                return ParseError("error.need_whole_point", lang, spec, {"label": ref.label})
            values["ref"] = ref
        elif arg is Arg.MAYBE_POINT:
            ref, rest = _take_ref(rest)
            if ref is not None and ref.letter:
                return ParseError("error.need_whole_point", lang, spec, {"label": ref.label})
            values["ref"] = ref if ref is not None else context
        elif arg is Arg.AD_REFERENDUM:
            if rest.strip():
                match = _AD_REFERENDUM.match(rest.strip())
                if match is None:
                    return ParseError("error.extra_words", lang, spec, {"words": rest.strip()[:40]})
                value = rest.strip()[match.end() :].strip()
                if not value:
                    return ParseError("error.need_ad_referendum_date", lang, spec)
                if len(value) > MAX_FIELD:
                    return ParseError(
                        "error.too_long", lang, spec, {"max": str(MAX_FIELD), "length": str(len(value))}
                    )
                values["text"] = value
            rest = ""
        elif arg is Arg.AMENDMENT:
            word, _, rest = rest.strip().partition(" ")
            if word:
                if not word.isdigit() or int(word) < 1:
                    return ParseError("error.need_amendment", lang, spec)
                values["position"] = int(word)
        elif arg in (Arg.POSITION, Arg.BRACKET):
            word, _, rest = rest.partition(" ")
            if not word.isdigit() or int(word) < 1:
                return ParseError(f"error.need_{arg.value}", lang, spec)
            values["position"] = int(word)
        elif arg is Arg.WHO:
            value = rest.strip()
            if len(value) > MAX_FIELD:
                return ParseError(
                    "error.too_long", lang, spec, {"max": str(MAX_FIELD), "length": str(len(value))}
                )
            values["text"] = value
            break
        elif arg is Arg.CODE:
            word, _, rest = rest.strip().partition(" ")
            if not re.fullmatch(r"[A-Za-z0-9_-]{4,64}", word):
                return ParseError("error.need_code", lang, spec)
            values["text"] = word
        elif arg is Arg.OPTION:
            word, _, rest = rest.strip().partition(" ")
            if word:
                chosen = next((en for en, es in spec.options if _fold(word) in (_fold(en), _fold(es))), None)
                if chosen is None:
                    words = ", ".join(es if lang == "es" else en for en, es in spec.options)
                    return ParseError("error.need_option", lang, spec, {"word": word[:40], "options": words})
                values["text"] = chosen
        elif arg is Arg.FIELDS:
            parsed = _parse_fields(rest)
            if isinstance(parsed, str):
                return ParseError("error.bad_field_line", lang, spec, {"line": parsed[:80]})
            values["fields"] = parsed
            rest = ""
        elif arg in (Arg.NAMES, Arg.MAYBE_NAMES):
            names = split_names(rest.strip().removeprefix(":"))
            if not names and arg is Arg.MAYBE_NAMES:
                values["names"] = ()
                rest = ""
                continue
            if not names:
                return ParseError("error.need_names", lang, spec)
            if len(names) > MAX_NAMES or any(len(n) > 120 for n in names):
                return ParseError("error.too_many_names", lang, spec, {"max": str(MAX_NAMES)})
            values["names"] = tuple(names)
            rest = ""
        else:  # TEXT, REASON, DEADLINE, TARGET, CHOICE take the rest of the message
            value = rest.strip()
            if not value:
                return ParseError(f"error.need_{arg.value}", lang, spec)
            limit = _LIMITS.get(arg, MAX_FIELD)
            if spec.name == "comment":
                limit = MAX_COMMENT
            if len(value) > limit:
                return ParseError(
                    "error.too_long", lang, spec, {"max": str(limit), "length": str(len(value))}
                )
            values["text"] = value
            rest = ""
        if last and rest.strip() and arg not in (Arg.TEXT, Arg.REASON, Arg.DEADLINE, Arg.TARGET, Arg.CHOICE):
            return ParseError("error.extra_words", lang, spec, {"words": rest.strip()[:40]})
    if not spec.args and rest.strip():
        return ParseError("error.extra_words", lang, spec, {"words": rest.strip()[:40]})
    return Command(
        name=spec.name,
        lang=lang,
        ref=values.get("ref"),  # type: ignore[arg-type]
        position=values.get("position"),  # type: ignore[arg-type]
        text=str(values.get("text", "")),
        fields=values.get("fields", ()),  # type: ignore[arg-type]
        names=values.get("names", ()),  # type: ignore[arg-type]
    )


def _take_ref(rest: str) -> tuple[Ref | None, str]:
    rest = rest.lstrip()
    # "3.b texto", "3b texto", "3 texto"; a bare letter after a space is text, not a sub-point.
    match = re.match(r"#?(\d{1,4})(?:\.?([a-zA-Z])(?![\w]))?(?=\s|$|[:,])", rest)
    if match is None:
        return None, rest
    letter = (match.group(2) or "").lower()
    number = int(match.group(1))
    if number < 1:
        return None, rest
    return Ref(number, letter), rest[match.end() :].lstrip(" :,\t").lstrip("\n")


def parse_ref(text: str) -> Ref | None:
    """A label alone, "3" or "3.b"."""
    match = _REF.match(text.strip())
    if match is None or int(match.group(1)) < 1:
        return None
    return Ref(int(match.group(1)), (match.group(2) or "").lower())


def _parse_fields(rest: str) -> tuple[tuple[str, str], ...] | str:
    """`key: value` lines; returns the first line that is not one, to show it back."""
    out: list[tuple[str, str]] = []
    for raw in rest.split("\n"):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or " " in key.strip():
            return line
        out.append((_fold(key.strip()), value.strip()))
    return tuple(out)


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for matching names the way people type them."""
    return " ".join(_fold(text).split())
