"""Reading one TOML template strictly: every key checked, every leftover key reported.

`Section` is one table of the file being read; the shared parts (template.py) and each format's own
part (formats/<name>/template.py) read their keys through it, so every mistake is reported the same way.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from drafting.spanish import fold

HEX_COLOR = re.compile(r"(?:[0-9A-Fa-f]{6})?")


class TemplateError(ValueError):
    """The template file is missing, unreadable or invalid; the message names the file and the key.

    Besides the English message it carries its parts, so a chat can word it in the meeting's
    language: `file`, `key` (as `[table] key`, "" when the problem is the whole file), `problem` (the
    English detail) and `code` with `params`, the catalogue message `template.<code>` for it ("" when
    there is none: the English detail is shown as it is).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        key: str = "",
        problem: str = "",
        code: str = "",
        **params: str,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.key = key
        self.problem = problem or message
        self.code = code
        self.params = params


class Section:
    """One TOML table being read; remembers which keys were used so leftovers can be reported."""

    def __init__(self, data: Mapping[str, Any], source: str, path: str) -> None:
        self.data = data
        self.source = source
        self.path = path
        self.used: set[str] = set()

    def where(self, key: str) -> str:
        return f"[{self.path}] {key}" if self.path else key

    def fail(self, key: str, problem: str, code: str = "", **params: str) -> TemplateError:
        """`problem` in English; `code` and `params` word it in a catalogue (`template.<code>`)."""
        where = self.where(key)
        return TemplateError(
            f"{self.source}: {where}: {problem}",
            file=self.source,
            key=where,
            problem=problem,
            code=code,
            **params,
        )

    def _get(self, key: str) -> Any:
        if key not in self.data:
            return _MISSING
        self.used.add(key)
        return self.data[key]

    def table(self, key: str) -> Section:
        value = self._get(key)
        if value is _MISSING:
            raise TemplateError(
                f"{self.source}: missing table [{self._sub(key)}]",
                file=self.source,
                key=f"[{self._sub(key)}]",
                problem="missing table",
                code="missing_table",
            )
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table", "not_table")
        return Section(value, self.source, self._sub(key))

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _required(self, key: str) -> Any:
        value = self._get(key)
        if value is _MISSING:
            raise TemplateError(
                f"{self.source}: missing key {self.where(key)}",
                file=self.source,
                key=self.where(key),
                problem="missing key",
                code="missing_key",
            )
        return value

    def number(self, key: str, *, positive: bool = False) -> float:
        value = self._required(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, not {value!r}", "not_number", value=repr(value))
        if value < 0 or (positive and value == 0):
            raise self.fail(
                key,
                f"must be {'above' if positive else 'at least'} 0, not {value!r}",
                "not_positive" if positive else "negative",
                value=repr(value),
            )
        return float(value)

    def boolean(self, key: str) -> bool:
        value = self._required(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}", "not_boolean", value=repr(value))
        return value

    def text(self, key: str, fields: frozenset[str] = frozenset(), *, nonempty: bool = False) -> str:
        value = self._required(key)
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {value!r}", "not_string", value=repr(value))
        if nonempty and not value.strip():
            raise self.fail(key, "must not be empty", "empty")
        self._check_placeholders(key, value, fields)
        return value

    def _check_placeholders(self, key: str, value: str, fields: frozenset[str]) -> None:
        allowed = ", ".join(sorted(fields)) or "none"
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise self.fail(
                key, f"bad braces ({exc}); write {{{{ and }}}} for literal braces", "bad_braces"
            ) from exc
        for _literal, name, spec, conversion in parsed:
            if name is None:
                continue
            if name not in fields:
                raise self.fail(
                    key,
                    f"unknown placeholder {{{name}}}; allowed: {allowed}",
                    "unknown_placeholder",
                    name=name,
                    allowed=allowed,
                )
            if spec or conversion:
                raise self.fail(
                    key,
                    f"placeholder {{{name}}} takes no format spec or conversion",
                    "placeholder_spec",
                    name=name,
                )

    def numbers(self, key: str, count: int, *, positive: bool = False) -> tuple[float, ...]:
        value = self._required(key)
        if not isinstance(value, list) or len(value) != count:
            raise self.fail(
                key, f"must be a list of {count} numbers, not {value!r}", "not_numbers", count=str(count)
            )
        out: list[float] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise self.fail(
                    key,
                    f"must be a list of {count} numbers; {item!r} is not a number",
                    "not_numbers",
                    count=str(count),
                )
            if item < 0 or (positive and item == 0):
                raise self.fail(
                    key,
                    f"each number must be {'above' if positive else 'at least'} 0",
                    "not_positive" if positive else "negative",
                    value=repr(item),
                )
            out.append(float(item))
        return tuple(out)

    def texts(self, key: str, *, nonempty: bool = False) -> tuple[str, ...]:
        """A list of plain strings (no placeholders); `nonempty`: at least one, none blank."""
        value = self._required(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, f"must be a list of strings, not {value!r}", "not_texts")
        if nonempty and (not value or any(not item.strip() for item in value)):
            raise self.fail(key, "must list at least one word, and no empty ones", "empty_list")
        return tuple(item.strip() for item in value)

    def mapping(self, key: str) -> dict[str, str]:
        sub = self.table(key)
        out: dict[str, str] = {}
        for word in list(sub.data):
            out[fold(word.strip())] = sub.text(word, nonempty=True)
        sub.done()
        return out

    def done(self, hint: str = "") -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            why = f" ({hint})" if hint else ""
            raise TemplateError(
                f"{self.source}: unknown key {self.where(extra[0])}{why}",
                file=self.source,
                key=self.where(extra[0]),
                problem=f"unknown key{why}",
                code="unknown_key",
            )


_MISSING = object()
