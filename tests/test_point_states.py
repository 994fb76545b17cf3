"""A point's life as rules, without a database: adoption, ad referendum, silence, reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from drafting.adoption import Consensus, Tally, Unanimity
from drafting.model import Point, PointState, Position, Stance
from drafting.point_states import (
    ReminderError,
    break_silence,
    lapsed,
    move_to,
    next_state,
    parse_offsets,
    remind_wait,
    reminder_times,
    start_silence,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CANADA, COSTA_RICA, GUATEMALA = 1, 2, 3


def _point(state: PointState = PointState.OPEN) -> Point:
    return Point(10, 1, 3, "", None, "Tomar nota.", state, None, None)


def _tally(**stances: Stance) -> Tally:
    ids = {"canada": CANADA, "costa_rica": COSTA_RICA, "guatemala": GUATEMALA}
    return Tally.count({ids[k]: v for k, v in stances.items()}, ids.values(), ids.values())


ALL_APPROVE = _tally(canada=Stance.APPROVE, costa_rica=Stance.APPROVE, guatemala=Stance.APPROVE)


def test_an_approval_ad_referendum_that_is_all_that_is_missing_makes_the_point_adopted_ad_referendum() -> (
    None
):
    assert next_state(_point(), Consensus(), ALL_APPROVE, {GUATEMALA}) is PointState.AD_REFERENDUM


def test_with_every_approval_firm_the_point_is_adopted() -> None:
    assert next_state(_point(PointState.AD_REFERENDUM), Consensus(), ALL_APPROVE, set()) is PointState.ADOPTED


def test_an_ad_referendum_approval_with_positions_still_missing_leaves_the_point_open() -> None:
    tally = _tally(canada=Stance.APPROVE, guatemala=Stance.APPROVE)
    assert next_state(_point(), Consensus(), tally, {GUATEMALA}) is PointState.OPEN


def test_an_objection_reopens_a_point_adopted_ad_referendum() -> None:
    tally = _tally(canada=Stance.APPROVE, costa_rica=Stance.APPROVE, guatemala=Stance.OBJECT)
    assert next_state(_point(PointState.AD_REFERENDUM), Consensus(), tally, set()) is PointState.OPEN


def test_an_open_bracket_keeps_even_a_point_everyone_approved_from_adoption() -> None:
    point = _point(PointState.AD_REFERENDUM)
    assert next_state(point, Consensus(), ALL_APPROVE, {GUATEMALA}, brackets=1) is PointState.OPEN


def test_silence_expiring_with_an_approval_waiting_for_its_capital_gives_adopted_ad_referendum() -> None:
    point = _point(PointState.SILENCE)
    tally = _tally(guatemala=Stance.APPROVE)
    assert next_state(point, Consensus(), tally, {GUATEMALA}) is PointState.SILENCE
    assert (
        next_state(point, Unanimity(), tally, {GUATEMALA}, silence_expired=True) is PointState.AD_REFERENDUM
    )


def test_adopted_and_withdrawn_points_never_move() -> None:
    for state in (PointState.ADOPTED, PointState.WITHDRAWN):
        assert next_state(_point(state), Consensus(), ALL_APPROVE, set()) is state


def test_moving_a_point_ends_its_silence_and_stamps_adoption() -> None:
    point = _point()
    start_silence(point, NOW + timedelta(days=1))
    assert point.state is PointState.SILENCE and point.silence_deadline is not None
    assert move_to(point, PointState.ADOPTED, NOW)
    assert point.silence_deadline is None and point.adopted_at == NOW
    assert not move_to(point, PointState.ADOPTED, NOW)
    point = _point()
    start_silence(point, NOW + timedelta(days=1))
    break_silence(point)
    assert point.state is PointState.OPEN and point.silence_deadline is None


def test_an_ad_referendum_approval_lapses_into_a_firm_one_at_its_date_not_before() -> None:
    until = NOW + timedelta(days=2)
    waiting = Position(10, GUATEMALA, 7, Stance.APPROVE, "", NOW, until)
    firm = Position(10, CANADA, 5, Stance.APPROVE, "", NOW)
    assert lapsed([waiting, firm], until - timedelta(minutes=1)) == []
    assert lapsed([waiting, firm], until) == [waiting]


@pytest.mark.parametrize(
    ("written", "hours"),
    [("24h, 1h", (24, 1)), ("2d; 3 horas", (48, 3)), ("30m", (0.5,)), ("1h y 12h", (12, 1)), ("no", ())],
)
def test_reminder_offsets_are_read_as_people_write_them(written: str, hours: tuple[float, ...]) -> None:
    assert parse_offsets(written) == tuple(timedelta(hours=h) for h in hours)


@pytest.mark.parametrize("written", ["mañana", "24", "0h", "90d", "1h, pronto"])
def test_reminder_offsets_that_are_not_durations_are_refused(written: str) -> None:
    with pytest.raises(ReminderError):
        parse_offsets(written)


def test_only_reminders_still_ahead_when_the_silence_starts_are_scheduled() -> None:
    offsets = parse_offsets("24h, 1h")
    deadline = NOW + timedelta(hours=30)
    assert reminder_times(deadline, NOW, offsets) == [
        deadline - timedelta(hours=24),
        deadline - timedelta(hours=1),
    ]
    assert reminder_times(NOW + timedelta(hours=5), NOW, offsets) == [NOW + timedelta(hours=4)]


def test_remind_waits_ten_minutes_after_the_last_one() -> None:
    point = _point()
    assert remind_wait(point, NOW) == timedelta(0)
    point.reminded_at = NOW
    assert remind_wait(point, NOW + timedelta(minutes=4)) == timedelta(minutes=6)
    assert remind_wait(point, NOW + timedelta(minutes=10)) == timedelta(0)
