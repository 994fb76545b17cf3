"""Showing the core's deliveries in WhatsApp chats: texts, point cards, documents.

A one-to-one chat is a member's seat in the meeting. A point's card is an interactive message with
the Aprobar / Objetar / Abstenerse reply buttons, drawn through the shared card protocol
(`bot.cardsync.CardSync`, WhatsApp's port in `cards.py`): WhatsApp cannot edit it, so a new card is
posted when the point's text, state or open amendment changes. In a group (no interactive messages
there) the card is text with the typed commands.

Outside a person's 24-hour window nothing free-form can reach them: the message is held in the
database, and the meeting language's pre-approved template tells them once that messages wait; the
held messages go when they write again (`release`). A message Meta accepted but later reports
`failed` because the window had closed (131047) is held the same way (`failed`); other failures are
logged, and the WhatsApp member whose action sent it is told.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.cardsync import NOT_SHOWN, CardSync, Pacer
from bot.whatsapp.cards import BUTTON, WhatsAppCards
from bot.whatsapp.config import WhatsAppConfig
from bot.whatsapp.graph import RE_ENGAGEMENT, GraphError
from bot.whatsapp.outbox import WhatsAppOutbox
from bot.whatsapp.sender import Recipient, WhatsAppSender
from drafting.i18n import t
from drafting.journal import RequestOrigin
from drafting.model import ChatRef, UserRef
from drafting.ports import CardMessage
from drafting.replies import Delivery, Document, PointCard, Text
from drafting.service import DraftingService
from storage.outbox_store import Letter, Waiting
from storage.whatsapp_store import WhatsAppStore

log = logging.getLogger("draftbot.whatsapp")

PLATFORM = "whatsapp"
GROUP = "g:"  # chat ids of groups start so; a one-to-one chat's id is its person's id
REDRAWS = 3  # a card drawn again this many times at most when newer versions keep landing meanwhile

__all__ = ["BUTTON", "GROUP", "PLATFORM", "WhatsAppChannel", "WhatsAppOrigin", "is_group"]


@dataclass(frozen=True)
class WhatsAppOrigin:
    chat: ChatRef
    user: UserRef
    message_id: str = ""


def is_group(chat: ChatRef) -> bool:
    return chat.chat_id.startswith(GROUP)


class WhatsAppChannel:
    """The `Channel` for platform "whatsapp" in the dispatcher."""

    platform = PLATFORM

    def __init__(
        self,
        service: DraftingService,
        sender: WhatsAppSender,
        store: WhatsAppStore,
        config: WhatsAppConfig,
        clock: Callable[[], datetime],
    ) -> None:
        self.service = service
        self.sender = sender
        self.store = store
        self.config = config
        self.clock = clock
        self.outbox: WhatsAppOutbox | None = None  # set by the adapter: every send goes through it

    def revive(self, origin: RequestOrigin) -> WhatsAppOrigin | None:
        """A request whose replies another worker journaled and never sent (bot/dispatch.py)."""
        if origin.chat.platform != PLATFORM or origin.user is None:
            return None
        return WhatsAppOrigin(origin.chat, origin.user, origin.message_id or "")

    async def deliver(self, delivery: Delivery, origin: object | None) -> None:
        here = origin if isinstance(origin, WhatsAppOrigin) else None
        requester = here.user.user_id if here is not None else ""
        if delivery.private_to is not None:
            person = delivery.private_to
            if person.platform != PLATFORM:
                return
            private = ChatRef(PLATFORM, person.user_id, person.workspace)
            notice = delivery.notice if here is not None and is_group(here.chat) else None
            letters = [self._letter(private, delivery.message, requester)]
            if notice is not None and here is not None:
                letters.append(self._letter(here.chat, notice, ""))
            if self.outbox is not None and all(letter is not None for letter in letters):
                # One put, so a journal's hand-over riding it covers the notice too.
                await self.outbox.put_all([letter for letter in letters if letter is not None])
                return
            await self.show(private, delivery.message, requester)
            if notice is not None and here is not None:
                await self.show(here.chat, notice)
            return
        chat = delivery.chat or (here.chat if here is not None else None)
        if chat is None or chat.platform != PLATFORM:
            log.warning("a WhatsApp delivery without a chat was dropped")
            return
        news = delivery.chat is not None and (here is None or here.chat != chat)
        if news and isinstance(delivery.message, Text) and not is_group(chat):
            await self._news(chat, delivery.message, requester)
            return
        await self.show(chat, delivery.message, requester)

    async def _news(self, chat: ChatRef, message: Text, requester: str) -> None:
        """What others did reaches a member at once, unless news went to them within the last minute:
        then it waits, and goes with the rest in one message (`digest`), so a busy minute in the
        meeting's other chats does not ring their phone at every line."""
        now = self.clock()
        if not await self.store.window_open(chat.chat_id, now):
            await self.show(chat, message)  # held for the window, with the template
            return
        if await self.store.news_now(chat.chat_id, now):
            await self.show(chat, message, requester)
            return
        await self.store.queue(chat.chat_id, {"kind": "text", "text": message.text}, now)

    async def digest(self) -> int:
        """Sends the news that waited a minute, one message per person; returns how many went."""
        due = await self.store.digests_due(self.clock())
        for user_id in due:
            chat = ChatRef(PLATFORM, user_id, self.config.phone_number_id)
            await self.release(chat)
            await self.store.news_now(user_id, self.clock())
        return len(due)

    async def show(
        self, chat: ChatRef, message: Text | PointCard | Document, requester: str = "", *, fresh: bool = False
    ) -> None:
        """Puts `message` into the shared outbox (`bot.whatsapp.outbox`), whose worker holding the
        recipient sends it (`send_row`); a card as a request, drawn when its turn comes. Without an
        outbox (a channel used on its own), sent at once."""
        if self.outbox is None:
            await self.show_now(chat, message, requester, fresh=fresh)
            return
        letter = self._letter(chat, message, requester)
        if letter is not None:
            await self.outbox.put(letter)
        elif isinstance(message, PointCard):
            await self.outbox.put_card(chat.chat_id, message.point_id, forced=fresh)

    @staticmethod
    def _letter(chat: ChatRef, message: Text | PointCard | Document, requester: str) -> Letter | None:
        """The outbox row of a text or a document (a card is a request, drawn when its turn comes)."""
        if isinstance(message, Text):
            return Letter(chat.chat_id, "text", {"text": message.text, "requester": requester})
        if isinstance(message, Document):
            payload = {"filename": message.filename, "caption": message.caption, "requester": requester}
            return Letter(chat.chat_id, "document", payload, content=message.content)
        return None

    async def choices(
        self, chat: ChatRef, body: str, button: str, rows: list[tuple[str, str, str]], footer: str
    ) -> None:
        """A list message to a person (they just wrote: inside their window)."""
        payload = {"body": body, "button": button, "rows": [list(r) for r in rows], "footer": footer}
        if self.outbox is not None:
            await self.outbox.put(Letter(chat.chat_id, "list", payload))
        else:
            await self._choices(chat, payload)

    async def _choices(self, chat: ChatRef, payload: dict[str, Any]) -> None:
        to = await self.store.address(chat.chat_id)
        if to is None:
            return
        rows = [(str(a), str(b), str(c)) for a, b, c in payload["rows"]]
        await self.sender.choices(Recipient(to), payload["body"], payload["button"], rows, payload["footer"])

    async def send_row(self, chat_id: str, row: Waiting) -> None:
        """The outbox worker holding this recipient sends one of its rows."""
        chat = ChatRef(PLATFORM, chat_id, self.config.phone_number_id)
        requester = str(row.payload.get("requester") or "")
        if row.kind == "card":
            assert row.point_id is not None
            card = await self.service.card(row.point_id)  # the point as it is now
            if card is not None:
                await self.show_now(chat, card, fresh=row.forced)
        elif row.kind == "text":
            await self.show_now(chat, Text(str(row.payload["text"])), requester)
        elif row.kind == "document":
            document = Document(str(row.payload["filename"]), row.content or b"", str(row.payload["caption"]))
            await self.show_now(chat, document, requester)
        elif row.kind == "list":
            await self._choices(chat, row.payload)
        elif row.kind == "template":
            await self._template(chat)

    async def pacer_for(self, chat_id: str) -> Pacer | None:
        """The sender's pacer of this recipient, for the outbox to load and save its shared budget."""
        if chat_id.startswith(GROUP):
            return self.sender._pacer(chat_id.removeprefix(GROUP))
        address = await self.store.address(chat_id)
        return None if address is None else self.sender._pacer(address)

    async def show_now(
        self, chat: ChatRef, message: Text | PointCard | Document, requester: str = "", *, fresh: bool = False
    ) -> None:
        """Sends `message` to the chat now, or holds it outside the person's window. A card is drawn
        from a fresh read of its point; `fresh` posts it even when it shows nothing new."""
        if is_group(chat):
            to = Recipient(chat.chat_id.removeprefix(GROUP), group=True)
        else:
            address = await self.store.address(chat.chat_id)
            if address is None:
                log.warning("whatsapp: no address for %s; a message was dropped", chat.chat_id)
                return
            to = Recipient(address)
            if not await self.store.window_open(chat.chat_id, self.clock()):
                await self._hold(chat, message)
                return
        try:
            if isinstance(message, PointCard):
                await self._card(chat, to, message.point_id, requester, fresh=fresh)
            else:
                await self._send(chat, to, message, requester)
        except GraphError as error:
            if to.group or not error.window_closed:
                raise
            await self._hold(chat, message)  # Meta's clock says the window closed before ours did

    async def _card(
        self, chat: ChatRef, to: Recipient, point_id: int, requester: str, *, fresh: bool
    ) -> None:
        port = WhatsAppCards(self, chat, to, requester, fresh=fresh)
        for _ in range(REDRAWS):
            card, messages = await self.service.card_and_messages(point_id)
            if card is None:
                return  # the point is gone
            placed = next((m for m in messages if m.chat == chat), None)
            if not await CardSync(self.service, port).draw(card, placed, forced=fresh):
                return
            port.fresh = fresh = False  # drawn again only if it changed meanwhile

    async def _send(self, chat: ChatRef, to: Recipient, message: Text | Document, requester: str) -> None:
        if isinstance(message, Text):
            ids = await self.sender.text(to, message.text)
            await self.accepted(chat, to, ids, {"kind": "text", "text": message.text}, requester)
        else:
            sent = await self.sender.document(to, message.filename, message.content, message.caption)
            await self.accepted(chat, to, [sent], _document(message), requester)

    async def accepted(
        self, chat: ChatRef, to: Recipient, message_ids: list[str], payload: dict[str, Any], requester: str
    ) -> None:
        """Meta answered with these ids; each may still fail (`failed`), then what it carried is held."""
        if to.group:
            return  # no window in a group: a failure there is logged only
        who = requester if requester != chat.chat_id else ""
        await self.store.sent([(m, payload) for m in message_ids], chat.chat_id, who, self.clock())

    async def failed(self, message_id: str, code: int | None, title: str) -> None:
        """Meta reports a message it had accepted as failed. Outside the window (131047) it is held and
        the template sent; otherwise it is logged and the member whose action sent it told."""
        window = code == RE_ENGAGEMENT
        found = await self.store.failed(message_id, self.clock(), hold=window)
        if found is None:
            log.warning(
                "whatsapp: message %s failed (%s %s); not one the bot remembers", message_id, code, title
            )
            return
        user_id, payload, requester, template_due = found
        chat = ChatRef(PLATFORM, user_id, self.config.phone_number_id)
        if window:
            if payload.get("kind") == "card":  # that card never arrived: drawn anew when released
                point_id = int(payload["point_id"])
                await self.store.card_shown(user_id, point_id, "")
                unseen = CardMessage(point_id, chat, message_id, shown_version=NOT_SHOWN)
                await self.service.save_card_message(unseen)
            log.info("whatsapp: message %s to %s failed outside the window; held", message_id, user_id)
            if template_due:
                if self.outbox is not None:
                    # marked now, as the row will go: a second failure before it is sent asks for none
                    await self.store.template_sent(user_id, self.clock())
                    await self.outbox.put(Letter(chat.chat_id, "template"))
                else:
                    await self._template(chat)
            return
        log.warning("whatsapp: message %s to %s failed: %s %s", message_id, user_id, code, title)
        if requester:
            asker = ChatRef(PLATFORM, requester, self.config.phone_number_id)
            lang = await self.service.language_for(asker)
            name = await self._name(chat)
            await self.show(asker, Text(t(lang, "whatsapp.not_delivered", name=name, code=str(code or "?"))))

    async def _name(self, chat: ChatRef) -> str:
        async with self.service.stores.read() as store:
            meeting = await store.meeting_for_chat(chat)
            if meeting is None:
                return chat.chat_id
            user = next((m for m in await store.members(meeting.id) if m.user.user_id == chat.chat_id), None)
            return user.user.display_name if user is not None and user.user.display_name else chat.chat_id

    # ---- the 24-hour window --------------------------------------------------------------------

    async def _hold(self, chat: ChatRef, message: Text | PointCard | Document) -> None:
        payload: dict[str, Any]
        if isinstance(message, Text):
            payload = {"kind": "text", "text": message.text}
        elif isinstance(message, PointCard):
            payload = {"kind": "card", "point_id": message.point_id}
        else:
            payload = _document(message)
        if await self.store.hold(chat.chat_id, payload, self.clock()):
            await self._template(chat)

    async def _template(self, chat: ChatRef) -> None:
        """The pre-approved template saying messages wait (the only thing that may go now)."""
        lang = await self.service.language_for(chat)
        template = self.config.templates.get(lang) or next(iter(self.config.templates.values()), None)
        to = await self.store.address(chat.chat_id)
        if template is None or to is None:
            log.warning(
                "whatsapp: no template configured for %s; %s waits for them to write", lang, chat.chat_id
            )
            return
        count = await self.store.held_count(chat.chat_id)
        title = await self._title(chat)
        await self.sender.template(Recipient(to), template.name, template.language, [str(count), title])
        await self.store.template_sent(chat.chat_id, self.clock())

    async def _title(self, chat: ChatRef) -> str:
        async with self.service.stores.transaction() as store:
            meeting = await store.meeting_for_chat(chat)
            return meeting.title if meeting is not None else "draftbot"

    async def release(self, chat: ChatRef) -> None:
        """They wrote: what waited for them goes now, oldest first; a card as its point is now."""
        texts: list[int] = []  # consecutive texts go as one message
        for held_id, payload in await self.store.held(chat.chat_id):
            message: Text | PointCard | Document | None
            if payload["kind"] == "text":
                texts.append(held_id)
                continue
            await self._texts(chat, texts)
            texts = []
            if payload["kind"] == "card":
                message = await self.service.card(int(payload["point_id"]))
            else:
                content = base64.b64decode(str(payload["content"]))
                message = Document(str(payload["filename"]), content, str(payload["caption"]))
            if message is not None:
                await self.show(chat, message)
            await self.store.release(held_id)
        await self._texts(chat, texts)

    async def _texts(self, chat: ChatRef, held_ids: list[int]) -> None:
        if not held_ids:
            return
        waiting = dict(await self.store.held(chat.chat_id))
        lines = [str(waiting[i]["text"]) for i in held_ids if i in waiting]
        if lines:
            await self.show(chat, Text("\n\n".join(lines)))
        for held_id in held_ids:
            await self.store.release(held_id)


def _document(message: Document) -> dict[str, Any]:
    content = base64.b64encode(message.content).decode()
    return {"kind": "document", "filename": message.filename, "content": content, "caption": message.caption}
