"""The canonical film corpus: every public source merged into one row per film, plus the anime table.

``build_corpus(data_dir, out_dir)`` reads every table (``_sources_*``), links ids, matches the
tables without ids on normalised title + year (±1), resolves conflicts by a per-field source
priority (``_merge.FIELD_PRIORITY``, repeated here), derives ``year``, ``is_sequel`` and the 2017-dollar
columns, checks the posters, and writes (atomically: a temporary folder renamed over ``out_dir``
only when complete) ``films.parquet``, ``anime.parquet``, ``coverage.json``/``coverage.md``,
``build_report.json``, ``manifest.json`` and ``README.md``.

Source priority, best first (first non-missing value wins; an empty list is missing):

==================  ==========================================================================
field               sources
==================  ==========================================================================
title               tmdb5000, movies_metadata, tmdb_discover, imdb5000, movie_industry,
                    the_numbers, box_office_mojo, ilias1111 (its original title)
original_title      tmdb5000, movies_metadata, tmdb_discover, ilias1111
release_date        tmdb5000, movies_metadata, ilias1111, tmdb_discover, the_numbers,
                    movie_industry  (``year`` = its year, else imdb5000, movie_industry, …)
budget              tmdb5000, movies_metadata, ilias1111, the_numbers, movie_industry,
                    imdb5000 (US films only: other budgets are in local currency)
revenue (world)     tmdb5000, movies_metadata, ilias1111, the_numbers, movie_industry,
                    box_office_mojo (domestic + foreign)
revenue_domestic    the_numbers, ilias1111, box_office_mojo, imdb5000
runtime             tmdb5000, movies_metadata, ilias1111, imdb5000, movie_industry
original_language   tmdb5000, movies_metadata, ilias1111, tmdb_discover, imdb5000
certification       ilias1111, imdb5000, movie_industry (US MPAA labels only)
genres              tmdb5000, movies_metadata, ilias1111, tmdb_discover, imdb5000, movie_industry
keywords            tmdb5000, tmdb_keywords, ilias1111, imdb5000
cast, directors     tmdb5000 (billing order), imdb5000, movie_industry
writers             movie_industry
companies           tmdb5000, movies_metadata, ilias1111, movie_industry
collection          movies_metadata, ilias1111
overview, tagline   tmdb5000, movies_metadata
poster_file         posters (by IMDb id or TMDB id; verified)
rating+vote_count   ilias1111 (IMDb), imdb5000, movie_industry, tmdb5000, movies_metadata,
                    ilias1111_tmdb, tmdb_discover, movielens (stars x 2)
==================  ==========================================================================
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataFileError
from .._io import atomic_dir
from ._anime import read_anime
from ._corpus_io import (
    CORPUS_COLUMNS,
    load_anime,
    load_corpus,
    report_sources,
    write_outputs,
)
from ._coverage import coverage_markdown, coverage_table, print_coverage
from ._cpi import to_2017_dollars
from ._labels import normalise_title
from ._merge import (
    NO_ID_SOURCES,
    TitleIndex,
    build_crosswalk,
    key_records,
    match_titles,
    resolve_fields,
)
from ._posters import check_posters
from ._schema import FILM_COLUMNS, LIST_COLUMNS
from ._sources import N_EXAMPLES, SourceTable
from ._sources_boxoffice import (
    read_box_office_mojo,
    read_ilias,
    read_imdb5000,
    read_movie_industry,
    read_the_numbers,
)
from ._sources_tmdb import (
    read_links,
    read_movielens_ratings,
    read_movies_metadata,
    read_posters,
    read_tmdb5000,
    read_tmdb_discover,
    read_tmdb_keywords,
)

__all__ = ["CorpusSummary", "build_corpus", "load_corpus", "load_anime", "FILM_READERS",
           "CORPUS_COLUMNS"]

FILM_READERS: dict[str, Callable[[str | os.PathLike], SourceTable]] = {
    "tmdb5000": read_tmdb5000,
    "movies_metadata": read_movies_metadata,
    "ilias1111": read_ilias,
    "tmdb_discover": read_tmdb_discover,
    "imdb5000": read_imdb5000,
    "tmdb_keywords": read_tmdb_keywords,
    "links": read_links,
    "movielens": read_movielens_ratings,
    "posters": read_posters,
    "movie_industry": read_movie_industry,
    "the_numbers": read_the_numbers,
    "box_office_mojo": read_box_office_mojo,
}
# sources that define films; the others only add attributes to films that exist
_FILM_DEFINING = ("tmdb5000", "movies_metadata", "ilias1111", "tmdb_discover", "imdb5000")
_ATTRIBUTES = ("tmdb_keywords", "movielens", "posters")
TIME_CUT = pd.Timestamp("2018-01-01")  # films released from this day on are not in the corpus


@dataclasses.dataclass
class CorpusSummary:
    """What a build produced: counts, coverage, timing and where it is."""

    corpus_dir: Path
    n_films: int
    n_budget_revenue: int
    n_with_poster: int
    n_anime: int
    coverage: dict
    seconds: float

    def table(self) -> str:
        return coverage_markdown(self.coverage)

    def __str__(self) -> str:
        return (f"corpus {self.corpus_dir}: {self.n_films:,} films "
                f"({self.n_budget_revenue:,} with budget and revenue > 0, "
                f"{self.n_with_poster:,} with a poster), {self.n_anime:,} anime; "
                f"built in {self.seconds:.1f} s\n{self.table()}")


class _Steps:
    """A rich progress bar over the build steps, and the time each step took."""

    def __init__(self, total: int, enabled: bool):
        self.timings: dict[str, float] = {}
        self._progress = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._progress = Progress("[progress.description]{task.description}", BarColumn(),
                                      MofNCompleteColumn(), TimeElapsedColumn(), transient=False)
            self._progress.start()
            self._task = self._progress.add_task("corpus", total=total)

    def run(self, name: str, func, *args, **kwargs):
        if self._progress is not None:
            self._progress.update(self._task, description=f"corpus: {name}")
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.timings[name] = round(time.perf_counter() - start, 3)
        if self._progress is not None:
            self._progress.advance(self._task)
        return result

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def build_corpus(data_dir: str | os.PathLike, out_dir: str | os.PathLike, *,
                 verify_posters: bool = True, progress: bool = True) -> CorpusSummary:
    """Build the canonical film corpus (and the anime table) from the public tables.

    Parameters
    ----------
    data_dir : path
        The folder of public tables (``shared/data``; see its README).
    out_dir : path
        The corpus folder. It is written as a temporary folder and renamed over ``out_dir`` only
        when complete, so an interrupted or failed build leaves a previous corpus untouched.
    verify_posters : bool, default True
        Open every poster the corpus uses (Pillow ``verify`` and a full decode); corrupt or
        missing files are listed in ``build_report.json`` and the film gets no poster.
    progress : bool, default True
        Show a rich progress bar over the steps and print the coverage table at the end.

    Returns
    -------
    CorpusSummary
        Counts, the coverage table, the build time and the folder.

    Raises
    ------
    DataFileError, SchemaError
        A table is missing, empty or unreadable, or lacks a column (the message names it).
    """
    start = time.perf_counter()
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataFileError(f"data folder not found: {data_dir}")
    steps = _Steps(len(FILM_READERS) + 7, progress)  # reads, anime, 6 build steps
    try:
        tables = {name: steps.run(f"read {name}", reader, data_dir)
                  for name, reader in FILM_READERS.items()}
        anime = steps.run("read anime", read_anime, data_dir)
        records, report = steps.run("link ids", _link_ids, tables)
        records = steps.run("match titles", _match_no_id_tables, records, tables, report)
        films, resolve_info = steps.run("resolve fields", _resolve, records)
        report.update(resolve_info)
        posters = steps.run("check posters", _check_posters, films, data_dir, verify_posters)
        coverage = steps.run("coverage", coverage_table, films)
        report.update(report_sources(tables, anime), posters=posters["report"],
                      n_films=len(films), n_anime=len(anime.frame), data_dir=str(data_dir))
        with atomic_dir(out_dir) as tmp:
            steps.run("write", write_outputs, tmp, films, anime.frame, coverage, report, tables, anime,
                      posters, data_dir, steps.timings, start)
    finally:
        steps.close()
    if progress:
        print_coverage(coverage)
    budget_revenue = coverage["overall"]["budget_and_revenue"]
    return CorpusSummary(Path(out_dir), len(films), budget_revenue,
                         coverage["overall"]["poster"], len(anime.frame), coverage,
                         round(time.perf_counter() - start, 1))


def _link_ids(tables: dict[str, SourceTable]) -> tuple[pd.DataFrame, dict]:
    frames = {name: t.frame for name, t in tables.items()}
    crosswalk = build_crosswalk(frames)
    keyed = {name: key_records(frames[name], name, crosswalk)
             for name in (*_FILM_DEFINING, *_ATTRIBUTES) if name in frames}
    if "ilias1111" in keyed:  # ilias1111's TMDB vote average is a second, lower rating source
        ilias = keyed["ilias1111"]
        keyed["ilias1111_tmdb"] = pd.DataFrame({
            "film_id": ilias["film_id"], "tmdb_id": ilias["tmdb_id"], "imdb_id": ilias["imdb_id"],
            "rating": ilias["_tmdb_rating"], "vote_count": ilias["_tmdb_vote_count"],
            "_source": "ilias1111_tmdb"})
    report = {"crosswalk": {"pairs": len(crosswalk.pairs), "conflicting_pairs_dropped":
                            crosswalk.n_conflicts}, "id_linking": {}}
    for name in _FILM_DEFINING:
        if name in keyed:
            k = keyed[name]
            report["id_linking"][name] = {"records": len(k), "with_tmdb_id": int(k["tmdb_id"]
                                          .notna().sum()), "with_imdb_id": int(k["imdb_id"]
                                          .notna().sum())}
    defining = pd.concat([keyed[n] for n in _FILM_DEFINING if n in keyed], ignore_index=True)
    # IMDb-only films may be TMDB films the crosswalk could not link: match them on title + year
    imdb_only = defining["film_id"].str.startswith("imdb:")
    tmdb_ids = set(defining.loc[~imdb_only, "film_id"])
    linked_imdb = set(defining.loc[~imdb_only & defining["imdb_id"].notna(), "film_id"])
    index = TitleIndex()
    index.add(defining.loc[~imdb_only])
    single = defining.loc[imdb_only].drop_duplicates("film_id")
    film_id, status = match_titles(single, index, restrict_to=tmdb_ids - linked_imdb)
    remap = dict(zip(single["film_id"], film_id, strict=True))
    remap = {k: v for k, v in remap.items() if isinstance(v, str)}
    # a TMDB film can absorb only one IMDb-only film
    absorbed = pd.Series(list(remap.values())).duplicated(keep=False)
    remap = {k: v for (k, v), dup in zip(remap.items(), absorbed, strict=True) if not dup}
    report["imdb_only_merge"] = {"imdb_only_films": len(single), "merged_into_tmdb_films":
                                 len(remap), "ambiguous": int((status == "ambiguous").sum())}
    parts = [keyed[n] for n in (*_FILM_DEFINING, "ilias1111_tmdb", *_ATTRIBUTES) if n in keyed]
    records = pd.concat(parts, ignore_index=True)
    records["film_id"] = records["film_id"].map(lambda f: remap.get(f, f)).astype("string")
    films = set(records.loc[records["_source"].isin(_FILM_DEFINING), "film_id"])
    attribute = records["_source"].isin(_ATTRIBUTES) | (records["_source"] == "ilias1111_tmdb")
    orphan = attribute & ~records["film_id"].isin(films)
    report["attributes_without_film"] = {
        n: int((orphan & (records["_source"] == n)).sum()) for n in (*_ATTRIBUTES,)}
    return records.loc[~orphan.to_numpy()].reset_index(drop=True), report


def _match_no_id_tables(records: pd.DataFrame, tables: dict[str, SourceTable],
                        report: dict) -> pd.DataFrame:
    index = TitleIndex()
    index.add(records[records["_source"].isin(_FILM_DEFINING)])
    report["matching"] = {}
    parts = [records]
    for name in NO_ID_SOURCES:
        if name not in tables:
            continue
        rows = tables[name].frame.copy()
        rows["_source"] = name
        film_id, status = match_titles(rows, index)
        rows["film_id"] = film_id
        keys = rows["title"].map(normalise_title)
        years = rows["year"].astype("Int64").astype("string").fillna("unknown")
        new = status.isin(["unmatched"]) & keys.notna()
        rows.loc[new, "film_id"] = ("title:" + keys[new] + ":" + years[new]).astype("string")
        # rows of one table landing on the same film (or repeating a new film): keep the first
        usable = rows["film_id"].notna()
        dup = usable & rows["film_id"].duplicated(keep="first")
        n_new_films = rows.loc[new & ~dup, "film_id"].nunique()
        report["matching"][name] = {
            "rows": len(rows), "matched": int((status == "matched").sum()),
            "match_rate": round(float((status == "matched").mean()), 4) if len(rows) else 0.0,
            "added": int(n_new_films), "ambiguous": int((status == "ambiguous").sum()),
            "no_title": int((status == "no_title").sum()),
            "duplicates_dropped": int(dup.sum()),
            "ambiguous_examples": _examples(rows.loc[status == "ambiguous"]),
            "added_examples": _examples(rows.loc[new & ~dup]),
        }
        kept = rows.loc[(usable & ~dup).to_numpy()]
        index.add(kept)
        parts.append(kept)
    return pd.concat(parts, ignore_index=True)


def _examples(rows: pd.DataFrame) -> list[str]:
    return [f"{t} ({y})" for t, y in zip(rows["title"].head(N_EXAMPLES),
                                         rows["year"].head(N_EXAMPLES), strict=True)]


def _resolve(records: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    films = resolve_fields(records)
    films["year"] = (films["release_date"].dt.year.astype("Int64")
                     .fillna(pd.to_numeric(films["year"], errors="coerce").astype("Int64")))
    # is_sequel: in a collection and released after the collection's first film in the corpus
    knows_flag = (records["_knows_collection"] if "_knows_collection" in records
                  else pd.Series(False, index=records.index))
    knows = set(records.loc[knows_flag.astype("boolean").fillna(False).to_numpy(bool), "film_id"])
    year_start = pd.to_datetime(pd.DataFrame({"year": films["year"].astype("float64"), "month": 1,
                                              "day": 1}), errors="coerce")
    date = films["release_date"].fillna(year_start)
    first = date.groupby(films["collection"]).transform("min")
    in_collection = films["collection"].notna()
    is_sequel = pd.Series(pd.NA, index=films.index, dtype="boolean")
    is_sequel[films["film_id"].isin(knows).to_numpy()] = False
    later = in_collection & date.notna()
    is_sequel[later.to_numpy()] = (date[later] > first[later]).to_numpy()
    films["is_sequel"] = is_sequel
    films["src_is_sequel"] = pd.Series(np.where(is_sequel.notna(), "derived:collection", None),
                                       dtype="string")
    films["budget_adj"] = to_2017_dollars(films["budget"], films["year"])
    films["revenue_adj"] = to_2017_dollars(films["revenue"], films["year"])
    # the public tables stop at 2017; a film first released in 2018 or later (a 2017 festival
    # film released in 2018, say) belongs to the held-out future, as in the data README
    late = (films["release_date"] >= TIME_CUT).fillna(False) | (
        films["year"] >= TIME_CUT.year).fillna(False)
    films = films.loc[~late.to_numpy(bool)].reset_index(drop=True)
    # the crosswalk is one-to-one, but a record's own id pair may lose to it: one film per IMDb id
    dup_imdb = films["imdb_id"].notna() & films["imdb_id"].duplicated(keep="first")
    films.loc[dup_imdb.to_numpy(), "imdb_id"] = pd.NA
    info = {"released_after_time_cut_dropped": int(late.sum()),
            "duplicate_imdb_ids_cleared": int(dup_imdb.sum())}
    return _to_corpus_schema(films).sort_values("film_id", ignore_index=True), info


def _to_corpus_schema(films: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column in CORPUS_COLUMNS:
        dtype = FILM_COLUMNS.get(column, "string")
        values = films[column] if column in films else pd.Series(pd.NA, index=films.index)
        if column in LIST_COLUMNS:
            out[column] = values.map(lambda v: [str(x) for x in v] if isinstance(
                v, list | tuple | np.ndarray) else [])
        elif dtype == "datetime64[ns]":
            out[column] = pd.to_datetime(values, errors="coerce").astype(dtype)
        elif dtype == "object":
            out[column] = values
        else:
            out[column] = values.astype(dtype)
    return pd.DataFrame(out, index=films.index)


def _check_posters(films: pd.DataFrame, data_dir: Path, verify: bool) -> dict:
    used = films["poster_file"].dropna()
    report = {"films_with_poster_in_index": int(len(used)), "verified": verify, "corrupt": [],
              "missing": []}
    hashes: dict[str, str] = {}
    if verify:
        for relpath, digest, error in check_posters(data_dir, used.tolist()):
            if error is None:
                hashes[relpath] = digest
            else:
                report["missing" if error == "missing file" else "corrupt"].append(
                    {"file": relpath, "error": error[:200]})
        bad = {item["file"] for item in report["corrupt"] + report["missing"]}
        drop = films["poster_file"].isin(bad).fillna(False).to_numpy(bool)
        films.loc[drop, ["poster_file", "src_poster_file"]] = pd.NA
    report["kept"] = int(films["poster_file"].notna().sum())
    return {"report": report, "hashes": hashes}
