"""The delivery journal's side in the core: which deliveries must survive a worker's death, and how
they are written down (platform-neutral JSON) and read back.

A command's deliveries are journaled in the command's own transaction (`DeliveryJournal.record`), so
a worker killed between the commit and the hand-over to its platform leaves them to another worker's
sweep (bot/dispatch.py). Not journaled: point cards (redrawn from the point's card version, which the
card sync compares with what each chat shows, so a lost edit is found anyway) and answers bound to
the request itself (a button's toast, a Slack slash command's ephemeral reply): nobody can receive
those once the request is gone.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from drafting.model import ChatRef, UserRef
from drafting.replies import Delivery, Digest, Document, Mention, Outcome, PointCard, Text
from drafting.textdiff import Kind, Segment

if TYPE_CHECKING:
    from drafting.ports import DeliveryJournal, Store


@dataclass(frozen=True)
class RequestOrigin:
    """Where a journaled outcome's request came from, enough to answer it sensibly later: its chat
    (an answer goes there), the message to reply to, who asked, and the point's thread it was in."""

    chat: ChatRef
    user: UserRef | None = None
    message_id: str | None = None
    thread_point_id: int | None = None


@dataclass(frozen=True)
class JournalRecord:
    """One journal entry read back: an outcome's deliveries not yet handed over, or (`hold` set, the
    chat as "platform:chat id") announcements and acknowledgements held for company in a chat."""

    id: int
    platform: str  # the platform of the request ("system" for the sweep's)
    hold: str
    origin: RequestOrigin | None
    deliveries: tuple[Delivery, ...]
    step: int = 0  # how many of `deliveries` were handed over already


@dataclass
class Handover:
    """What the journal records when a delivery has been handed to its platform: entries now done
    (deleted), and an entry's progress (its id, how many of its deliveries are handed over). Recorded
    in the very transaction that puts the platform's outbox rows when there is one (`rode`), so no
    sweep can send it again; otherwise on its own, after the hand-over."""

    done: tuple[int, ...] = ()
    advance: tuple[int, int] | None = None
    rode: bool = False


def durable(delivery: Delivery, origin: RequestOrigin | None) -> bool:
    """Whether a delivery is journaled: not a card, and not an answer only the request could carry.
    A requester-only acknowledgement of a typed message (it has a message id) is kept: it is a
    reaction or a line in a batch, sent after the request was answered."""
    if isinstance(delivery.message, PointCard):
        return False
    bound = delivery.ephemeral and delivery.chat is None and delivery.private_to is None
    return not bound or (origin is not None and origin.message_id is not None)


async def journaled(
    journal: DeliveryJournal | None,
    store: Store,
    platform: str,
    origin: RequestOrigin | None,
    outcome: Outcome,
) -> Outcome:
    """The outcome with its deliveries that must survive written down in the journal, in the
    transaction that decided them (`store`): one statement, none when there are none."""
    if journal is None:
        return outcome
    kept = [i for i, d in enumerate(outcome.deliveries) if durable(d, origin)]
    if not kept:
        return outcome
    entry = await journal.record(store, platform, origin, [outcome.deliveries[i] for i in kept])
    return replace(outcome, journal_id=entry, journaled=tuple(kept), journal=journal)


def hold_key(chat: ChatRef) -> str:
    return f"{chat.platform}:{chat.chat_id}"


# ---- JSON --------------------------------------------------------------------------------------


def origin_to_json(origin: RequestOrigin | None) -> dict[str, Any]:
    if origin is None:
        return {}
    return {
        "chat": _chat(origin.chat),
        "user": _user(origin.user),
        "message_id": origin.message_id,
        "thread_point_id": origin.thread_point_id,
    }


def origin_from_json(data: dict[str, Any]) -> RequestOrigin | None:
    chat = _chat_back(data.get("chat"))
    if chat is None:
        return None
    return RequestOrigin(
        chat, _user_back(data.get("user")), data.get("message_id"), data.get("thread_point_id")
    )


def deliveries_to_json(deliveries: Sequence[Delivery]) -> list[dict[str, Any]]:
    return [delivery_to_json(d) for d in deliveries]


def deliveries_from_json(data: Sequence[dict[str, Any]]) -> tuple[Delivery, ...]:
    return tuple(delivery_from_json(d) for d in data)


def delivery_to_json(delivery: Delivery) -> dict[str, Any]:
    message = delivery.message
    if isinstance(message, PointCard):
        raise ValueError("a point card is not journaled: the card sync redraws it")
    data: dict[str, Any] = {
        "message": _message(message),
        "chat": _chat(delivery.chat),
        "point_id": delivery.point_id,
        "private_to": _user(delivery.private_to),
        "fallback": _message(delivery.fallback),
        "notice": _message(delivery.notice),
        "ephemeral": delivery.ephemeral,
    }
    if delivery.digest is not None:
        d = delivery.digest
        data["digest"] = {"key": d.key, "lang": d.lang, "line": d.line, "params": [list(p) for p in d.params]}
    return data


def delivery_from_json(data: dict[str, Any]) -> Delivery:
    digest = data.get("digest")
    return Delivery(
        _message_back(data["message"]),
        chat=_chat_back(data.get("chat")),
        point_id=data.get("point_id"),
        private_to=_user_back(data.get("private_to")),
        fallback=_text_back(data.get("fallback")),
        notice=_text_back(data.get("notice")),
        ephemeral=bool(data.get("ephemeral")),
        digest=Digest(
            str(digest["key"]),
            str(digest["lang"]),
            str(digest["line"]),
            tuple((str(k), str(v)) for k, v in digest.get("params") or []),
        )
        if digest
        else None,
    )


def _message(message: Text | Document | None) -> dict[str, Any] | None:
    if message is None:
        return None
    if isinstance(message, Document):
        return {
            "document": message.filename,
            "content": base64.b64encode(message.content).decode("ascii"),
            "caption": message.caption,
            "preview": message.preview,
        }
    return {
        "text": message.text,
        "mentions": [[_user(m.user), m.name] for m in message.mentions],
        "marked": [[s.kind, s.text] for s in message.marked],
    }


def _message_back(data: dict[str, Any]) -> Text | Document:
    if "document" in data:
        return Document(
            str(data["document"]),
            base64.b64decode(data.get("content") or ""),
            str(data.get("caption", "")),
            str(data.get("preview", "")),
        )
    text = _text_back(data)
    assert text is not None
    return text


def _text_back(data: dict[str, Any] | None) -> Text | None:
    if data is None:
        return None
    mentions = tuple(
        Mention(user, str(name))
        for raw, name in data.get("mentions") or []
        if (user := _user_back(raw)) is not None
    )
    marked = tuple(Segment(cast(Kind, kind), str(text)) for kind, text in data.get("marked") or [])
    return Text(str(data.get("text", "")), mentions, marked)


def _chat(chat: ChatRef | None) -> list[str] | None:
    return None if chat is None else [chat.platform, chat.chat_id, chat.workspace]


def _chat_back(data: Sequence[str] | None) -> ChatRef | None:
    return None if not data else ChatRef(*(str(x) for x in data))


def _user(user: UserRef | None) -> list[str] | None:
    return None if user is None else [user.platform, user.user_id, user.workspace, user.display_name]


def _user_back(data: Sequence[str] | None) -> UserRef | None:
    return None if not data else UserRef(*(str(x) for x in data))
