"""The document formats, one package each, found here by their folder.

A package `drafting/report/formats/<name>/` that defines `FORMAT` (a `base.DocumentFormat`) is the
format `<name>`: its model (`model.py`), how the points are arranged for it, its .docx and Markdown
renderers and its template `templates/<name>.toml`. Adding a format is adding such a folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from drafting.report.formats.base import DocumentFormat


def _discover() -> Mapping[str, DocumentFormat]:
    found: dict[str, DocumentFormat] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if isinstance(fmt, DocumentFormat):
            found[fmt.name] = fmt
    return MappingProxyType(found)


FORMATS: Mapping[str, DocumentFormat] = _discover()


def get_format(name: str) -> DocumentFormat:
    """The format called `name`; `ValueError` naming the known ones otherwise."""
    try:
        return FORMATS[str(name)]
    except KeyError:
        raise ValueError(f"unknown report format {name!r}; formats: {', '.join(FORMATS)}") from None
