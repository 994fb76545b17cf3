"""Logs a person (or a log search) can follow: each handled command with its meeting, points and update."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import JsonFormatter
from drafting.service import DraftingService
from tests.kit import DELEGATIONS, Room, set_up_meeting


async def test_each_command_is_logged_with_meeting_point_and_update_ids(
    service: DraftingService, caplog: pytest.LogCaptureFixture
) -> None:
    room = Room(service)
    people = await set_up_meeting(room, DELEGATIONS[:2])
    with caplog.at_level(logging.INFO, logger="drafting"):
        await room.say(people["Canadá"], "propose Tomar nota.", dedup_key="update-5")
    record = next(r for r in caplog.records if r.getMessage() == "handled propose")
    line = json.loads(JsonFormatter().format(record))
    assert line["update"] == "update-5"
    assert line["meeting"] == 1
    assert line["points"] == [1]
    assert line["result"] == "ok"
    assert line["level"] == "info"


async def test_a_refusal_is_logged_with_its_reason(
    service: DraftingService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="drafting"):
        await Room(service).say("nobody", "approve 3")
    record = next(r for r in caplog.records if r.getMessage() == "handled approve")
    assert json.loads(JsonFormatter().format(record))["result"] == "error.no_meeting"
