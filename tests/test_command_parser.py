"""The command language as a table: what people type, and what the core reads."""

from __future__ import annotations

import pytest

from drafting.commands import SPECS, Command, ParseError, Ref, parse, split_names
from drafting.usage import usage

READ = [
    # (typed, name, lang, ref, text)
    ("propose Agradecer a Honduras", "propose", "en", None, "Agradecer a Honduras"),
    ("proponer Agradecer a Honduras", "propose", "es", None, "Agradecer a Honduras"),
    ("/proponer Tomar nota", "propose", "es", None, "Tomar nota"),
    ("PROPONER Tomar nota", "propose", "es", None, "Tomar nota"),
    ("propose Line one\nLine two", "propose", "en", None, "Line one\nLine two"),
    ("sub 3 Se agradece", "sub", "en", Ref(3), "Se agradece"),
    ("subpunto 3 Se agradece", "sub", "es", Ref(3), "Se agradece"),
    ("comment 3.b Bien", "comment", "en", Ref(3, "b"), "Bien"),
    ("comentar 3b Bien", "comment", "es", Ref(3, "b"), "Bien"),
    ("comentar 3 a mi juicio", "comment", "es", Ref(3), "a mi juicio"),
    ("comment #12: fine", "comment", "en", Ref(12), "fine"),
    ("amend 2 Nuevo texto", "amend", "en", Ref(2), "Nuevo texto"),
    ("enmendar 2.a Nuevo texto", "amend", "es", Ref(2, "a"), "Nuevo texto"),
    ("accept 2", "accept", "en", Ref(2), ""),
    ("aceptar 2.a", "accept", "es", Ref(2, "a"), ""),
    ("approve 4", "approve", "en", Ref(4), ""),
    ("aprobar 4", "approve", "es", Ref(4), ""),
    ("object 4 Falta una mención", "object", "en", Ref(4), "Falta una mención"),
    ("objetar 4 Falta una mención", "object", "es", Ref(4), "Falta una mención"),
    ("abstain 4", "abstain", "en", Ref(4), ""),
    ("abstenerse 4", "abstain", "es", Ref(4), ""),
    ("withdraw 5", "withdraw", "en", Ref(5), ""),
    ("retirar 5.c", "withdraw", "es", Ref(5, "c"), ""),
    ("silence 6 48h", "silence", "en", Ref(6), "48h"),
    ("silencio 6 2026-11-25 18:00", "silence", "es", Ref(6), "2026-11-25 18:00"),
    ("items", "items", "en", None, ""),
    ("puntos", "items", "es", None, ""),
    ("item 3", "item", "en", Ref(3), ""),
    ("punto 3.a", "item", "es", Ref(3, "a"), ""),
    ("compile", "compile", "en", None, ""),
    ("compilar", "compile", "es", None, ""),
    ("compile redline", "compile", "en", None, "redline"),
    ("compilar cambios", "compile", "es", None, "redline"),
    ("compile pdf", "compile", "en", None, "pdf"),
    ("compilar PDF", "compile", "es", None, "pdf"),
    ("preview", "preview", "en", None, ""),
    ("vista", "preview", "es", None, ""),
    ("finalize", "finalize", "en", None, ""),
    ("finalizar", "finalize", "es", None, ""),
    ("download", "download", "en", None, ""),
    ("descargar", "download", "es", None, ""),
    ("download pdf", "download", "en", None, "pdf"),
    ("template", "template", "en", None, ""),
    ("plantilla", "template", "es", None, ""),
    ("template reset", "template", "en", None, "reset"),
    ("plantilla restablecer", "template", "es", None, "reset"),
    ("descargar pdf", "download", "es", None, "pdf"),
    ("help", "help", "en", None, ""),
    ("ayuda", "help", "es", None, ""),
    ("join K7P2Q9RX4M", "join", "en", None, "K7P2Q9RX4M"),
    ("unirse K7P2Q9RX4M", "join", "es", None, "K7P2Q9RX4M"),
    ("invite México", "invite", "en", None, "México"),
    ("invitar relator", "invite", "es", None, "relator"),
    # member: who and where arrive together; only the meeting knows where a name ends (test_membership)
    ("member 3 Costa Rica", "member", "en", None, "3 Costa Rica"),
    ("miembro Ana Pérez: Costa Rica", "member", "es", None, "Ana Pérez: Costa Rica"),
    ("miembro @ana relator", "member", "es", None, "@ana relator"),
    ("miembro", "member", "es", None, ""),
]


@pytest.mark.parametrize(("typed", "name", "lang", "ref", "text"), READ)
def test_each_command_is_read_in_english_and_spanish(
    typed: str, name: str, lang: str, ref: Ref | None, text: str
) -> None:
    command = parse(typed)
    assert isinstance(command, Command), command
    assert (command.name, command.lang, command.ref, command.text) == (name, lang, ref, text)


def test_the_spanish_word_with_its_accent_is_the_same_command() -> None:
    command = parse("reunión lugar: Tegucigalpa, Honduras")
    assert isinstance(command, Command)
    assert command.name == "meeting"
    assert command.fields == (("lugar", "Tegucigalpa, Honduras"),)


def test_move_reads_a_point_and_a_position() -> None:
    command = parse("mover 7 2")
    assert isinstance(command, Command)
    assert (command.ref, command.position) == (Ref(7), 2)


def test_newmeeting_reads_one_key_value_per_line() -> None:
    command = parse("nuevareunion\ntitulo: INFORME\nlugar: San Pedro Sula, Honduras\nfecha: 2016-11-15")
    assert isinstance(command, Command)
    assert command.fields == (
        ("titulo", "INFORME"),
        ("lugar", "San Pedro Sula, Honduras"),
        ("fecha", "2016-11-15"),
    )


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("delegaciones Canadá, Costa Rica y México", ["Canadá", "Costa Rica", "México"]),
        ("delegations Canada, Mexico and Panama", ["Canada", "Mexico", "Panama"]),
        ("delegaciones Guatemala e Irlanda", ["Guatemala", "Irlanda"]),
        ("delegaciones Trinidad y Tobago; Belice", ["Trinidad y Tobago", "Belice"]),
        ("delegaciones\nTrinidad y Tobago\nBelice", ["Trinidad y Tobago", "Belice"]),
        ("observadores OIM, ACNUR, OIM", ["OIM", "ACNUR"]),
        (
            "delegations Canada, Trinidad and Tobago and United States",
            ["Canada", "Trinidad and Tobago", "United States"],
        ),
        ("delegaciones Canadá, México y Trinidad y Tobago", ["Canadá", "México", "Trinidad y Tobago"]),
        ("delegaciones Antigua y Barbuda y Belice", ["Antigua y Barbuda", "Belice"]),
        ("delegations Trinidad & Tobago", ["Trinidad & Tobago"]),
        (
            "delegations Canada and Saint Vincent and the Grenadines",
            ["Canada", "Saint Vincent and the Grenadines"],
        ),
        ("delegaciones Canadá;Trinidad y Tobago\nMéxico", ["Canadá", "Trinidad y Tobago", "México"]),
        # no known name to go by: only the last conjunction separates
        ("observers Foo and Bar and Baz", ["Foo and Bar", "Baz"]),
    ],
)
def test_delegation_lists_are_split_as_people_write_them(typed: str, names: list[str]) -> None:
    command = parse(typed)
    assert isinstance(command, Command)
    assert list(command.names) == names


def test_a_point_thread_supplies_the_missing_number() -> None:
    command = parse("aprobar", context=Ref(point_id=41))
    assert isinstance(command, Command)
    assert command.ref == Ref(point_id=41)


def test_an_explicit_number_wins_over_the_thread() -> None:
    command = parse("aprobar 2", context=Ref(point_id=41))
    assert isinstance(command, Command)
    assert command.ref == Ref(2)


REFUSED = [
    ("", "error.empty"),
    ("votar 3", "error.unknown_command"),
    ("propose", "error.need_text"),
    ("proponer   ", "error.need_text"),
    ("approve", "error.need_point"),
    ("aprobar tres", "error.need_point"),
    ("approve 3.b", "error.need_whole_point"),
    ("object 3", "error.need_reason"),
    ("silencio 3", "error.need_deadline"),
    ("mover 3", "error.need_position"),
    ("mover 3 cero", "error.need_position"),
    ("unirse", "error.need_code"),
    ("join !!", "error.need_code"),
    ("delegaciones", "error.need_names"),
    ("nuevareunion\nesto no es clave valor", "error.bad_field_line"),
    ("compile now", "error.need_option"),
    ("compilar cambios ya", "error.extra_words"),
    ("download redline", "error.need_option"),
    ("vista 3", "error.extra_words"),
    ("plantilla borrar", "error.need_option"),
    ("approve 3 please", "error.extra_words"),
    ("propose Texto con \x07 campana", "error.control_chars"),
    ("propose Texto con \x00 nulo", "error.control_chars"),
    ("propose " + "x" * 5001, "error.too_long"),
    ("object 3 " + "x" * 1001, "error.too_long"),
    ("comment 3 " + "x" * 3001, "error.too_long"),
    ("miembro " + "x" * 501, "error.too_long"),
]


@pytest.mark.parametrize(("typed", "key"), REFUSED)
def test_malformed_commands_are_refused_with_a_reason(typed: str, key: str) -> None:
    result = parse(typed)
    assert isinstance(result, ParseError), result
    assert result.key == key


def test_a_refusal_keeps_the_language_of_the_word_used() -> None:
    spanish = parse("proponer")
    english = parse("propose")
    assert isinstance(spanish, ParseError) and spanish.lang == "es"
    assert isinstance(english, ParseError) and english.lang == "en"


def test_usage_lines_are_generated_from_the_declarations_in_both_languages() -> None:
    by_name = {s.name: s for s in SPECS}
    assert usage(by_name["object"], "en", "/") == "/object <n> <reason>"
    assert usage(by_name["object"], "es", "/") == "/objetar <n> <motivo>"
    assert usage(by_name["sub"], "es", "/draft ") == "/draft subpunto <n> <texto>"
    assert usage(by_name["comment"], "en", "/") == "/comment <n|n.letter> <text>"
    assert usage(by_name["member"], "en", "/") == (
        "/member <member no. | name | @name> <delegation | rapporteur | chair | secretariat>"
    )
    assert usage(by_name["member"], "es", "/") == (
        "/miembro <n.º de miembro | nombre | @nombre> <delegación | relator | presidencia | secretaria>"
    )


def test_every_command_has_a_distinct_spanish_alias() -> None:
    # A word may be its own alias (`panel` is the same in both languages), never another command's.
    words = [w for s in SPECS for w in {s.name, s.alias}]
    assert len(words) == len(set(words))


def test_names_with_y_inside_survive_when_separated_by_semicolons() -> None:
    assert split_names("Bosnia y Herzegovina; Trinidad y Tobago") == [
        "Bosnia y Herzegovina",
        "Trinidad y Tobago",
    ]
