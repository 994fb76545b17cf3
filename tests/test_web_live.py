"""The page's live part: unchanged polls cost an empty answer, a change comes back as the new fragment,
and deadlines read in the meeting's own time zone."""

from __future__ import annotations

from collections.abc import Callable

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.kit import Room, card_in, set_up_meeting
from tests.webkit import link_in, web_site


async def test_a_poll_answers_nothing_until_a_position_changes_then_the_new_grid(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, ["México", "Honduras"])
    point = card_in(await room.say(people["México"], "proponer Agradecer a la OIM."))
    async with web_site(room.service, stores) as site, site.browser() as browser:
        await browser.get(link_in(await room.say("st", "panel")))
        first = await (await browser.get(f"{site.base}/m/1/live")).json()
        assert 'data-delegation="Honduras" data-stance="none"' in first["html"]
        same = await browser.get(f"{site.base}/m/1/live", params={"v": first["v"]})
        assert same.status == 204
        assert (await room.press(people["Honduras"], point.point_id, "approve")).ok
        changed = await browser.get(f"{site.base}/m/1/live", params={"v": first["v"]})
        assert changed.status == 200
        body = await changed.json()
        assert body["v"] != first["v"]
        assert 'data-delegation="Honduras" data-stance="approve"' in body["html"]
        assert "Punto 1: México" in body["html"]  # who has still not spoken


async def test_silence_deadlines_are_shown_in_the_meetings_zone_and_named(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, ["México", "Honduras"])
    assert (await room.say("st", "reunion zona: America/Tegucigalpa")).ok
    card_in(await room.say(people["México"], "proponer Agradecer a la OIM."))
    assert (await room.say("chair", "silencio 1 48h")).ok  # the clock stands at 2026-11-23 09:00 UTC
    async with web_site(room.service, stores) as site, site.browser() as browser:
        await browser.get(link_in(await room.say("st", "panel")))
        page = await (await browser.get(f"{site.base}/m/1")).text()
    assert "Silencio hasta 2026-11-25 03:00 (America/Tegucigalpa)" in page
    assert 'data-deadline="2026-11-25T09:00:00Z"' in page
    assert "quedan 2 d 0 h 00 min" in page
    assert "Horas en la zona de la reunión: America/Tegucigalpa." in page


async def test_the_page_speaks_the_meetings_language(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, ["México", "Honduras"])
    assert (await room.say("st", "reunion idioma: en")).ok
    card_in(await room.say(people["México"], "propose Thank IOM."))
    async with web_site(room.service, stores) as site, site.browser() as browser:
        await browser.get(link_in(await room.say("st", "panel")))
        page = await (await browser.get(f"{site.base}/m/1")).text()
        used = await browser.get(link_in(await room.say("st", "panel")).replace("/t/", "/t/x"))
    assert '<html lang="en">' in page
    assert "Positions by delegation" in page and "Point 1: Honduras, México" in page
    assert "under discussion" in page
    assert "This link is not valid." in await used.text()
