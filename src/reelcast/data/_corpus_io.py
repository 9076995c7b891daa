"""Writing a built corpus to its folder and reading it back (``load_corpus``, ``load_anime``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow

from .._errors import DataFileError, SchemaError
from .._io import file_sha256, write_json
from ._corpus_readme import corpus_readme
from ._coverage import coverage_markdown, era_coverage
from ._merge import FIELD_PRIORITY, RATING_PRIORITY
from ._schema import ANIME_COLUMNS, FILM_COLUMNS, PROVENANCE_FIELDS
from ._sources import SourceTable

__all__ = ["CORPUS_COLUMNS", "load_corpus", "load_anime", "read_coverage", "read_era_coverage",
           "report_sources", "write_outputs"]

# the canonical film columns, then one provenance column per field
CORPUS_COLUMNS: tuple[str, ...] = (*FILM_COLUMNS, *(f"src_{f}" for f in PROVENANCE_FIELDS))


def report_sources(tables: dict[str, SourceTable], anime: SourceTable) -> dict:
    every = {**tables, "anime": anime}
    return {
        "sources": {n: {k: v for k, v in t.stats.to_dict().items()
                        if k in ("files", "rows_read", "rows_kept", "duplicates_dropped")}
                    for n, t in every.items()},
        "fixes": {n: t.stats.fixes for n, t in every.items() if t.stats.fixes},
        "unparseable": {n: {c: {"count": k, "examples": t.stats.examples.get(c, [])}
                            for c, k in t.stats.unparseable.items()}
                        for n, t in every.items() if t.stats.unparseable},
    }


def write_outputs(tmp: Path, films: pd.DataFrame, anime: pd.DataFrame, coverage: dict,
                  report: dict, tables: dict[str, SourceTable], anime_table: SourceTable,
                  posters: dict, data_dir: Path, timings: dict, start: float) -> None:
    """Write every corpus file into ``tmp`` (the temporary folder of ``atomic_dir``)."""
    films.to_parquet(tmp / "films.parquet", index=False)
    anime.to_parquet(tmp / "anime.parquet", index=False)
    write_json(tmp / "coverage.json", coverage)
    (tmp / "coverage.md").write_text(coverage_markdown(coverage), encoding="utf-8")
    fix_totals: dict[str, int] = {}
    for fixes in report["fixes"].values():
        for name, n in fixes.items():
            fix_totals[name] = fix_totals.get(name, 0) + n
    report.update(fix_totals=fix_totals, timings_s=dict(timings),
                  total_s_before_write=round(time.perf_counter() - start, 2))
    write_json(tmp / "build_report.json", report)
    inputs = sorted({f for t in [*tables.values(), anime_table] for f in t.stats.files})
    images = posters["hashes"]
    listing = "\n".join(f"{k} {v}" for k, v in sorted(images.items())).encode()
    manifest = {
        "reelcast_version": _version(), "pandas": pd.__version__,
        "pyarrow": pyarrow.__version__, "python": platform.python_version(),
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data_dir": str(data_dir),
        "inputs": {f: file_sha256(data_dir / f) for f in inputs},
        "poster_images": {
            "count": len(images),
            "sha256_of_listing": hashlib.sha256(listing).hexdigest() if images else None,
            "note": "sha256 over the sorted 'file sha256' lines of the verified posters",
        },
    }
    write_json(tmp / "manifest.json", manifest)
    (tmp / "README.md").write_text(corpus_readme(coverage, report, FIELD_PRIORITY,
                                                 RATING_PRIORITY), encoding="utf-8")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("reelcast")
    except Exception:  # noqa: BLE001 - not installed (running from a source tree)
        return "unknown"


def _read_parquet(corpus_dir: str | os.PathLike, name: str, columns: dict[str, str]
                  ) -> pd.DataFrame:
    path = Path(corpus_dir) / name
    if not Path(corpus_dir).is_dir():
        raise DataFileError(f"corpus folder not found: {corpus_dir} (build it with "
                            "`reelcast corpus build --data DIR --out DIR`)")
    if not path.is_file():
        raise DataFileError(f"expected corpus file not found: {path}")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
        raise DataFileError(f"cannot read corpus file {path}: {exc}") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"column {missing[0]!r} is missing from {path}")
    for column, dtype in columns.items():
        if dtype == "object":
            frame[column] = frame[column].map(
                lambda v: [str(x) for x in v] if isinstance(v, list | tuple | np.ndarray) else [])
        elif str(frame[column].dtype) != dtype:
            frame[column] = frame[column].astype(dtype)
    return frame


def load_corpus(corpus_dir: str | os.PathLike) -> pd.DataFrame:
    """The films of a built corpus: canonical dtypes, list columns as Python lists of str
    (``[]`` when unknown), plus the ``src_<field>`` provenance columns."""
    dtypes = {c: FILM_COLUMNS.get(c, "string") for c in CORPUS_COLUMNS}
    return _read_parquet(corpus_dir, "films.parquet", dtypes)


def load_anime(corpus_dir: str | os.PathLike) -> pd.DataFrame:
    """The anime table of a built corpus (``ANIME_COLUMNS``, lists as Python lists)."""
    return _read_parquet(corpus_dir, "anime.parquet", dict(ANIME_COLUMNS))


def read_coverage(corpus_dir: str | os.PathLike) -> dict:
    """The ``coverage.json`` of a built corpus."""
    path = Path(corpus_dir) / "coverage.json"
    if not path.is_file():
        raise DataFileError(f"expected corpus file not found: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def read_era_coverage(corpus_dir: str | os.PathLike) -> dict:
    """The 2010-2017 coverage of a built corpus: from its ``coverage.json`` when it has one, else
    computed from ``films.parquet`` (a corpus built before v2, which lacks the new columns)."""
    coverage = read_coverage(corpus_dir)
    if "era" in coverage:
        return coverage["era"]
    path = Path(corpus_dir) / "films.parquet"
    try:
        films = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
        raise DataFileError(f"cannot read corpus file {path}: {exc}") from exc
    for column in films.columns:
        if films[column].dtype == object and column in FILM_COLUMNS:
            films[column] = films[column].map(
                lambda v: list(v) if isinstance(v, list | tuple | np.ndarray) else v)
    return era_coverage(films)
