"""Message catalogues: every reply and error in Spanish and English.

The catalogues are TOML files beside this module (`messages/es.toml`, `messages/en.toml`) with the same
keys and the same `{placeholders}`; a test holds them to that.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

LANGUAGES = ("es", "en")


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


def t(lang: str, key: str, /, **params: object) -> str:
    """The message `key` in `lang` (falling back to Spanish), with its placeholders filled."""
    lang = lang if lang in LANGUAGES else "es"
    template = catalogue(lang).get(key)
    if template is None:
        template = catalogue("es").get(key, key)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
