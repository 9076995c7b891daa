"""An on-disk cache of vectors keyed by content hash (poster embeddings, text embeddings).

Layout: ``<directory>/<namespace>/<key[:2]>/<key>.npy`` where ``key`` is the sha256 of the image
bytes (or of the text) and ``namespace`` names what produced the vector (model, weights, size), so
two models never share entries. Each file is the 32-byte sha256 of the ``.npy`` payload followed by
the payload: a truncated or altered entry fails the check, is counted in ``n_corrupt`` and
recomputed. Entries are written atomically (temp + rename), so an interrupted run leaves none half
written.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

import numpy as np

from ._io import atomic_file

__all__ = ["EmbeddingCache", "bytes_key", "text_key"]

_KEY = re.compile(r"^[0-9a-f]{64}$")
_NAMESPACE = re.compile(r"^[A-Za-z0-9._-]{1,120}$")


def bytes_key(data: bytes) -> str:
    """The cache key of some content: its sha256, hex."""
    return hashlib.sha256(data).hexdigest()


def text_key(text: str) -> str:
    """The cache key of a text (UTF-8, exactly as given)."""
    return bytes_key(text.encode("utf-8"))


class EmbeddingCache:
    """Vectors on disk, one file per content hash, with integrity checks.

    Parameters
    ----------
    directory : str or path-like
        The cache root (created on first write).
    namespace : str
        What produced the vectors, e.g. ``"resnet18-3f2a…-96x64"``; letters, digits, ``._-``.

    Attributes
    ----------
    hits, misses, n_corrupt : int
        Counters since construction; a corrupt entry counts as a miss as well.

    Examples
    --------
    >>> cache = EmbeddingCache(tmp_path, "demo")  # doctest: +SKIP
    >>> cache.put(text_key("hello"), np.ones(3, dtype=np.float32))  # doctest: +SKIP
    >>> cache.get(text_key("hello"))  # doctest: +SKIP
    array([1., 1., 1.], dtype=float32)
    """

    def __init__(self, directory: str | os.PathLike, namespace: str) -> None:
        if not _NAMESPACE.match(namespace):
            raise ValueError(f"cache namespace must match {_NAMESPACE.pattern}, got {namespace!r}")
        self.directory = Path(directory)
        self.namespace = namespace
        self.hits = 0
        self.misses = 0
        self.n_corrupt = 0

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"cache key must be a sha256 hex digest, got {key!r}")
        return self.directory / self.namespace / key[:2] / f"{key}.npy"

    def get(self, key: str) -> np.ndarray | None:
        """The stored array, or ``None`` when absent or corrupt (a corrupt file is removed)."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        digest, payload = raw[:32], raw[32:]
        array = None
        if len(raw) > 32 and hashlib.sha256(payload).digest() == digest:
            try:
                array = np.load(io.BytesIO(payload), allow_pickle=False)
            except (ValueError, OSError, EOFError):
                array = None
        if array is None:
            self.n_corrupt += 1
            self.misses += 1
            path.unlink(missing_ok=True)
            return None
        self.hits += 1
        return array

    def put(self, key: str, array: np.ndarray) -> None:
        """Store ``array`` under ``key`` atomically (numeric arrays only, never pickles)."""
        array = np.asarray(array)
        if array.dtype == object:
            raise TypeError("EmbeddingCache stores numeric arrays only")
        buf = io.BytesIO()
        np.save(buf, array, allow_pickle=False)
        payload = buf.getvalue()
        with atomic_file(self._path(key), "wb") as fh:
            fh.write(hashlib.sha256(payload).digest())
            fh.write(payload)

    def __contains__(self, key: str) -> bool:
        return self._path(key).is_file()
