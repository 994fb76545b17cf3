"""The tables of what waits to be delivered: WhatsApp's contacts, held messages, cards and sends, the
shared outbox and its chats, the delivery journal, and the Slack inbox (see storage.tables for the
meeting's own tables, and `Base`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base


class WhatsAppContactRow(Base):
    """A WhatsApp person the bot talks to one-to-one: when they last wrote (the 24-hour customer
    service window opens there) and when the re-engagement template was last sent them."""

    __tablename__ = "whatsapp_contacts"
    phone_number_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)  # BSUID, else wa_id
    to: Mapped[str] = mapped_column(String(128))  # what the Graph API's "to" takes for them
    last_inbound_at: Mapped[datetime | None] = mapped_column(nullable=True)
    template_sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The objection whose reason the bot asked for; their next plain message is that reason.
    pending_point_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    news_at: Mapped[datetime | None] = mapped_column(nullable=True)  # the last news sent at once


class WhatsAppHeldRow(Base):
    """A message held while its recipient's 24-hour window is closed, sent when they write again."""

    __tablename__ = "whatsapp_held"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_number_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime]


class WhatsAppCardRow(Base):
    """What a WhatsApp chat last saw of a point: cards are re-posted, never edited, and only when the
    text, state or open amendment changed (a position taken elsewhere is not worth a message)."""

    __tablename__ = "whatsapp_cards"
    phone_number_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature: Mapped[str] = mapped_column(String(64))


class WhatsAppSentRow(Base):
    """A message Meta accepted (answered with its wamid) that may still fail on its way: a `failed`
    status names it, and outside the 24-hour window (131047) it is held like the others. Kept a few
    days only; `requester` is the WhatsApp person whose action sent it to someone else, told when it
    fails for another reason."""

    __tablename__ = "whatsapp_sent"
    phone_number_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    requester: Mapped[str] = mapped_column(String(128), default="")
    at: Mapped[datetime] = mapped_column(index=True)


class OutboxRow(Base):
    """Something the bot is to send to one chat, waiting for whichever worker holds the chat's lease
    (`OutboxChatRow`): a text, a document (its bytes here), a point's card to draw (one waiting row per
    chat and point: requests coalesce), or a card copy to retire. `state` is "queued", or "taken" once a
    worker is making the call: a taken text or document found by another worker may have been sent
    (its worker died mid-call), so it is not sent again; a taken card is simply drawn again."""

    __tablename__ = "outbox"
    # ids never reused (SQLite's AUTOINCREMENT): a worker finishing a row another already finished
    # must not delete a newer one that got its id
    __table_args__ = (Index("ix_outbox_chat", "platform", "chat_id", "id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))  # text | document | card | retire
    point_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    forced: Mapped[bool] = mapped_column(Boolean, default=False)  # card: edit even if shown already
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # a document's bytes
    created_at: Mapped[datetime]


class OutboxChatRow(Base):
    """One chat's sender: which worker holds it until when (a lease, renewed while it sends), and the
    chat's flood budget, shared by every worker: when it last sent, its sends of the last minute, and
    the time a 429 said to wait until. Times are seconds since the epoch (workers' wall clocks)."""

    __tablename__ = "outbox_chats"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lease_owner: Mapped[str] = mapped_column(String(100), default="")
    lease_until: Mapped[float] = mapped_column(Float, default=0.0)
    last_sent: Mapped[float] = mapped_column(Float, default=0.0)
    recent: Mapped[list[float]] = mapped_column(JSON, default=list)  # send times within the last minute
    held_until: Mapped[float] = mapped_column(Float, default=0.0)


class JournalRow(Base):
    """Deliveries the core decided to send, written in the command's own transaction and deleted once
    handed over to their platform (bot/dispatch.py): an entry left behind is a dead worker's, and
    another worker's sweep delivers it. `hold` set ("platform:chat id"): announcements or
    acknowledgements held for company in that chat until `due`. Times are wall seconds (workers'
    clocks, as the outbox's leases); `lease_until`: a worker is delivering it until then."""

    __tablename__ = "delivery_journal"
    __table_args__ = (
        Index("ix_delivery_journal_due", "due"),
        Index("ix_delivery_journal_hold", "hold"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))  # the request's platform, "system" for the sweep's
    hold: Mapped[str] = mapped_column(String(100), default="")
    due: Mapped[float] = mapped_column(Float)
    lease_until: Mapped[float] = mapped_column(Float, default=0.0)
    step: Mapped[int] = mapped_column(Integer, default=0)  # deliveries handed over so far, in order
    origin: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    deliveries: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class SlackInboxRow(Base):
    """A Slack request answered before its work ran (HTTP mode), kept until that work is done: its raw
    body, as signed and verified when it came. `lease_until` (wall seconds): the worker handling it
    has it until then (it renews it while it works); a row past it is a dead worker's, and any
    worker's sweep takes it (bot/slack/inbox.py). `attempts`: handlings started, the first included."""

    __tablename__ = "slack_inbox"
    __table_args__ = (Index("ix_slack_inbox_lease_until", "lease_until"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received: Mapped[float] = mapped_column(Float)
    lease_until: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
