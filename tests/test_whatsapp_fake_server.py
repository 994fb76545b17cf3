"""The fake Graph API refuses what Meta's Cloud API refuses, with Meta's error codes, so the adapter's
tests cannot pass by sending something the real platform would not take."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.whatsapp.config import WhatsAppConfig
from bot.whatsapp.graph import GraphClient, GraphError
from tests.conftest import FakeClock
from tests.whatsapp_fake.server import FakeGraph, GraphRefusal

PERSON = "50255501234"
Graph = tuple[FakeGraph, GraphClient]


@pytest.fixture
async def graph(clock: FakeClock) -> AsyncIterator[Graph]:
    fake = FakeGraph("tok", "PN1", clock, templates={("puntos_nuevos", "es")})
    await fake.start()
    client = GraphClient(WhatsAppConfig("tok", "PN1", "s", "v", graph_url=fake.base_url))
    try:
        yield fake, client
    finally:
        await client.close()
        await fake.stop()


def buttons(*titles: str) -> dict[str, object]:
    return {
        "to": PERSON,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Punto 1"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
                ]
            },
        },
    }


def rows(count: int) -> dict[str, object]:
    return {
        "to": PERSON,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Puntos abiertos"},
            "action": {
                "button": "Ver puntos",
                "sections": [
                    {
                        "title": "Abiertos",
                        "rows": [{"id": f"r{i}", "title": f"Punto {i}"} for i in range(count)],
                    }
                ],
            },
        },
    }


async def refused_code(client: GraphClient, payload: dict[str, object]) -> int | None:
    with pytest.raises(GraphError) as caught:
        await client.send(payload)
    return caught.value.code


async def test_three_reply_buttons_of_twenty_characters_are_taken_and_more_are_refused(graph: Graph) -> None:
    fake, client = graph
    fake.heard_from(PERSON)
    assert (await client.send(buttons("Aprobar", "Objetar", "Abstenerse"))).startswith("wamid.")
    assert await refused_code(client, buttons("Aprobar", "Objetar", "Abstenerse", "Retirar")) == 131009
    assert await refused_code(client, buttons("A" * 21)) == 131009
    assert await client.send(buttons("A" * 20))


async def test_a_list_holds_ten_rows_and_no_more(graph: Graph) -> None:
    fake, client = graph
    fake.heard_from(PERSON)
    assert await client.send(rows(10))
    assert await refused_code(client, rows(11)) == 131009


def edited(payload: dict[str, object], **action: object) -> dict[str, object]:
    interactive = dict(payload["interactive"])  # type: ignore[call-overload]
    interactive["action"] = {**interactive["action"], **action}
    return {**payload, "interactive": interactive}


async def test_a_list_refuses_ten_rows_split_over_sections_plus_one_and_overlong_titles(graph: Graph) -> None:
    fake, client = graph
    fake.heard_from(PERSON)
    six = [{"id": f"a{i}", "title": f"Punto {i}"} for i in range(6)]
    five = [{"id": f"b{i}", "title": f"Punto {i}"} for i in range(5)]
    split: list[object] = [{"title": "Abiertos", "rows": six}, {"title": "En silencio", "rows": five}]
    assert await refused_code(client, edited(rows(1), sections=split)) == 131009  # 11 across sections
    untitled: list[object] = [{"rows": six[:3]}, {"rows": five[:3]}]
    assert await refused_code(client, edited(rows(1), sections=untitled)) == 131009
    long_title: list[object] = [{"rows": [{"id": "r", "title": "P" * 25}]}]
    assert await refused_code(client, edited(rows(1), sections=long_title)) == 131009
    long_about: list[object] = [{"rows": [{"id": "r", "title": "Punto 1", "description": "d" * 73}]}]
    assert await refused_code(client, edited(rows(1), sections=long_about)) == 131009
    assert await refused_code(client, edited(rows(1), button="B" * 21)) == 131009
    fits: list[object] = [{"rows": [{"id": "r", "title": "P" * 24, "description": "d" * 72}]}]
    assert await client.send(edited(rows(1), sections=fits, button="B" * 20))


async def test_a_file_a_person_sent_is_downloaded_by_its_media_id_then_its_url(graph: Graph) -> None:
    fake, client = graph
    media_id = fake.upload_by_person(b"PK\x03\x04 plantilla", "application/octet-stream", "crm.docx")
    media = await client.media(media_id)
    assert media.size == len(b"PK\x03\x04 plantilla")
    assert await client.download(media.url, 1024) == b"PK\x03\x04 plantilla"
    assert await client.download(media.url, 4) is None  # larger than the bot takes: not read further
    with pytest.raises(GraphError):
        await client.media("123")


async def test_free_form_messages_go_only_within_24_hours_of_the_persons_last_message(
    graph: Graph, clock: FakeClock
) -> None:
    fake, client = graph
    text = {"to": PERSON, "type": "text", "text": {"body": "hola"}}
    assert await refused_code(client, text) == 131047  # never wrote
    fake.heard_from(PERSON)
    clock.advance(hours=23, minutes=59)
    assert await client.send(text)
    clock.advance(minutes=1)
    assert await refused_code(client, text) == 131047
    template = {
        "to": PERSON,
        "type": "template",
        "template": {"name": "puntos_nuevos", "language": {"code": "es"}},
    }
    assert await client.send(template)  # a pre-approved template goes at any time


async def test_an_unknown_template_or_one_in_another_language_is_refused(graph: Graph) -> None:
    _, client = graph
    unknown = {
        "to": PERSON,
        "type": "template",
        "template": {"name": "hola_mundo", "language": {"code": "es"}},
    }
    assert await refused_code(client, unknown) == 132001
    english = {
        "to": PERSON,
        "type": "template",
        "template": {"name": "puntos_nuevos", "language": {"code": "en"}},
    }
    assert await refused_code(client, english) == 132001


async def test_a_document_is_sent_by_the_id_of_a_file_uploaded_first(graph: Graph) -> None:
    fake, client = graph
    fake.heard_from(PERSON)
    media_id = await client.upload("informe.docx", b"PK\x03\x04 docx", "application/octet-stream")
    assert await client.send(
        {"to": PERSON, "type": "document", "document": {"id": media_id, "filename": "informe.docx"}}
    )
    assert fake.media[media_id].content == b"PK\x03\x04 docx"
    assert await refused_code(client, {"to": PERSON, "type": "document", "document": {"id": "999"}}) == 131053


async def test_groups_hold_eight_people_and_take_no_interactive_messages(graph: Graph) -> None:
    fake, client = graph
    with pytest.raises(GraphRefusal):
        fake.group("G9", [f"5025550{n:04d}" for n in range(9)])
    fake.group("G8", [f"5025550{n:04d}" for n in range(8)])
    group = {"recipient_type": "group", "to": "G8"}
    assert await client.send({**group, "type": "text", "text": {"body": "Punto 1"}})
    card = buttons("Aprobar")
    assert await refused_code(client, {**card, **group}) == 131009


async def test_a_wrong_access_token_is_refused(graph: Graph) -> None:
    fake, _ = graph
    client = GraphClient(WhatsAppConfig("other", "PN1", "s", "v", graph_url=fake.base_url))
    fake.heard_from(PERSON)
    try:
        assert await refused_code(client, {"to": PERSON, "type": "text", "text": {"body": "x"}}) == 190
    finally:
        await client.close()
