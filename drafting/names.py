"""Reading a list of delegation names as people type it: "Canadá, Trinidad y Tobago y México".

A list's last item follows "y"/"e"/"and"/"&", and some country names hold one themselves ("Trinidad y
Tobago", "Antigua and Barbuda", "Bosnia & Herzegovina"). Which "and" separates is decided with the
country names CLDR has in Spanish and English (through Babel, already a dependency): a name it knows is
never cut, and of the conjunctions in the last item the one that leaves a known name on one side is the
separator. With no known name to go by, only the LAST conjunction separates, as in "A, B and C" (so an
unknown "Foo and Bar and Baz" gives "Foo and Bar", "Baz"). A list written with `;` or one name per
line never splits at a conjunction at all: that is the way to write any name unambiguously.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale

_CONJUNCTION = re.compile(r"\s+(?:y|e|and|&)\s+", re.IGNORECASE)


def _key(name: str) -> str:
    """A name compared as typed: no case, no accents, one word for every conjunction, no dots."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")
    return " ".join(_CONJUNCTION.sub(" & ", f" {plain} ").split())


@cache
def known_countries() -> frozenset[str]:
    names = (name for lang in ("es", "en") for name in Locale.parse(lang).territories.values())
    return frozenset(_key(name) for name in names)


def split_last(item: str) -> list[str]:
    """The last item of a comma list, cut at the conjunction that separates its names."""
    if _key(item) in known_countries():
        return [item]
    cuts = list(_CONJUNCTION.finditer(item))
    if not cuts:
        return [item]
    known = known_countries()
    for cut in reversed(cuts):
        left, right = item[: cut.start()], item[cut.end() :]
        if right[:1].islower():  # "San Vicente y las Granadinas": a name starts with a capital
            continue
        if _key(left) in known or _key(right) in known:
            return [left, right]
    last = cuts[-1]
    return [item[: last.start()], item[last.end() :]]


def split_names(text: str) -> list[str]:
    """Delegation names, in the order given, each once (compared without case or accents)."""
    text = text.strip().rstrip(".")
    if not text:
        return []
    if ";" in text or "\n" in text:
        parts = re.split(r"[;\n]", text)
    else:
        parts = text.split(",")
        parts = parts[:-1] + split_last(parts[-1].strip())
    names: list[str] = []
    seen: set[str] = set()
    for part in parts:
        name = " ".join(part.split())
        if name and _key(name) not in seen:
            seen.add(_key(name))
            names.append(name)
    return names
