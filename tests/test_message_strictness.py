"""A message key that does not exist, or a placeholder nobody filled, fails loudly in tests; in
production the user still reads a sentence, never a raw `{placeholder}`, and the slip is logged."""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafting import i18n
from drafting.i18n import MessageError, catalogue, placeholders, t

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")
# Callables that take a catalogue key, and the position of the key among their arguments.
KEY_POSITION = {"t": 1, "say": 0, "reply": 0, "refuse": 0, "Refusal": 0, "ParseError": 0, "FieldError": 0}
# These word the message themselves from the keywords given; the others pass their parameters on to
# code that adds some (a refusal gets `prefix`, a usage line, ...).
RENDERED_HERE = {"t", "say", "reply"}


@pytest.fixture
def production() -> Iterator[None]:
    i18n.set_strict(False)
    try:
        yield
    finally:
        i18n.set_strict(True)


def test_tests_run_with_strict_messages() -> None:
    assert i18n.is_strict()


def test_an_unknown_key_fails_loudly_in_tests() -> None:
    with pytest.raises(MessageError, match=r"error\.no_such_message"):
        t("es", "error.no_such_message")


def test_a_placeholder_left_unfilled_fails_loudly_in_tests() -> None:
    with pytest.raises(MessageError, match=r"items\.summary.*placeholders not given: adopted, open"):
        t("en", "items.summary", withdrawn=1)


def test_in_production_an_unfilled_placeholder_is_left_out_and_logged(
    production: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="drafting"):
        text = t("en", "items.summary", withdrawn=1)
    assert "{" not in text and "}" not in text
    assert "1" in text
    assert any("items.summary" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_in_production_an_unknown_key_is_logged_and_shows_no_braces(
    production: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="drafting"):
        text = t("es", "error.no_such_message", count=3)
    assert "{" not in text
    assert any("error.no_such_message" in r.getMessage() for r in caplog.records)


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _key_calls() -> Iterator[tuple[str, str, ast.Call, ast.expr]]:
    """(where, callable name, call, key argument) for every call that passes a catalogue key."""
    for folder in ("drafting", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = _name(node)
                position = KEY_POSITION.get(name)
                if position is None or len(node.args) <= position:
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                yield where, name, node, node.args[position]


def test_every_key_written_in_the_code_exists_in_both_languages() -> None:
    literal, prefixed, missing = 0, 0, []
    for where, _, _, arg in _key_calls():
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and KEY.match(arg.value):
            literal += 1
            for lang in i18n.LANGUAGES:
                if arg.value not in catalogue(lang):
                    missing.append(f"{where}: {arg.value} ({lang})")
        elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
            # f"role.{member.role.value}": at least the family must exist
            prefix = str(arg.values[0].value)
            prefixed += 1
            for lang in i18n.LANGUAGES:
                if not any(k.startswith(prefix) for k in catalogue(lang)):
                    missing.append(f"{where}: {prefix}… ({lang})")
    assert literal > 100 and prefixed > 3, "the scan found too few call sites: it is broken"
    assert missing == []


def test_every_message_worded_in_the_code_gets_all_its_placeholders() -> None:
    unfilled = []
    checked = 0
    for where, name, call, arg in _key_calls():
        if name not in RENDERED_HERE or not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            continue
        if not KEY.match(arg.value) or any(k.arg is None for k in call.keywords):
            continue  # another catalogue, or **params passed on whole
        given = {k.arg for k in call.keywords if k.arg is not None}
        checked += 1
        for lang in i18n.LANGUAGES:
            needed = placeholders(catalogue(lang).get(arg.value, ""))
            if needed - given:
                unfilled.append(f"{where}: {arg.value} ({lang}) lacks {sorted(needed - given)}")
    assert checked > 30, "the scan found too few call sites: it is broken"
    assert unfilled == []
