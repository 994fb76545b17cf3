"""What the core answers, in platform-neutral terms; adapters render these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from drafting.i18n import t
from drafting.model import ChatRef, UserRef
from drafting.textdiff import Segment, console

if TYPE_CHECKING:
    from drafting.ports import DeliveryJournal


@dataclass(frozen=True)
class Mention:
    """A person to notify, as the core knows them; each adapter writes it its platform's way (a Telegram
    text mention, Slack's <@U…>), or as the plain name where the person is not on that platform."""

    user: UserRef
    name: str


@dataclass(frozen=True)
class Text:
    text: str
    # People the message calls on; adapters add them, rendered their way, on a last line.
    mentions: tuple[Mention, ...] = ()

    def plain(self) -> str:
        """The text with its mentions as plain names, for places that cannot mention anyone."""
        if not self.mentions:
            return self.text
        return self.text + "\n" + " ".join(f"@{m.name}" for m in self.mentions)

    # The same text as segments when it shows what an amendment changes (`item N`); `text` is then its
    # console form, `[-old-]{+new+}`, and an adapter may mark the changes its own way instead.
    marked: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class CardButton:
    action: str  # "approve" | "object" | "abstain"
    label: str  # already in the meeting's language


@dataclass(frozen=True)
class CardPosition:
    delegation: str
    stance: str  # "approve" | "object" | "abstain" | "" (none yet)
    stance_label: str
    reason: str = ""


@dataclass(frozen=True)
class CardAmendment:
    """One open amendment on a card: its heading and what it changes in the point's text, word by word.
    Each adapter marks the changes its own way (`drafting.textdiff`)."""

    number: int
    heading: str  # "Enmienda 2 (México):", in the meeting's language
    changes: tuple[Segment, ...]  # the point's text → the amendment's text

    def as_text(self) -> str:
        return f"{self.heading}\n{console(list(self.changes))}"


@dataclass(frozen=True)
class PointCard:
    """A point as a chat shows it: posted once per chat, then edited in place."""

    point_id: int
    meeting_id: int
    label: str
    title: str  # "Punto 3" / "Point 3"
    text: str
    state: str  # PointState value
    state_label: str
    subpoints: tuple[str, ...]  # "a. texto" lines
    positions: tuple[CardPosition, ...]
    tally: str  # "3 aprueban · 1 objeta · 6 pendientes"
    amendment: str  # the open amendments as plain text (console marks), or ""
    buttons: tuple[CardButton, ...]
    lang: str
    version: int = 0  # the point's card_version when this card was built
    amendments: tuple[CardAmendment, ...] = ()  # the open amendments, numbered, with their changes

    def parts(self) -> tuple[str, str, str]:
        """The card's text before the amendments, the amendments (console form), and after them: an
        adapter that marks changes its own way replaces the middle one."""
        head = [f"{self.title} — {self.state_label}", "", self.text]
        if self.subpoints:
            head += ["", *self.subpoints]
        tail: list[str] = []
        if self.positions:
            tail.append("")
            for p in self.positions:
                reason = f": {p.reason}" if p.reason else ""
                tail.append(f"{p.stance_label} {p.delegation}{reason}")
        if self.tally:
            tail += ["", self.tally]
        middle = "\n\n".join(a.as_text() for a in self.amendments) or self.amendment
        return "\n".join(head), middle, "\n".join(tail)

    def as_text(self) -> str:
        head, middle, tail = self.parts()
        return head + ("\n\n" + middle if middle else "") + ("\n" + tail if tail else "")


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str
    preview: str = ""  # Markdown of the same report, for consoles and previews


Message = Text | PointCard | Document


@dataclass(frozen=True)
class Digest:
    """An announcement that may share one message with others of its kind made in the same chat a
    moment later (several delegates joining at once): one group message listing them all instead of
    one each. `line` is this announcement's line in the shared message, `key` the catalogue entry
    that words the shared message from its lines (and `params`); alone, the delivery's own text goes."""

    key: str
    lang: str
    line: str
    params: tuple[tuple[str, str], ...] = ()


def together(digests: list[Digest]) -> Text:
    """The one message several announcements of one kind (the same key and params) make together."""
    first = digests[0]
    lines = "\n".join(f"• {d.line}" for d in digests)
    return Text(t(first.lang, first.key, n=len(digests), lines=lines, **dict(first.params)))


@dataclass(frozen=True)
class Delivery:
    """One message for one chat.

    `chat` None means the chat the request came from (answered in its thread). `point_id` asks the
    adapter to post in that point's thread where the platform has one. `private_to` sends the
    message to the user privately; if the platform cannot, the adapter posts `fallback` instead,
    and on success it posts `notice` in the chat.
    """

    message: Message
    chat: ChatRef | None = None
    point_id: int | None = None
    private_to: UserRef | None = None
    fallback: Text | None = None
    notice: Text | None = None
    # Only the requester needs it (a position noted): a button's toast, a Slack ephemeral message.
    ephemeral: bool = False
    # Set: the message may be held a moment and sent together with others of its kind (`Digest`).
    digest: Digest | None = None


@dataclass(frozen=True)
class Outcome:
    deliveries: tuple[Delivery, ...] = ()
    duplicate: bool = False  # the update was processed before; nothing was done or said
    ok: bool = True  # False when the request was refused (nothing changed)
    error: str | None = None  # the catalogue key of the refusal, e.g. "error.role"
    meeting_id: int | None = None
    point_ids: tuple[int, ...] = field(default_factory=tuple)
    # Its deliveries that must survive, journaled with the command (drafting.journal): the entry's id,
    # and the journal (a `DeliveryJournal`) the dispatcher reports their hand-over to.
    journal_id: int | None = None
    journaled: tuple[int, ...] = ()  # which of `deliveries` are in it (by index), in order
    journal: DeliveryJournal | None = field(default=None, compare=False, repr=False)

    def texts(self) -> list[str]:
        out: list[str] = []
        for d in self.deliveries:
            m = d.message
            out.append(
                m.as_text() if isinstance(m, PointCard) else m.text if isinstance(m, Text) else m.caption
            )
        return out
