"""Readers for the TMDB-keyed tables, the MovieLens links/ratings and the poster index.

Each reader takes the data folder (``shared/data``) and returns a ``SourceTable`` whose frame uses
the canonical column names and dtypes (see ``_schema.FILM_COLUMNS``).
"""

from __future__ import annotations

import os

import pandas as pd

from ._labels import format_imdb_id, map_genres
from ._parse import (
    parse_dates,
    parse_literal,
    parse_literal_dict,
    parse_literal_list,
)
from ._sources import (
    ParseStats,
    SourceTable,
    drop_duplicate_keys,
    parse_column,
    read_table,
    to_canonical,
)

__all__ = [
    "TMDB_GENRE_IDS",
    "read_tmdb5000",
    "read_movies_metadata",
    "read_tmdb_keywords",
    "read_links",
    "read_movielens_ratings",
    "read_tmdb_discover",
    "read_posters",
]

TMDB5000_MOVIES = "tmdb_5000/tmdb_5000_movies.csv.gz"
TMDB5000_CREDITS = "tmdb_5000/tmdb_5000_credits_slim.csv.gz"
MOVIES_METADATA = "the_movies_dataset/movies_metadata_first2996rows.csv.gz"
TMDB_KEYWORDS = "the_movies_dataset/keywords.csv.gz"
LINKS = "the_movies_dataset/links.csv.gz"
RATINGS_SMALL = "the_movies_dataset/ratings_small.csv.gz"
TMDB_DISCOVER = "flatiron_box_office/tmdb.movies_pre2018.csv.gz"
POSTER_INDEX = "posters/posters_index.csv"

# TMDB's genre ids (the discover listing and ilias1111 store ids, not names)
TMDB_GENRE_IDS: dict[int, str] = {
    28: "Action", 12: "Adventure", 16: "Animation", 35: "Comedy", 80: "Crime",
    99: "Documentary", 18: "Drama", 10751: "Family", 14: "Fantasy", 36: "History",
    27: "Horror", 10402: "Music", 9648: "Mystery", 10749: "Romance", 878: "Science Fiction",
    10770: "TV Movie", 53: "Thriller", 10752: "War", 37: "Western",
}


def _tmdb_id(raw: pd.DataFrame, column: str, stats: ParseStats) -> pd.Series:
    ids = pd.to_numeric(raw[column], errors="coerce")
    ids = ids.where((ids > 0) & (ids == ids.round()))
    stats.count_unparseable(column, raw[column], ids)
    return ids.astype("Int64")


def _genre_lists(raw: pd.DataFrame, column: str, stats: ParseStats) -> pd.Series:
    names = parse_column(raw, column, parse_literal_list, stats)
    return names.map(map_genres)


def _ordered_cast(text) -> list[str] | None:
    items = parse_literal(text)
    if not isinstance(items, list):
        return None
    people = [item for item in items if isinstance(item, dict) and item.get("name")]
    people.sort(key=lambda item: item.get("order", 1 << 30) if isinstance(item.get("order"), int)
                else 1 << 30)
    return [str(item["name"]).strip() for item in people]


def _directors(text) -> list[str] | None:
    items = parse_literal(text)
    if not isinstance(items, list):
        return None
    return [str(item["name"]).strip() for item in items
            if isinstance(item, dict) and item.get("name") and item.get("job", "Director") == "Director"]


def read_tmdb5000(data_dir: str | os.PathLike) -> SourceTable:
    """TMDB 5000 movies joined with the slim credits (top-5 billed cast in order, directors)."""
    stats = ParseStats("tmdb5000")
    raw = read_table(data_dir, TMDB5000_MOVIES,
                     ["id", "title", "original_title", "release_date", "budget", "revenue",
                      "runtime", "original_language", "genres", "keywords", "overview", "tagline",
                      "production_companies", "vote_average", "vote_count"], stats)
    credits = read_table(data_dir, TMDB5000_CREDITS, ["movie_id", "cast", "crew"], stats)
    stats.rows_read = len(raw)  # the credits rows are attributes of the movie rows
    frame = pd.DataFrame({
        "tmdb_id": _tmdb_id(raw, "id", stats),
        "title": raw["title"],
        "original_title": raw["original_title"],
        "release_date": _dates(raw, "release_date", stats),
        "budget": pd.to_numeric(raw["budget"], errors="coerce"),
        "revenue": pd.to_numeric(raw["revenue"], errors="coerce"),
        "runtime": pd.to_numeric(raw["runtime"], errors="coerce"),
        "original_language": raw["original_language"],
        "genres": _genre_lists(raw, "genres", stats),
        "keywords": parse_column(raw, "keywords", parse_literal_list, stats),
        "companies": parse_column(raw, "production_companies", parse_literal_list, stats,
                                  "production_companies"),
        "overview": raw["overview"],
        "tagline": raw["tagline"],
        "rating": pd.to_numeric(raw["vote_average"], errors="coerce"),
        "vote_count": pd.to_numeric(raw["vote_count"], errors="coerce"),
    })
    frame = drop_duplicate_keys(frame, ["tmdb_id"], stats)
    credits = credits.assign(tmdb_id=_tmdb_id(credits, "movie_id", stats))
    credits = credits.dropna(subset=["tmdb_id"]).drop_duplicates("tmdb_id")
    people = pd.DataFrame({
        "tmdb_id": credits["tmdb_id"].to_numpy(),
        "cast": parse_column(credits, "cast", _ordered_cast, stats).to_numpy(),
        "directors": parse_column(credits, "crew", _directors, stats, "crew").to_numpy(),
    })
    frame = frame.merge(people, on="tmdb_id", how="left")
    return SourceTable("tmdb5000", to_canonical(frame, stats), stats)


def _dates(raw: pd.DataFrame, column: str, stats: ParseStats) -> pd.Series:
    parsed = parse_dates(raw[column])
    stats.count_unparseable(column, raw[column], parsed)
    return parsed


def read_movies_metadata(data_dir: str | os.PathLike) -> SourceTable:
    """The Movies Dataset ``movies_metadata`` prefix (2,996 rows), with collections."""
    stats = ParseStats("movies_metadata")
    raw = read_table(data_dir, MOVIES_METADATA,
                     ["id", "imdb_id", "title", "original_title", "release_date", "budget",
                      "revenue", "runtime", "original_language", "genres", "overview", "tagline",
                      "production_companies", "belongs_to_collection", "vote_average",
                      "vote_count"], stats, dtype={"id": "string", "imdb_id": "string"})
    collection = parse_column(raw, "belongs_to_collection", parse_literal_dict, stats)
    frame = pd.DataFrame({
        "tmdb_id": _tmdb_id(raw, "id", stats),
        "imdb_id": parse_column(raw, "imdb_id", format_imdb_id, stats),
        "title": raw["title"],
        "original_title": raw["original_title"],
        "release_date": _dates(raw, "release_date", stats),
        "budget": pd.to_numeric(raw["budget"], errors="coerce"),
        "revenue": pd.to_numeric(raw["revenue"], errors="coerce"),
        "runtime": pd.to_numeric(raw["runtime"], errors="coerce"),
        "original_language": raw["original_language"],
        "genres": _genre_lists(raw, "genres", stats),
        "companies": parse_column(raw, "production_companies", parse_literal_list, stats),
        "collection": collection.map(lambda d: d.get("name") if isinstance(d, dict) else None),
        "overview": raw["overview"],
        "tagline": raw["tagline"],
        "rating": pd.to_numeric(raw["vote_average"], errors="coerce"),
        "vote_count": pd.to_numeric(raw["vote_count"], errors="coerce"),
    })
    # this source lists collections, so "no collection" is known here (used for is_sequel)
    frame["_knows_collection"] = True
    frame = drop_duplicate_keys(frame, ["tmdb_id"], stats)
    return SourceTable("movies_metadata", to_canonical(frame, stats), stats)


def read_tmdb_keywords(data_dir: str | os.PathLike) -> SourceTable:
    """The Movies Dataset keywords (TMDB id → keyword list); attributes only, no titles."""
    stats = ParseStats("tmdb_keywords")
    raw = read_table(data_dir, TMDB_KEYWORDS, ["id", "keywords"], stats)
    frame = pd.DataFrame({
        "tmdb_id": _tmdb_id(raw, "id", stats),
        "keywords": parse_column(raw, "keywords", parse_literal_list, stats),
    })
    frame = drop_duplicate_keys(frame.dropna(subset=["tmdb_id"]), ["tmdb_id"], stats)
    return SourceTable("tmdb_keywords", to_canonical(frame, stats), stats)


def read_links(data_dir: str | os.PathLike) -> SourceTable:
    """MovieLens links: ``_movielens_id``, ``imdb_id`` ('tt%07d') and ``tmdb_id``."""
    stats = ParseStats("links")
    raw = read_table(data_dir, LINKS, ["movieId", "imdbId", "tmdbId"], stats,
                     dtype={"imdbId": "string"})
    frame = pd.DataFrame({
        "_movielens_id": pd.to_numeric(raw["movieId"], errors="coerce").astype("Int64"),
        "imdb_id": parse_column(raw, "imdbId", format_imdb_id, stats),
        "tmdb_id": _tmdb_id(raw, "tmdbId", stats),
    })
    return SourceTable("links", to_canonical(frame, stats), stats)


def read_movielens_ratings(data_dir: str | os.PathLike) -> SourceTable:
    """``ratings_small`` aggregated per film: mean stars ×2 (0–10 scale) and the rating count,
    keyed by the ids from ``links``."""
    stats = ParseStats("movielens")
    raw = read_table(data_dir, RATINGS_SMALL, ["userId", "movieId", "rating"], stats)
    stars = pd.to_numeric(raw["rating"], errors="coerce")
    stats.count_unparseable("rating", raw["rating"], stars.where((stars >= 0) & (stars <= 5)))
    ratings = (pd.DataFrame({"_movielens_id": pd.to_numeric(raw["movieId"], errors="coerce"),
                             "stars": stars.where((stars >= 0) & (stars <= 5))})
               .dropna().groupby("_movielens_id")["stars"].agg(["mean", "size"]).reset_index())
    links = read_links(data_dir).frame
    stats.files.append(LINKS)
    joined = ratings.merge(links, on="_movielens_id", how="left")
    unlinked = (joined["tmdb_id"].isna() & joined["imdb_id"].isna()).to_numpy()
    stats.count_fix("ratings_without_link", unlinked.sum())
    joined = joined.loc[~unlinked]
    frame = pd.DataFrame({
        "tmdb_id": joined["tmdb_id"], "imdb_id": joined["imdb_id"],
        "rating": joined["mean"] * 2.0, "vote_count": joined["size"].astype(float),
    })
    return SourceTable("movielens", to_canonical(frame, stats), stats)


def read_tmdb_discover(data_dir: str | os.PathLike) -> SourceTable:
    """The TMDB "discover" listing (Flatiron ``tmdb.movies``; 2010–2017, no money columns)."""
    stats = ParseStats("tmdb_discover")
    raw = read_table(data_dir, TMDB_DISCOVER,
                     ["id", "genre_ids", "original_language", "original_title", "release_date",
                      "title", "vote_average", "vote_count"], stats)
    genre_ids = parse_column(raw, "genre_ids", parse_literal, stats)
    frame = pd.DataFrame({
        "tmdb_id": _tmdb_id(raw, "id", stats),
        "title": raw["title"],
        "original_title": raw["original_title"],
        "release_date": _dates(raw, "release_date", stats),
        "original_language": raw["original_language"],
        "genres": genre_ids.map(_genres_from_ids),
        "rating": pd.to_numeric(raw["vote_average"], errors="coerce"),
        "vote_count": pd.to_numeric(raw["vote_count"], errors="coerce"),
    })
    frame = drop_duplicate_keys(frame, ["tmdb_id"], stats)
    return SourceTable("tmdb_discover", to_canonical(frame, stats), stats)


def _genres_from_ids(ids) -> list[str] | None:
    if not isinstance(ids, list | tuple):
        return None
    out = []
    for value in ids:
        genre = TMDB_GENRE_IDS.get(int(value)) if isinstance(value, int | float) else None
        if genre and genre not in out:
            out.append(genre)
    return out


def read_posters(data_dir: str | os.PathLike) -> SourceTable:
    """The poster index: ``poster_file`` (relative to the data folder) by IMDb and TMDB id.

    Files are not opened here; the corpus builder verifies the ones it uses.
    """
    stats = ParseStats("posters")
    raw = read_table(data_dir, POSTER_INDEX, ["file", "imdb_id", "tmdb_id"], stats)
    files = raw["file"].map(lambda f: f"posters/{str(f).strip().lstrip('/')}"
                            if isinstance(f, str) and f.strip() else None)
    stats.count_unparseable("file", raw["file"], files)
    frame = pd.DataFrame({
        "tmdb_id": _tmdb_id(raw, "tmdb_id", stats),
        "imdb_id": parse_column(raw, "imdb_id", format_imdb_id, stats),
        "poster_file": files,
    })
    frame = frame.dropna(subset=["poster_file"])
    frame = frame[frame["tmdb_id"].notna().to_numpy() | frame["imdb_id"].notna().to_numpy()]
    frame = drop_duplicate_keys(frame, ["poster_file"], stats)
    return SourceTable("posters", to_canonical(frame, stats), stats)
