"""`panel` gives a private one-time link; it opens the meeting's page once, for that person only."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from drafting.model import ChatRef
from drafting.replies import Text
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import AuditRow, PanelTokenRow, WebSessionRow
from tests.conftest import FakeClock
from tests.kit import Room, set_up_meeting
from tests.slack_fake.harness import MEETING_ES, slack_world
from tests.webkit import link_in, web_site


async def _meeting(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> Room:
    room = Room(make_service(stores))
    await set_up_meeting(room, ["México", "Honduras"])
    return room


async def test_panel_answers_privately_with_a_link_bound_to_the_requester(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = await _meeting(make_service, stores)
    async with web_site(room.service, stores) as site:
        outcome = await room.say("st", "panel")
        assert outcome.ok, outcome.texts()
        (delivery,) = outcome.deliveries
        assert delivery.private_to is not None and delivery.private_to.user_id == "st"
        assert isinstance(delivery.message, Text)
        assert link_in(outcome).startswith(f"{site.base}/m/1/t/")
        assert "10 minutos" in delivery.message.text
        assert delivery.notice is not None and "en privado" in delivery.notice.text
    # only the hash is kept: the database does not hold the link's token
    token = link_in(outcome).rsplit("/", 1)[1]
    async with stores.transaction() as store:
        hashes = list(await store.s.scalars(select(PanelTokenRow.token_hash)))
    assert len(hashes) == 1 and token not in hashes[0]


async def test_panel_is_refused_to_someone_who_is_not_a_member(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = await _meeting(make_service, stores)
    async with web_site(room.service, stores):
        outcome = await room.say("stranger", "panel")
    assert not outcome.ok and outcome.error == "error.not_member"
    assert await stores.count(PanelTokenRow) == 0


async def test_panel_says_so_when_this_server_serves_no_web_page(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = await _meeting(make_service, stores)
    outcome = await room.say("st", "panel")
    assert outcome.error == "error.panel_off"
    assert "DRAFTBOT_PUBLIC_URL" in outcome.texts()[0]
    assert await stores.count(PanelTokenRow) == 0


async def test_a_link_opens_the_page_once_then_says_how_to_get_a_new_one(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = await _meeting(make_service, stores)
    async with web_site(room.service, stores) as site, site.browser() as browser:
        link = link_in(await room.say("st", "panel"))
        first = await browser.get(link, allow_redirects=False)
        assert first.status == 303
        assert first.headers["Location"] == "/m/1"  # the address bar no longer holds the token
        cookie = first.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/m/1" in cookie
        assert "Secure" not in cookie  # plain http on loopback: a browser would drop a Secure cookie
        page = await browser.get(f"{site.base}/m/1")
        assert page.status == 200
        assert "INFORME DE LA REUNIÓN" in await page.text()

        async with site.browser() as other:
            again = await other.get(link, allow_redirects=False)
            body = await again.text()
        assert again.status == 410
        assert "ya se usó" in body and "panel" in body
    assert await stores.count(WebSessionRow) == 1


async def test_an_expired_forged_or_other_meetings_link_is_refused_and_writes_nothing(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory, clock: FakeClock
) -> None:
    room = await _meeting(make_service, stores)
    other = Room(room.service, chat=ChatRef("test", "room-2"))
    await set_up_meeting(other, ["Panamá"])
    async with web_site(room.service, stores) as site, site.browser() as browser:
        expiring = link_in(await room.say("st", "panel"))
        for_meeting_2 = link_in(await other.say("st", "panel"))
        assert "/m/2/t/" in for_meeting_2
        clock.advance(minutes=10, seconds=1)
        audit_before = await stores.count(AuditRow)

        expired = await browser.get(expiring, allow_redirects=False)
        assert expired.status == 410 and "caducó" in await expired.text()
        forged = await browser.get(f"{site.base}/m/1/t/{'A' * 43}", allow_redirects=False)
        assert forged.status == 403 and "no es válido" in await forged.text()
        token_2 = for_meeting_2.rsplit("/", 1)[1]
        crossed = await browser.get(f"{site.base}/m/1/t/{token_2}", allow_redirects=False)
        assert crossed.status == 403 and "otra reunión" in await crossed.text()
        unknown = await browser.get(f"{site.base}/m/999/t/{token_2}", allow_redirects=False)
        assert unknown.status == 404
        for response in (expired, forged, crossed):
            assert "Set-Cookie" not in response.headers
            assert "escriba «panel» en el chat de la reunión" in await response.text()

        # the other meeting's link still works where it belongs: refusing it elsewhere spent nothing
        clock.advance(minutes=-9)
        assert (await browser.get(for_meeting_2, allow_redirects=False)).status == 303
    async with stores.transaction() as store:
        used = list(await store.s.scalars(select(PanelTokenRow.used_at)))
    assert sum(u is not None for u in used) == 1
    assert await stores.count(WebSessionRow) == 1
    assert await stores.count(AuditRow) == audit_before + 1  # the one sign-in


async def test_a_page_without_a_session_says_how_to_get_in_and_an_unknown_meeting_is_404(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = await _meeting(make_service, stores)
    async with web_site(room.service, stores) as site, site.browser() as browser:
        page = await browser.get(f"{site.base}/m/1")
        assert page.status == 401 and "enlace personal" in await page.text()
        assert (await browser.get(f"{site.base}/m/42")).status == 404
        assert (await browser.get(f"{site.base}/m/1/live")).status == 401


async def test_on_slack_the_link_comes_as_an_ephemeral_message_with_unfurling_off(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    async with slack_world(service) as slack, web_site(service, stores) as site:
        await slack.command("U0ST", MEETING_ES)
        await slack.command("U0ST", "panel")
        link = link_in(slack.fake.ephemerals_for("U0ST"))
        assert link.startswith(f"{site.base}/m/1/t/")
        assert not any(link in text for text in slack.fake.texts(slack.channel))  # never in the channel
        (call,) = [c for c in slack.fake.calls_to("chat.postEphemeral") if link in str(c.params)]
        assert str(call.params["unfurl_links"]).lower() in ("false", "0")
        assert str(call.params["unfurl_media"]).lower() in ("false", "0")
        async with site.browser() as browser:
            assert (await browser.get(link, allow_redirects=False)).status == 303
