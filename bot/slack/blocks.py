"""Block Kit for point cards and the objection modal.

Everything a person wrote (point text, sub-points, reasons) goes into `plain_text` objects, so it is
shown as written and can carry no markup, mention or link; an amendment's changes are mrkdwn (struck
and bold), escaped so that they too carry no mention or link. Buttons carry ids only:
`value` is the point id, `action_id` the action; the core re-checks who may do what on every press.
"""

from __future__ import annotations

import json
from typing import Any

from bot.slack.text import chunks, clip
from drafting.i18n import t
from drafting.replies import CardAmendment, PointCard
from drafting.textdiff import Segment, condense, slack
from drafting.textdiff import clip as clip_changes

ACTION_PREFIX = "draft_"  # action_id = "draft_approve" | "draft_object" | "draft_abstain"
ACTIONS = ("approve", "object", "abstain")
# The fourth button opens a modal asking the date; the submitted date is approved as
# `approve <n> ad referendum <date>`. Shown only beside an Approve button.
AD_REFERENDUM = "ad_referendum"
OBJECT_VIEW = "draft_object"  # callback_id of the objection modal
AD_REFERENDUM_VIEW = "draft_ad_referendum"  # callback_id of the ad referendum modal
REASON_BLOCK = "reason"
REASON_ACTION = "reason"
UNTIL_BLOCK = "until"
UNTIL_ACTION = "until"
UNTIL_MAX = 500  # the core's MAX_FIELD
REASON_MAX = 1000  # the core's MAX_REASON

MAX_BLOCKS = 50
SECTION_LIMIT = 2900  # a section's text may hold 3,000 characters
HEADER_LIMIT = 150
FALLBACK_LIMIT = 3000

Block = dict[str, Any]

_STYLE = {"approve": "primary", "object": "danger"}

MODAL_TEXT = {
    "es": {
        "title": "Objetar el punto {label}",
        "label": "¿Por qué objeta su delegación?",
        "hint": "El motivo se muestra en la tarjeta del punto y queda en su historial.",
        "submit": "Objetar",
        "close": "Cancelar",
    },
    "en": {
        "title": "Object to point {label}",
        "label": "Why does your delegation object?",
        "hint": "The reason is shown on the point's card and kept in its history.",
        "submit": "Object",
        "close": "Cancel",
    },
}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def _sections(text: str) -> list[Block]:
    return [{"type": "section", "text": _plain(part)} for part in chunks(text, SECTION_LIMIT) if part.strip()]


def card_blocks(card: PointCard) -> list[Block]:
    """The card: header with state, the text, sub-points, open amendment, positions, tally, buttons."""
    head: list[Block] = [
        {"type": "header", "text": _plain(clip(f"{card.title} — {card.state_label}", HEADER_LIMIT))}
    ]
    body: list[Block] = _sections(card.text)
    if card.subpoints:
        body += _sections("\n".join(card.subpoints))
    if card.amendments:
        body += [_amendment_section(a) for a in card.amendments]
    elif card.amendment:
        body += _sections(card.amendment)
    if card.positions:
        lines = []
        for p in card.positions:
            reason = f": {p.reason}" if p.reason else ""
            lines.append(f"{p.stance_label} {p.delegation}{reason}")
        body += [{"type": "divider"}, *_sections("\n".join(lines))]
    tail: list[Block] = []
    if card.tally:
        tail.append({"type": "context", "elements": [_plain(clip(card.tally, 2000))]})
    if card.buttons:
        tail.append(
            {
                "type": "actions",
                "block_id": f"draft_card_{card.point_id}",
                "elements": _buttons(card),
            }
        )
    room = MAX_BLOCKS - len(head) - len(tail)
    if len(body) > room:
        body = [*body[: room - 1], {"type": "section", "text": _plain("…")}]
    return head + body + tail


def _amendment_section(amendment: CardAmendment) -> Block:
    """An amendment as what it changes: `~old~ *new*` in mrkdwn (escaped: what a delegate wrote cannot
    become a mention or a link; `verbatim` keeps Slack from linking on its own). Within a section's
    3,000 characters: long unchanged stretches are cut first, then the changes."""
    heading = slack([Segment("same", amendment.heading)])
    changes = list(amendment.changes)
    text = f"{heading}\n{slack(changes)}"
    if len(text) > SECTION_LIMIT:
        changes = condense(changes)
        text = f"{heading}\n{slack(changes)}"
    budget = SECTION_LIMIT - len(heading) - 200
    while len(text) > SECTION_LIMIT and budget > 0:
        text = f"{heading}\n{slack(clip_changes(changes, budget))}"
        budget -= 300  # escaping and marks make the text longer than the characters kept
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT], "verbatim": True}}


def _buttons(card: PointCard) -> list[Block]:
    shown = [_button(card, b.action, b.label) for b in card.buttons if b.action in ACTIONS]
    if any(b.action == "approve" for b in card.buttons):
        shown.append(_button(card, AD_REFERENDUM, t(card.lang, "button.ad_referendum")))
    return shown


def _button(card: PointCard, action: str, label: str) -> Block:
    button: Block = {
        "type": "button",
        "action_id": ACTION_PREFIX + action,
        "text": _plain(clip(label, 75)),
        "value": str(card.point_id),
    }
    if action in _STYLE:
        button["style"] = _STYLE[action]
    return button


def card_fallback(card: PointCard) -> str:
    """The `text` beside the blocks: what notifications and screen readers show."""
    return clip(card.as_text(), FALLBACK_LIMIT)


def objection_modal(card: PointCard, metadata: dict[str, str]) -> Block:
    words = MODAL_TEXT.get(card.lang, MODAL_TEXT["es"])
    return {
        "type": "modal",
        "callback_id": OBJECT_VIEW,
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "title": _plain(clip(words["title"].format(label=card.label), 24)),
        "submit": _plain(words["submit"]),
        "close": _plain(words["close"]),
        "blocks": [
            {"type": "section", "text": _plain(clip(card.text, SECTION_LIMIT))},
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": _plain(words["label"]),
                "hint": _plain(words["hint"]),
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_ACTION,
                    "multiline": True,
                    "max_length": REASON_MAX,
                },
            },
        ],
    }


def submitted_reason(view: dict[str, Any]) -> str:
    values = view.get("state", {}).get("values", {})
    value = values.get(REASON_BLOCK, {}).get(REASON_ACTION, {}).get("value")
    return value if isinstance(value, str) else ""


def ad_referendum_modal(card: PointCard, metadata: dict[str, str]) -> Block:
    """Asks the date by which the delegation expects its capital's confirmation."""

    def say(key: str) -> str:
        return t(card.lang, f"button.ad_referendum_{key}", label=card.label)

    return {
        "type": "modal",
        "callback_id": AD_REFERENDUM_VIEW,
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "title": _plain(clip(say("title"), 24)),
        "submit": _plain(clip(say("submit"), 24)),
        "close": _plain(clip(say("close"), 24)),
        "blocks": [
            {"type": "section", "text": _plain(clip(card.text, SECTION_LIMIT))},
            {
                "type": "input",
                "block_id": UNTIL_BLOCK,
                "label": _plain(clip(say("label"), 2000)),
                "hint": _plain(clip(say("hint"), 2000)),
                "element": {
                    "type": "plain_text_input",
                    "action_id": UNTIL_ACTION,
                    "placeholder": _plain(clip(say("example"), 150)),
                    "max_length": UNTIL_MAX,
                },
            },
        ],
    }


def submitted_until(view: dict[str, Any]) -> str:
    values = view.get("state", {}).get("values", {})
    value = values.get(UNTIL_BLOCK, {}).get(UNTIL_ACTION, {}).get("value")
    return value if isinstance(value, str) else ""
