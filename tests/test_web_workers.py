"""Several workers behind one address: sessions and links live in the database, not in a process."""

from __future__ import annotations

import asyncio

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import WebSessionRow
from tests.conftest import FakeClock
from tests.kit import Room, card_in, set_up_meeting
from tests.webkit import link_in, web_site


async def test_one_link_opened_on_two_workers_at_once_opens_one_session_and_it_works_on_both(
    any_url: str, clock: FakeClock
) -> None:
    one = await SqlStoreFactory.open(any_url)
    two = await SqlStoreFactory.open(any_url)
    try:
        first, second = DraftingService(one, clock=clock), DraftingService(two, clock=clock)
        room = Room(first)
        people = await set_up_meeting(room, ["México", "Honduras"])
        async with web_site(first, one) as a, web_site(second, two) as b:
            link = link_in(await room.say("st", "panel"))
            token_path = link.split("/m/", 1)[1]
            async with a.browser() as x, b.browser() as y:
                answers = await asyncio.gather(
                    x.get(f"{a.base}/m/{token_path}", allow_redirects=False),
                    y.get(f"{b.base}/m/{token_path}", allow_redirects=False),
                )
                assert sorted(r.status for r in answers) == [303, 410]
                winner = x if answers[0].status == 303 else y
                # the session opened on one worker is good on the other
                for site in (a, b):
                    page = await winner.get(f"{site.base}/m/1")
                    assert page.status == 200
                before = await (await winner.get(f"{b.base}/m/1/live")).json()
                # a position taken through the first worker shows on the second's next poll
                point = card_in(await room.say(people["México"], "proponer Agradecer a la OIM."))
                assert (await room.press(people["Honduras"], point.point_id, "approve")).ok
                after = await winner.get(f"{b.base}/m/1/live", params={"v": before["v"]})
                assert 'data-delegation="Honduras" data-stance="approve"' in (await after.json())["html"]
        assert await one.count(WebSessionRow) == 1
    finally:
        await one.close()
        await two.close()
