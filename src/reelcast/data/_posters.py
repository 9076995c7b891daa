"""Checking poster files: each one is opened with Pillow (``verify`` and a full decode), corrupt or
missing files are listed and skipped, and each good file's SHA-256 goes into the manifest."""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["PosterCheck", "check_poster", "check_posters"]

PosterCheck = tuple[str, str | None, str | None]  # (relative file, sha256 or None, error or None)


def check_poster(data_dir: str | os.PathLike, relpath: str) -> PosterCheck:
    """Open one poster; ``(relpath, sha256, None)`` when it is a readable image, else an error."""
    from PIL import Image, UnidentifiedImageError

    path = Path(data_dir) / relpath
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return relpath, None, "missing file"
    except OSError as exc:
        return relpath, None, f"unreadable: {exc}"
    if not data:
        return relpath, None, "empty file"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # structure check; the image cannot be used after verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # a full decode catches truncated files that verify() lets through
    except UnidentifiedImageError:
        return relpath, None, "not an image Pillow can identify"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        return relpath, None, f"{type(exc).__name__}: {exc}"
    return relpath, hashlib.sha256(data).hexdigest(), None


def check_posters(data_dir: str | os.PathLike, relpaths: Iterable[str], *, workers: int = 2
                  ) -> list[PosterCheck]:
    """Check many posters (2 threads: file reads and JPEG decoding release the GIL)."""
    relpaths = list(relpaths)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda p: check_poster(data_dir, p), relpaths, chunksize=64))
