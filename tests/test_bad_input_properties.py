"""Random text, control characters, very long, right-to-left and emoji: never a crash, always an answer
or a valid document, and a refused message changes nothing."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.commands import Command, ParseError, parse
from drafting.model import DateSpan, Delegation, DelegationKind, Meeting, Point, PointState
from drafting.replies import Outcome
from drafting.report.builder import build_report
from drafting.report.formats.informe.docx import render_docx
from drafting.report.formats.informe.markdown import render_markdown
from drafting.report.template import load_template
from drafting.service import DraftingService
from drafting.turn import Context
from storage.store import SqlStoreFactory
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
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
    """Every message is answered; a refused one changed nothing (tests/db_snapshot.py says why the
    update-claim bookkeeping is left out) and, delivered again, is not answered again."""

    async def play() -> None:
        stores = await SqlStoreFactory.open("sqlite:///:memory:")
        try:
            service = DraftingService(stores, clock=FakeClock())
            room = Room(service)
            people = await set_up_meeting(room, ["México", "Panamá"])
            assert (await room.say(people["Panamá"], "proponer Agradecer a Honduras.")).ok
            mexico = room.ctx(people["México"])
            stranger = room.ctx("intruso")
            attempts: list[tuple[str, Callable[[Context], Awaitable[Outcome]]]] = [
                (typed, partial(_typed, service, typed))
                for typed in (text, f"proponer {text}", f"comentar 1 {text}", f"objetar 1 {text}")
            ]
            attempts.append(("reply to card 1", partial(_reply, service, text)))
            attempts.append(("objection button", partial(_object_button, service, text)))
            for n, (what, attempt) in enumerate(attempts):
                for who in (mexico, stranger):
                    ctx = replace(who, dedup_key=f"u{n}-{who.user.user_id}", message_id=f"m{n}")
                    before = await snapshot(stores)
                    outcome = await attempt(ctx)
                    assert outcome.texts(), f"no answer to {what!r} from {who.user.user_id}"
                    if not outcome.ok:
                        assert await snapshot(stores) == before, f"refused {what!r} changed something"
                        again = await attempt(ctx)
                        assert again.duplicate and again.texts() == [], f"refused {what!r} answered twice"
            assert (await room.say(people["Panamá"], "puntos")).ok
        finally:
            await stores.close()

    asyncio.run(play())


async def _typed(service: DraftingService, typed: str, ctx: Context) -> Outcome:
    return await service.handle_text(ctx, typed)


async def _reply(service: DraftingService, text: str, ctx: Context) -> Outcome:
    return await service.comment(replace(ctx, thread_point_id=1), 1, text)


async def _object_button(service: DraftingService, text: str, ctx: Context) -> Outcome:
    return await service.press(ctx, 1, "object", text)
