"""New anime titles to score: a CSV in the documented format, validated at the boundary.

Columns (only ``title`` and ``start_date`` are required; lists are separated by ``|``):

==========  ============================================================
title       the title
start_date  planned first air/release date, ``YYYY-MM-DD`` (or ``YYYY-MM``)
synopsis    text
genres      MAL genres, e.g. ``Action|Fantasy|Shounen``
studios     animation studios, ``|``-separated
producers   production committee members, ``|``-separated
source      Manga, Original, Light novel, …
type        TV, Movie, OVA, ONA, Special or Music
episodes    planned number of episodes
season      Winter, Spring, Summer or Fall
age_rating  MAL rating text, e.g. ``PG-13 - Teens 13 or older``
==========  ============================================================

``score`` and ``members`` are ignored if present (they are what the model predicts, or after it).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataFileError, InputError, SchemaError
from ..data import ANIME_COLUMNS

__all__ = ["read_anime_csv", "ANIME_CSV_COLUMNS"]

ANIME_CSV_COLUMNS = ("title", "start_date", "synopsis", "genres", "studios", "producers",
                     "source", "type", "episodes", "season", "age_rating")
_REQUIRED = ("title", "start_date")
_LISTS = ("genres", "studios", "producers")
_TYPES = ("TV", "Movie", "OVA", "ONA", "Special", "Music")
_SEASONS = ("Winter", "Spring", "Summer", "Fall")
_MAX_ROWS = 100_000


def _split(value) -> list[str]:
    if not isinstance(value, str):
        return []
    return [v.strip() for v in value.split("|") if v.strip()]


def read_anime_csv(path: str | Path) -> pd.DataFrame:
    """Read and validate a CSV of new titles into the canonical anime schema.

    Raises
    ------
    DataFileError
        The file is missing, empty or not CSV text.
    SchemaError
        A required column is missing.
    InputError
        A cell is malformed; the message names the row, the field and the value.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"input file not found: {path}")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=_MAX_ROWS + 1)
    except (pd.errors.EmptyDataError, UnicodeDecodeError, pd.errors.ParserError, csv.Error) as exc:
        raise DataFileError(f"{path} is not a readable CSV file: {str(exc).splitlines()[0]}") from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        raise SchemaError(f"{path}: missing required column(s) {missing}; columns are "
                          f"{list(ANIME_CSV_COLUMNS)}")
    if raw.empty:
        raise InputError(f"{path}: no titles to score")
    if len(raw) > _MAX_ROWS:
        raise InputError(f"{path}: more than {_MAX_ROWS:,} rows; split the file")
    out = pd.DataFrame(index=range(len(raw)))
    out["anime_id"] = pd.NA
    out["title"] = raw["title"].str.strip()
    for i, title in enumerate(out["title"], start=2):
        if not title:
            raise InputError(f"row {i}: title is empty")
    dates = pd.to_datetime(raw["start_date"].str.strip(), errors="coerce", format="mixed")
    for i, (value, parsed) in enumerate(zip(raw["start_date"], dates, strict=True), start=2):
        if pd.isna(parsed):
            raise InputError(f"row {i}: start_date {value!r} is not a date (YYYY-MM-DD)")
    out["start_date"], out["year"] = dates, dates.dt.year
    out["synopsis"] = raw.get("synopsis", pd.Series("", index=raw.index)).str.strip()
    for col in _LISTS:
        out[col] = raw[col].map(_split) if col in raw.columns else [[] for _ in range(len(raw))]
    for col in ("source", "age_rating"):
        out[col] = raw[col].str.strip() if col in raw.columns else ""
    for col, allowed in (("type", _TYPES), ("season", _SEASONS)):
        values = raw[col].str.strip() if col in raw.columns else pd.Series("", index=raw.index)
        for i, v in enumerate(values, start=2):
            if v and v not in allowed:
                raise InputError(f"row {i}: {col} {v!r} is not one of {list(allowed)}")
        out[col] = values
    episodes = raw["episodes"].str.strip() if "episodes" in raw.columns else pd.Series(
        "", index=raw.index)
    numbers = pd.to_numeric(episodes.replace("", np.nan), errors="coerce")
    for i, (v, n) in enumerate(zip(episodes, numbers, strict=True), start=2):
        if v and (pd.isna(n) or n < 1 or n > 10_000):
            raise InputError(f"row {i}: episodes {v!r} is not a count between 1 and 10000")
    out["episodes"] = numbers
    for col in ("synopsis", "source", "age_rating", "type", "season"):
        out[col] = out[col].replace("", None)
    out["english_title"], out["score"], out["members"] = None, np.nan, np.nan
    return out[list(ANIME_COLUMNS)].astype(ANIME_COLUMNS)
