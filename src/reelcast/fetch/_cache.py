"""An on-disk cache of remote answers: JSON files keyed by request, with an expiry.

A key is the SHA-256 of the request without its secret (the same film fetched with two keys is
one entry, and no key is ever written to disk). JSON answers expire after ``ttl`` seconds (upcoming
lists change daily); image bytes never expire, since a TMDB image path names one fixed file. The
cache is best effort: an unreadable or corrupt entry is a miss, and a failed write is counted, not
raised, so a read-only cache folder slows a run down but never breaks it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from .._errors import InputError
from .._io import atomic_file

__all__ = ["ResponseCache", "default_cache_dir"]


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/reelcast/tmdb``, else ``~/.cache/reelcast/tmdb``."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "reelcast" / "tmdb"


class ResponseCache:
    """JSON answers and image bytes under ``folder`` (``None``: a cache that stores nothing)."""

    def __init__(self, folder: str | os.PathLike | None, ttl: float = 86_400.0, *,
                 clock: Callable[[], float] = time.time):
        if not (isinstance(ttl, int | float) and ttl >= 0):
            raise InputError(f"cache ttl {ttl!r} must be a number of seconds ≥ 0")
        self.folder = None if folder is None else Path(folder)
        self.ttl, self._clock = float(ttl), clock
        self.hits = self.misses = self.write_errors = 0

    @staticmethod
    def key(*parts) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def get_json(self, key: str):
        """The cached answer for ``key``, or ``None`` when absent, expired or unreadable."""
        if self.folder is None:
            return None
        try:
            entry = json.loads(self._path("json", key, ".json").read_text(encoding="utf-8"))
            fresh = self._clock() - float(entry["saved_at"]) <= self.ttl
            body = entry["body"]
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        if not fresh:
            self.misses += 1
            return None
        self.hits += 1
        return body

    def put_json(self, key: str, request: str, body) -> None:
        """Store ``body``; ``request`` (no secrets in it) is kept beside it for people to read."""
        if self.folder is None:
            return
        try:
            with atomic_file(self._path("json", key, ".json"), "w") as fh:
                json.dump({"request": request, "saved_at": self._clock(), "body": body}, fh)
        except OSError:
            self.write_errors += 1

    def get_bytes(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            data = self._path("bytes", key, ".bin").read_bytes()
        except OSError:
            self.misses += 1
            return None
        self.hits += 1
        return data or None

    def put_bytes(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        try:
            with atomic_file(self._path("bytes", key, ".bin")) as fh:
                fh.write(data)
        except OSError:
            self.write_errors += 1
