"""The dispatcher's helpers for what the delivery journal holds (bot/dispatch.py): held messages
grouped into one, a journaled entry brought back to life on this worker, and the journal told.

Free functions over the journal (`DeliveryJournal`) and the channels, so the dispatcher itself stays
the routing and the holding's order of events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from drafting.journal import JournalRecord, RequestOrigin
from drafting.model import ChatRef
from drafting.ports import DeliveryJournal
from drafting.replies import Delivery, Text, together

log = logging.getLogger("draftbot.dispatch")

ACK = "ack"  # the group of held acknowledgements; a digest's group is its catalogue key
Groups = list[tuple[str, list["Held"]]]


@dataclass(frozen=True)
class Held:
    delivery: Delivery
    origin: Any | None
    chat: ChatRef  # the chat it waits in
    entry: int | None  # its journal entry; None without a journal


def grouped(
    mine: list[Held], records: list[JournalRecord], channels: Mapping[str, object]
) -> tuple[Groups, list[int]]:
    """`mine` (this worker's, as they came) and `records` (taken from the journal) by group, in
    order, and the entries taken. An entry of `mine` that is not among `records` was sent by another
    worker."""
    taken = {r.id for r in records}
    items = [h for h in mine if h.entry is None or h.entry in taken]
    known = {h.entry for h in items}
    for record in records:
        if record.id in known:
            continue
        deliveries, origin = revived(record, channels)
        for delivery in deliveries:
            chat = delivery.chat or (record.origin.chat if record.origin is not None else None)
            if chat is not None:
                items.append(Held(delivery, origin, chat, record.id))
    groups: dict[str, list[Held]] = {}
    for held in items:
        digest = held.delivery.digest
        groups.setdefault(digest.key if digest is not None else ACK, []).append(held)
    return list(groups.items()), [r.id for r in records]


def together_text(group: str, held: list[Held]) -> Text:
    """The one message a group of held deliveries makes (one alone: its own)."""
    if len(held) == 1 and isinstance(held[0].delivery.message, Text):
        return held[0].delivery.message
    if group == ACK:
        texts = [h.delivery.message for h in held if isinstance(h.delivery.message, Text)]
        return Text("\n".join(m.text for m in texts))
    return together([h.delivery.digest for h in held if h.delivery.digest is not None])


def unserved(record: JournalRecord, channels: Mapping[str, object]) -> list[str]:
    """The platforms an entry's deliveries go to that this worker has no channel for."""
    targets = {
        d.chat.platform if d.chat else d.private_to.platform if d.private_to else record.platform
        for d in record.deliveries
    }
    return sorted(p for p in targets - {"system"} if p not in channels)


def revived(record: JournalRecord, channels: Mapping[str, object]) -> tuple[tuple[Delivery, ...], Any | None]:
    """A journaled entry's deliveries and the origin to deliver them with: the channel's own, when
    it can make one from the journal's (`revive`); otherwise none, and answers go to the request's
    chat."""
    origin: RequestOrigin | None = record.origin
    revive = getattr(channels.get(record.platform), "revive", None)
    live = revive(origin) if revive is not None and origin is not None else None
    if live is not None or origin is None:
        return record.deliveries, live
    answers = tuple(d if d.chat is not None else replace(d, chat=origin.chat) for d in record.deliveries)
    return answers, None


async def mark_done(book: DeliveryJournal | None, entries: Collection[int]) -> None:
    if book is None or not entries:
        return
    try:
        await book.done(entries)
    except Exception:
        # Left in the journal, the entries would be delivered again by a sweep: said, not hidden.
        log.exception("journal entries %s were delivered but not marked so", sorted(entries))


@contextlib.asynccontextmanager
async def keeping(
    book: DeliveryJournal | None, entries: Collection[int], grace: float
) -> AsyncIterator[None]:
    """While entries are being delivered, no sweep takes them: their lease is renewed every `grace`/2
    seconds, which a fast hand-over (the usual one) never waits for."""
    if book is None or not entries:
        yield
        return
    keeper = asyncio.get_running_loop().create_task(_keep(book, list(entries), grace))
    try:
        yield
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper


async def _keep(book: DeliveryJournal, entries: list[int], grace: float) -> None:
    while True:
        await asyncio.sleep(grace / 2)
        try:
            await book.extend(entries, grace)
        except Exception:
            log.warning("could not renew the lease of journal entries %s", entries)
