"""The open points of a member's meeting as a WhatsApp list message (`puntos` / `items` typed in a
one-to-one chat): a row per point, picked to show that point's card with its buttons.

Meta's limits (interactive list messages): at most 10 rows across all sections, row titles up to 24
characters, descriptions up to 72, the button up to 20. With more than 10 open points a page holds 9
and its last row shows the next page; `punto N` typed works for any point at any time.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafting.i18n import t
from drafting.model import ChatRef, Point, PointState
from drafting.service import DraftingService

ROW = "pt"  # row ids: pt:<point id>
PAGE = "pg"  # the next page's row: pg:<first index>
ROWS = 10
CLOSED = frozenset({PointState.ADOPTED, PointState.WITHDRAWN})


@dataclass(frozen=True)
class PointList:
    body: str
    button: str
    footer: str
    rows: list[tuple[str, str, str]]  # (id, title, description)


async def open_points(service: DraftingService, chat: ChatRef) -> tuple[int, list[Point]] | None:
    """The meeting of this chat and its open points in their order; None without a meeting."""
    async with service.stores.read() as store:
        meeting = await store.meeting_for_chat(chat)
        if meeting is None:
            return None
        points = await store.points(meeting.id)
    return meeting.id, [p for p in points if p.state not in CLOSED]


def page(lang: str, points: list[Point], first: int = 0) -> PointList:
    """Rows for points[first:]; a last row leads on when they do not fit in ten."""
    rest = points[first:]
    shown = rest if len(rest) <= ROWS else rest[: ROWS - 1]
    rows = [(f"{ROW}:{p.id}", t(lang, "whatsapp.list_row", label=p.label), _about(p.text)) for p in shown]
    if len(shown) < len(rest):
        about = t(lang, "whatsapp.list_more_about", total=len(points))
        rows.append((f"{PAGE}:{first + len(shown)}", t(lang, "whatsapp.list_more"), about))
    return PointList(
        t(lang, "whatsapp.list_body"), t(lang, "whatsapp.list_button"), t(lang, "whatsapp.list_footer"), rows
    )


def _about(text: str) -> str:
    """The point's text on one line; the sender clips it to Meta's 72 characters."""
    return " ".join(text.split())
