"""Message catalogues: every reply and error in Spanish and English.

The catalogues are TOML files beside this module (`messages/es.toml`, `messages/en.toml`) with the same
keys and the same `{placeholders}`; a test holds them to that.

Plural forms: a placeholder with the format `{count:plural.point}` is worded by the table `plural.point`
of the same catalogue, whose keys are CLDR plural categories (`one`, `other`, ...). Which category a
number takes is Babel's plural rule for the language (CLDR), not a hand-written `== 1`; the chosen form
is filled like the message itself, with `{n}` for the number: `point = { one = "{n} punto", other = "{n}
puntos" }`. A language whose rule has a category the table lacks reads the `other` form.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

from babel import Locale

LANGUAGES = ("es", "en")

log = logging.getLogger("drafting")


def _flatten(prefix: str, table: Mapping[str, object], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(name + ".", value, out)
        else:
            out[name] = str(value)


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    raw = resources.files("drafting.messages").joinpath(f"{lang}.toml").read_text("utf-8")
    out: dict[str, str] = {}
    _flatten("", tomllib.loads(raw), out)
    return out


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class MessageError(LookupError):
    """A message key that does not exist, or placeholders its caller did not fill (strict mode)."""


_strict = False


def set_strict(strict: bool) -> None:
    """Strict: a missing key or an unfilled placeholder raises `MessageError` (tests turn this on, so
    such a bug fails loudly). Otherwise it is logged as an error and the user still reads a sentence
    with no `{placeholder}` in it."""
    global _strict
    _strict = strict


def is_strict() -> bool:
    return _strict


class _Blank(dict[str, object]):
    """Fills a placeholder nobody gave with nothing rather than showing `{name}` to a user."""

    def __missing__(self, key: str) -> str:
        return ""


def _problem(problem: str) -> None:
    if _strict:
        raise MessageError(problem)
    log.error("message catalogue: %s", problem)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_category(lang: str, count: float) -> str:
    """The CLDR plural category of `count` in `lang`: "one", "other", ..."""
    return str(_locale(lang).plural_form(count))


class _Formatter(string.Formatter):
    """Fills a message; a `plural.*` format spec picks the plural form for its number."""

    def __init__(self, lang: str, params: Mapping[str, object]) -> None:
        self.lang = lang
        self.params = params

    def format_field(self, value: object, format_spec: str) -> str:
        if not format_spec.startswith("plural."):
            return str(super().format_field(value, format_spec))
        if isinstance(value, str) and value.isdigit():  # counts that travelled as str-typed params
            value = int(value)
        if not isinstance(value, int | float) or isinstance(value, bool):
            _problem(f"plural {format_spec!r} in {self.lang}: {value!r} is not a number")
            return str(value)
        forms = catalogue(self.lang)
        form = forms.get(f"{format_spec}.{plural_category(self.lang, value)}") or forms.get(
            f"{format_spec}.other"
        )
        if form is None:
            _problem(f"no plural {format_spec!r} in {self.lang}")
            return str(value)
        missing = sorted(placeholders(form) - set(self.params) - {"n"})
        if missing:
            _problem(f"plural {format_spec!r} in {self.lang}: placeholders not given: {', '.join(missing)}")
        return self.vformat(form, (), _Blank({**self.params, "n": value}))


def t(lang: str, key: str, /, **params: object) -> str:
    """The message `key` in `lang` (an unknown language reads Spanish), with its placeholders filled."""
    lang = lang if lang in LANGUAGES else "es"
    template = catalogue(lang).get(key)
    if template is None:
        _problem(f"no message {key!r} in {lang}")
        template = catalogue("es").get(key) or catalogue("en").get(key)
        if template is None:
            return key
    try:
        missing = sorted(placeholders(template) - set(params))
        if missing:
            _problem(f"message {key!r} in {lang}: placeholders not given: {', '.join(missing)}")
        return _Formatter(lang, params).vformat(template, (), _Blank(params))
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        _problem(f"message {key!r} in {lang}: cannot fill it: {exc!r}")
        return _plain(template)


def _plain(template: str) -> str:
    """The template's literal text with every placeholder left out."""
    try:
        return "".join(literal for literal, _, _, _ in string.Formatter().parse(template))
    except ValueError:  # unbalanced braces: show no brace at all
        return template.replace("{", "").replace("}", "")
