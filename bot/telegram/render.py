"""How the core's messages look on Telegram, and how Telegram's text is read back as commands.

Pure functions, no I/O: card text and inline buttons, callback data, splitting at Telegram's length
limits, forum topic names, the command lists for `setMyCommands`, and the command in a message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, User

from drafting.commands import SPECS, Spec, command_words, fold
from drafting.i18n import t
from drafting.replies import Mention, PointCard, Text
from drafting.textdiff import Segment, clip, condense, spans

MAX_TEXT = 4096  # characters in one message (after entity parsing; cards and mentions carry entities)
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
MAX_CALLBACK_ANSWER = 200
MAX_TOPIC_NAME = 128

# Callback data carries ids only: "p:<point id>:<action letter>". The press is re-checked in full by
# the core, so nothing in it is trusted beyond naming a point and an action.
# "ad_referendum" ("r") takes no position: Telegram has no form to ask the date in, so its press
# answers with the command to type.
AD_REFERENDUM = "ad_referendum"
_ACTION_LETTER = {"approve": "a", "object": "o", "abstain": "x", AD_REFERENDUM: "r"}
_LETTER_ACTION = {v: k for k, v in _ACTION_LETTER.items()}
_CALLBACK = re.compile(r"p:(\d{1,18}):([aoxr])")


def callback_data(point_id: int, action: str) -> str:
    data = f"p:{point_id}:{_ACTION_LETTER[action]}"
    assert len(data.encode()) <= MAX_CALLBACK_DATA
    return data


def parse_callback(data: str | None) -> tuple[int, str] | None:
    """(point id, action) from a button's data, or None for anything we did not make."""
    match = _CALLBACK.fullmatch(data or "")
    if match is None:
        return None
    return int(match.group(1)), _LETTER_ACTION[match.group(2)]


# ---- cards ---------------------------------------------------------------------------------------


def card_text(card: PointCard) -> str:
    """The card as one message; a point longer than a message is cut, with the way to read it whole."""
    text = card.as_text()
    if units(text) <= MAX_TEXT:
        return text
    more = "\n…\n(" + ("/punto" if card.lang == "es" else "/item") + f" {card.label})"
    room = MAX_TEXT - (units(text) - units(card.text)) - units(more)
    shortened = card.text[: _fitting(card.text, max(room, 0))] + more
    text = replace(card, text=shortened).as_text()
    return text[: _fitting(text, MAX_TEXT)]


def card_message(card: PointCard) -> tuple[str, list[MessageEntity]]:
    """The card with its amendments' changes marked the Telegram way: struck-through old words and
    underlined new ones, as message entities over plain text (nothing a delegate wrote can be read
    as markup). Within 4,096 units: long unchanged stretches are cut first, then the changes, then
    the card as `card_text` cuts it, unmarked."""
    if not card.amendments:
        return card_text(card), []
    head, _, tail = card.parts()
    changes = [list(a.changes) for a in card.amendments]
    for squeeze in range(4):
        if squeeze == 1:
            changes = [condense(c) for c in changes]
        elif squeeze == 2 and units(head) > MAX_TEXT // 3:
            # the point's own text gives room first: it can be read whole with /punto N
            more = "\n…\n(" + ("/punto" if card.lang == "es" else "/item") + f" {card.label})"
            keep = max(MAX_TEXT // 3 - (units(head) - units(card.text)) - units(more), 0)
            head = replace(card, text=card.text[: _fitting(card.text, keep)] + more).parts()[0]
        elif squeeze == 3:
            room = MAX_TEXT - units(head) - units(tail) - 4
            share = max(room // len(changes) - 120, 0)
            changes = [clip(c, share) for c in changes]
        text, entities = _with_changes(head, card, changes)
        text += ("\n" + tail) if tail else ""
        if units(text) <= MAX_TEXT:
            return text, entities
    return card_text(card), []


def _with_changes(
    head: str, card: PointCard, changes: list[list[Segment]]
) -> tuple[str, list[MessageEntity]]:
    text, entities = head + "\n\n", []
    for index, (amendment, segments) in enumerate(zip(card.amendments, changes, strict=True)):
        text += ("\n\n" if index else "") + amendment.heading + "\n"
        plain, ranges = spans(segments)
        base = units(text)
        for kind, start, end in ranges:
            offset = base + units(plain[:start])
            kind_name = MessageEntity.STRIKETHROUGH if kind == "del" else MessageEntity.UNDERLINE
            entities.append(MessageEntity(kind_name, offset, units(plain[start:end])))
        text += plain
    return text, entities


def marked_text(message: Text) -> tuple[str, list[MessageEntity] | None]:
    """A text that shows changes (`item N`): struck and underlined where it fits one message; longer,
    the console form, which the outbox splits like any text."""
    plain, ranges = spans(list(message.marked))
    if units(plain) > MAX_TEXT:
        return message.text, None
    entities = [
        MessageEntity(
            MessageEntity.STRIKETHROUGH if kind == "del" else MessageEntity.UNDERLINE,
            units(plain[:start]),
            units(plain[start:end]),
        )
        for kind, start, end in ranges
    ]
    return plain, entities or None


def card_keyboard(card: PointCard) -> InlineKeyboardMarkup | None:
    if not card.buttons:
        return None
    rows = [
        [
            InlineKeyboardButton(b.label, callback_data=callback_data(card.point_id, b.action))
            for b in card.buttons
        ]
    ]
    if any(b.action == "approve" for b in card.buttons):
        label = t(card.lang, "button.ad_referendum")
        rows.append([InlineKeyboardButton(label, callback_data=callback_data(card.point_id, AD_REFERENDUM))])
    return InlineKeyboardMarkup(rows)


def topic_name(card: PointCard) -> str:
    """ "Punto 3 · Agradecer a las delegaciones…" within the 128 characters a topic name may have."""
    first = " ".join(card.text.split())
    name = f"{card.title} · {first}"
    if units(name) > MAX_TOPIC_NAME:
        name = name[: _fitting(name, MAX_TOPIC_NAME - 1)].rstrip() + "…"
    return name


# ---- lengths -------------------------------------------------------------------------------------


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    """How many leading characters of `text` fit in `limit` units."""
    if units(text) <= limit:
        return len(text)
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` units, cut at a paragraph, else a line, else a space."""
    pieces: list[str] = []
    rest = text
    while units(rest) > limit:
        fit = _fitting(rest, limit)
        window = rest[:fit]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut >= fit // 2:
                break
        if cut < fit // 2:
            cut = fit
        piece = rest[:cut].rstrip()
        if piece:
            pieces.append(piece)
        rest = rest[cut:].lstrip("\n ")
    if rest.strip() or not pieces:
        pieces.append(rest)
    return pieces


def short_answer(text: str) -> str:
    """A callback answer (at most 200 characters)."""
    text = text.strip()
    if units(text) <= MAX_CALLBACK_ANSWER:
        return text
    return text[: _fitting(text, MAX_CALLBACK_ANSWER - 1)].rstrip() + "…"


# ---- the command menu ----------------------------------------------------------------------------


def _description(spec: Spec, lang: str) -> str:
    text = t(lang, spec.help_key) or spec.name
    return text[:256]


def command_menu(lang: str, specs: Sequence[Spec] = SPECS) -> list[BotCommand]:
    """The commands for `setMyCommands`: English words by default, the Spanish aliases for "es"."""
    return [BotCommand(spec.alias if lang == "es" else spec.name, _description(spec, lang)) for spec in specs]


# ---- reading commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A command as typed on Telegram, with the slash and any @botname removed."""

    text: str  # "/propose Agradecer …" without "@botname", as the core parses it
    word: str  # "propose", folded
    spec: Spec | None  # None for a word the core does not know (the core says so)


# "/asistencia: A, B y C": a colon may follow the word (Telegram then sees no command; we do).
_HEAD = re.compile(r"/([A-Za-z0-9_áéíóúñÁÉÍÓÚÑ-]{1,64})(?:@([A-Za-z0-9_]{3,64}))?(?=\s|$|:)")


def read_command(text: str, bot_username: str) -> Command | None:
    """The command in a message, or None when it is not one or is meant for another bot.

    `/propose@draftbot texto` gives "/propose texto" (the core ignores the slash and says it back in
    errors as typed);
    `/propose@otherbot …` gives None.
    """
    match = _HEAD.match(text)
    if match is None:
        return None
    target = match.group(2)
    if target is not None and target.casefold() != bot_username.casefold():
        return None
    word = match.group(1)
    rest = text[match.end() :]
    found = command_words().get(fold(word))
    return Command(text="/" + word + rest, word=fold(word), spec=found[0] if found else None)


def is_read_only(command: Command) -> bool:
    """Commands anyone may use and that change nothing (help, items, item): safe without knowing who."""
    spec = command.spec
    return spec is not None and spec.roles is None and not spec.writes


def with_mentions(text: str, mentions: tuple[Mention, ...]) -> tuple[str, tuple[MessageEntity, ...]]:
    """The text and a last line naming each person: a Telegram text mention (it notifies them, with no
    @username needed) for a Telegram user, the plain name for anyone on another platform."""
    if not mentions:
        return text, ()
    line = text + "\n"
    entities: list[MessageEntity] = []
    for index, mention in enumerate(mentions):
        if index:
            line += ", "
        name = mention.name or mention.user.user_id
        if mention.user.platform == "telegram" and mention.user.user_id.lstrip("-").isdigit():
            user = User(id=int(mention.user.user_id), first_name=name, is_bot=False)
            entities.append(MessageEntity(MessageEntity.TEXT_MENTION, units(line), units(name), user=user))
        line += name
    return line, tuple(entities)
