"""The canonical film corpus: every public source merged into one row per film, plus the anime table.

``build_corpus(data_dir, out_dir)`` reads every table (``_sources_*``), links ids and matches the
tables without ids on normalised title + year (±1) (``_corpus_link``), gives person ids their
names (``_people``), resolves conflicts by a per-field source priority (``_merge.FIELD_PRIORITY``,
repeated here), derives ``year``, ``is_sequel``, ``min_age`` and the 2017-dollar columns, audits
the revenue and budget labels (``_audit``: flags, nothing changed), checks the posters, and writes
(atomically: a temporary folder renamed over ``out_dir`` only when complete) ``films.parquet``,
``anime.parquet``, ``coverage.json``/``coverage.md``, ``build_report.json``, ``manifest.json``
and ``README.md``.

Source priority, best first (first non-missing value wins; an empty list is missing). The tables
added with corpus v2 (TMDb 10k, IMDb crew, Wikipedia, The Numbers theaters, Box Office Mojo width,
vega, ilias1111 cast ids) rank below the earlier ones wherever both give a field, except the
person lists, where the id-keyed lists are the most complete (after the TMDB tables' names):

==================  ==========================================================================
field               sources
==================  ==========================================================================
title               tmdb5000, movies_metadata, tmdb_discover, imdb5000, movie_industry,
                    the_numbers, box_office_mojo, the_numbers_theaters, bom_width, vega,
                    imdb_crew, tmdb_10k, ilias1111 (its original title), wikipedia
original_title      tmdb5000, movies_metadata, tmdb_discover, ilias1111, tmdb_10k, imdb_crew
release_date        tmdb5000, movies_metadata, ilias1111, tmdb_discover, tmdb_10k, the_numbers,
                    the_numbers_theaters, movie_industry, bom_width, vega
budget              tmdb5000, movies_metadata, ilias1111, the_numbers, movie_industry,
                    imdb5000 (US films only: other budgets are in local currency), tmdb_10k,
                    the_numbers_theaters, vega
revenue (world)     tmdb5000, movies_metadata, ilias1111, the_numbers, movie_industry,
                    box_office_mojo (domestic + foreign), tmdb_10k, the_numbers_theaters, vega
revenue_domestic    the_numbers, ilias1111, box_office_mojo, imdb5000, the_numbers_theaters,
                    vega, bom_width
runtime             tmdb5000, movies_metadata, ilias1111, imdb5000, movie_industry, tmdb_10k,
                    the_numbers_theaters, bom_width, vega, imdb_crew
original_language   tmdb5000, movies_metadata, ilias1111, tmdb_discover, imdb5000
certification       ilias1111 (its MPAA labels), imdb5000, movie_industry,
                    the_numbers_theaters, vega, then ilias1111_age (its FSK ages)
genres              tmdb5000, movies_metadata, ilias1111, tmdb_discover, tmdb_10k, imdb5000,
                    movie_industry, imdb_crew, the_numbers_theaters, bom_width, vega
keywords            tmdb5000, tmdb_keywords, ilias1111, tmdb_10k, imdb5000
cast                tmdb5000 (billing order), tmdb_10k, ilias1111_cast (TMDB person ids in
                    billing order, named by ``_people``), the_numbers_theaters, imdb5000,
                    bom_width, wikipedia, movie_industry
directors           tmdb5000, tmdb_10k, imdb_crew (``nm`` ids, named by ``_people``),
                    the_numbers_theaters, imdb5000, movie_industry, bom_width, vega, wikipedia
writers             imdb_crew, movie_industry
companies           tmdb5000, movies_metadata, ilias1111, tmdb_10k, movie_industry,
                    the_numbers_theaters
collection          movies_metadata, ilias1111
overview            tmdb5000, movies_metadata, tmdb_10k, wikipedia (the article's opening
                    without its sentences on release and reception: a plot summary; see
                    ``_sources_added``)
tagline             tmdb5000, movies_metadata, tmdb_10k
poster_file         posters (by IMDb id or TMDB id; verified)
distributor         bom_width, box_office_mojo (its ``studio``), vega
story_source,       the_numbers_theaters, vega
creative_type
production_method   the_numbers_theaters
opening_theaters    the_numbers_theaters (release plan: ``RELEASE_PLAN_COLUMNS``)
rating+vote_count   ilias1111 (IMDb), imdb5000, movie_industry, tmdb5000, movies_metadata,
                    ilias1111_tmdb, tmdb_discover, movielens (stars x 2)
==================  ==========================================================================

Derived: ``min_age`` from ``certification`` (``_certification``); ``label_flags`` from every
source's revenue and budget (``_audit``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataFileError
from .._io import atomic_dir
from .._progress import progress_bar
from ._anime import read_anime
from ._audit import audit_labels
from ._certification import min_ages
from ._corpus_io import (
    CORPUS_COLUMNS,
    load_anime,
    load_corpus,
    report_sources,
    write_outputs,
)
from ._corpus_link import link_ids, match_no_id_tables
from ._coverage import coverage_markdown, coverage_table, print_coverage
from ._cpi import to_2017_dollars
from ._merge import resolve_fields
from ._people import reconcile_people
from ._posters import check_posters
from ._schema import FILM_COLUMNS, LIST_COLUMNS
from ._sources import SourceTable
from ._sources_added import read_cast_ids, read_imdb_crew, read_tmdb10k, read_wikipedia
from ._sources_boxoffice import (
    read_box_office_mojo,
    read_ilias,
    read_imdb5000,
    read_movie_industry,
    read_the_numbers,
)
from ._sources_release import read_bom_width, read_the_numbers_theaters, read_vega
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
    # corpus v2 (data README, "Added later")
    "ilias1111_cast": read_cast_ids,
    "tmdb_10k": read_tmdb10k,
    "imdb_crew": read_imdb_crew,
    "wikipedia": read_wikipedia,
    "the_numbers_theaters": read_the_numbers_theaters,
    "bom_width": read_bom_width,
    "vega": read_vega,
}
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
    """A progress bar over the build steps, and the time each step took."""

    def __init__(self, total: int, enabled: bool):
        self.timings: dict[str, float] = {}
        self._bar = contextlib.ExitStack()
        self._advance = self._bar.enter_context(progress_bar("corpus", total, enabled))

    def run(self, name: str, func, *args, **kwargs):
        self._advance(0, f"corpus: {name}")
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.timings[name] = round(time.perf_counter() - start, 3)
        self._advance(1)
        return result

    def close(self) -> None:
        self._bar.close()


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
    steps = _Steps(len(FILM_READERS) + 9, progress)  # reads, anime, 8 build steps
    try:
        tables = {name: steps.run(f"read {name}", reader, data_dir)
                  for name, reader in FILM_READERS.items()}
        anime = steps.run("read anime", read_anime, data_dir)
        records, report, unlinked = steps.run("link ids", link_ids, tables)
        records = steps.run("match titles", match_no_id_tables, records, tables, report, unlinked)
        records, people = steps.run("reconcile people", reconcile_people, records)
        report["people"] = people.to_dict()
        films, resolve_info = steps.run("resolve fields", _resolve, records)
        report.update(resolve_info)
        films["label_flags"], report["label_audit"] = steps.run("audit labels", audit_labels,
                                                                records, films)
        posters = steps.run("check posters", _check_posters, films, data_dir, verify_posters)
        coverage = steps.run("coverage", coverage_table, films)
        coverage["match_rates"] = {name: m["match_rate"] for name, m in
                                   sorted(report["matching"].items())}
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
    films["min_age"] = min_ages(films["certification"].astype("string").tolist())
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
