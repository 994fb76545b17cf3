"""One command being carried out: who asks, in which chat, inside which transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from drafting.commands import Command, Ref
from drafting.i18n import t
from drafting.model import AuditEntry, ChatRef, Delegation, Meeting, Member, Point, PointState, UserRef
from drafting.ports import PdfConverter, Store
from drafting.replies import Delivery, Digest, Message, Text


@dataclass(frozen=True)
class Context:
    """Where a request comes from, as the adapter saw it."""

    chat: ChatRef
    user: UserRef
    prefix: str = "/"  # how commands are typed here: "/" on Telegram, "/draft " on Slack
    dedup_key: str | None = None  # the platform's update or event id
    thread_point_id: int | None = None  # the point whose thread the message was written in
    private: bool = False  # a one-to-one chat with the bot
    # The platform message carrying the request: when the request succeeds it joins its point's reply
    # chain, in the request's own transaction, so a refused one links nothing.
    message_id: str | None = None
    attachment: tuple[str, bytes] | None = None  # (file name, content) of a file sent with the command
    # A one-to-one chat that is its member's seat in the meeting (WhatsApp, where each delegate talks
    # to the bot's number alone): joining binds it, so the meeting's news and commands reach it.
    seat: bool = False


class Refusal(Exception):
    """The request is refused; the transaction rolls back and the user reads why."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def code_hash(code: str) -> str:
    # Invite codes are stored hashed: a copy of the database does not let anyone join.
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@dataclass
class Turn:
    store: Store
    ctx: Context
    cmd: Command
    now: datetime
    lang: str
    meeting: Meeting | None
    member: Member | None
    new_code: Callable[[], str]
    out: list[Delivery] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    public_url: str = ""  # where the meeting's web page is served, for `panel` links
    converter: PdfConverter | None = None  # .docx to PDF; None where the service has none
    templates: Path | None = None  # the secretariat's edited report templates; None: the shipped ones

    def say(self, key: str, /, **params: object) -> str:
        return t(self.lang, key, **params)

    def refuse(self, key: str, /, **params: object) -> NoReturn:
        raise Refusal(key, **params)

    def reply(self, key: str, /, **params: object) -> None:
        self.out.append(Delivery(Text(self.say(key, **params))))

    def send(self, message: Message, *, point_id: int | None = None, ephemeral: bool = False) -> None:
        """To the requesting chat."""
        self.out.append(Delivery(message, point_id=point_id, ephemeral=ephemeral))

    async def broadcast(
        self, message: Message, *, point_id: int | None = None, digest: Digest | None = None
    ) -> None:
        """To every chat the meeting is bound to, on every platform."""
        for chat in await self.store.chats(self.need_meeting().id):
            self.out.append(Delivery(message, chat=chat, point_id=point_id, digest=digest))

    def need_meeting(self) -> Meeting:
        if self.meeting is None:
            self.refuse("error.no_meeting", prefix=self.ctx.prefix)
        return self.meeting

    def need_member(self) -> Member:
        if self.member is None:
            self.refuse("error.not_member", prefix=self.ctx.prefix)
        return self.member

    async def audit(self, action: str, point_id: int | None = None, /, **detail: object) -> None:
        await self.store.audit(
            AuditEntry(
                meeting_id=self.need_meeting().id,
                action=action,
                platform=self.ctx.user.platform,
                user_id=self.ctx.user.user_id,
                at=self.now,
                point_id=point_id,
                detail={k: str(v) for k, v in detail.items()},
            )
        )

    async def resolve(self, ref: Ref | None, *, lock: bool = False) -> Point:
        """The point a user named; refuses with the known labels when there is none.

        `lock` takes the point's row lock (PostgreSQL) so changes to one point are serialised."""
        meeting = self.need_meeting()
        if ref is None:
            self.refuse("error.need_point")
        point: Point | None
        if ref.point_id is not None and not ref.number:
            point = await self.store.point(ref.point_id, lock=lock)
            if point is not None and point.meeting_id != meeting.id:
                point = None
        else:
            point = await self.store.point_by_label(meeting.id, ref.number, ref.letter)
            if point is not None and lock:
                point = await self.store.point(point.id, lock=True)
        if point is None:
            labels = [p.label for p in await self.store.points(meeting.id) if not p.is_sub]
            if labels:
                self.refuse("error.unknown_point", label=ref.label, known=", ".join(labels[-15:]))
            self.refuse("error.no_points_yet", label=ref.label, prefix=self.ctx.prefix)
        return point

    async def delegation_name(self, delegation_id: int | None) -> str:
        if delegation_id is None:
            return ""
        for d in await self.store.delegations(self.need_meeting().id):
            if d.id == delegation_id:
                return d.name
        return ""

    def who(self, delegations: Sequence[Delegation]) -> str:
        """How the acting member is named in replies: the delegation, else the person."""
        member = self.member
        if member is not None and member.delegation_id is not None:
            for d in delegations:
                if d.id == member.delegation_id:
                    return d.name
        return self.ctx.user.display_name or self.ctx.user.user_id


def is_owner(member: Member, point: Point) -> bool:
    """Any member of the proposing delegation: a delegation speaks as one. A point proposed in a role
    of one's own (the rapporteur) is its proposer's while they hold no delegation. Someone since moved
    to another delegation no longer owns what they proposed for the old one."""
    if point.proposer_delegation_id is not None:
        return point.proposer_delegation_id == member.delegation_id
    return point.proposer_member_id == member.id and member.delegation_id is None


def closed(point: Point) -> bool:
    return point.state in (PointState.ADOPTED, PointState.WITHDRAWN)
