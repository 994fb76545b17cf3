"""Debian's Chromium, driven by Playwright for Python, for the web page's browser tests.

The browser is the system's (`/usr/bin/chromium`, from `apt-get install chromium`), never one a test
tool downloads. Without it the browser tests are skipped, saying why; under CI=true they fail instead,
since .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright

CHROMIUM = os.environ.get("DRAFTBOT_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(
    os.environ.get("DRAFTBOT_SCREENSHOTS") or Path(tempfile.gettempdir()) / "draftbot-web-screenshots"
)
TIMEOUT_MS = 30_000  # a guard against hangs, not a measure of speed


def need_chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing under CI: .ci/run should have installed chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver); CI runs these")


@asynccontextmanager
async def chromium(viewport: dict[str, int] = DESKTOP) -> AsyncIterator[BrowserContext]:
    """A headless Chromium with a fresh profile of its own, closed and deleted afterwards."""
    executable = need_chromium()
    profile = tempfile.mkdtemp(prefix="draftbot-chromium-")
    try:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=executable,
                headless=True,
                args=FLAGS,
                viewport=viewport,  # type: ignore[arg-type]
                accept_downloads=True,
            )
            context.set_default_timeout(TIMEOUT_MS)
            try:
                yield context
            finally:
                await context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


async def shoot(page: Page, name: str, *, full: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full)
    return path
