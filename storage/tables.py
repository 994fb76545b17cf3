"""The database schema, as SQLAlchemy 2 typed declarative tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, str]: JSON}


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    bodies: Mapped[str] = mapped_column(Text, default="")  # ";"-joined title-block lines
    network: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(500), default="")
    date_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    date_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    before: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="es")
    format: Mapped[str] = mapped_column(String(20), default="informe")
    rule: Mapped[str] = mapped_column(String(20), default="consensus")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    reminders: Mapped[str] = mapped_column(String(100), default="24h, 1h", server_default="24h, 1h")
    state: Mapped[str] = mapped_column(String(20), default="drafting")
    draft_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class MeetingChatRow(Base):
    __tablename__ = "meeting_chats"
    __table_args__ = (UniqueConstraint("platform", "workspace", "chat_id", name="uq_chat"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    chat_id: Mapped[str] = mapped_column(String(64))
    bound_at: Mapped[datetime]


class DelegationRow(Base):
    __tablename__ = "delegations"
    __table_args__ = (UniqueConstraint("meeting_id", "name", name="uq_delegation_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))


class MemberRow(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("meeting_id", "platform", "workspace", "user_id", name="uq_member_user"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="RESTRICT"), nullable=True
    )
    joined_at: Mapped[datetime]


class InviteRow(Base):
    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), nullable=True
    )
    bind_chat: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class PointRow(Base):
    __tablename__ = "points"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"), nullable=True)
    number: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str] = mapped_column(String(1), default="")
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), index=True)
    proposer_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    proposer_delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"), nullable=True)
    silence_deadline: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    created_at: Mapped[datetime]
    adopted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Bumped in the same transaction as every change a card shows; a card message whose
    # shown_version is lower is stale (an edit was lost, say to a crash) and gets redrawn.
    card_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reminded_at: Mapped[datetime | None] = mapped_column(nullable=True)


Index("ix_points_label", PointRow.meeting_id, PointRow.number, PointRow.letter)


class _PositionColumns:
    """What a position says; the standing table and the history share it."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    stance: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
    point_version: Mapped[int] = mapped_column(Integer, default=1)
    until: Mapped[datetime | None] = mapped_column(nullable=True)  # an approval ad referendum's date


class PositionRow(_PositionColumns, Base):
    """The standing position: one per delegation per point, kept by the unique constraint."""

    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("point_id", "delegation_id", name="uq_position_delegation"),)


class PositionHistoryRow(_PositionColumns, Base):
    """Every position ever taken, the superseded ones included."""

    __tablename__ = "position_history"


class CommentRow(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    # Whom the author spoke for at the time: a member moved later keeps their past acts where they were.
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class AmendmentRow(Base):
    __tablename__ = "amendments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    at: Mapped[datetime]
    number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # within its point, kept
    base: Mapped[str] = mapped_column(Text, default="", server_default="")  # the text it was proposed on


class AttendanceRow(Base):
    """A delegation the secretariat said took part; none for a meeting: those with a delegate."""

    __tablename__ = "attendance"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )


class AuditRow(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    point_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    at: Mapped[datetime]
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class SilenceReminderRow(Base):
    """A reminder due before a silence deadline. `sent_at` is its claim: set by the one worker whose
    conditional update took it, in the transaction that produced the message."""

    __tablename__ = "silence_reminders"
    __table_args__ = (UniqueConstraint("point_id", "deadline", "due_at", name="uq_silence_reminder"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"), index=True)
    deadline: Mapped[datetime]
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ProcessedUpdateRow(Base):
    """Update and event ids already acted on, written in the same transaction as their effect."""

    __tablename__ = "processed_updates"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    at: Mapped[datetime]


class CardMessageRow(Base):
    __tablename__ = "card_messages"
    __table_args__ = (
        UniqueConstraint("point_id", "platform", "workspace", "chat_id", name="uq_card_chat"),
        Index("ix_card_message", "platform", "workspace", "chat_id", "message_id"),
        Index("ix_card_thread", "platform", "workspace", "chat_id", "thread_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str] = mapped_column(String(64), default="")
    shown_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime]


class PointMessageRow(Base):
    """Every message known to belong to a point's thread, so a reply to any of them is on that point."""

    __tablename__ = "point_messages"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"), index=True)


class PanelTokenRow(Base):
    """A one-time link to a meeting's web page: stored hashed, bound to one person, spent on first use."""

    __tablename__ = "panel_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class WebSessionRow(Base):
    """A signed-in browser: the cookie holds a random id whose hash is here; revoked by setting revoked_at."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(String(64))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class CirculationRow(Base):
    """What each compiled draft was built from, so a later draft can be compared with it (redline)."""

    __tablename__ = "circulations"
    __table_args__ = (UniqueConstraint("meeting_id", "version", name="uq_circulation_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class WordTemplateRow(Base):
    """A format's Word template (.docx): for one meeting, or the default (no meeting) for the server."""

    __tablename__ = "word_templates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=True, index=True
    )
    format: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime]


# What waits to be delivered (WhatsApp's contacts and held messages, the shared outbox, the delivery
# journal, the Slack inbox) is in its own module; imported here so that `Base.metadata` is whole for
# whoever imports this one (the migrations, the schema tests).
from storage import delivery_tables as delivery_tables  # noqa: E402
