"""A per-process cache with a size limit, for what a long-running worker meets ever more of:
channels, cards, people. What it forgets is read again from Slack or the database.

A dozen lines over `OrderedDict` rather than a dependency (cachetools would do the same) for three
caches that need nothing else.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(OrderedDict[K, V]):
    """A per-process cache that forgets its least recently used entries beyond `limit`: a
    long-running worker meets ever new channels, points and people."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __getitem__(self, key: K) -> V:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)
