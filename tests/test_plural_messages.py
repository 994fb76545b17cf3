"""Counts are worded with the language's plural forms ("1 aprueba", "2 aprueban", "1 punto"), chosen
by CLDR's plural rules through Babel, not by hand-written cases."""

from __future__ import annotations

import re

import pytest
from babel import Locale

from drafting.i18n import LANGUAGES, MessageError, catalogue, plural_category, t
from drafting.service import DraftingService
from tests.kit import Room, card_in

_SPEC = re.compile(r"\{\w+:(plural\.\w+)\}")


async def test_a_card_counts_one_delegation_in_the_singular(service: DraftingService) -> None:
    room = Room(service)
    await room.say("st", "nuevareunion\ntitulo: INFORME")
    await room.say("st", "delegaciones Canadá, México, Panamá y Belice")
    for code, name in (("ca", "Canadá"), ("mx", "México"), ("pa", "Panamá")):
        await room.admit("st", name, code)
    await room.say("ca", "propose Tomar nota.")
    await room.say("ca", "approve 1")
    card = card_in(await room.say("mx", "abstain 1"))
    assert card.tally.startswith("1 aprueba · 0 objetan · 1 se abstiene · 1 pendiente · 1 ausente")
    await room.say("pa", "approve 1")
    (summary,) = (await room.say("ca", "puntos")).texts()
    assert summary.endswith("1 adoptado · 0 en discusión · 0 retirados")


async def test_english_counts_agree_with_their_number_too(service: DraftingService) -> None:
    room = Room(service)
    await room.say("st", "newmeeting\ntitle: REPORT\nlanguage: en")
    await room.say("st", "delegations Canada, Mexico and Panama")
    await room.admit("st", "Canada", "ca")
    await room.admit("st", "Mexico", "mx")
    await room.say("ca", "propose Take note.")
    card = card_in(await room.say("ca", "approve 1"))
    assert card.tally.startswith("1 approves · 0 object · 0 abstain · 1 pending · 1 absent")
    card = card_in(await room.say("mx", "object 1 Too early"))
    assert card.tally.startswith("1 approves · 1 objects · 0 abstain")


def test_no_message_writes_a_plural_by_hand() -> None:
    for lang in LANGUAGES:
        hand_written = [k for k, v in catalogue(lang).items() if re.search(r"\w\((?:s|es|n|a)\)", v)]
        assert hand_written == [], lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_used_has_the_forms_its_language_needs(lang: str) -> None:
    messages = catalogue(lang)
    used = {spec for text in messages.values() for spec in _SPEC.findall(text)}
    assert used, "no plural in use: the pattern is broken"
    categories = set(Locale.parse(lang).plural_form.tags) | {"other"}
    for spec in used:
        forms = {k.removeprefix(spec + ".") for k in messages if k.startswith(spec + ".")}
        assert "other" in forms and "one" in forms, spec
        assert forms <= categories, (spec, forms - categories)


def test_the_category_is_cldrs() -> None:
    assert [plural_category("es", n) for n in (0, 1, 2, 1.5)] == ["other", "one", "other", "other"]
    assert [plural_category("en", n) for n in (0, 1, 2)] == ["other", "one", "other"]


def test_a_plural_form_is_picked_for_a_count_that_travelled_as_text() -> None:
    assert t("es", "error.bracket_choice", number="2", count="1").startswith("El corchete 2 tiene 1 opción:")
    assert t("en", "error.bracket_choice", number="2", count="3").startswith("Bracket 2 has 3 options:")


def test_a_count_that_is_no_number_is_an_error_in_strict_mode() -> None:
    with pytest.raises(MessageError):
        t("es", "card.brackets_open", count="varios", label="1")
