"""WhatsApp's own state: each person's 24-hour window, a pending objection, held messages, and what
each chat last saw of a point. Kept in the database, not in memory, so a restart or a second worker
carries on where the first left off."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from storage.delivery_tables import WhatsAppCardRow, WhatsAppContactRow, WhatsAppHeldRow, WhatsAppSentRow
from storage.store import SqlStoreFactory

WINDOW = timedelta(hours=24)  # Meta's customer service window after a person's last message
DIGEST = timedelta(minutes=1)  # news within a minute of the last sent wait and go together
SENT_KEPT = timedelta(days=3)  # Meta reports a failure within hours; older accepted messages are let go


class WhatsAppStore:
    def __init__(self, stores: SqlStoreFactory, phone_number_id: str) -> None:
        self.stores = stores
        self.phone = phone_number_id

    async def heard_from(self, user_id: str, to: str, at: datetime) -> None:
        """They wrote: their window opens now."""
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            if row is None:
                store.s.add(
                    WhatsAppContactRow(phone_number_id=self.phone, user_id=user_id, to=to, last_inbound_at=at)
                )
            else:
                row.to, row.last_inbound_at = to, at

    async def window_open(self, user_id: str, now: datetime) -> bool:
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            last = row.last_inbound_at if row is not None else None
            return last is not None and now - last < WINDOW

    async def hold(self, user_id: str, payload: dict[str, Any], at: datetime) -> bool:
        """Keeps a message until they write again; True when they should be sent the template now (not
        yet since they last wrote)."""
        async with self.stores.transaction() as store:
            store.s.add(WhatsAppHeldRow(phone_number_id=self.phone, user_id=user_id, payload=payload, at=at))
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            if row is None:
                return False  # never wrote: the bot has no number to write to
            due = row.template_sent_at is None or (
                row.last_inbound_at is not None and row.template_sent_at < row.last_inbound_at
            )
            return due

    async def news_now(self, user_id: str, now: datetime) -> bool:
        """True (and noted) when news may go at once: none went within the last minute."""
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            if row is None or (row.news_at is not None and now - row.news_at < DIGEST):
                return False
            row.news_at = now
            return True

    async def queue(self, user_id: str, payload: dict[str, Any], at: datetime) -> None:
        async with self.stores.transaction() as store:
            store.s.add(WhatsAppHeldRow(phone_number_id=self.phone, user_id=user_id, payload=payload, at=at))

    async def digests_due(self, now: datetime) -> list[str]:
        """People with news waiting whose minute has passed and whose window is open."""
        async with self.stores.transaction() as store:
            rows = await store.s.execute(
                select(WhatsAppContactRow.user_id).where(
                    WhatsAppContactRow.phone_number_id == self.phone,
                    WhatsAppContactRow.last_inbound_at > now - WINDOW,
                    WhatsAppContactRow.news_at <= now - DIGEST,
                    WhatsAppContactRow.user_id.in_(
                        select(WhatsAppHeldRow.user_id).where(WhatsAppHeldRow.phone_number_id == self.phone)
                    ),
                )
            )
            return [r.user_id for r in rows]

    async def template_sent(self, user_id: str, at: datetime) -> None:
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            if row is not None:
                row.template_sent_at = at

    async def held(self, user_id: str) -> list[tuple[int, dict[str, Any]]]:
        async with self.stores.transaction() as store:
            rows = await store.s.execute(
                select(WhatsAppHeldRow.id, WhatsAppHeldRow.payload)
                .where(WhatsAppHeldRow.phone_number_id == self.phone, WhatsAppHeldRow.user_id == user_id)
                .order_by(WhatsAppHeldRow.id)
            )
            return [(r.id, dict(r.payload)) for r in rows]

    async def release(self, held_id: int) -> None:
        async with self.stores.transaction() as store:
            await store.s.execute(delete(WhatsAppHeldRow).where(WhatsAppHeldRow.id == held_id))

    async def held_count(self, user_id: str) -> int:
        return len(await self.held(user_id))

    async def ask_reason(self, user_id: str, point_id: int | None) -> None:
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            if row is not None:
                row.pending_point_id = point_id

    async def pending_reason(self, user_id: str) -> int | None:
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            return row.pending_point_id if row is not None else None

    async def address(self, user_id: str) -> str | None:
        """What the Graph API's "to" takes for this person (their wa_id, else their BSUID)."""
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            return row.to if row is not None else None

    async def card_signature(self, chat_id: str, point_id: int) -> str | None:
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppCardRow, (self.phone, chat_id, point_id))
            return row.signature if row is not None else None

    async def card_shown(self, chat_id: str, point_id: int, signature: str) -> None:
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppCardRow, (self.phone, chat_id, point_id))
            if row is None:
                store.s.add(
                    WhatsAppCardRow(
                        phone_number_id=self.phone, chat_id=chat_id, point_id=point_id, signature=signature
                    )
                )
            else:
                row.signature = signature

    # ---- accepted messages that may still fail --------------------------------------------------

    async def sent(
        self, parts: list[tuple[str, dict[str, Any]]], user_id: str, requester: str, at: datetime
    ) -> None:
        """Meta accepted these (message id, what to hold should it fail); a `failed` status may come."""
        async with self.stores.transaction() as store:
            await store.s.execute(
                delete(WhatsAppSentRow).where(
                    WhatsAppSentRow.phone_number_id == self.phone, WhatsAppSentRow.at < at - SENT_KEPT
                )
            )
            for message_id, payload in parts:
                row = WhatsAppSentRow(
                    phone_number_id=self.phone,
                    message_id=message_id,
                    user_id=user_id,
                    payload=payload,
                    requester=requester,
                    at=at,
                )
                await store.s.merge(row)

    async def failed(
        self, message_id: str, at: datetime, *, hold: bool
    ) -> tuple[str, dict[str, Any], str, bool] | None:
        """A `failed` status for `message_id`: forgets it and, with `hold` (the window had closed),
        holds it and notes the window closed, all in one transaction, so a redelivered status changes
        nothing. Returns (user id, payload, requester, template due now), or None when unknown."""
        async with self.stores.transaction() as store:
            row = await store.s.get(WhatsAppSentRow, (self.phone, message_id))
            if row is None:
                return None
            user_id, payload, requester = row.user_id, dict(row.payload), row.requester
            await store.s.delete(row)
            if not hold:
                return user_id, payload, requester, False
            store.s.add(WhatsAppHeldRow(phone_number_id=self.phone, user_id=user_id, payload=payload, at=at))
            contact = await store.s.get(WhatsAppContactRow, (self.phone, user_id))
            if contact is None:
                return user_id, payload, requester, False
            if contact.last_inbound_at is not None:  # Meta says the window closed: ours follows
                contact.last_inbound_at = min(contact.last_inbound_at, at - WINDOW)
            due = contact.template_sent_at is None or (
                contact.last_inbound_at is not None and contact.template_sent_at < contact.last_inbound_at
            )
            return user_id, payload, requester, due
