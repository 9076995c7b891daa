"""Joining the source tables into one row per film: ids, title matching, source priority.

1. **Id crosswalk.** TMDB id ↔ IMDb id pairs come from ilias1111, the ``movies_metadata`` prefix,
   MovieLens ``links``, the poster index and TMDb 10k, in that order; the first pair claiming an id wins, so
   the crosswalk is one-to-one. Every record gets both ids where the crosswalk knows them and the
   key ``film_id`` = ``"tmdb:<id>"``, else ``"imdb:<tt…>"``.
2. **IMDb-only films** (IMDB 5000 films the crosswalk cannot link) are matched on normalised
   title + year (±1) to TMDB films that have no IMDb id, and merged when the match is unique.
3. **Tables with no id** (Movie Industry, The Numbers, Box Office Mojo, then the corpus v2 tables;
   ``_corpus_link`` lists them and the attribute tables) are matched
   on normalised title + year (±1) to the films so far; unmatched rows become new films
   ``"title:<normalised title>:<year>"`` that later tables can match too.
4. **Priority.** Each field takes the first non-missing value in ``FIELD_PRIORITY`` order (an empty
   list counts as missing); ``rating`` and ``vote_count`` are taken together from one source.

Titles meet on ``title_key`` (lowercase ASCII, no accents, punctuation, bracketed parts, "the",
"part" or spaces; Roman sequel numbers as digits), over every title and original title a film's
records carry. A record's years are its release year and, when different, its stated ``year``
(either may match). Among candidate films the smallest year difference wins, then the most-voted
film (the box-office tables list released, mostly popular films); two films still tied make the
row *ambiguous*: it is counted, shown in the report and not used. Rows of one table that land on
the same film keep the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._labels import title_key
from ._schema import FILM_COLUMNS, LIST_COLUMNS

__all__ = ["FIELD_PRIORITY", "RATING_PRIORITY", "Crosswalk", "build_crosswalk",
           "key_records", "TitleIndex", "match_titles", "resolve_fields"]

# field -> sources, best first (names are SourceTable names; "ilias1111_tmdb" is ilias1111's
# TMDB vote average, a second rating source in the same table)
FIELD_PRIORITY: dict[str, tuple[str, ...]] = {
    "title": ("tmdb5000", "movies_metadata", "tmdb_discover", "imdb5000", "movie_industry",
              "the_numbers", "box_office_mojo", "the_numbers_theaters", "bom_width", "vega",
              "imdb_crew", "tmdb_10k", "ilias1111", "wikipedia"),
    "original_title": ("tmdb5000", "movies_metadata", "tmdb_discover", "ilias1111", "tmdb_10k",
                       "imdb_crew"),
    "release_date": ("tmdb5000", "movies_metadata", "ilias1111", "tmdb_discover", "tmdb_10k",
                     "the_numbers", "the_numbers_theaters", "movie_industry", "bom_width",
                     "vega"),
    "year": ("imdb5000", "movie_industry", "the_numbers", "box_office_mojo",
             "the_numbers_theaters", "vega", "bom_width", "imdb_crew", "wikipedia"),
    "budget": ("tmdb5000", "movies_metadata", "ilias1111", "the_numbers", "movie_industry",
               "imdb5000", "tmdb_10k", "the_numbers_theaters", "vega"),
    "revenue": ("tmdb5000", "movies_metadata", "ilias1111", "the_numbers", "movie_industry",
                "box_office_mojo", "tmdb_10k", "the_numbers_theaters", "vega"),
    "revenue_domestic": ("the_numbers", "ilias1111", "box_office_mojo", "imdb5000",
                         "the_numbers_theaters", "vega", "bom_width"),
    "runtime": ("tmdb5000", "movies_metadata", "ilias1111", "imdb5000", "movie_industry",
                "tmdb_10k", "the_numbers_theaters", "bom_width", "vega", "imdb_crew"),
    "original_language": ("tmdb5000", "movies_metadata", "ilias1111", "tmdb_discover", "imdb5000"),
    # MPAA labels first; ilias1111's German FSK ages (``ilias1111_age``) where no table has one
    "certification": ("ilias1111", "imdb5000", "movie_industry", "the_numbers_theaters", "vega",
                      "ilias1111_age"),
    "genres": ("tmdb5000", "movies_metadata", "ilias1111", "tmdb_discover", "tmdb_10k",
               "imdb5000", "movie_industry", "imdb_crew", "the_numbers_theaters", "bom_width",
               "vega"),
    "keywords": ("tmdb5000", "tmdb_keywords", "ilias1111", "tmdb_10k", "imdb5000"),
    # people: ids are given names in ``_people`` first. The TMDB tables' billed names come first
    # (every entry a name a user can type); then ilias1111's billed TMDB person ids (named where
    # ``_people`` found a name, else ``tmdbp:<id>``); IMDb crew has the complete director and
    # writer lists
    "cast": ("tmdb5000", "tmdb_10k", "ilias1111_cast", "the_numbers_theaters", "imdb5000",
             "bom_width", "wikipedia", "movie_industry"),
    "directors": ("tmdb5000", "tmdb_10k", "imdb_crew", "the_numbers_theaters", "imdb5000",
                  "movie_industry", "bom_width", "vega", "wikipedia"),
    "writers": ("imdb_crew", "movie_industry"),
    "companies": ("tmdb5000", "movies_metadata", "ilias1111", "tmdb_10k", "movie_industry",
                  "the_numbers_theaters"),
    "collection": ("movies_metadata", "ilias1111"),
    "overview": ("tmdb5000", "movies_metadata", "tmdb_10k", "wikipedia"),
    "tagline": ("tmdb5000", "movies_metadata", "tmdb_10k"),
    "poster_file": ("posters",),
    "distributor": ("bom_width", "box_office_mojo", "vega"),
    "story_source": ("the_numbers_theaters", "vega"),
    "creative_type": ("the_numbers_theaters", "vega"),
    "production_method": ("the_numbers_theaters",),
    "opening_theaters": ("the_numbers_theaters",),
}
# rating and vote_count come together from one source: IMDb ratings first (largest voter base),
# then TMDB vote averages, then MovieLens stars x2
RATING_PRIORITY: tuple[str, ...] = ("ilias1111", "imdb5000", "movie_industry", "tmdb5000",
                                    "movies_metadata", "ilias1111_tmdb", "tmdb_discover",
                                    "movielens")
ID_PRIORITY: tuple[str, ...] = ("ilias1111", "movies_metadata", "links", "posters", "tmdb_10k")
YEAR_TOLERANCE = 1


class Crosswalk:
    """A one-to-one TMDB id ↔ IMDb id map built from the tables that carry both."""

    def __init__(self, pairs: pd.DataFrame, n_conflicts: int):
        self.pairs = pairs
        self.n_conflicts = n_conflicts
        self.tmdb_to_imdb = pd.Series(pairs["imdb_id"].to_numpy(), index=pairs["tmdb_id"].to_numpy())
        self.imdb_to_tmdb = pd.Series(pairs["tmdb_id"].to_numpy(), index=pairs["imdb_id"].to_numpy())


def build_crosswalk(frames: dict[str, pd.DataFrame]) -> Crosswalk:
    parts = []
    for rank, name in enumerate(ID_PRIORITY):
        if name in frames and {"tmdb_id", "imdb_id"} <= set(frames[name].columns):
            part = frames[name][["tmdb_id", "imdb_id"]].dropna()
            parts.append(part.assign(_rank=rank))
    pairs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"tmdb_id": pd.Series(dtype="Int64"), "imdb_id": pd.Series(dtype="string"), "_rank": 0})
    pairs = pairs.astype({"tmdb_id": "int64", "imdb_id": str}).sort_values("_rank", kind="stable")
    pairs = pairs.drop_duplicates(["tmdb_id", "imdb_id"])
    n_all = len(pairs)
    pairs = pairs.drop_duplicates("tmdb_id").drop_duplicates("imdb_id")
    return Crosswalk(pairs[["tmdb_id", "imdb_id"]].reset_index(drop=True), n_all - len(pairs))


def key_records(frame: pd.DataFrame, source: str, crosswalk: Crosswalk) -> pd.DataFrame:
    """Fill each record's missing id from the crosswalk and set ``film_id`` and ``_source``."""
    out = frame.copy()
    tmdb = out["tmdb_id"] if "tmdb_id" in out else pd.Series(pd.NA, index=out.index, dtype="Int64")
    imdb = out["imdb_id"] if "imdb_id" in out else pd.Series(pd.NA, index=out.index, dtype="string")
    tmdb = tmdb.astype("Int64")
    imdb = imdb.astype("string")
    from_imdb = imdb.map(crosswalk.imdb_to_tmdb).astype("Int64")
    tmdb = tmdb.fillna(from_imdb)
    from_tmdb = tmdb.astype("float64").map(crosswalk.tmdb_to_imdb).astype("string")
    imdb = imdb.fillna(from_tmdb)
    out["tmdb_id"], out["imdb_id"] = tmdb, imdb
    film_id = ("tmdb:" + tmdb.astype("string")).fillna("imdb:" + imdb)
    out["film_id"] = film_id.astype("string")
    out["_source"] = source
    return out


class TitleIndex:
    """Title key (``title_key``) → (film, year, popularity) entries used for matching."""

    def __init__(self) -> None:
        self.entries = pd.DataFrame({"key": pd.Series(dtype=str), "film_id": pd.Series(dtype=str),
                                     "year": pd.Series(dtype=float),
                                     "weight": pd.Series(dtype=float)})

    def add(self, records: pd.DataFrame) -> None:
        """Index every title and original title of ``records`` with the record's year."""
        weight = records["vote_count"] if "vote_count" in records else pd.Series(np.nan, records.index)
        parts = []
        for column in ("title", "original_title"):
            if column in records:
                keys = records[column].map(title_key)
                for years, keep in _record_years(records):
                    parts.append(pd.DataFrame({
                        "key": keys.to_numpy(object)[keep],
                        "film_id": records["film_id"].to_numpy(object)[keep],
                        "year": years.to_numpy(float)[keep],
                        "weight": pd.to_numeric(weight).to_numpy(float)[keep]}))
        new = pd.concat([self.entries, *parts], ignore_index=True).dropna(subset=["key"])
        self.entries = new.drop_duplicates(["key", "film_id", "year"])

    def film_weights(self) -> pd.Series:
        return self.entries.groupby("film_id")["weight"].max().fillna(0.0)


def _record_years(records: pd.DataFrame) -> list[tuple[pd.Series, np.ndarray]]:
    """A record's years to match on: its release year and, when it differs, its ``year`` column
    (Movie Industry dates are the release in one country, its ``year`` the film's year).
    Returns ``(years, rows to use)`` pairs: every row once (year possibly missing), then the rows
    that have a second, different year."""
    release = pd.Series(np.nan, index=records.index)
    if "release_date" in records:
        release = records["release_date"].dt.year.astype("float64")
    stated = (pd.to_numeric(records["year"], errors="coerce").astype("float64")
              if "year" in records else pd.Series(np.nan, index=records.index))
    first = release.fillna(stated)
    second = stated.where(stated.notna() & (stated != first))
    return [(first, np.ones(len(records), bool)), (second, second.notna().to_numpy())]


def match_titles(rows: pd.DataFrame, index: TitleIndex, *, restrict_to: set[str] | None = None
                 ) -> tuple[pd.Series, pd.Series]:
    """Match each row (``title``, ``year``/``release_date``) to one indexed film.

    Returns ``(film_id, status)`` aligned with ``rows``: film_id is NA when unmatched; status is
    ``"matched"``, ``"ambiguous"``, ``"unmatched"`` or ``"no_title"``.
    """
    keys = rows["title"].map(title_key)
    query = pd.concat([pd.DataFrame({"row": np.arange(len(rows))[keep],
                                     "key": keys.to_numpy(object)[keep],
                                     "qyear": years.to_numpy(float)[keep]})
                       for years, keep in _record_years(rows)], ignore_index=True)
    entries = index.entries
    if restrict_to is not None:
        entries = entries[entries["film_id"].isin(restrict_to)]
    cand = query.dropna(subset=["key"]).merge(entries, on="key", how="inner")
    cand["dy"] = (cand["year"] - cand["qyear"]).abs()
    no_year = cand["qyear"].isna() | cand["year"].isna()
    cand = cand[(cand["dy"] <= YEAR_TOLERANCE) | no_year].copy()
    cand["dy"] = cand["dy"].fillna(YEAR_TOLERANCE + 0.5)  # an unknown year ranks last
    cand = cand.sort_values("dy", kind="stable").drop_duplicates(["row", "film_id"])
    cand["weight"] = cand["film_id"].map(index.film_weights()).fillna(0.0)
    cand = cand.sort_values(["row", "dy", "weight"], ascending=[True, True, False], kind="stable")
    best = cand.groupby("row").head(2)
    first = best.groupby("row").nth(0).set_index("row")
    second = best.groupby("row").nth(1).set_index("row")
    tied = second.reindex(first.index)
    ambiguous = (tied["dy"] == first["dy"]) & (tied["weight"] == first["weight"])
    film_id = pd.Series(pd.NA, index=range(len(rows)), dtype="string")
    status = pd.Series("unmatched", index=range(len(rows)), dtype=object)
    status[keys.isna().to_numpy()] = "no_title"
    ok = first.index[~ambiguous.to_numpy(dtype=bool)]
    film_id[ok] = first.loc[ok, "film_id"].to_numpy(object)
    status[ok] = "matched"
    status[first.index[ambiguous.to_numpy(dtype=bool)]] = "ambiguous"
    return (pd.Series(film_id.to_numpy(), index=rows.index, dtype="string"),
            pd.Series(status.to_numpy(), index=rows.index))


def _present(values: pd.Series, column: str) -> np.ndarray:
    if column in LIST_COLUMNS:
        return values.map(lambda v: isinstance(v, list | tuple) and len(v) > 0).to_numpy(bool)
    return values.notna().to_numpy(bool)


def resolve_fields(records: pd.DataFrame) -> pd.DataFrame:
    """One row per ``film_id``: each field from its best source, with ``src_<field>`` columns."""
    films = pd.DataFrame({"film_id": pd.unique(records["film_id"])})
    source = records["_source"].to_numpy(object)

    def pick(columns: list[str], order: tuple[str, ...], present_on: str) -> pd.DataFrame:
        rank = pd.Series(source).map({s: i for i, s in enumerate(order)}).to_numpy(float)
        ok = ~np.isnan(rank) & _present(records[present_on], present_on)
        sub = records.loc[ok, ["film_id", *columns]].assign(_rank=rank[ok], _src=source[ok])
        sub = sub.sort_values("_rank", kind="stable").drop_duplicates("film_id")
        return sub.drop(columns="_rank")

    for field, order in FIELD_PRIORITY.items():
        if field not in records:
            continue
        chosen = pick([field], order, field).rename(columns={"_src": f"src_{field}"})
        films = films.merge(chosen, on="film_id", how="left")
    if "rating" in records:
        chosen = pick(["rating", "vote_count"], RATING_PRIORITY, "rating")
        films = films.merge(chosen.rename(columns={"_src": "src_rating"}), on="film_id", how="left")
        films["src_vote_count"] = films["src_rating"].where(films["vote_count"].notna())
    for id_column in ("tmdb_id", "imdb_id"):
        ids = records[["film_id", id_column]].dropna().drop_duplicates("film_id")
        films = films.merge(ids, on="film_id", how="left")
    for column, dtype in FILM_COLUMNS.items():
        if column not in films:
            films[column] = pd.Series(dtype=dtype) if dtype != "object" else None
    return films
