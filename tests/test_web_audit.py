"""The audit trail on the page: filtered by point, delegation and kind, and exported as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.kit import Room, card_in, set_up_meeting
from tests.webkit import link_in, web_site


async def test_the_audit_export_follows_the_filters_and_is_safe_to_open_in_a_spreadsheet(
    make_service: Callable[[SqlStoreFactory], DraftingService], stores: SqlStoreFactory
) -> None:
    room = Room(make_service(stores))
    people = await set_up_meeting(room, ["México", "Honduras"])
    one = card_in(await room.say(people["México"], "proponer Agradecer a la OIM."))
    two = card_in(await room.say(people["Honduras"], "proponer Tomar nota del informe."))
    assert (await room.press(people["México"], one.point_id, "approve")).ok
    assert (await room.press(people["Honduras"], one.point_id, "object", '=HYPERLINK("x")')).ok
    assert (await room.press(people["México"], two.point_id, "abstain")).ok
    async with web_site(room.service, stores) as site, site.browser() as st:
        await st.get(link_in(await room.say("st", "panel")))

        everything = list(
            csv.DictReader(
                io.StringIO((await (await st.get(f"{site.base}/m/1/audit.csv")).text()).lstrip("\ufeff"))
            )
        )
        kinds = [row["kind"] for row in everything]
        assert kinds[0] == "newmeeting" and "propose" in kinds and "web_login" in kinds

        response = await st.get(f"{site.base}/m/1/audit.csv", params={"point": "1"})
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in response.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO((await response.text()).lstrip("\ufeff"))))
        assert [(r["kind"], r["delegation"]) for r in rows] == [
            ("propose", "México"),
            ("approve", "México"),
            ("object", "Honduras"),
        ]
        objection = json.loads(rows[2]["detail"].lstrip("'"))
        assert objection["reason"] == '=HYPERLINK("x")'
        assert all(r["point"] == "1" for r in rows) and rows[0]["at_utc"].endswith("Z")

        by_delegation = await st.get(
            f"{site.base}/m/1/audit.csv", params={"delegation": "Honduras", "kind": "object"}
        )
        (only,) = list(csv.DictReader(io.StringIO((await by_delegation.text()).lstrip("\ufeff"))))
        assert only["person"] == people["Honduras"] and only["point"] == "1"

        page = await (await st.get(f"{site.base}/m/1/audit", params={"kind": "abstain"})).text()
        assert "1 entradas" in page and 'href="/m/1/audit.csv?kind=abstain"' in page


async def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted() -> None:
    from bot.web.audit_view import AuditFilter, AuditLine, AuditView, audit_csv

    line = AuditLine("t", "t", "test", "=cmd", "+SUM(A1)", "@x", "-1", "k", "1", {})
    out = audit_csv(AuditView([line], [], [], [], AuditFilter())).decode().lstrip("\ufeff")
    row = next(csv.reader(io.StringIO(out.splitlines()[1])))
    assert row[3:7] == ["'=cmd", "'+SUM(A1)", "'@x", "'-1"]
