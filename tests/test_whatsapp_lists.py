"""A list message picks among the open points (issue 13): `puntos` typed in a one-to-one chat answers
with a WhatsApp list, a row per open point; picking a row shows that point's card with its three
buttons. With more than ten open points the list's last row leads to the next page. A row that names
no open point of the person's meeting (an old list, a forged reply) is told so and changes nothing."""

from __future__ import annotations

from drafting.service import DraftingService
from tests.conftest import FakeClock
from tests.db_snapshot import snapshot
from tests.kit import Room
from tests.test_whatsapp_one_to_one import POINT, seated
from tests.whatsapp_fake.harness import whatsapp_bot
from tests.whatsapp_fake.server import JSON

SECOND = "Tomar nota del informe de la Secretaría Técnica."


def rows(listing: JSON) -> list[JSON]:
    return [r for section in listing["interactive"]["action"]["sections"] for r in section["rows"]]


async def test_puntos_answers_with_a_list_of_the_open_points_and_a_row_shows_that_points_card(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        await rosa.say("proponer " + SECOND)
        await rosa.say("retirar 1")
        await ana.say("puntos")
        (listing,) = ana.lists()
        assert [r["title"] for r in rows(listing)] == ["Punto 2"]  # the withdrawn point is not open
        assert rows(listing)[0]["description"].startswith("Tomar nota del informe")
        assert listing["interactive"]["action"]["button"] == "Ver puntos"
        before = len(ana.cards())
        await ana.pick(listing, "Punto 2")
        card = ana.cards()[before:][0]
        assert SECOND in card["interactive"]["body"]["text"]
        assert [b["reply"]["title"] for b in card["interactive"]["action"]["buttons"]] == [
            "Aprobar",
            "Objetar",
            "Abstenerse",
        ]
        await ana.press(card, "Aprobar")
        await rosa.say("punto 2")
        assert "aprueba Guatemala" in rosa.texts()[-1]


async def test_more_than_ten_open_points_fill_a_page_and_its_last_row_leads_to_the_rest(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        for n in range(1, 13):
            await rosa.say(f"proponer Tomar nota del informe número {n} de la Secretaría Técnica.")
        await ana.say("puntos")
        first = ana.lists()[-1]
        titles = [r["title"] for r in rows(first)]
        assert len(titles) == 10  # Meta's limit: ten rows in all
        assert titles[:9] == [f"Punto {n}" for n in range(1, 10)] and titles[9] == "Más puntos…"
        await ana.pick(first, "Más puntos…")
        assert [r["title"] for r in rows(ana.lists()[-1])] == ["Punto 10", "Punto 11", "Punto 12"]
        assert not run.graph.refused


async def test_a_row_naming_no_open_point_is_told_so_and_changes_nothing(
    service: DraftingService, clock: FakeClock
) -> None:
    async with whatsapp_bot(service, clock) as run:
        ana, _, rosa = await seated(run, Room(service))
        await rosa.say("proponer " + POINT)
        await ana.say("puntos")
        listing = ana.lists()[-1]
        await rosa.say("retirar 1")
        before = await snapshot(service.stores)  # type: ignore[arg-type]
        sent = len(ana.received())
        await ana.pick(listing, "Punto 1")  # an old list: the point was withdrawn meanwhile
        forged = dict(rows(listing)[0], id="pt:99999")
        listing["interactive"]["action"]["sections"][0]["rows"] = [forged]
        await ana.pick(listing, "Punto 1")  # a point of no meeting of hers
        for bad in ("pt:1\x00", "pg:-1", "pt:" + "9" * 300):  # control characters, nonsense, too long
            listing["interactive"]["action"]["sections"][0]["rows"] = [dict(forged, id=bad)]
            await ana.pick(listing, "Punto 1")
        answers = ana.texts()[sent:]
        assert len([a for a in answers if "ya no está entre los abiertos" in a]) == 5
        assert all(m["type"] == "text" for m in ana.received()[sent:])  # no card shown
        after = await snapshot(service.stores)  # type: ignore[arg-type]
        assert {k: v for k, v in after.items() if not k.startswith("whatsapp_")} == {
            k: v for k, v in before.items() if not k.startswith("whatsapp_")
        }
