"""The document formats, one package each, found here by their folder.

A package `drafting/report/formats/<name>/` that defines `FORMAT` (a `base.DocumentFormat`) is the
format `<name>`: its model (`model.py`), how the points are arranged for it, its .docx and Markdown
renderers, its own template keys (`template.py`, a `TemplatePart`) and its template file
(`templates/<name>.toml`, or `template.toml` in the folder). Adding a format is adding such a folder:
`meeting format:` accepts the names found here, and the template loader reads their keys.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from drafting.report.formats.base import DocumentFormat

_FOUND: dict[str, DocumentFormat] = {}


def discover() -> None:
    """Looks again through the package's folders (its `__path__`) for formats."""
    found: dict[str, DocumentFormat] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if isinstance(fmt, DocumentFormat):
            found[fmt.name] = dataclasses.replace(fmt, package=module.__name__)
    _FOUND.clear()
    _FOUND.update(found)


# a live view: everyone that reads the format names reads this
FORMATS: Mapping[str, DocumentFormat] = MappingProxyType(_FOUND)
discover()


def get_format(name: str) -> DocumentFormat:
    """The format called `name`; `ValueError` naming the known ones otherwise."""
    try:
        return FORMATS[str(name)]
    except KeyError:
        raise ValueError(f"unknown report format {name!r}; formats: {', '.join(FORMATS)}") from None
