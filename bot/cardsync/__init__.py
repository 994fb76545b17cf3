"""Keeping a point's card right in every chat, on every platform, with several workers at once.

The protocol lives here once (`CardSync`): which version a card message shows, the claim of a first
card against other workers, a duplicate's deletion, a card deleted by someone posted again, and "a
newer version was drawn meanwhile" (draw again). Bursts are coalesced by `Pending`, and chats paced by
`Pacer`. A platform supplies only a `CardPort` (post / edit / delete of one card message in one chat)
and its limits; it imports nothing from here but these names, and nothing here imports a chat library.
"""

from bot.cardsync.pacing import Pacer
from bot.cardsync.pending import Pending
from bot.cardsync.port import CardPort, CardStore, Posted
from bot.cardsync.sync import NOT_SHOWN, CardSync

__all__ = ["NOT_SHOWN", "CardPort", "CardStore", "CardSync", "Pacer", "Pending", "Posted"]
