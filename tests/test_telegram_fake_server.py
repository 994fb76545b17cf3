"""The fake Bot API server itself: the behaviours of Telegram that the adapter's tests lean on."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.telegram_fake.server import FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _call(fake: FakeTelegram, method: str, **params: Any) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}{fake.token}/{method}", json=params) as response,
    ):
        body: dict[str, Any] = await response.json()
        return body


async def test_get_updates_honours_the_offset(fake: FakeTelegram) -> None:
    chat, user = fake.group(), fake.user("Ana")
    first = fake.send(user, chat, "/ayuda")
    fake.send(user, chat, "/puntos")
    got = (await _call(fake, "getUpdates"))["result"]
    assert [u["message"]["text"] for u in got] == ["/ayuda", "/puntos"]
    confirmed = (await _call(fake, "getUpdates", offset=got[0]["update_id"] + 1))["result"]
    assert [u["message"]["text"] for u in confirmed] == ["/puntos"]
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_get_updates_waits_up_to_its_timeout_for_something_to_arrive(fake: FakeTelegram) -> None:
    started = time.monotonic()
    assert (await _call(fake, "getUpdates", timeout=1))["result"] == []
    assert time.monotonic() - started >= 0.9  # it held the long poll rather than answering at once


async def test_an_injected_429_carries_retry_after(fake: FakeTelegram) -> None:
    chat = fake.group()
    fake.fail("sendMessage", retry_after=3)
    refused = await _call(fake, "sendMessage", chat_id=chat["id"], text="hola")
    assert refused == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert (await _call(fake, "sendMessage", chat_id=chat["id"], text="hola"))["ok"]


async def test_send_document_keeps_the_bytes_and_get_file_gives_them_back(fake: FakeTelegram) -> None:
    chat = fake.group()
    form = aiohttp.FormData()
    form.add_field("chat_id", str(chat["id"]))
    form.add_field("caption", "Borrador")
    form.add_field("document", b"PK\x03\x04 contenido", filename="informe.docx")
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake.base_url}{fake.token}/sendDocument", data=form) as response:
            sent = (await response.json())["result"]
        assert sent["document"]["file_name"] == "informe.docx" and sent["caption"] == "Borrador"
        file = (await _call(fake, "getFile", file_id=sent["document"]["file_id"]))["result"]
        async with session.get(f"{fake.base_file_url}{fake.token}/{file['file_path']}") as response:
            assert await response.read() == b"PK\x03\x04 contenido"


async def test_telegrams_checks_are_enforced(fake: FakeTelegram) -> None:
    group, user = fake.group(), fake.user("Ana")
    too_long = await _call(fake, "sendMessage", chat_id=group["id"], text="x" * 4097)
    assert too_long["description"] == "Bad Request: message is too long"
    big_button = {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]}
    assert (await _call(fake, "sendMessage", chat_id=group["id"], text="a", reply_markup=big_button))[
        "error_code"
    ] == 400
    assert (await _call(fake, "createForumTopic", chat_id=group["id"], name="t"))["error_code"] == 400
    assert (await _call(fake, "sendMessage", chat_id=user["id"], text="hola"))["error_code"] == 403
    sent = (await _call(fake, "sendMessage", chat_id=group["id"], text="hola"))["result"]
    unchanged = await _call(
        fake, "editMessageText", chat_id=group["id"], message_id=sent["message_id"], text="hola"
    )
    assert "message is not modified" in unchanged["description"]
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}999:wrong/getMe") as response,
    ):
        assert response.status == 401


async def test_form_parameters_are_read_as_python_telegram_bot_sends_them(fake: FakeTelegram) -> None:
    chat = fake.group()
    markup = {"inline_keyboard": [[{"text": "Aprobar", "callback_data": "p:1:a"}]]}
    form = {"chat_id": str(chat["id"]), "text": "123", "reply_markup": json.dumps(markup)}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}{fake.token}/sendMessage", data=form) as response,
    ):
        assert (await response.json())["ok"]
    (call,) = fake.sent("sendMessage")
    assert call.params["text"] == "123" and call.params["reply_markup"] == markup


async def test_a_failed_call_does_nothing_and_says_so(fake: FakeTelegram) -> None:
    chat, other = fake.group(), fake.group("Otro")
    fake.fail("sendMessage", times=1, code=500, chat_id=chat["id"])
    elsewhere = await _call(fake, "sendMessage", chat_id=other["id"], text="hola")
    refused = await _call(fake, "sendMessage", chat_id=chat["id"], text="hola")
    taken = await _call(fake, "sendMessage", chat_id=chat["id"], text="hola")
    assert elsewhere["ok"] and taken["ok"]
    assert refused == {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    assert fake.texts(chat["id"]) == ["hola"]


async def test_a_lost_answer_means_the_call_was_done_but_the_connection_closed(fake: FakeTelegram) -> None:
    chat = fake.group()
    fake.lose_answer("sendMessage", chat_id=chat["id"], starts="Punto")
    assert (await _call(fake, "sendMessage", chat_id=chat["id"], text="hola"))["ok"]
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await _call(fake, "sendMessage", chat_id=chat["id"], text="Punto 1")
    assert fake.texts(chat["id"]) == ["hola", "Punto 1"]
    assert [c.error for c in fake.calls] == [None, 0]
