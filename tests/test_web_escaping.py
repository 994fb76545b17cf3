"""Point texts, reasons and names are user input: the page shows them as text, never as markup."""

from __future__ import annotations

from collections.abc import Callable

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.kit import Room, card_in, set_up_meeting
from tests.webkit import link_in, web_site

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" \'single\' {{ 7*7 }}'
REASON = "</td><b>bold</b><a href=javascript:alert(2)>link</a>"


async def test_hostile_texts_reach_the_page_escaped_in_the_page_and_in_live_updates(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, ["México", "Honduras"])
    point = card_in(await room.say(people["México"], f"proponer Agradecer {HOSTILE}"))
    assert (await room.say(people["Honduras"], f"enmendar 1 Tomar nota {HOSTILE}")).ok
    assert (await room.press(people["Honduras"], point.point_id, "object", REASON)).ok
    async with web_site(room.service, stores) as site, site.browser() as browser:
        await browser.get(link_in(await room.say("st", "panel")))
        page = await (await browser.get(f"{site.base}/m/1")).text()
        live = await (await browser.get(f"{site.base}/m/1/live")).json()
        audit = await (await browser.get(f"{site.base}/m/1/audit")).text()
    for html in (page, live["html"], audit):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "<b>bold</b>" not in html and "<a href=javascript" not in html
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp;"
    assert escaped in page and escaped in live["html"]
    assert "&lt;/td&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "{{ 7*7 }}" in page and "49" not in page.split("Agradecer", 1)[1].split("</p>", 1)[0]
    # the page's only script is the page's own file
    assert page.count("<script") == 1 and '<script src="/web/static/panel.js" defer></script>' in page
