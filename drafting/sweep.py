"""What the clock decides, run by the sweep from any worker: silence deadlines, ad referendum dates and
reminders. All of it lives in the database, so a restart loses nothing and a second worker repeats
nothing: rows are locked, and a reminder is claimed in the transaction that produces it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from drafting.commands import Command
from drafting.handlers import pending, positions
from drafting.model import ChatRef, MeetingState, Point, UserRef
from drafting.ports import Store
from drafting.replies import Delivery
from drafting.turn import Context, Turn

SYSTEM = UserRef(platform="system", user_id="draftbot", display_name="draftbot")


async def sweep_due(store: Store, now: datetime, new_code: Callable[[], str]) -> list[Delivery]:
    out: list[Delivery] = []
    for point in await store.due_silences(now):
        found = await _turn(store, point.id, now, new_code)
        if found is not None:
            await positions.expire_silence(*found)
            out.extend(found[0].out)
    for position in await store.due_ad_referendums(now):
        found = await _turn(store, position.point_id, now, new_code)
        if found is not None:
            await positions.lapse_ad_referendum(*found, position)
            out.extend(found[0].out)
    latest: dict[int, tuple[Turn, Point]] = {}
    for reminder_id, point_id, deadline in await store.due_reminders(now):
        # The point first, passed over while another worker holds it (this reminder waits for the next
        # round); then the claim, which commits with the message: exactly one worker sends each one.
        found = await _turn(store, point_id, now, new_code)
        if found is None or not await store.claim_reminder(reminder_id, now):
            continue
        # A silence broken, ended or restarted since, or a deadline already past, has no use for it;
        # of several fallen due at once (the bot was down), the last says all the others would.
        if found[1].silence_deadline == deadline and deadline > now:
            latest[point_id] = found
    for turn, point in latest.values():
        await pending.silence_reminder(turn, point)
        out.extend(turn.out)
    return out


async def _turn(
    store: Store, point_id: int, now: datetime, new_code: Callable[[], str]
) -> tuple[Turn, Point] | None:
    """The point, locked, and a turn acting for the system in its meeting; None when it is gone, its
    meeting is final, or another worker holds it (a sweep never waits behind a press or another sweep:
    what it passes over is done by the next round)."""
    locked = await store.point(point_id, lock=True, skip_locked=True)
    meeting = await store.meeting(locked.meeting_id) if locked is not None else None
    if locked is None or meeting is None or meeting.state is MeetingState.FINAL:
        return None
    ctx = Context(chat=ChatRef("system", "sweep"), user=SYSTEM)
    command = Command("silence", meeting.language)
    return Turn(store, ctx, command, now, meeting.language, meeting, None, new_code), locked
