"""Point cards' messages and the threads under them in SQL."""

from __future__ import annotations

from sqlalchemy import Integer, bindparam, select, update

from drafting.model import (
    ChatRef,
)
from drafting.ports import (
    CardMessage,
)
from storage.records import Records, chat_filter
from storage.tables import (
    CardMessageRow,
    PointMessageRow,
    PointRow,
)

# A point's card messages: read before every Telegram press (bot/telegram/card_lane.py `pressed`), so
# built once and read as plain rows, not ORM objects (their identity map cost more than the query).
_CARD_ROWS = CardMessageRow.__table__.c
_CARD_MESSAGES = select(
    _CARD_ROWS.point_id,
    _CARD_ROWS.platform,
    _CARD_ROWS.workspace,
    _CARD_ROWS.chat_id,
    _CARD_ROWS.message_id,
    _CARD_ROWS.thread_id,
    _CARD_ROWS.shown_version,
).where(_CARD_ROWS.point_id == bindparam("b_point", type_=Integer))


def _card(r: CardMessageRow) -> CardMessage:
    chat = ChatRef(r.platform, r.chat_id, r.workspace)
    return CardMessage(r.point_id, chat, r.message_id, r.thread_id, r.shown_version)


class CardRecords(Records):
    # ---- cards and threads ----
    async def card_messages(self, point_id: int) -> list[CardMessage]:
        conn = await self.s.connection()
        rows = await conn.execute(_CARD_MESSAGES, {"b_point": point_id})
        return [
            CardMessage(
                r.point_id,
                ChatRef(r.platform, r.chat_id, r.workspace),
                r.message_id,
                r.thread_id,
                r.shown_version,
            )
            for r in rows
        ]

    async def save_card_message(self, card: CardMessage) -> None:
        values = dict(
            point_id=card.point_id,
            platform=card.chat.platform,
            workspace=card.chat.workspace,
            chat_id=card.chat.chat_id,
            message_id=card.message_id,
            thread_id=card.thread_id,
            shown_version=card.shown_version,
        )
        stmt = self._insert(CardMessageRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["point_id", "platform", "workspace", "chat_id"],
            set_={
                "message_id": card.message_id,
                "thread_id": card.thread_id,
                "shown_version": card.shown_version,
            },
        )
        await self.s.execute(stmt)
        await self.link_message(card.chat, card.message_id, card.point_id)

    async def save_card_message_if_absent(self, card: CardMessage) -> CardMessage:
        stmt = (
            self._insert(CardMessageRow)
            .values(
                point_id=card.point_id,
                platform=card.chat.platform,
                workspace=card.chat.workspace,
                chat_id=card.chat.chat_id,
                message_id=card.message_id,
                thread_id=card.thread_id,
                shown_version=card.shown_version,
            )
            .on_conflict_do_nothing()
        )
        await self.s.execute(stmt)
        stored = next(c for c in await self.card_messages(card.point_id) if c.chat == card.chat)
        await self.link_message(card.chat, card.message_id, card.point_id)
        return stored

    async def bump_card(self, point_id: int) -> None:
        await self.s.execute(
            update(PointRow).where(PointRow.id == point_id).values(card_version=PointRow.card_version + 1)
        )

    async def mark_card_shown(self, point_id: int, chat: ChatRef, version: int) -> None:
        await self.s.execute(
            update(CardMessageRow)
            .where(
                CardMessageRow.point_id == point_id,
                *chat_filter(CardMessageRow, chat),
                CardMessageRow.shown_version < version,
            )
            .values(shown_version=version)
        )

    async def stale_cards(self, platform: str, limit: int = 200) -> list[CardMessage]:
        rows = await self.s.execute(
            select(CardMessageRow)
            .join(PointRow, PointRow.id == CardMessageRow.point_id)
            .where(CardMessageRow.platform == platform, CardMessageRow.shown_version < PointRow.card_version)
            .order_by(CardMessageRow.id)
            .limit(limit)
        )
        return [_card(r) for r in rows.scalars()]

    async def link_message(self, chat: ChatRef, message_id: str, point_id: int) -> None:
        stmt = (
            self._insert(PointMessageRow)
            .values(
                platform=chat.platform,
                workspace=chat.workspace,
                chat_id=chat.chat_id,
                message_id=message_id,
                point_id=point_id,
            )
            .on_conflict_do_nothing()
        )
        await self.s.execute(stmt)

    async def point_for_message(self, chat: ChatRef, message_id: str) -> int | None:
        stmt = select(PointMessageRow.point_id).where(
            *chat_filter(PointMessageRow, chat), PointMessageRow.message_id == message_id
        )
        return (await self.s.execute(stmt)).scalar_one_or_none()

    async def point_for_thread(self, chat: ChatRef, thread_id: str) -> int | None:
        stmt = select(CardMessageRow.point_id).where(
            *chat_filter(CardMessageRow, chat), CardMessageRow.thread_id == thread_id
        )
        return (await self.s.execute(stmt)).scalars().first()
