"""Who sees what on the meeting's page, checked on every request against the member's current role."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
from sqlalchemy import delete, select

from drafting.ports import StoredDocument
from drafting.replies import Document
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from storage.tables import MemberRow, WebSessionRow
from tests.kit import Room, card_in, set_up_meeting
from tests.webkit import Site, link_in, web_site

PEOPLE = ["México", "Honduras"]


async def _sign_in(site: Site, room: Room, who: str) -> aiohttp.ClientSession:
    browser = site.browser()
    response = await browser.get(link_in(await room.say(who, "panel")))
    assert response.status == 200, await response.text()
    return browser


async def _adopted_and_final(room: Room, people: dict[str, str]) -> Document:
    point = card_in(await room.say(people["México"], "proponer Agradecer a la OIM por su informe."))
    for name in PEOPLE:
        assert (await room.press(people[name], point.point_id, "approve")).ok
    assert (await room.say("rap", "compilar")).ok
    assert (await room.say("rap", "finalizar")).ok, "the report did not finalise"
    (delivery,) = (await room.say("st", "descargar")).deliveries
    assert isinstance(delivery.message, Document)
    return delivery.message


async def test_the_secretariat_downloads_the_same_final_bytes_as_the_chat_sends(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, PEOPLE)
    final = await _adopted_and_final(room, people)
    async with web_site(room.service, stores) as site, await _sign_in(site, room, "st") as st:
        page = await (await st.get(f"{site.base}/m/1")).text()
        assert 'id="final-download"' in page
        href = page.split('id="final-download" href="', 1)[1].split('"', 1)[0]
        response = await st.get(site.base + href)
        assert response.status == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert await response.read() == final.content


async def test_a_delegate_sees_the_meeting_but_not_the_audit_trail_nor_the_final_file(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, PEOPLE)
    await _adopted_and_final(room, people)
    async with web_site(room.service, stores) as site, await _sign_in(site, room, people["México"]) as d:
        page = await (await d.get(f"{site.base}/m/1")).text()
        assert "Agradecer a la OIM por su informe." in page
        assert "audit-link" not in page and "final-download" not in page
        assert "disponible para la Secretaría Técnica" in page
        for path in ("/m/1/audit", "/m/1/audit.csv", "/m/1/documents/2"):
            response = await d.get(site.base + path)
            assert response.status == 403, path
            assert "no permite" in await response.text()
        draft = await d.get(f"{site.base}/m/1/documents/1")  # drafts go to every chat anyway
        assert draft.status == 200


async def test_a_member_whose_role_changes_in_chat_loses_the_audit_trail_at_the_next_request(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    await set_up_meeting(room, PEOPLE)
    async with web_site(room.service, stores) as site, await _sign_in(site, room, "chair") as chair:
        assert (await chair.get(f"{site.base}/m/1/audit.csv")).status == 200
        # the secretariat moves the chair to a delegation: from now on a delegate
        assert (await room.say("st", "miembro @chair México")).ok
        assert (await chair.get(f"{site.base}/m/1/audit.csv")).status == 403
        assert (await chair.get(f"{site.base}/m/1")).status == 200


async def test_a_removed_member_is_out_at_the_next_request(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, PEOPLE)
    async with web_site(room.service, stores) as site, await _sign_in(site, room, people["OIM"]) as oim:
        assert (await oim.get(f"{site.base}/m/1")).status == 200
        # No chat command removes a member on this branch; the membership row goes as removal would.
        async with stores.transaction() as store:
            await store.s.execute(delete(MemberRow).where(MemberRow.user_id == people["OIM"]))
        page = await oim.get(f"{site.base}/m/1")
        assert page.status == 403 and "Ya no es miembro" in await page.text()
        assert (await oim.get(f"{site.base}/m/1/live")).status == 403


async def test_signing_out_needs_the_pages_csrf_token_and_then_ends_the_session(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    await set_up_meeting(room, PEOPLE)
    async with web_site(room.service, stores) as site, await _sign_in(site, room, "st") as st:
        page = await (await st.get(f"{site.base}/m/1")).text()
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        forged = await st.post(f"{site.base}/m/1/logout", data={"csrf": "x" * len(csrf)})
        assert forged.status == 400
        missing = await st.post(f"{site.base}/m/1/logout", data={})
        assert missing.status == 400
        assert (await st.get(f"{site.base}/m/1")).status == 200  # still signed in
        out = await st.post(f"{site.base}/m/1/logout", data={"csrf": csrf})
        assert out.status == 200 and "Cerró la sesión" in await out.text()
        assert (await st.get(f"{site.base}/m/1")).status == 401
    async with stores.transaction() as store:
        (revoked_at,) = list(await store.s.scalars(select(WebSessionRow.revoked_at)))
    assert revoked_at is not None


async def test_a_final_in_another_form_follows_the_final_rules_and_a_redline_the_drafts(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, PEOPLE)
    await _adopted_and_final(room, people)
    async with stores.transaction() as store:  # as the PDF and redline commands will store them
        meeting = await store.meeting(1)
        assert meeting is not None and meeting.created_at is not None
        for kind, name in (("final_pdf", "informe-final.pdf"), ("redline", "informe-cambios.docx")):
            await store.save_document(
                StoredDocument(1, kind, 1, name, b"%PDF-1.7 " + name.encode(), meeting.created_at)
            )
    async with web_site(room.service, stores) as site:
        async with await _sign_in(site, room, "st") as st:
            page = await (await st.get(f"{site.base}/m/1")).text()
            assert "informe-final.pdf" in page and "informe-cambios.docx" in page
            pdf = await st.get(f"{site.base}/m/1/documents/3")
            assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf"
        async with await _sign_in(site, room, people["Honduras"]) as delegate:
            page = await (await delegate.get(f"{site.base}/m/1")).text()
            assert "informe-final.pdf" not in page and "informe-cambios.docx" in page
            assert (await delegate.get(f"{site.base}/m/1/documents/3")).status == 403
            assert (await delegate.get(f"{site.base}/m/1/documents/4")).status == 200
