"""Procedural posters for the synthetic market: genre sets the palette, cast sets the faces.

The planted visual signal is deliberately simple so a poster model can learn it: horror is dark,
animation and family are bright and saturated, and films with a cast show 0–3 face-like ellipses.
"""

from __future__ import annotations

import colorsys
from pathlib import Path

import numpy as np
import pandas as pd
from rich.progress import track

from .._errors import InputError

__all__ = ["draw_posters", "GENRE_PALETTE"]

# primary genre -> (hue, saturation, value) of the background, all in [0, 1]
GENRE_PALETTE: dict[str, tuple[float, float, float]] = {
    "Horror": (0.0, 0.6, 0.12), "Animation": (0.15, 0.9, 0.95), "Family": (0.3, 0.85, 0.95),
    "Action": (0.05, 0.75, 0.55), "Adventure": (0.1, 0.7, 0.7), "Science Fiction": (0.6, 0.8, 0.45),
    "Comedy": (0.14, 0.7, 0.9), "Romance": (0.92, 0.5, 0.8), "Drama": (0.58, 0.25, 0.45),
    "Thriller": (0.62, 0.5, 0.25), "Crime": (0.0, 0.1, 0.25), "Documentary": (0.0, 0.0, 0.55),
    "Fantasy": (0.75, 0.6, 0.55), "War": (0.2, 0.35, 0.35), "Western": (0.08, 0.6, 0.6),
    "History": (0.1, 0.35, 0.5), "Music": (0.83, 0.7, 0.7), "Mystery": (0.7, 0.4, 0.3),
    "TV Movie": (0.5, 0.3, 0.6),
}
_SKIN = ((241, 194, 160), (224, 172, 130), (198, 134, 95), (141, 85, 54), (255, 219, 185))


def _rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(max(s, 0), 1), min(max(v, 0), 1))
    return int(r * 255), int(g * 255), int(b * 255)


def _palette_genre(genres: list[str]) -> str:
    """The genre whose palette the poster uses: horror, then animation/family, then the first."""
    for marked in ("Horror", "Animation", "Family"):
        if marked in genres:
            return marked
    return genres[0] if genres else ""


def _poster(rng, genre: str, title: str, n_faces: int, size: tuple[int, int]):
    from PIL import Image, ImageDraw

    w, h = size
    hue, sat, val = GENRE_PALETTE.get(genre, (0.5, 0.3, 0.5))
    hue, val = hue + rng.normal(0, 0.03), val + rng.normal(0, 0.05)
    top, bottom = np.array(_rgb(hue, sat, val)), np.array(_rgb(hue + 0.05, sat, val * 0.6))
    ramp = np.linspace(0, 1, h)[:, None, None]
    pixels = (top * (1 - ramp) + bottom * ramp).repeat(w, axis=1)
    img = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(2, 6))):  # a few shapes in shifted tones of the palette
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        box = (x0, y0, x0 + rng.integers(w // 8, w // 2), y0 + rng.integers(h // 10, h // 3))
        colour = _rgb(hue + rng.normal(0, 0.1), sat * rng.uniform(0.6, 1.1),
                      val * rng.uniform(0.6, 1.3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    for k in range(n_faces):  # face-like ellipses with two eyes, side by side mid-poster
        fw = w // (n_faces + 1.5)
        cx, cy = (k + 1) * w / (n_faces + 1), h * rng.uniform(0.4, 0.6)
        draw.ellipse((cx - fw / 2, cy - fw * 0.65, cx + fw / 2, cy + fw * 0.65),
                     fill=_SKIN[int(rng.integers(len(_SKIN)))])
        for ex in (cx - fw * 0.18, cx + fw * 0.18):
            r = max(1.0, fw * 0.07)
            ey = cy - fw * 0.15
            draw.ellipse((ex - r, ey - r, ex + r, ey + r), fill=(20, 20, 20))
    band = int(h * 0.14)  # a light title band at the bottom; words are dark bars (no font needed)
    draw.rectangle((0, h - band, w, h), fill=(235, 235, 225))
    x, letter = 4, max(2, w // 30)
    for word in title.split():
        end = min(x + letter * len(word), w - 4)
        if end <= x:
            break
        draw.rectangle((x, h - band * 0.7, end, h - band * 0.3), fill=(25, 25, 25))
        x = end + letter
    return img


def draw_posters(films: pd.DataFrame, casts: list[list[str]], poster_dir: str | Path,
                 size: tuple[int, int], seed: int) -> tuple[list[str], np.ndarray]:
    """Draw ``<tmdb_id>.jpg`` for every film into ``poster_dir``.

    Returns the absolute paths and the number of faces drawn on each poster.

    ``casts`` is the true cast (before ``missing_rate`` blanks it) so faces follow the planted
    cast. Posters have their own random stream: drawing them never changes the other columns.
    """
    folder = Path(poster_dir).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"poster_dir {str(poster_dir)!r} cannot be created: {exc}") from exc
    rng = np.random.default_rng([int(seed), 7919])
    paths, faces = [], np.zeros(len(films), dtype=int)
    films_iter = zip(films["tmdb_id"], films["genres"], films["title"], casts, strict=True)
    # a progress bar only for large markets (about a millisecond per poster)
    for i, (tmdb_id, genres, title, cast) in enumerate(
            track(films_iter, total=len(films), description="drawing posters",
                  disable=len(films) < 5000, transient=True)):
        n_faces = faces[i] = int(rng.integers(1, 4)) if cast and rng.random() < 0.85 else 0
        path = folder / f"{int(tmdb_id)}.jpg"
        tmp = path.with_name(f".{path.name}.tmp")
        # synthetic test images, not artifacts: a plain temp + rename (no fsync) keeps 2000 fast
        image = _poster(rng, _palette_genre(list(genres)), str(title), n_faces, size)
        image.save(tmp, format="JPEG", quality=85)
        tmp.replace(path)
        paths.append(str(path))
    return paths, faces
