"""The page shows the negotiation as the chat does: open brackets numbered, each open amendment as a
word-level diff, and an ad referendum approval with the date its capital has to confirm by."""

from __future__ import annotations

from collections.abc import Callable

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.kit import Room, card_in, set_up_meeting
from tests.webkit import link_in, web_site


async def test_the_page_numbers_brackets_shows_amendment_changes_and_ad_referendum_approvals(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, ["México", "Honduras"])
    assert (await room.say("st", "reunion zona: America/Tegucigalpa")).ok
    bracketed = card_in(
        await room.say(people["México"], "proponer Solicitar [un estudio / una nota] a la ST.")
    )
    plain = card_in(await room.say(people["México"], "proponer Tomar nota del informe <b>regional</b>."))
    amended = await room.say(people["Honduras"], "enmendar 2 Tomar nota del informe <b>final</b>.")
    assert amended.ok, amended.texts()
    assert (await room.say(people["Honduras"], "aprobar 1 ad referéndum 10 de diciembre")).ok
    assert bracketed.point_id != plain.point_id
    async with web_site(room.service, stores) as site, site.browser() as browser:
        await browser.get(link_in(await room.say("st", "panel")))
        page = await (await browser.get(f"{site.base}/m/1")).text()
    assert "Solicitar [1: un estudio / una nota] a la ST." in page
    # the amendment: its number and author, the words it removes struck and those it adds inserted,
    # all of it escaped as every text is
    assert "Enmienda 1 de Honduras" in page
    assert "Tomar nota del informe &lt;b&gt;<del>regional</del><ins>final</ins>&lt;/b&gt;." in page
    assert "<b>final</b>" not in page
    # Honduras approved point 1 ad referendum, to be confirmed by 10 December (meeting's zone)
    assert "aprueba ad referéndum" in page
    assert "hasta 2026-12-10 23:59 (America/Tegucigalpa)" in page
