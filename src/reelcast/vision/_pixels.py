"""Posters as fixed-size uint8 pixel arrays for the CNNs, cached by image content hash."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import torch
from PIL import Image

from .._errors import ImageError, InputError
from .._executor import current_executor
from ._embeddings import EmbeddingCache, bytes_key
from ._image import DEFAULT_MAX_PIXELS, load_image_bytes, read_image_file
from ._progress import progress_bar
from ._resnet import IMAGENET_MEAN, IMAGENET_STD

__all__ = [
    "PosterBatch",
    "check_image_size",
    "is_missing_path",
    "normalize_pixels",
    "poster_content_keys",
    "poster_pixels",
    "encoded_batches",
]


def check_image_size(image_size) -> tuple[int, int]:
    """``(height, width)`` from an int (square) or a pair; both at least 16 px."""
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    if len(size) != 2 or not all(isinstance(v, int | np.integer) and v >= 16 for v in size):
        raise InputError(f"image_size must be an int or (height, width) of ints >= 16, got {image_size!r}")
    return int(size[0]), int(size[1])


class PosterBatch:
    """The result of :func:`poster_pixels`.

    Attributes
    ----------
    pixels : ndarray of uint8, shape (n, 3, height, width)
        Zeros where the poster could not be read.
    valid : ndarray of bool, shape (n,)
    errors : dict of int to str
        Row position -> reason, for the unreadable rows.
    keys : list of str or None
        The content hash of each readable poster.
    """

    def __init__(self, pixels, valid, errors, keys) -> None:
        self.pixels, self.valid, self.errors, self.keys = pixels, valid, errors, keys


def poster_pixels(
    paths: Sequence,
    *,
    root: str | os.PathLike | None = None,
    image_size=(96, 64),
    cache_dir: str | os.PathLike | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    show_progress: bool = False,
) -> PosterBatch:
    """Read and resize posters to ``image_size`` (height, width), RGB, uint8, channels first.

    Missing paths (None/NaN/"") and unreadable images give ``valid=False`` and a reason in
    ``errors`` instead of raising, so one bad file never stops a corpus run.
    """
    height, width = check_image_size(image_size)
    cache = EmbeddingCache(cache_dir, f"pixels-{height}x{width}-v1") if cache_dir else None
    out = np.zeros((len(paths), 3, height, width), dtype=np.uint8)
    valid = np.zeros(len(paths), dtype=bool)
    errors: dict[int, str] = {}
    keys: list[str | None] = [None] * len(paths)
    with progress_bar(f"posters → {height}x{width}", len(paths), show_progress) as advance:
        for i, path in enumerate(paths):
            advance()
            if is_missing_path(path):
                errors[i] = "no poster"
                continue
            try:
                data = read_image_file(str(path), root=root)
                key = bytes_key(data)
                cached = cache.get(key) if cache is not None else None
                if cached is None or cached.shape != (3, height, width):
                    img = load_image_bytes(data, name=str(path), max_pixels=max_pixels)
                    resized = img.resize((width, height), Image.Resampling.BILINEAR)
                    cached = np.asarray(resized, dtype=np.uint8).transpose(2, 0, 1)
                    if cache is not None:
                        cache.put(key, cached)
            except ImageError as exc:
                errors[i] = str(exc)
                continue
            out[i], valid[i], keys[i] = cached, True, key
    return PosterBatch(out, valid, errors, keys)


def poster_content_keys(paths: Sequence, root: str | os.PathLike | None = None
                        ) -> tuple[dict[int, str], int]:
    """The content hash (cache key) of each readable poster file by row position, and how many
    rows have no path or an unreadable file. Files are hashed, not decoded: a cache hit then costs
    one read."""
    keys: dict[int, str] = {}
    skipped = 0
    for i, path in enumerate(paths):
        if is_missing_path(path):
            skipped += 1
            continue
        try:
            keys[i] = bytes_key(read_image_file(str(path), root=root))
        except ImageError:
            skipped += 1
    return keys, skipped


def _decode_and_forward(unit: list[list[tuple[int, object]]], encoder
                        ) -> list[tuple[list[int], object, int]]:
    """One unit of :func:`encoded_batches` (here or in a Ray task): for each batch of ``(row,
    path)`` pairs, decode the posters and run ``encoder._forward`` on the readable ones."""
    out = []
    for part in unit:
        batch = poster_pixels([path for _, path in part], root=encoder.root,
                              image_size=encoder.image_size_)
        ok = np.flatnonzero(batch.valid)
        forward = encoder._forward(batch.pixels[ok]) if len(ok) else None
        out.append(([part[j][0] for j in ok], forward, len(part) - len(ok)))
    return out


def encoded_batches(encoder, paths: Sequence, rows: Sequence[int], *, batch_size: int,
                    label: str, show_progress: bool = False
                    ) -> Iterator[tuple[list[int], object, int]]:
    """Decode and encode the posters of ``paths`` at positions ``rows``, ``batch_size`` at a time,
    under a progress bar: yields ``(readable_rows, encoder._forward(pixels), n_unreadable)`` per
    batch in order (``None`` in the middle when no poster of the batch was readable).

    Runs of consecutive batches are the units of the current executor (:mod:`reelcast._executor`):
    with ``--ray`` they are Ray tasks, the fitted ``encoder`` (its weights) sent once. A batch holds
    the same posters whatever the backend, so the embeddings do not depend on it.
    """
    batches = [[(i, paths[i]) for i in rows[start:start + batch_size]]
               for start in range(0, len(rows), batch_size)]
    executor = current_executor()
    # a task unpickles the network (~0.1 s for Lite0): up to 4 batches share that cost, while a
    # cluster still gets at least 4 units per worker to balance
    per_unit = max(1, min(4, len(batches) // (4 * executor.workers)))
    units = [batches[k:k + per_unit] for k in range(0, len(batches), per_unit)]
    with progress_bar(label, len(batches), show_progress) as advance:
        for results in executor.map(_decode_and_forward, units, encoder):
            for result in results:
                yield result
                advance()


def is_missing_path(value) -> bool:
    """True for None, NaN, ``pd.NA`` and blank strings: a film without a poster."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def normalize_pixels(pixels: torch.Tensor | np.ndarray) -> torch.Tensor:
    """uint8 ``(n, 3, h, w)`` → float32 with ImageNet mean/std normalisation."""
    x = torch.as_tensor(pixels).float().div_(255.0)
    mean = torch.tensor(IMAGENET_MEAN, dtype=x.dtype).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, dtype=x.dtype).view(1, 3, 1, 1)
    return (x - mean) / std
