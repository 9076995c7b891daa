"""Posters the page has seen, kept in memory so a resubmit or a shared link can use them again.

A browser cannot refill a file input, so without this a poster silently drops out of the second
forecast. The store is small and bounded (least recently used out first) and lives as long as the
server process; a link whose poster is gone is forecast without it, and the page says so.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["PosterStore"]


class PosterStore:
    """``put(info, data) -> id`` and ``get(id) -> (info, data) | None``; ids are sha256 prefixes."""

    def __init__(self, max_items: int = 64):
        self.max_items = max_items
        self._items: OrderedDict[str, tuple[dict, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, info: dict, data: bytes) -> str:
        key = info["sha256"][:16]
        with self._lock:
            self._items[key] = ({**info, "id": key}, data)
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return key

    def get(self, key: str | None):
        if not key:
            return None
        with self._lock:
            item = self._items.get(str(key))
            if item is not None:
                self._items.move_to_end(str(key))
            return item
