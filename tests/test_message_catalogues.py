"""Every reply exists in Spanish and English, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from drafting.commands import SPECS
from drafting.i18n import catalogue, placeholders, t


def test_both_catalogues_have_the_same_keys() -> None:
    assert set(catalogue("es")) == set(catalogue("en"))


def test_each_message_has_the_same_placeholders_in_both_languages() -> None:
    es, en = catalogue("es"), catalogue("en")
    differing = [k for k in es if placeholders(es[k]) != placeholders(en[k])]
    assert differing == []


def test_every_command_has_a_help_line_in_both_languages() -> None:
    for spec in SPECS:
        assert f"help.{spec.name}" in catalogue("es")
        assert f"help.{spec.name}" in catalogue("en")


def test_every_literal_key_used_in_the_code_exists() -> None:
    root = Path(__file__).resolve().parent.parent / "drafting"
    pattern = re.compile(
        r"""(?:say|reply|refuse|ParseError|FieldError|t)\(\s*(?:\w+,\s*)?"((?:error|setup|point|position|silence|items|item|report|help|state|stance|card|role|button|amendment|audit|arg)\.[a-z_]+)\""""
    )
    used = {m.group(1) for path in root.rglob("*.py") for m in pattern.finditer(path.read_text("utf-8"))}
    assert used, "the pattern found no keys: it is broken"
    missing = sorted(k for k in used if k not in catalogue("es"))
    assert missing == []


def test_a_message_is_filled_in_the_language_asked() -> None:
    assert t("es", "card.title", label="3.b") == "Punto 3.b"
    assert t("en", "card.title", label="3.b") == "Point 3.b"


def test_an_unknown_language_falls_back_to_spanish() -> None:
    assert t("fr", "card.title", label="1") == "Punto 1"
