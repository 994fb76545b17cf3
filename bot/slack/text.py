"""Slack's message markup, in both directions.

Incoming: Slack sends what a person typed with `&`, `<` and `>` escaped and with mentions, channels
and links as `<…>` tokens; the core wants plain text. Outgoing: anything we post as `text` is
mrkdwn, so `&`, `<` and `>` are escaped — a point's text can then never ping `<!channel>` or turn
into a link it did not contain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from drafting.replies import Mention

_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
SLACK_TEXT_LIMIT = 3500  # well under Slack's 4,000-character advice for one message


def plain(text: str) -> str:
    """The text a person typed: `<@U1|ana>` → `@ana`, `<https://x|x>` → `x`, entities decoded."""

    def token(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return target[0] + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        return label or target

    text = _TOKEN.sub(token, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def without_mention(text: str, bot_user_id: str | None) -> str:
    """A mention's text with the bot's own `<@U…>` tokens removed."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^<>]*)?>", " ", text)
    return text


def mentions(text: str, bot_user_id: str | None) -> bool:
    return (
        bool(bot_user_id) and re.search(rf"<@{re.escape(bot_user_id or '')}(?:\|[^<>]*)?>", text) is not None
    )


def escape(text: str) -> str:
    """Text safe to post as mrkdwn: no links, mentions or broadcasts it did not already spell out."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention_line(mentions: Sequence[Mention], workspace: str) -> str:
    """The people a message calls on, as mrkdwn: <@U…> for a user of this workspace (Slack notifies
    them), the escaped plain name for anyone else."""
    out = []
    for m in mentions:
        same = m.user.platform == "slack" and m.user.workspace == workspace
        ok = same and re.fullmatch(r"[UW][A-Z0-9]{2,40}", m.user.user_id) is not None
        out.append(f"<@{m.user.user_id}>" if ok else escape(m.name or m.user.user_id))
    return ", ".join(out)


def command_text(text: str) -> str:
    """What the core parses: surrounding blank space off, inner line breaks kept (newmeeting)."""
    return text.strip()


def chunks(text: str, limit: int = SLACK_TEXT_LIMIT) -> list[str]:
    """Splits a long text at line breaks (or hard, for one very long line) into pieces ≤ limit."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    lines: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal lines, size
        if lines:
            out.append("\n".join(lines))
        lines, size = [], 0

    for line in text.split("\n"):
        while len(line) > limit:
            flush()
            out.append(line[:limit])
            line = line[limit:]
        extra = len(line) + (1 if lines else 0)
        if size + extra > limit:
            flush()
            extra = len(line)
        lines.append(line)
        size += extra
    flush()
    return out


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
