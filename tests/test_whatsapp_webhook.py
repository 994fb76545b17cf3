"""Meta's webhook at /whatsapp: the verification handshake, signatures checked over the raw bytes
before anything is read, stale bodies refused, and each message acted on once however often Meta
delivers it."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from drafting.replies import Outcome
from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import MEETING, Room, code_in
from tests.whatsapp_fake.harness import VERIFY, whatsapp_bot
from tests.whatsapp_fake.user import sign


async def test_the_subscription_handshake_echoes_the_challenge_only_for_our_verify_token(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run, aiohttp.ClientSession() as http:
        url = run.network.webhook_url
        query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
        async with http.get(url, params=query) as answer:
            assert (answer.status, await answer.text()) == (200, "1158201444")
        async with http.get(url, params={**query, "hub.verify_token": "guess"}) as answer:
            assert answer.status == 403


async def test_a_missing_or_wrong_signature_is_refused_and_writes_nothing(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        room = Room(service)
        await room.say("st", MEETING)
        code = code_in(await room.say("st", "invitar relator"))
        person = run.person("Ana")
        message = person._message("text", {"body": f"unirse {code}"})
        payload = run.network.envelope(message, person._contact())
        before = await snapshot(service.stores)  # type: ignore[arg-type]
        assert await run.network.post(payload, signature=None) == 401
        assert await run.network.post(payload, signature="sha256=" + "0" * 64) == 403
        # signed over other bytes than those sent: the same JSON, re-serialised
        other = sign(run.network.app_secret, json.dumps(payload, indent=1).encode())
        assert await run.network.post(payload, signature=other) == 403
        assert await snapshot(service.stores) == before  # type: ignore[arg-type]
        assert person.received() == []
        run.graph.heard_from(person.address)  # Meta saw the message
        assert await run.network.post(payload) == 200
        assert any("relator" in text.lower() or "relatoría" in text.lower() for text in person.texts())


async def test_a_body_older_than_metas_seven_days_of_redelivery_is_refused(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        person = run.person("Ana")
        message = person._message("text", {"body": "ayuda"})
        payload = run.network.envelope(message, person._contact())
        clock.advance(days=8)
        before = await snapshot(service.stores)  # type: ignore[arg-type]
        assert await run.network.post(payload) == 403
        assert await snapshot(service.stores) == before  # type: ignore[arg-type]


async def test_a_message_delivered_twice_is_answered_once(service: DraftingService, clock: FakeClock) -> None:
    async with whatsapp_bot(service, clock) as run:
        person = run.person("Ana")
        message = person._message("text", {"body": "ayuda"})
        payload = run.network.envelope(message, person._contact())
        run.graph.heard_from(person.address)
        assert await run.network.post(payload) == 200
        answered = len(person.received())
        assert answered >= 1
        assert await run.network.post(payload) == 200
        assert len(person.received()) == answered


async def test_a_message_whose_handling_fails_is_not_acknowledged_and_its_redelivery_is_acted_on_once(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        room = Room(service)
        await room.say("st", MEETING)
        await room.say("st", "delegaciones Guatemala")
        person = run.person("Ana")
        message = person._message(
            "text", {"body": "unirse " + code_in(await room.say("st", "invitar Guatemala"))}
        )
        payload = run.network.envelope(message, person._contact())
        run.graph.heard_from(person.address)
        handle_text = service.handle_text
        failures = iter([RuntimeError("the database went away")])

        async def failing_once(*args: Any) -> Outcome:
            for error in failures:
                raise error
            return await handle_text(*args)

        service.handle_text = failing_once  # type: ignore[method-assign]
        before = await snapshot(service.stores)  # type: ignore[arg-type]
        assert await run.network.post(payload) == 500  # Meta will deliver it again
        after = await snapshot(service.stores)  # type: ignore[arg-type]
        # Only the person's 24-hour window is noted (Meta counts the message whatever the bot did).
        assert {k: v for k, v in after.items() if k != "whatsapp_contacts"} == {
            k: v for k, v in before.items() if k != "whatsapp_contacts"
        }
        assert await run.network.post(payload) == 200
        assert await run.network.post(payload) == 200  # and once more: a duplicate
        joined = [text for text in person.texts() if "se unió" in text]
        assert len(joined) == 1
