"""The console adapter: several people typing at one terminal, on the same path as the chat adapters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from drafting.model import ChatRef, UserRef
from drafting.replies import Delivery, Document, Outcome, PointCard, Text
from drafting.service import DraftingService
from drafting.turn import Context

PLATFORM = "console"


@dataclass
class ConsoleAdapter:
    service: DraftingService
    out_dir: Path
    chat: ChatRef = field(default_factory=lambda: ChatRef(PLATFORM, "room"))
    write: Callable[[str], None] = print
    documents: list[Path] = field(default_factory=list)
    show_cards: bool = True
    before_each: Callable[[], None] | None = None  # the demo moves its clock on

    def context(self, who: str) -> Context:
        user = UserRef(PLATFORM, who.casefold(), "", who)
        return Context(chat=self.chat, user=user, prefix="")

    async def say(self, who: str, text: str) -> Outcome:
        """`who` types `text` (no prefix: `propose …`, `approve 3`)."""
        self.write(f"\n[{who}] {text}")
        if self.before_each is not None:
            self.before_each()
        # No background sweeper at a terminal: due silence procedures end before the next command.
        for delivery in (await self.service.sweep()).deliveries:
            self.deliver(delivery, "draftbot")
        outcome = await self.service.handle_text(self.context(who), text)
        for delivery in outcome.deliveries:
            self.deliver(delivery, who)
        return outcome

    async def press(self, who: str, point_id: int, action: str, reason: str = "") -> Outcome:
        self.write(f"\n[{who}] (button {action} on card #{point_id})")
        outcome = await self.service.press(self.context(who), point_id, action, reason)
        for delivery in outcome.deliveries:
            self.deliver(delivery, who)
        return outcome

    def deliver(self, delivery: Delivery, who: str) -> None:
        message = delivery.message
        if delivery.chat is not None and delivery.chat.platform != PLATFORM:
            return  # belongs to a chat on another platform
        if delivery.private_to is not None:
            self.write(_indent(f"(privately to {delivery.private_to.display_name}) {_text(message)}"))
            if delivery.notice is not None:
                self.write(_indent(delivery.notice.text))
            return
        if isinstance(message, PointCard):
            if self.show_cards:
                buttons = " ".join(f"[{b.label}]" for b in message.buttons)
                self.write(_indent(message.as_text() + (f"\n{buttons}" if buttons else ""), "  │ "))
            return
        if isinstance(message, Document):
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path = self.out_dir / _safe_name(message.filename)
            path.write_bytes(message.content)
            self.documents.append(path)
            self.write(_indent(f"{message.caption}\n📄 {path}"))
            return
        self.write(_indent(message.plain()))


def _text(message: Text | PointCard | Document) -> str:
    if isinstance(message, Text):
        return message.plain()
    if isinstance(message, PointCard):
        return message.as_text()
    return message.caption


def _indent(text: str, mark: str = "  ") -> str:
    return "\n".join(mark + line for line in text.splitlines())


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:120] or "document.docx"
