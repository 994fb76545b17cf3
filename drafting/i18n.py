"""Message catalogues: every reply and error in Spanish and English.

The catalogues are TOML files beside this module (`messages/es.toml`, `messages/en.toml`) with the same
keys and the same `{placeholders}`; a test holds them to that.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

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
        return template.format_map(_Blank(params))
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        _problem(f"message {key!r} in {lang}: cannot fill it: {exc!r}")
        return _plain(template)


def _plain(template: str) -> str:
    """The template's literal text with every placeholder left out."""
    try:
        return "".join(literal for literal, _, _, _ in string.Formatter().parse(template))
    except ValueError:  # unbalanced braces: show no brace at all
        return template.replace("{", "").replace("}", "")
