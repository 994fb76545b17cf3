"""A broken report template is answered, in the meeting's language, with the file, the key and the
problem; nothing changes and the meeting goes on."""

from __future__ import annotations

import ast
import logging
import re
from importlib import resources
from pathlib import Path

import pytest

from bot.console import ConsoleAdapter
from drafting.i18n import catalogue, placeholders
from drafting.model import ChatRef
from drafting.replies import Document
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.db_snapshot import snapshot
from tests.kit import Room, set_up_meeting
from tests.telegram_fake.harness import running_bot
from tests.telegram_fake.harness import set_up_meeting as set_up_group

SHIPPED = resources.files("templates").joinpath("informe.toml").read_text("utf-8")


def _broken(tmp_path: Path, service: DraftingService, old: str, new: str) -> Path:
    """The secretariat's own informe.toml, with one line changed, in the templates directory."""
    assert old in SHIPPED
    folder = tmp_path / "plantillas"
    folder.mkdir()
    path = folder / "informe.toml"
    path.write_text(SHIPPED.replace(old, new, 1), "utf-8")
    service.templates = folder  # what the entry point hands over from DRAFTBOT_TEMPLATES
    return path


async def test_a_bad_value_in_the_template_is_named_in_spanish_and_the_meeting_goes_on(
    service: DraftingService,
    stores: SqlStoreFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    room = Room(service)
    people = await set_up_meeting(room, ["México", "Panamá"])
    assert (await room.say(people["México"], "proponer Agradecer a Honduras.")).ok
    path = _broken(tmp_path, service, "body_size_pt = 11", 'body_size_pt = "once"')
    before = await snapshot(stores)
    with caplog.at_level(logging.ERROR, logger="drafting"):
        outcome = await room.say(people["rapporteur"], "compilar")
    assert not outcome.ok
    assert any(str(path) in r.getMessage() for r in caplog.records), "the operator's log has the path"
    assert outcome.texts() == [
        "No pude preparar el documento: la plantilla informe.toml tiene un error en «[font] body_size_pt»: "
        "debe ser un número, no 'once'. Nada cambió. La Secretaría Técnica debe corregir la plantilla; "
        "mientras tanto la reunión sigue."
    ]
    assert await snapshot(stores) == before
    assert (await room.say(people["Panamá"], "aprobar 1")).ok
    path.write_text(SHIPPED, "utf-8")
    compiled = await room.say(people["rapporteur"], "compilar")
    assert compiled.ok and any(isinstance(d.message, Document) for d in compiled.deliveries)


async def test_an_english_meeting_reads_the_template_problem_in_english(
    service: DraftingService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = Room(service)
    people = await set_up_meeting(room, ["México"])
    assert (await room.say("st", "reunion idioma: en")).ok
    path = _broken(tmp_path, service, "{participants_clause}", "{participants_clause} {pais}")
    outcome = await room.say(people["rapporteur"], "compile")
    text = "\n".join(outcome.texts())
    assert not outcome.ok
    assert text.startswith(
        "I could not prepare the document: the template informe.toml has an error at “[es] opening”:"
    )
    assert "there is no placeholder {pais} here; allowed: before, before_clause" in text
    assert "{" + "participants_clause" not in text.split("allowed:")[0]
    assert str(path.parent) not in text, "the server's folders are not shown in the chat"
    assert (await room.say(people["México"], "items")).ok


async def test_a_template_that_is_not_toml_names_the_file_and_the_problem(
    service: DraftingService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = Room(service)
    people = await set_up_meeting(room, ["México"])
    path = _broken(tmp_path, service, "[font]", "[font")
    outcome = await room.say(people["rapporteur"], "compilar")
    (text,) = outcome.texts()
    assert text.startswith(
        "No pude preparar el documento: la plantilla informe.toml no sirve: no es TOML válido:"
    )
    assert "line 25" in text
    assert str(path.parent) not in text
    assert (await room.say(people["México"], "puntos")).ok


async def test_the_console_answers_a_broken_template_and_takes_the_next_command(
    service: DraftingService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_up_meeting(Room(service, chat=ChatRef("console", "room")), ["México"])
    path = _broken(tmp_path, service, "bold = true", "bold = 'sí'")
    lines: list[str] = []
    console = ConsoleAdapter(service, tmp_path / "out", write=lines.append)
    outcome = await console.say("rap", "compilar")
    assert not outcome.ok
    shown = "\n".join(lines)
    assert re.search(r"la plantilla informe\.toml tiene un error en «\[title\] bold»: ", shown)
    assert "debe ser true o false, no 'sí'" in shown
    assert str(path.parent) not in shown
    assert (await console.say("d0", "proponer Tomar nota del informe.")).ok


def test_every_template_problem_has_its_wording_in_both_languages() -> None:
    """Each problem the template loader reports is worded in both catalogues, from the parameters the
    loader gives it (a static scan of drafting/report/template*.py and each format's template.py)."""
    report = Path(__file__).resolve().parent.parent / "drafting" / "report"
    sources = [*report.glob("template*.py"), *report.glob("formats/*/template.py")]
    found: list[tuple[str, set[str]]] = []
    nodes = [node for source in sources for node in ast.walk(ast.parse(source.read_text("utf-8")))]
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        named = {k.arg: k.value for k in node.keywords if k.arg is not None}
        params = {k for k in named if k not in ("file", "key", "problem", "code")}
        code = named.get("code")
        if isinstance(node.func, ast.Attribute) and node.func.attr == "fail" and len(node.args) >= 3:
            code = node.args[2]
        if code is None:
            continue
        values = [code.body, code.orelse] if isinstance(code, ast.IfExp) else [code]
        for value in values:
            if isinstance(value, ast.Name):
                continue  # `fail` handing its own `code` on
            assert isinstance(value, ast.Constant) and isinstance(value.value, str), ast.dump(value)
            if value.value:
                found.append((value.value, params))
    assert len(found) > 20, "the scan found too few problems: it is broken"
    for code, params in found:
        for lang in ("es", "en"):
            wording = catalogue(lang).get(f"template.{code}")
            assert wording is not None, f"template.{code} ({lang})"
            assert placeholders(wording) <= params, f"template.{code} ({lang}) needs more than {params}"


async def test_a_telegram_group_hears_about_the_broken_template_and_carries_on(
    service: DraftingService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _broken(tmp_path, service, "margin_left_cm = 3.0", "margin_left_cm = -3.0")
    async with running_bot(service) as run:
        chat = run.fake.group()
        await set_up_group(run, chat, ["México"])
        asked = await run.say(run.user("rapporteur"), chat, "/compilar")
        assert run.replies_to(asked) == [
            "No pude preparar el documento: la plantilla informe.toml tiene un error en "
            "«[page] margin_left_cm»: debe ser un número mayor o igual que 0, no -3.0. Nada cambió. "
            "La Secretaría Técnica debe corregir la plantilla; mientras tanto la reunión sigue."
        ]
        await run.say(run.user("México"), chat, "/proponer Agradecer a Honduras.")
        assert run.fake.card(chat["id"], 1)
