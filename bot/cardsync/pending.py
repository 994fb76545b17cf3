"""Which cards of a chat must be redrawn: a set, not a queue, so a burst costs one edit per card."""

from __future__ import annotations


class Pending:
    """Points whose card is out of date, in the order first asked, each maybe `forced` (edit even if
    the database records the newest version as shown: a newer edit may lie under an older one)."""

    def __init__(self) -> None:
        self._points: dict[int, bool] = {}

    def mark(self, point_id: int, *, forced: bool = False) -> None:
        self._points[point_id] = self._points.get(point_id, False) or forced

    def take(self) -> tuple[int, bool]:
        """The oldest point asked for, and whether it is forced; it leaves the set."""
        point_id = next(iter(self._points))
        return point_id, self._points.pop(point_id)

    def absorb(self, other: Pending) -> None:
        """Takes over another chat's pending cards (the chat got a new id)."""
        for point_id, forced in other._points.items():
            self.mark(point_id, forced=forced)
        other._points.clear()

    def __contains__(self, point_id: object) -> bool:
        return point_id in self._points

    def __len__(self) -> int:
        return len(self._points)

    def __bool__(self) -> bool:
        return bool(self._points)
