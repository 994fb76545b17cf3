"""Per-process memories that cannot grow without end: the oldest entries are forgotten first.

Everything an adapter remembers (Telegram's outbox, Slack's cards and names) is a hint: the database
or the platform is the source of truth, so forgetting an old entry costs at most one more read.
`OrderedDict` keeps the order of use; no cache library is a dependency of draftbot, and these need
only a few lines.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedDict(Generic[K, V]):
    """A mapping of at most `limit` entries; setting or reading an entry makes it the newest."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._data: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._data))

    def __getitem__(self, key: K) -> V:
        value = self._data[key]
        self._data.move_to_end(key)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.limit:
            self._data.popitem(last=False)

    def get(self, key: K, default: V | None = None) -> V | None:
        return self[key] if key in self._data else default

    def pop(self, key: K, default: V | None = None) -> V | None:
        return self._data.pop(key, default)

    def values(self) -> list[V]:
        return list(self._data.values())


class BoundedSet(Generic[K]):
    """A set of at most `limit` members; adding a member again makes it the newest."""

    def __init__(self, limit: int) -> None:
        self._data: BoundedDict[K, None] = BoundedDict(limit)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def add(self, key: K) -> None:
        self._data[key] = None

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def discard(self, key: K) -> None:
        self._data.pop(key)
