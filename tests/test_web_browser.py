"""The meeting's web page in a real browser (Debian's Chromium), with the real Telegram and Slack
adapters on their fake servers: the link comes from the bot, presses in either chat show on the open
page without a reload, the final downloads as the chat's bytes, a delegate has no audit export.

Screenshots go to `tests.webbrowser.SHOTS` (printed at the end of the run)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Page

from bot.dispatch import Dispatcher
from drafting.service import DraftingService
from storage.store import SqlStoreFactory
from tests.kit import MEETING
from tests.slack_fake.harness import SlackWorld, slack_world
from tests.telegram_fake.harness import BotRun, running_bot
from tests.telegram_fake.server import JSON
from tests.webbrowser import PHONE, SHOTS, chromium, need_chromium, shoot
from tests.webkit import Site, link_in, web_site

HOSTILE = 'Agradecer a <script>alert("x")</script><img src=x onerror=alert(1)> & «OIM»'
TIMINGS: list[str] = []


@pytest.fixture(autouse=True, scope="module")
def _report(request: pytest.FixtureRequest) -> object:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # printed even when pytest captures output
        reporter.write_line(f"web page screenshots: {SHOTS}")
        for line in TIMINGS:
            reporter.write_line(f"web page: {line}")


@dataclass
class World:
    site: Site
    telegram: BotRun
    slack: SlackWorld
    group: JSON
    tg: dict[str, JSON] = field(default_factory=dict)

    async def settle(self) -> None:
        for _ in range(2):
            await self.telegram.settle()
            await self.slack.settle()

    async def tg_say(self, who: str, text: str) -> None:
        await self.telegram.say(self.tg[who], self.group, text)
        await self.settle()

    async def panel_link(self, who: str) -> str:
        """`/panel` in the group; the link arrives in the person's private chat with the bot."""
        await self.tg_say(who, "/panel")
        return link_in(self.telegram.private_texts(self.tg[who]))


@asynccontextmanager
async def world(service: DraftingService, stores: SqlStoreFactory) -> AsyncIterator[World]:
    dispatcher = Dispatcher()
    async with (
        running_bot(service, dispatcher=dispatcher) as telegram,
        slack_world(service, dispatcher) as slack,
        web_site(service, stores) as site,
    ):
        w = World(site, telegram, slack, telegram.fake.group("CRM · Red de Protección Consular"))
        for name in ("st", "Guatemala", "Costa Rica", "rapporteur"):
            w.tg[name] = telegram.user(name)
            telegram.fake.start_bot(w.tg[name])
        await w.settle()
        await w.tg_say("st", "/" + MEETING)
        await w.tg_say("st", "/delegaciones Guatemala; Costa Rica; México")
        for name, target in (
            ("Guatemala", "Guatemala"),
            ("Costa Rica", "Costa Rica"),
            ("rapporteur", "relator"),
        ):
            code = await telegram.invite(w.tg["st"], w.group, target)
            await w.tg_say(name, f"/unirse {code}")
        # the Slack channel joins the meeting; México's delegate is there
        code = await telegram.invite(w.tg["st"], w.group, "chat")
        await slack.command("U0ST", f"unirse {code}")
        await slack.admit("U0ST", "México", "U0MX")
        await w.settle()
        yield w


async def _open(page: Page, link: str) -> None:
    response = await page.goto(link)
    assert response is not None and response.status == 200, response and await response.text()
    assert "/t/" not in page.url  # redirected to a URL without the token


async def test_the_page_follows_presses_in_telegram_and_slack_without_a_reload(
    stores: SqlStoreFactory,
) -> None:
    need_chromium()
    # The real clock: the page's countdown runs on the browser's, and both must agree.
    async with world(DraftingService(stores), stores) as w:
        await w.tg_say("Guatemala", f"/proponer {HOSTILE}")
        await w.tg_say("Costa Rica", "/proponer Solicitar a la Secretaría Técnica un estudio de costos.")
        await w.tg_say(
            "Costa Rica", "/enmendar 2 Solicitar a la Secretaría Técnica un estudio comparativo de costos."
        )
        await w.tg_say("rapporteur", "/silencio 2 48h")
        link = await w.panel_link("st")
        (sent,) = [
            c for c in w.telegram.fake.sent("sendMessage", w.tg["st"]["id"]) if "/m/1/t/" in str(c.params)
        ]
        preview = sent.params.get("link_preview_options")
        assert json.loads(preview) if isinstance(preview, str) else preview == {"is_disabled": True}

        async with chromium() as browser:
            page = await browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: dialogs.append(d.message))
            await _open(page, link)
            assert await page.inner_text("#point-1 .text") == HOSTILE  # shown as text, not run
            assert "Silencio hasta" in await page.inner_text("#point-2 .deadline")
            assert "quedan 1 d 23 h" in await page.inner_text("#point-2 .deadline time")
            assert "estudio comparativo" in await page.inner_text("#point-2 .amendment")
            await page.wait_for_selector("#live-status:not([hidden])")
            await page.evaluate("window.__same_page = true")
            await shoot(page, "meeting-before-presses")

            started = time.monotonic()
            await w.telegram.press(w.tg["Guatemala"], w.telegram.fake.card(w.group["id"], 1), "Aprobar")
            await page.wait_for_selector(
                'td[data-point="1"][data-delegation="Guatemala"][data-stance="approve"]'
            )
            TIMINGS.append(f"Telegram press → page shows it: {time.monotonic() - started:.2f} s")

            started = time.monotonic()
            await w.slack.press("U0MX", "1", "object")  # opens the reason dialog in Slack
            view = w.slack.fake.views[-1]
            await w.slack._done(await w.slack.sender.submit("U0MX", view, "Falta <b>Costa Rica</b>."))
            await page.wait_for_selector('td[data-point="1"][data-delegation="México"][data-stance="object"]')
            TIMINGS.append(f"Slack objection → page shows it: {time.monotonic() - started:.2f} s")

            assert await page.evaluate("window.__same_page === true")  # no reload happened
            reason = await page.inner_text('td[data-delegation="México"] .reason')
            assert reason == "Falta <b>Costa Rica</b>."
            assert await page.inner_text('#pending li[data-point="1"]') == "Punto 1: Costa Rica"
            assert dialogs == []
            await shoot(page, "meeting-after-presses")

            second = await browser.new_page()
            refused = await second.goto(link)
            assert refused is not None and refused.status == 410
            assert "ya se usó" in await second.inner_text("#problem")
            assert "panel" in await second.inner_text("#new-link")
            await shoot(second, "link-used-twice")

        async with chromium(PHONE) as phone:
            page = await phone.new_page()
            await _open(page, await w.panel_link("st"))
            await shoot(page, "meeting-phone")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"]  # only the grid scrolls sideways, inside its box


async def test_final_download_equals_the_chat_bytes_and_a_delegate_has_no_audit_export(
    service: DraftingService, stores: SqlStoreFactory
) -> None:
    need_chromium()
    async with world(service, stores) as w:
        await w.tg_say("Guatemala", "/proponer Agradecer a la OIM por su informe.")
        await w.tg_say("Guatemala", "/aprobar 1")
        await w.tg_say("Costa Rica", "/aprobar 1")
        await w.slack.command("U0MX", "aprobar 1")
        await w.tg_say("rapporteur", "/compilar")
        await w.tg_say("rapporteur", "/finalizar")
        await w.tg_say("st", "/descargar")
        final = w.telegram.fake.documents(w.group["id"])[-1]["document"]
        chat_bytes = w.telegram.fake.file_bytes(final["file_id"])
        assert final["file_name"].endswith("-final.docx")

        async with chromium() as browser:
            page = await browser.new_page()
            await _open(page, await w.panel_link("st"))
            await shoot(page, "meeting-final-secretariat")
            async with page.expect_download() as download_info:
                await page.click("#final-download")
            download = await download_info.value
            assert Path(await download.path()).read_bytes() == chat_bytes
            await page.click("#audit-link")
            await page.wait_for_selector("#audit")
            await page.select_option("select[name=kind]", "approve")
            await page.click("form.filters button")
            await page.wait_for_selector("#audit-count")
            assert "3 entradas" in await page.inner_text("#audit-count")
            await shoot(page, "audit-secretariat")
            async with page.expect_download() as csv_info:
                await page.click("#audit-export")
            exported = Path(await (await csv_info.value).path()).read_text("utf-8-sig")
            rows = exported.splitlines()[1:]
            assert len(rows) == 3 and all(",approve," in row for row in rows)  # the filter applies

        async with chromium(PHONE) as delegate:
            page = await delegate.new_page()
            await _open(page, await w.panel_link("Guatemala"))
            assert await page.locator("#audit-link").count() == 0
            assert await page.locator("#final-download").count() == 0
            refused = await page.goto(f"{w.site.base}/m/1/audit.csv")
            assert refused is not None and refused.status == 403
            assert "no permite" in await page.inner_text("#problem")
            await shoot(page, "delegate-audit-export-refused")
