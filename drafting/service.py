"""The service layer: one entry point for every platform.

An adapter turns an update into a `Context` and the text after its prefix, calls `handle_text` (or
`press` for a button), and delivers the `Outcome`. Each call is one transaction: a refusal rolls
everything back, so a denied or malformed request changes nothing. Only the update's claim (its
dedup key) is then recorded again on its own, so a refused update delivered twice is answered once.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from drafting import press as fast
from drafting.cards import build_card
from drafting.commands import BY_NAME, MAX_FIELD, SPECS, Command, ParseError, Ref, Spec, parse
from drafting.i18n import t
from drafting.journal import RequestOrigin, journaled
from drafting.model import AuditEntry, ChatRef, MeetingState
from drafting.permissions import Verdict, permission
from drafting.ports import (
    CardMessage,
    DeliveryJournal,
    PdfConverter,
    RetryableConflict,
    StoreFactory,
    TransientStoreError,
)
from drafting.press_batch import ATTEMPTS, PressBatcher
from drafting.replies import Delivery, Outcome, PointCard, Text
from drafting.sweep import sweep_due
from drafting.turn import Context, Refusal, Turn, is_owner
from drafting.usage import usage

log = logging.getLogger("drafting")

Handler = Callable[[Turn], Awaitable[None]]


def _handler(spec: Spec) -> Handler:
    """The function a declaration names ("points.propose"); a wrong name fails here, at import."""
    module_name, _, function = spec.handler.partition(".")
    found = getattr(importlib.import_module(f"drafting.handlers.{module_name}"), function, None)
    if not inspect.iscoroutinefunction(found):
        raise LookupError(f"command {spec.name!r}: no handler {spec.handler!r} in drafting/handlers")
    return cast(Handler, found)


def handlers_for(specs: Sequence[Spec]) -> dict[str, Handler]:
    return {spec.name: _handler(spec) for spec in specs}


HANDLERS: Mapping[str, Handler] = handlers_for(SPECS)

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes get read aloud and retyped


def new_invite_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def utcnow() -> datetime:
    return datetime.now(UTC)


class DraftingService:
    def __init__(
        self,
        stores: StoreFactory,
        *,
        clock: Callable[[], datetime] = utcnow,
        new_code: Callable[[], str] = new_invite_code,
        public_url: str = "",
        converter: PdfConverter | None = None,
        templates: Path | None = None,
        journal: DeliveryJournal | None = None,
    ) -> None:
        self.stores = stores
        self.clock = clock
        self.new_code = new_code
        self.public_url = public_url  # the web page's base for `panel` links; "" when none is served
        self.converter = converter  # for `compile pdf` / `download pdf`; None: they say how to get one
        self.templates = templates  # a folder of edited report templates (settings); None: shipped ones
        # Where replies are written down with their command, so a worker's death loses none of them
        # (drafting.journal); None: they exist only in the returned outcome.
        self.journal = journal
        # Presses arriving while one is being written are written together (drafting.press_batch).
        self._batches = PressBatcher(lambda: self.stores, lambda: self.clock(), stores.press_lanes)

    # ---- entry points for adapters -------------------------------------------------------------

    async def handle_text(self, ctx: Context, text: str) -> Outcome:
        """A message addressed to the bot, its platform prefix already removed."""
        context = Ref(point_id=ctx.thread_point_id) if ctx.thread_point_id is not None else None
        # A refusal is worded in the meeting's language, looked up only when there is one to word.
        return await self.handle(ctx, parse(text, context=context))

    async def press(
        self, ctx: Context, point_id: int, action: str, reason: str = "", *, until_text: str | None = None
    ) -> Outcome:
        """A button on a point card: the same command as typing it, re-checked in full. `until_text`
        (approve only): the date of an approval ad referendum, as `approve <n> ad referendum <date>`."""
        spec = BY_NAME.get(action)
        if spec is None or not spec.button:
            return await self.handle(ctx, ParseError("error.unknown_command", "es", None, {"word": action}))
        # The meeting's language replaces "es" inside the transaction; no extra read is needed here.
        if action == "object" and not reason.strip():
            return await self.handle(ctx, ParseError("error.need_reason", "es", spec))
        if action == "approve" and until_text is not None:
            until = until_text.strip()
            if not until:
                return await self.handle(ctx, ParseError("error.need_ad_referendum_date", "es", spec))
            if len(until) > MAX_FIELD:
                params = {"max": str(MAX_FIELD), "length": str(len(until))}
                return await self.handle(ctx, ParseError("error.too_long", "es", spec, params))
            return await self.handle(ctx, Command(action, "es", ref=Ref(point_id=point_id), text=until))
        command = Command(action, "es", ref=Ref(point_id=point_id), text=reason.strip())
        started = time.perf_counter()
        outcome = await self._press(ctx, command, point_id)
        if outcome is None:
            return await self.handle(ctx, command)
        _log_handled(ctx, command, outcome, started)
        return outcome

    async def _press(self, ctx: Context, command: Command, point_id: int) -> Outcome | None:
        """The press in a batch with those arriving meanwhile; run alone if its batch failed."""
        taken = await self._batches.press(ctx, command, point_id)
        if isinstance(taken, tuple):
            return await fast.outcome(ctx, *taken)
        if isinstance(taken, Outcome) or taken is None:
            return taken
        return await self._batches.alone(ctx, command, point_id)

    async def comment(self, ctx: Context, point_id: int, text: str) -> Outcome:
        """A plain reply in a point's thread."""
        parsed = parse(f"comment {text}", context=Ref(point_id=point_id))
        if isinstance(parsed, Command):
            parsed = Command("comment", "es", ref=Ref(point_id=point_id), text=parsed.text)
        return await self.handle(ctx, parsed)

    async def handle(self, ctx: Context, command: Command | ParseError) -> Outcome:
        started = time.perf_counter()
        outcome = await self._handle(ctx, command)
        _log_handled(ctx, command, outcome, started)
        return outcome

    async def _handle(self, ctx: Context, command: Command | ParseError) -> Outcome:
        try:
            for attempt in range(ATTEMPTS):
                try:
                    return await self._run(ctx, command)
                except RetryableConflict:
                    if attempt == ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.01 * (attempt + 1))
            raise AssertionError("unreachable")
        except TransientStoreError:
            log.warning("store unavailable", extra={"chat": ctx.chat.chat_id, "update": ctx.dedup_key})
            lang = await self._safe_language(ctx.chat)
            return Outcome((Delivery(Text(t(lang, "error.retry"))),), ok=False, error="error.retry")

    # ---- the transaction ----------------------------------------------------------------------

    async def _run(self, ctx: Context, command: Command | ParseError) -> Outcome:
        now = self.clock()
        try:
            async with self.stores.transaction() as store:
                if ctx.dedup_key is not None and not await store.claim_update(
                    ctx.user.platform, ctx.dedup_key, now
                ):
                    return Outcome(duplicate=True)
                meeting = await store.meeting_for_chat(ctx.chat)
                if (
                    meeting is not None
                    and meeting.state is MeetingState.FINAL
                    and isinstance(command, Command)
                    and command.spec.opens_meeting
                ):
                    meeting = None
                if meeting is not None and isinstance(command, Command) and command.spec.numbering:
                    # Points are numbered (and lettered) from the meeting's current list: two workers
                    # proposing at once would both take the next number. The meeting's row lock makes
                    # them take turns (PostgreSQL; SQLite has one writer anyway).
                    await store.meeting(meeting.id, lock=True)
                lang = meeting.language if meeting is not None else getattr(command, "lang", "es")
                if isinstance(command, ParseError):
                    raise Refusal(command.key, **command.params, _usage=command.spec, _lang=command.lang)
                member = await store.member(meeting.id, ctx.user) if meeting is not None else None
                turn = Turn(
                    store, ctx, command, now, lang, meeting, member, self.new_code, converter=self.converter
                )
                turn.public_url = self.public_url
                turn.templates = self.templates
                await self._authorise(turn)
                await HANDLERS[command.name](turn)
                await _link_request(turn)
                return await journaled(
                    self.journal,
                    store,
                    ctx.user.platform,
                    RequestOrigin(ctx.chat, ctx.user, ctx.message_id, ctx.thread_point_id),
                    Outcome(
                        tuple(turn.out),
                        meeting_id=turn.meeting.id if turn.meeting else None,
                        point_ids=tuple(turn.touched),
                    ),
                )
        except Refusal as refusal:
            if not await self._claim_refused(ctx, now):
                return Outcome(duplicate=True)
            return await self._refused(ctx, command, refusal)

    async def _claim_refused(self, ctx: Context, now: datetime) -> bool:
        """A refusal rolled its update's claim back with everything else; the claim alone is recorded
        again, on its own, so the same update delivered twice is answered once. False: another
        delivery of it already claimed it (and was answered)."""
        if ctx.dedup_key is None:
            return True
        async with self.stores.transaction() as store:
            return await store.claim_update(ctx.user.platform, ctx.dedup_key, now)

    async def _authorise(self, turn: Turn) -> None:
        spec = turn.cmd.spec
        answer = permission(spec, turn.member, turn.meeting)
        if answer.allowed:
            return
        roles = self._roles(turn, spec.roles or frozenset())
        if answer.verdict is Verdict.OWNER:
            point = await turn.resolve(turn.cmd.ref)
            if turn.member is not None and is_owner(turn.member, point):
                return
            turn.refuse(answer.key, label=point.label, roles=roles)
        role = turn.say(f"role.{turn.member.role.value}") if turn.member is not None else ""
        turn.refuse(answer.key, prefix=turn.ctx.prefix, role=role, roles=roles)

    @staticmethod
    def _roles(turn: Turn, roles: frozenset[object]) -> str:
        order = ["delegate", "observer", "rapporteur", "chair", "secretariat"]
        names = [turn.say(f"role.{r}") for r in order if any(str(x) == r for x in roles)]
        return ", ".join(names)

    async def _refused(self, ctx: Context, command: Command | ParseError, refusal: Refusal) -> Outcome:
        params = dict(refusal.params)
        spec = params.pop("_usage", None) or (command.spec if isinstance(command, Command) else None)
        lang_hint = params.pop("_lang", None) or getattr(command, "lang", "es")
        lang = await self._safe_language(ctx.chat, str(lang_hint))
        params.setdefault("prefix", ctx.prefix)
        text = t(lang, refusal.key, **params)
        if spec is not None and refusal.key.startswith("error.") and _shows_usage(refusal.key):
            text += "\n" + t(lang, "error.usage", usage=usage(spec, lang, ctx.prefix))  # type: ignore[arg-type]
        if refusal.key == "error.unknown_command":
            text += "\n" + t(lang, "error.see_help", prefix=ctx.prefix)
        return Outcome((Delivery(Text(text)),), ok=False, error=refusal.key)

    # ---- helpers for adapters -----------------------------------------------------------------

    async def language_for(self, chat: ChatRef) -> str:
        """The language of the chat's meeting ("es" without one, or while the database is down)."""
        return await self._safe_language(chat)

    async def _safe_language(self, chat: ChatRef, default: str = "es") -> str:
        try:
            async with self.stores.read() as store:
                meeting = await store.meeting_for_chat(chat)
        except TransientStoreError:
            return default
        return meeting.language if meeting is not None else default

    async def card(self, point_id: int) -> PointCard | None:
        """The point's card as it is now, for editing a posted card in place."""
        async with self.stores.read() as store:
            point = await store.point(point_id)
            if point is None:
                return None
            meeting = await store.meeting(point.meeting_id)
            lang = meeting.language if meeting is not None else "es"
            return await build_card(store, point_id, lang, point=point)

    async def card_messages(self, point_id: int) -> list[CardMessage]:
        # One statement (a card's first press checks it, bot.telegram.card_lane): no transaction.
        async with self.stores.once() as store:
            return await store.card_messages(point_id)

    async def card_and_messages(self, point_id: int) -> tuple[PointCard | None, list[CardMessage]]:
        """`card()` and `card_messages()` as of one moment: what an adapter reads to edit a card. A
        point's card is one read (`Store.point_snapshot`); a sub-point's is its parent's."""
        async with self.stores.once() as store:
            snap = await store.point_snapshot(point_id)
        if snap is None:
            return None, []
        if snap.point.parent_id is None:
            return await fast.snapshot_card(snap), list(snap.card_messages)
        async with self.stores.read() as store:
            messages = await store.card_messages(point_id)
            point = await store.point(point_id)
            if point is None:
                return None, messages
            meeting = await store.meeting(point.meeting_id)
            lang = meeting.language if meeting is not None else "es"
            return await build_card(store, point_id, lang, point=point), messages

    async def save_card_message(self, card: CardMessage) -> None:
        async with self.stores.transaction() as store:
            await store.save_card_message(card)

    async def point_for_message(self, chat: ChatRef, message_id: str) -> int | None:
        async with self.stores.read() as store:
            return await store.point_for_message(chat, message_id)

    async def claim_card_message(self, card: CardMessage) -> CardMessage:
        """Records a newly posted card unless another worker recorded one for that chat first;
        returns the card that stands (if it is not `card`, the caller deletes its own copy)."""
        async with self.stores.transaction() as store:
            return await store.save_card_message_if_absent(card)

    async def mark_card_shown(self, point_id: int, chat: ChatRef, version: int) -> int:
        """The card message in `chat` now shows `version` (from `PointCard.version`). Returns the
        point's latest card version: when it is higher, a newer state exists that this edit may have
        overwritten (another worker drew it first), and the caller draws the card again."""
        async with self.stores.once(writes=True) as store:
            return await store.mark_card_shown_latest(point_id, chat, version)

    async def stale_cards(self, platform: str, limit: int = 200) -> list[CardMessage]:
        """Card messages on `platform` that show less than their point's latest state: an edit was
        lost (a crash, a restart); redraw them with `card()`."""
        async with self.stores.read() as store:
            return await store.stale_cards(platform, limit)

    async def move_chat(self, old: ChatRef, new: ChatRef) -> bool:
        """The platform gave a chat a new id; its meeting, cards and threads follow. Idempotent."""
        async with self.stores.transaction() as store:
            meeting = await store.meeting_for_chat(old)
            moved = await store.move_chat(old, new)
            if moved and meeting is not None:
                await store.audit(
                    AuditEntry(
                        meeting.id,
                        "chat_moved",
                        old.platform,
                        "platform",
                        self.clock(),
                        detail={"old": old.chat_id, "new": new.chat_id},
                    )
                )
            return moved

    async def link_message(self, chat: ChatRef, message_id: str, point_id: int) -> None:
        """Records that a message belongs to a point's thread (a reply to it is then on that point)."""
        async with self.stores.transaction() as store:
            await store.link_message(chat, message_id, point_id)

    async def point_for_thread(self, chat: ChatRef, thread_id: str) -> int | None:
        async with self.stores.read() as store:
            return await store.point_for_thread(chat, thread_id)

    async def sweep(self) -> Outcome:
        """Ends due silence procedures, makes firm the approvals ad referendum whose date has passed,
        and sends the reminders that are due (drafting.sweep). Safe to run from any worker."""
        async with self.stores.transaction() as store:
            deliveries = tuple(await sweep_due(store, self.clock(), self.new_code))
            return await journaled(self.journal, store, "system", None, Outcome(deliveries))


def _log_handled(ctx: Context, command: Command | ParseError, outcome: Outcome, started: float) -> None:
    log.info(
        "handled %s",
        command.name if isinstance(command, Command) else "unparsed",
        extra={
            "platform": ctx.user.platform,
            "chat": ctx.chat.chat_id,
            "user": ctx.user.user_id,
            "update": ctx.dedup_key,
            "meeting": outcome.meeting_id,
            "points": list(outcome.point_ids),
            "result": "duplicate" if outcome.duplicate else (outcome.error or "ok"),
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )


async def _link_request(turn: Turn) -> None:
    """A request that succeeded joins its point's reply chain (the thread it was written in, else the
    one point it touched), so replies to it are on that point too."""
    if turn.ctx.message_id is None:
        return
    point = turn.ctx.thread_point_id
    if point is None and len(set(turn.touched)) == 1:
        point = turn.touched[0]
    if point is not None:
        await turn.store.link_message(turn.ctx.chat, turn.ctx.message_id, point)


def _shows_usage(key: str) -> bool:
    return key.startswith("error.need_") or key in {
        "error.extra_words",
        "error.bad_field_line",
        "error.too_long",
        "error.control_chars",
        "error.need_whole_point",
    }
