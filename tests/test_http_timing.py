"""DRAFTBOT_HTTP_TIMING: the HTTP server logs how long it took to answer each request, for benchmarks
(benchmarks/slack_ack.py) to measure an ack on the server's side; off, it logs nothing."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.http import HttpConfig, HttpServer


async def served(server: HttpServer, caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    await server.start()
    try:
        with caplog.at_level(logging.INFO, logger="draftbot.http.timing"):
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{server.port}/healthz") as answer,
            ):
                assert answer.status == 200
    finally:
        await server.stop()
    return [r for r in caplog.records if r.name == "draftbot.http.timing"]


async def test_with_timing_on_every_request_is_logged_with_its_path_status_and_milliseconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert HttpConfig.from_env({"DRAFTBOT_HTTP_TIMING": "1"}).timing
    records = await served(HttpServer([("127.0.0.1", 0)], timing=True), caplog)
    assert len(records) == 1
    record = records[0]
    fields = vars(record)
    assert (record.getMessage(), fields["path"], fields["status"]) == ("served", "/healthz", 200)
    assert fields["ms"] >= 0


async def test_by_default_no_request_is_timed(caplog: pytest.LogCaptureFixture) -> None:
    assert not HttpConfig.from_env({}).timing
    assert await served(HttpServer([("127.0.0.1", 0)]), caplog) == []
