"""What the core needs from storage, as a protocol; `storage/` implements it.

One `Store` is one transaction: everything a command changes, and the record that its update was
processed, commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from drafting.journal import Handover, JournalRecord, RequestOrigin
from drafting.model import (
    Amendment,
    AuditEntry,
    ChatRef,
    Comment,
    Delegation,
    DelegationKind,
    Meeting,
    Member,
    Point,
    Position,
    Role,
    UserRef,
)
from drafting.replies import Delivery
from drafting.report.history import Circulation


class TransientStoreError(Exception):
    """The database could not be reached or the transaction lost a race; the user may retry."""


class RetryableConflict(TransientStoreError):
    """Two transactions raced (a unique key, a deadlock, a serialization failure); run it again."""


@dataclass(frozen=True)
class CardMessage:
    """Where a point's card sits in one chat, so it can be edited in place."""

    point_id: int
    chat: ChatRef
    message_id: str
    thread_id: str = ""
    shown_version: int = 0  # the card version this message shows


@dataclass(frozen=True)
class PointSnapshot:
    """A top-level point with everything its card and a position on it are decided from, read in one
    statement (`Store.point_snapshot`, `Store.press_context`)."""

    meeting: Meeting
    point: Point
    delegations: tuple[Delegation, ...]
    members: tuple[Member, ...]
    chats: tuple[ChatRef, ...]  # every chat the meeting is bound to, in binding order
    positions: tuple[Position, ...]
    children: tuple[Point, ...]  # its sub-points, by letter
    amendments: tuple[Amendment, ...]  # the open ones, of the point and its sub-points
    card_messages: tuple[CardMessage, ...] = ()  # filled by `point_snapshot` only


@dataclass(frozen=True)
class PressContext:
    """What a button press needs, gathered in one read with the point's row lock held."""

    snapshot: PointSnapshot
    claimed: bool  # the update was processed before: a redelivery


@dataclass(frozen=True)
class PressRecord:
    """What a press that changes no point state writes: its claim, the position (and its history
    row, which is the position's audit record), and the point's next card version."""

    platform: str
    dedup_key: str | None
    position: Position
    point_version: int  # the text's version the position was taken on
    card_version: int  # the point's card version when it was read, under its lock


@dataclass(frozen=True)
class TakenInvite:
    meeting_id: int
    role: Role
    delegation_id: int | None
    bind_chat: bool


@dataclass(frozen=True)
class StoredDocument:
    meeting_id: int
    kind: str  # "draft" | "final"
    version: int
    filename: str
    content: bytes
    at: datetime


@dataclass(frozen=True)
class StoredWordTemplate:
    meeting_id: int | None  # None: the server's default for the format
    format: str
    filename: str
    content: bytes
    at: datetime


class Store(Protocol):
    # processed updates, for idempotency
    async def claim_update(self, platform: str, key: str, at: datetime) -> bool: ...

    # meetings and chats
    async def meeting_for_chat(self, chat: ChatRef) -> Meeting | None: ...
    async def meeting(self, meeting_id: int, *, lock: bool = False) -> Meeting | None: ...
    async def create_meeting(self, meeting: Meeting, at: datetime) -> Meeting: ...
    async def save_meeting(self, meeting: Meeting) -> None: ...
    async def bind_chat(self, meeting_id: int, chat: ChatRef, at: datetime) -> None: ...
    async def unbind_chat(self, chat: ChatRef) -> None: ...
    async def move_chat(self, old: ChatRef, new: ChatRef) -> bool: ...
    async def chats(self, meeting_id: int) -> list[ChatRef]: ...

    # delegations, members, invites
    async def delegations(self, meeting_id: int) -> list[Delegation]: ...
    async def add_delegation(self, meeting_id: int, name: str, kind: DelegationKind) -> Delegation: ...
    async def delete_delegation(self, delegation_id: int) -> None: ...
    async def member(self, meeting_id: int, user: UserRef) -> Member | None: ...
    async def members(self, meeting_id: int) -> list[Member]: ...
    async def save_member(
        self, meeting_id: int, user: UserRef, role: Role, delegation_id: int | None, at: datetime
    ) -> Member: ...
    async def add_invite(
        self,
        meeting_id: int,
        code_hash: str,
        role: Role,
        delegation_id: int | None,
        bind_chat: bool,
        at: datetime,
    ) -> None: ...
    async def take_invite(self, code_hash: str, at: datetime) -> TakenInvite | None: ...
    async def add_member(
        self, meeting_id: int, user: UserRef, role: Role, delegation_id: int | None, at: datetime
    ) -> Member | None: ...
    async def move_member(self, member_id: int, role: Role, delegation_id: int | None) -> None: ...
    async def delegations_in_use(self, meeting_id: int) -> set[int]: ...
    async def add_panel_link(
        self, meeting_id: int, user: UserRef, token_hash: str, at: datetime, expires_at: datetime
    ) -> None: ...

    # points
    async def points(self, meeting_id: int) -> list[Point]: ...
    async def point(
        self, point_id: int, *, lock: bool = False, skip_locked: bool = False
    ) -> Point | None: ...
    async def children(self, point_id: int) -> list[Point]: ...
    async def point_by_label(self, meeting_id: int, number: int, letter: str) -> Point | None: ...
    async def add_point(self, point: Point) -> Point: ...
    async def save_points(self, points: Sequence[Point]) -> None: ...
    async def due_silences(self, now: datetime) -> list[Point]: ...
    async def due_ad_referendums(self, now: datetime) -> list[Position]: ...

    # reminders before a silence deadline; `claim_reminder` is True for exactly one caller
    async def add_reminders(self, point_id: int, deadline: datetime, due: Sequence[datetime]) -> None: ...
    async def due_reminders(self, now: datetime) -> list[tuple[int, int, datetime]]: ...
    async def claim_reminder(self, reminder_id: int, at: datetime) -> bool: ...

    # positions: one per delegation per point, kept by an atomic upsert; every one also in history
    async def positions(self, point_id: int) -> list[Position]: ...
    async def positions_for_meeting(self, meeting_id: int) -> list[Position]: ...
    async def put_position(self, position: Position, point_version: int) -> None: ...
    async def clear_positions(self, point_id: int) -> None: ...
    async def position_history(self, point_id: int) -> list[Position]: ...

    # a button press in one read and one write (drafting.press): the context with the point locked,
    # None when the chat has no meeting holding that point; the record returns the point's new card
    # version, None when another delivery of the update claimed it first (nothing written)
    async def press_context(
        self, chat: ChatRef, platform: str, dedup_key: str | None, point_id: int
    ) -> PressContext | None: ...
    async def record_press(self, record: PressRecord, at: datetime) -> int | None: ...
    # a point's card and where it is posted, in one read; None when there is no such point
    async def point_snapshot(self, point_id: int) -> PointSnapshot | None: ...
    # `mark_card_shown` and the point's latest card version in one statement (see the service's)
    async def mark_card_shown_latest(self, point_id: int, chat: ChatRef, version: int) -> int: ...

    # discussion
    # `delegation_id`: whom the author speaks for now, kept with the act (a later move changes nothing).
    async def add_comment(
        self, point_id: int, member_id: int, text: str, at: datetime, delegation_id: int | None = None
    ) -> Comment: ...
    async def comments(self, point_id: int) -> list[Comment]: ...
    async def add_amendment(
        self,
        point_id: int,
        member_id: int,
        text: str,
        at: datetime,
        delegation_id: int | None = None,
        base: str = "",
    ) -> Amendment: ...
    async def amendments(self, point_id: int) -> list[Amendment]: ...
    async def set_amendment_status(self, amendment_id: int, status: str) -> None: ...
    # attendance: the delegations that took part as the secretariat set them; None when not set
    async def attendance(self, meeting_id: int) -> set[int] | None: ...
    async def set_attendance(self, meeting_id: int, delegation_ids: Collection[int]) -> None: ...

    # audit trail
    async def audit(self, entry: AuditEntry) -> None: ...
    async def audit_log(self, meeting_id: int, point_id: int | None = None) -> list[AuditEntry]: ...

    # where cards are, per chat
    async def card_messages(self, point_id: int) -> list[CardMessage]: ...
    async def save_card_message(self, card: CardMessage) -> None: ...
    async def save_card_message_if_absent(self, card: CardMessage) -> CardMessage: ...
    async def bump_card(self, point_id: int) -> None: ...
    async def mark_card_shown(self, point_id: int, chat: ChatRef, version: int) -> None: ...
    async def stale_cards(self, platform: str, limit: int = 200) -> list[CardMessage]: ...
    async def point_for_message(self, chat: ChatRef, message_id: str) -> int | None: ...
    async def point_for_thread(self, chat: ChatRef, thread_id: str) -> int | None: ...
    async def link_message(self, chat: ChatRef, message_id: str, point_id: int) -> None: ...

    # documents
    async def save_document(self, document: StoredDocument) -> None: ...
    async def final_document(self, meeting_id: int) -> StoredDocument | None: ...

    # what each compiled draft was built from (the last one is what a redline compares with)
    async def save_circulation(self, circulation: Circulation) -> None: ...
    async def last_circulation(self, meeting_id: int) -> Circulation | None: ...

    # Word templates: the meeting's own for a format, else the server's default for it
    async def save_word_template(self, template: StoredWordTemplate) -> None: ...
    async def word_template(self, meeting_id: int | None, fmt: str) -> StoredWordTemplate | None: ...
    async def delete_word_template(self, meeting_id: int | None, fmt: str) -> bool: ...


class ConversionUnavailable(Exception):
    """The converter's program (LibreOffice) is not installed here."""


class ConversionFailed(Exception):
    """The converter ran but gave no document (a broken file, a time limit); the message says why."""


class PdfConverter(Protocol):
    """Turns a .docx into a PDF; outside the domain (bot/documents), as it runs a program."""

    async def to_pdf(self, filename: str, content: bytes) -> bytes: ...


class DeliveryJournal(Protocol):
    """Where an outcome's deliveries that must survive are written down (drafting.journal).

    `record` runs inside the command's transaction (`store`): the entry commits with the command, or
    not at all. The rest is for the dispatcher (bot/dispatch.py), after the commit, each one short
    transaction; times are the journal's own clock (wall seconds, compared across workers)."""

    async def record(
        self, store: Store, platform: str, origin: RequestOrigin | None, deliveries: Sequence[Delivery]
    ) -> int: ...
    # handed over to their platforms: the entries are gone
    async def done(self, ids: Collection[int]) -> None: ...
    # a hand-over recorded on its own (it could not ride in the platform's transaction)
    async def settle(self, handover: Handover) -> None: ...
    # while inside, the first transaction that puts rows in the shared outbox records `handover` too
    # (and sets its `rode` once committed)
    def carrying(self, handover: Handover) -> AbstractContextManager[None]: ...
    # an entry's held deliveries become entries of their own, one per chat, each due `window` seconds
    # from now; the entry keeps `keep` (step 0), or, with nothing to keep, becomes the first chat's;
    # returns the held entries' ids in the order of `groups` ([] when the entry is gone: swept)
    async def hold(
        self,
        entry_id: int,
        groups: Sequence[tuple[str, Sequence[Delivery]]],
        window: float,
        keep: Sequence[Delivery] = (),
    ) -> list[int]: ...
    # the entries held for one chat, whatever their due time, that no worker is delivering: now this
    # caller's for `lease` seconds
    async def take_held(self, hold: str, lease: float) -> list[JournalRecord]: ...
    # entries due more than `grace` seconds ago that no worker is delivering (a dead worker's, or held
    # ones whose worker did not release them): this caller's for `lease` seconds
    async def claim_due(self, grace: float, lease: float, limit: int = 50) -> list[JournalRecord]: ...
    # still being delivered: nobody else takes them for another `lease` seconds
    async def extend(self, ids: Collection[int], lease: float) -> None: ...


class PressStore(Protocol):
    """The press path's part of a `Store` (see there), on a transaction of its own (`press()`)."""

    # A batch of presses (drafting.press_batch): each (chat, platform, dedup key, point)'s context in
    # order, its point locked; then every record written at once, or RetryableConflict and nothing
    # written when another delivery of one of the updates claimed it first.
    async def press_contexts(
        self, requests: Sequence[tuple[ChatRef, str, str | None, int]]
    ) -> list[PressContext | None]: ...
    async def record_presses(self, records: Sequence[PressRecord], at: datetime) -> None: ...


class StoreFactory(Protocol):
    # How many press transactions may run at once (drafting.press_batch): 1 where there is one writer.
    press_lanes: int

    def transaction(self) -> AbstractAsyncContextManager[Store]: ...

    def press(self) -> AbstractAsyncContextManager[PressStore]:
        """A transaction for the press path only (drafting.press): lighter than a full `Store`."""
        ...

    def read(self) -> AbstractAsyncContextManager[Store]:
        """A transaction that only reads: it does not wait for writers (see storage.store)."""
        ...

    def once(self, *, writes: bool = False) -> AbstractAsyncContextManager[Store]:
        """For exactly one statement, atomic on its own: no transaction is opened around it (no BEGIN
        sent, no COMMIT awaited). `writes`: it changes rows (it then takes its turn among writers)."""
        ...
