"""Random text, control characters, very long, right-to-left and emoji: never a crash, always an answer
or a valid document."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.commands import Command, ParseError, parse
from drafting.model import DateSpan, Delegation, DelegationKind, Meeting, Point, PointState
from drafting.report.builder import build_report
from drafting.report.formats.informe.docx import render_docx
from drafting.report.formats.informe.markdown import render_markdown
from drafting.report.template import load_template
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.kit import Room, set_up_meeting

ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8"),  # utf-8 has no lone surrogates
    max_size=300,
)
HOSTILE = st.one_of(
    ANY_TEXT,
    st.sampled_from(
        [
            "\x00\x01\x02",
            "‏مرحبا بالوفود‎ ‏שלום‏",
            "🇲🇽🇨🇷👩🏽‍⚖️✅❌" * 20,
            "x" * 10_000,
            "\u202eevil\u202c",
            "a\ufffeb\uffffc",
            "[" * 50 + "]" * 50,
            "{label} {0} %s",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_the_parser_never_crashes_and_always_answers(text: str) -> None:
    result = parse(text)
    assert isinstance(result, Command | ParseError)
    if isinstance(result, ParseError):
        assert result.key.startswith("error.")


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["propose", "comentar 1", "objetar 1", "enmendar 1", "sub 1", "delegaciones"]), HOSTILE
)
def test_commands_with_hostile_text_are_either_read_or_refused_with_a_reason(word: str, text: str) -> None:
    result = parse(f"{word} {text}")
    if isinstance(result, Command):
        assert len(result.text) <= 5000
        assert not any(ord(c) < 32 and c not in "\n\t" for c in result.text)
    else:
        assert result.key.startswith("error.")


def _report_bytes(texts: list[str], final: bool) -> bytes:
    meeting = Meeting(
        id=1,
        title=texts[0][:200],
        network="Red de Funcionarios de Enlace " + texts[-1][:50],
        kind="ordinaria",
        place="San Pedro Sula, Honduras",
        dates=DateSpan(date(2016, 11, 15), date(2016, 11, 15)),
        before="Grupo Regional de Consulta sobre Migración (GRCM)",
    )
    delegations = [Delegation(1, 1, "México" + texts[0][:10], DelegationKind.MEMBER)]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    points: list[Point] = []
    for index, text in enumerate(texts, start=1):
        state = PointState.ADOPTED if index % 2 or not final else PointState.OPEN
        points.append(Point(index, 1, index, "", None, text or "x", state, None, None, created_at=now))
    points.append(Point(99, 1, 1, "a", 1, texts[0] or "y", PointState.OPEN, None, None, created_at=now))
    template = load_template()
    report = build_report(meeting, delegations, points, final=final, template=template, now=now)
    render_markdown(report)
    return render_docx(report, template)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HOSTILE, min_size=1, max_size=5), st.booleans())
def test_the_renderer_always_gives_a_document_that_opens_again(texts: list[str], final: bool) -> None:
    content = _report_bytes(texts, final)
    reopened = Document(io.BytesIO(content))
    assert reopened.paragraphs, "the document has its title block at least"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HOSTILE)
def test_the_service_answers_every_hostile_message_and_keeps_the_meeting_usable(text: str) -> None:
    async def play() -> None:
        stores = await SqlStoreFactory.open("sqlite:///:memory:")
        try:
            room = Room(DraftingService(stores, clock=FakeClock()))
            people = await set_up_meeting(room, ["México", "Panamá"])
            for typed in (text, f"proponer {text}", f"comentar 1 {text}", f"objetar 1 {text}"):
                outcome = await room.say(people["México"], typed)
                assert outcome.texts(), f"no answer to {typed!r}"
            assert (await room.say(people["Panamá"], "puntos")).ok
        finally:
            await stores.close()

    asyncio.run(play())
