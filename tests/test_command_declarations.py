"""A command is one declaration: the parser, the permission check, usage, help, the Telegram menu, the
Slack manifest and the service's dispatch all come from it, so a declaration changed or added shows up
in each of them with nothing else edited."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import pytest

from bot.slack.manifest import USAGE_HINT_LIMIT, manifest, usage_hint
from bot.telegram.render import command_menu
from drafting.commands import ANY_MEMBER, BY_NAME, SPECS, Arg, Command, Spec, parse, words_for
from drafting.handlers import reports
from drafting.model import Meeting, MeetingState, Member, Role, UserRef
from drafting.permissions import Verdict, permission
from drafting.service import handlers_for
from drafting.usage import help_text, usage

# A command nobody has declared yet: `ping <n>`, `sondeo <n>`, for any member, read-only.
PING = Spec("ping", "sondeo", (Arg.POINT,), ANY_MEMBER, writes=False, handler="reports.item")
WITH_PING = (*SPECS, PING)
MEETING = Meeting(id=1, title="Informe")
DELEGATE = Member(1, 1, UserRef("test", "u1", "Ana"), Role.DELEGATE, delegation_id=1)
CHAIR = Member(2, 1, UserRef("test", "u2", "Eva"), Role.CHAIR)


def test_a_declared_command_is_read_by_the_parser_in_both_languages() -> None:
    words = words_for(WITH_PING)
    english = parse("ping 3", words=words)
    spanish = parse("Sondeo 3", words=words)
    assert isinstance(english, Command) and english.name == "ping" and english.lang == "en"
    assert isinstance(spanish, Command) and spanish.name == "ping" and spanish.lang == "es"
    assert english.ref is not None and english.ref.number == 3
    assert not isinstance(parse("ping 3"), Command), "SPECS alone does not know it"


def test_a_declared_command_has_its_usage_and_help_line() -> None:
    assert usage(PING, "es", "/") == "/sondeo <n>"
    assert usage(PING, "en", "/draft ") == "/draft ping <n>"
    # Its summary is the catalogue's help key; with none written yet, strict messages would raise,
    # so the help listing is checked through a declaration whose key exists.
    listed = replace(PING, name="items")
    text = help_text("es", "/", DELEGATE, MEETING, (*SPECS, listed))
    assert "/sondeo <n>  (items) — " in text


def test_a_declared_command_is_in_the_telegram_menu_and_the_slack_hint() -> None:
    listed = replace(PING, name="items")  # a help key that exists, for the menu's description
    spanish = [c.command for c in command_menu("es", (*SPECS, listed))]
    english = [c.command for c in command_menu("en", (*SPECS, listed))]
    assert spanish[-1] == "sondeo" and english[-1] == "items"
    hint = manifest(WITH_PING)["features"]["slash_commands"][0]["usage_hint"]
    assert "ping" in hint.split("(")[0] and "sondeo" in hint.split("(")[1]


def test_a_declared_command_is_dispatched_to_the_handler_it_names() -> None:
    assert handlers_for(WITH_PING)["ping"] is reports.item


def test_a_declaration_naming_no_handler_fails_at_once() -> None:
    with pytest.raises(LookupError, match=r"reports\.nothing"):
        handlers_for([replace(PING, handler="reports.nothing")])


def test_who_may_use_a_command_follows_its_declared_roles() -> None:
    assert permission(PING, DELEGATE, MEETING).allowed
    assert permission(PING, None, MEETING).key == "error.not_member"
    chairs_only = replace(PING, roles=frozenset({Role.CHAIR}))
    assert permission(chairs_only, DELEGATE, MEETING).key == "error.role"
    assert permission(chairs_only, CHAIR, MEETING).allowed
    # help offers exactly what the same rule allows
    listed = replace(chairs_only, name="items")
    assert "/sondeo" not in help_text("es", "/", DELEGATE, MEETING, (*SPECS, listed))
    assert "/sondeo" in help_text("es", "/", CHAIR, MEETING, (*SPECS, listed))


def test_a_final_report_refuses_what_writes_and_keeps_what_reads() -> None:
    final = replace(MEETING, state=MeetingState.FINAL)
    assert permission(BY_NAME["propose"], DELEGATE, final).key == "error.final"
    assert permission(BY_NAME["items"], DELEGATE, final).allowed
    assert permission(BY_NAME["join"], None, final).allowed
    assert permission(BY_NAME["withdraw"], DELEGATE, MEETING).verdict is Verdict.OWNER


def test_help_lists_only_what_the_permission_check_allows() -> None:
    for member in (DELEGATE, CHAIR, None):
        text = help_text("en", "/", member, MEETING)
        # newmeeting is offered where there is no meeting yet (its handler says one exists)
        for spec in (s for s in SPECS if not s.opens_meeting):
            line = f"{usage(spec, 'en', '/').splitlines()[0]}  ({spec.alias}) — "
            answer = permission(spec, member, MEETING)
            mine = answer.verdict is Verdict.OWNER and member is DELEGATE
            assert (line in text) == (answer.allowed or mine), (spec.name, member)


def test_the_checked_in_slack_manifest_is_the_one_the_declarations_give() -> None:
    stored = json.loads(resources.files("bot.slack").joinpath("manifest.json").read_text("utf-8"))
    assert stored == manifest(), "regenerate it: draftbot slack-manifest > bot/slack/manifest.json"
    hint = stored["features"]["slash_commands"][0]["usage_hint"]
    assert len(usage_hint()) <= USAGE_HINT_LIMIT
    for spec in SPECS:
        assert spec.name in hint and spec.alias in hint


def test_every_declaration_names_a_handler_and_a_help_line_in_both_catalogues() -> None:
    assert set(handlers_for(SPECS)) == {s.name for s in SPECS}
    names = [s.name for s in SPECS] + [s.alias for s in SPECS if s.alias != s.name]
    assert len(words_for(SPECS)) >= len(set(names)), "two declarations share a word"


def test_the_slack_manifest_command_prints_the_manifest_the_declarations_give(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    assert main(["slack-manifest"]) == 0
    assert json.loads(capsys.readouterr().out) == manifest()
