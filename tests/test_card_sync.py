"""The card protocol shared by every platform (bot.cardsync), seen in a chat of a small platform that
keeps its messages in a list: one card per point and chat, showing the point as it is in the
database, whatever the order in which workers draw it. One platform here cannot edit (like WhatsApp):
it re-posts."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.cardsync import CardSync, Pending, Posted
from drafting.model import ChatRef
from drafting.ports import CardMessage
from drafting.replies import PointCard
from drafting.service import DraftingService
from tests.kit import Room, card_in, set_up_meeting


@dataclass
class Chat:
    """What the people in one chat see: messages by id, each a card's text."""

    messages: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    next_id: int = 1

    def cards(self) -> list[str]:
        return list(self.messages.values())


@dataclass
class RelayPort:
    """A `CardPort` on the chat above; `can_edit=False` is a platform without edits."""

    room: Room
    seen: Chat
    can_edit: bool = True

    @property
    def chat(self) -> ChatRef:
        return self.room.chat

    async def post(self, card: PointCard) -> Posted:
        self.seen.calls.append("post")
        message_id = str(self.seen.next_id)
        self.seen.next_id += 1
        self.seen.messages[message_id] = card.as_text()
        return Posted(message_id)

    async def edit(self, placed: CardMessage, card: PointCard) -> bool:
        self.seen.calls.append("edit")
        if not self.can_edit or placed.message_id not in self.seen.messages:
            return False
        self.seen.messages[placed.message_id] = card.as_text()
        return True

    async def delete(self, copy: CardMessage) -> None:
        self.seen.calls.append("delete")
        self.seen.messages.pop(copy.message_id, None)


async def _point(service: DraftingService) -> tuple[Room, dict[str, str], PointCard]:
    room = Room(service)
    people = await set_up_meeting(room)
    card = card_in(await room.say(people["México"], "/proponer Tomar nota del informe."))
    return room, people, card


async def _fresh(service: DraftingService, room: Room, point_id: int) -> tuple[PointCard, CardMessage | None]:
    card, messages = await service.card_and_messages(point_id)
    assert card is not None
    return card, next((m for m in messages if m.chat == room.chat), None)


async def test_a_card_is_posted_once_then_edited_in_place_to_show_each_position(
    service: DraftingService,
) -> None:
    room, people, card = await _point(service)
    seen = Chat()
    sync = CardSync(service, RelayPort(room, seen))
    assert not await sync.draw(card, None)
    assert (await room.press(people["Honduras"], card.point_id, "approve")).ok
    assert not await sync.draw(*await _fresh(service, room, card.point_id))
    (shown,) = seen.cards()
    assert "aprueba Honduras" in shown and seen.calls == ["post", "edit"]
    assert await service.stale_cards("test") == []


async def test_a_card_recorded_as_showing_the_newest_version_is_not_edited_again(
    service: DraftingService,
) -> None:
    room, _people, card = await _point(service)
    seen = Chat()
    sync = CardSync(service, RelayPort(room, seen))
    await sync.draw(card, None)
    assert not await sync.draw(*await _fresh(service, room, card.point_id))
    assert seen.calls == ["post"]


async def test_two_workers_posting_the_same_first_card_leave_one_card_showing_the_latest_state(
    service: DraftingService,
) -> None:
    room, people, card = await _point(service)
    seen = Chat()
    first = CardSync(service, RelayPort(room, seen))
    second = CardSync(service, RelayPort(room, seen))
    await first.draw(card, None)
    assert (await room.press(people["Honduras"], card.point_id, "approve")).ok
    newer, _ = await _fresh(service, room, card.point_id)
    # the second worker read before the first one's card was recorded: it posts a copy too
    assert not await second.draw(newer, None)
    (shown,) = seen.cards()
    assert "aprueba Honduras" in shown
    (placed,) = await service.card_messages(card.point_id)
    assert placed.message_id == "1" and placed.shown_version == newer.version


async def test_an_edit_overtaken_by_a_newer_version_is_drawn_again_and_the_card_ends_right(
    service: DraftingService,
) -> None:
    room, people, card = await _point(service)
    seen = Chat()
    sync = CardSync(service, RelayPort(room, seen))
    await sync.draw(card, None)
    assert (await room.press(people["Honduras"], card.point_id, "approve")).ok
    older, placed = await _fresh(service, room, card.point_id)
    assert (await room.press(people["Panamá"], card.point_id, "object", "falta un plazo")).ok
    # this worker's read is older than the state just committed: its edit asks for another draw
    assert await sync.draw(older, placed, forced=True)
    assert "objeta Panamá" not in seen.cards()[0]
    assert not await sync.draw(*await _fresh(service, room, card.point_id))
    (shown,) = seen.cards()
    assert "aprueba Honduras" in shown and "objeta Panamá" in shown
    assert await service.stale_cards("test") == []


async def test_a_platform_without_edits_reposts_the_card_and_the_new_message_becomes_the_card(
    service: DraftingService,
) -> None:
    room, people, card = await _point(service)
    seen = Chat()
    sync = CardSync(service, RelayPort(room, seen, can_edit=False))
    await sync.draw(card, None)
    assert (await room.press(people["Honduras"], card.point_id, "approve")).ok
    assert not await sync.draw(*await _fresh(service, room, card.point_id))
    assert seen.calls == ["post", "edit", "post"]
    assert "aprueba Honduras" in seen.messages["2"]
    (placed,) = await service.card_messages(card.point_id)
    assert placed.message_id == "2"
    assert await service.stale_cards("test") == []


async def test_a_card_deleted_in_the_chat_is_posted_again(service: DraftingService) -> None:
    room, people, card = await _point(service)
    seen = Chat()
    sync = CardSync(service, RelayPort(room, seen))
    await sync.draw(card, None)
    seen.messages.clear()  # someone deleted it
    assert (await room.press(people["Honduras"], card.point_id, "approve")).ok
    await sync.draw(*await _fresh(service, room, card.point_id))
    (shown,) = seen.cards()
    assert "aprueba Honduras" in shown


def test_a_burst_of_changes_to_one_card_is_one_redraw_and_a_forced_one_stays_forced() -> None:
    pending = Pending()
    for _ in range(50):
        pending.mark(3)
    pending.mark(4)
    pending.mark(3, forced=True)
    pending.mark(3)
    assert len(pending) == 2
    assert pending.take() == (3, True)
    assert pending.take() == (4, False)
    assert not pending
