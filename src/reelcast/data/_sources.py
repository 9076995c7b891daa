"""What every source reader shares: reading a table safely, parse statistics, canonical typing.

A reader takes the data folder and returns a ``SourceTable``: a frame with a subset of the
canonical ``FILM_COLUMNS`` (same names and dtypes; reader-specific helper columns start with ``_``)
and a ``ParseStats`` record (rows read and kept, duplicates dropped, unparseable values per column
with the first few raw examples, impossible values made missing). Unparseable values are never
silently dropped: they become missing *and* are counted.

The readers themselves live in ``_sources_tmdb.py`` (TMDB-keyed tables, MovieLens links and
ratings, the poster index) and ``_sources_boxoffice.py`` (IMDB 5000, ilias1111, Movie Industry,
The Numbers, Box Office Mojo).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import DataFileError, SchemaError
from ._parse import fix_mojibake, is_missing, map_unique
from ._schema import FILM_COLUMNS, LIST_COLUMNS

__all__ = ["ParseStats", "SourceTable", "read_table", "read_json_records", "to_canonical",
           "fix_impossible",
           "MIN_BUDGET", "MIN_REVENUE", "N_EXAMPLES"]

N_EXAMPLES = 5  # first examples kept per unparseable column
MIN_BUDGET = 1_000.0  # a budget below $1,000 is a typo (often millions written as units)
MIN_REVENUE = 1.0  # revenue 0 means "unknown" in the TMDB tables


@dataclasses.dataclass
class ParseStats:
    """Per-reader bookkeeping, written into ``build_report.json``."""

    source: str
    files: list[str] = dataclasses.field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    duplicates_dropped: int = 0
    unparseable: dict[str, int] = dataclasses.field(default_factory=dict)
    examples: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    fixes: dict[str, int] = dataclasses.field(default_factory=dict)

    def count_unparseable(self, column: str, raw: pd.Series, parsed: pd.Series) -> None:
        """Count cells that had a value in ``raw`` but came out missing in ``parsed``."""
        raw_present = ~map_unique(raw, is_missing).astype(bool)
        parsed_missing = parsed.map(_is_empty) if parsed.dtype == object else parsed.isna()
        bad = raw_present.to_numpy() & parsed_missing.to_numpy(dtype=bool)
        n = int(bad.sum())
        if n:
            self.unparseable[column] = self.unparseable.get(column, 0) + n
            shown = self.examples.setdefault(column, [])
            for value in raw[bad].head(N_EXAMPLES - len(shown)):
                shown.append(str(value)[:200])

    def count_fix(self, name: str, n: int) -> None:
        if n:
            self.fixes[name] = self.fixes.get(name, 0) + int(n)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _is_empty(value: Any) -> bool:
    if isinstance(value, list):
        return False
    return is_missing(value)


@dataclasses.dataclass
class SourceTable:
    """A reader's result: the canonical-subset frame and its parse statistics."""

    name: str
    frame: pd.DataFrame
    stats: ParseStats

    def __repr__(self) -> str:
        return f"SourceTable({self.name!r}, rows={len(self.frame)}, columns={list(self.frame.columns)})"


def read_table(data_dir: str | os.PathLike, relpath: str, required: Iterable[str],
               stats: ParseStats, **read_csv_kwargs) -> pd.DataFrame:
    """Read one CSV (plain or gzip) of the data folder, checking it exists, is not empty and has
    the required columns. Raises ``DataFileError`` / ``SchemaError`` naming the file and column."""
    path = Path(data_dir) / relpath
    if not path.is_file():
        raise DataFileError(f"expected data file not found: {path}")
    if path.stat().st_size == 0:
        raise DataFileError(f"data file is empty: {path}")
    try:
        frame = pd.read_csv(path, low_memory=False, **read_csv_kwargs)
    except pd.errors.EmptyDataError as exc:
        raise DataFileError(f"data file has no header or rows: {path}") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise DataFileError(f"cannot read data file {path}: {str(exc).splitlines()[0]}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SchemaError(f"column {missing[0]!r} is missing from {path} "
                          f"(has: {', '.join(map(str, frame.columns[:12]))})")
    if frame.empty:
        raise DataFileError(f"data file has a header but no rows: {path}")
    stats.files.append(relpath)
    stats.rows_read += len(frame)
    return frame


def read_json_records(data_dir: str | os.PathLike, relpath: str, required: Iterable[str],
                      stats: ParseStats) -> pd.DataFrame:
    """Read one gzipped JSON list of objects of the data folder, checking it exists, is a non-empty
    list and its objects have the required keys. Entries that are not objects are dropped (the
    caller may count them: ``stats.rows_read - len(frame)``). Raises ``DataFileError`` /
    ``SchemaError`` naming the file and key."""
    path = Path(data_dir) / relpath
    if not path.is_file():
        raise DataFileError(f"expected data file not found: {path}")
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            items = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise DataFileError(f"cannot read data file {path}: {str(exc).splitlines()[0]}") from exc
    if not isinstance(items, list) or not items:
        raise DataFileError(f"data file has no films (expected a JSON list): {path}")
    raw = pd.DataFrame([i for i in items if isinstance(i, dict)])
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise SchemaError(f"column {missing[0]!r} is missing from {path}")
    stats.files.append(relpath)
    stats.rows_read = len(items)
    return raw


def parse_column(raw: pd.DataFrame, column: str, parser: Callable[[Any], Any],
                 stats: ParseStats, name: str | None = None) -> pd.Series:
    """Parse one raw column with a scalar parser (once per distinct value) and count failures."""
    parsed = map_unique(raw[column], parser)
    stats.count_unparseable(name or column, raw[column], parsed)
    return parsed


def fix_impossible(frame: pd.DataFrame, stats: ParseStats) -> pd.DataFrame:
    """Make impossible values missing and count each fix: budget < $1,000, revenue < $1 (zero or
    negative), runtime <= 0 minutes. Applied per source, so a lower-priority source can still
    supply a plausible value in the corpus."""
    frame = frame.copy()
    rules = {
        "budget": ("budget_below_1000", lambda s: s < MIN_BUDGET),
        "revenue": ("revenue_zero", lambda s: s < MIN_REVENUE),
        "revenue_domestic": ("revenue_domestic_zero", lambda s: s < MIN_REVENUE),
        "runtime": ("runtime_zero", lambda s: s <= 0),
        "rating": ("rating_out_of_range", lambda s: (s < 0) | (s > 10)),
        "vote_count": ("vote_count_negative", lambda s: s < 0),
    }
    if "budget" in frame:  # kept for the label audit (``_audit``): often millions typed as units
        small = (frame["budget"] > 0) & (frame["budget"] < MIN_BUDGET)
        if small.any():
            frame["_budget_below_1000"] = frame["budget"].where(small)
    for column, (name, rule) in rules.items():
        if column in frame:
            bad = rule(frame[column]).fillna(False).to_numpy(dtype=bool)
            stats.count_fix(name, bad.sum())
            frame.loc[bad, column] = float("nan")
    if "rating" in frame and "vote_count" in frame:
        # a 0.0 average from zero votes is "not rated", not a rating of zero
        unrated = (frame["vote_count"].fillna(0) <= 0) & (frame["rating"] == 0)
        stats.count_fix("rating_without_votes", unrated.sum())
        frame.loc[unrated.to_numpy(dtype=bool), ["rating", "vote_count"]] = float("nan")
    return frame


def to_canonical(frame: pd.DataFrame, stats: ParseStats) -> pd.DataFrame:
    """Cast canonical columns to their schema dtypes (extra ``_`` columns are kept as they are),
    apply ``fix_impossible`` and record the kept row count."""
    frame = fix_impossible(frame, stats)
    out = {}
    for column in frame.columns:
        dtype = FILM_COLUMNS.get(column)
        values = frame[column]
        if dtype is None:
            out[column] = values
        elif column in LIST_COLUMNS:
            out[column] = values.map(lambda v: list(v) if isinstance(v, list | tuple) else None)
        elif dtype == "datetime64[ns]":
            out[column] = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
        elif dtype == "string":
            text = map_unique(values, lambda v: None if is_missing(v) else str(v))
            repaired = map_unique(text, fix_mojibake)
            stats.count_fix(f"{column}_mojibake_repaired",
                            (text.notna() & (repaired != text)).sum())
            out[column] = map_unique(repaired, _clean_text).astype("string")
        elif dtype == "Int64":
            out[column] = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif dtype == "boolean":
            out[column] = values.astype("boolean")
        else:
            out[column] = pd.to_numeric(values, errors="coerce").astype(dtype)
    result = pd.DataFrame(out, index=frame.index).reset_index(drop=True)
    stats.rows_kept = len(result)
    return result


def _clean_text(value: Any) -> str | None:
    if is_missing(value):
        return None
    return str(value).replace("\xa0", " ").strip() or None


def drop_duplicate_keys(frame: pd.DataFrame, keys: list[str], stats: ParseStats) -> pd.DataFrame:
    """Drop rows repeating a key (keeping the first, the tables' own order); missing keys stay."""
    key = frame[keys].astype("string")
    has_key = key.notna().all(axis=1)
    dup = has_key & key.duplicated(keep="first")
    stats.duplicates_dropped += int(dup.sum())
    return frame.loc[~dup.to_numpy()]
