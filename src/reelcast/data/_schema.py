"""The canonical film and anime schemas: the contract between sources, corpus, features and models.

Every reader, the corpus builder and the synthetic market return frames with exactly these columns
(``empty_films()`` shows the dtypes). List-valued fields are Python lists of strings; ``cast`` is in
billing order. Money is in nominal US dollars; ``*_adj`` columns are in constant 2017 dollars.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "FILM_COLUMNS",
    "LIST_COLUMNS",
    "POST_RELEASE_COLUMNS",
    "PROVENANCE_FIELDS",
    "GENRES",
    "GENRE_ALIASES",
    "ANIME_COLUMNS",
    "empty_films",
    "empty_anime",
]

# name -> pandas dtype
FILM_COLUMNS: dict[str, str] = {
    "film_id": "string",  # "tmdb:<id>", else "imdb:<tt…>", else "title:<normalised title>:<year>"
    "tmdb_id": "Int64",
    "imdb_id": "string",  # "tt0000000"
    "title": "string",
    "original_title": "string",
    "release_date": "datetime64[ns]",
    "year": "Int64",
    "budget": "float64",  # USD, nominal
    "revenue": "float64",  # worldwide gross, USD, nominal
    "revenue_domestic": "float64",
    "budget_adj": "float64",  # constant 2017 USD (US CPI-U)
    "revenue_adj": "float64",
    "runtime": "float64",  # minutes
    "original_language": "string",  # ISO 639-1
    "certification": "string",  # US MPAA: G, PG, PG-13, R, NC-17, NR
    "genres": "object",
    "keywords": "object",
    "cast": "object",
    "directors": "object",
    "writers": "object",
    "companies": "object",
    "collection": "string",
    "is_sequel": "boolean",
    "overview": "string",
    "tagline": "string",
    "poster_file": "string",  # path relative to the data folder (or absolute)
    # post-release: kept for rating pretraining and evaluation only, never a revenue input
    "rating": "float64",  # 0–10
    "vote_count": "float64",
}

LIST_COLUMNS = ("genres", "keywords", "cast", "directors", "writers", "companies")
POST_RELEASE_COLUMNS = ("revenue", "revenue_domestic", "revenue_adj", "rating", "vote_count")
# every field but the keys gets a "src_<field>" provenance column in the corpus
PROVENANCE_FIELDS = tuple(
    c for c in FILM_COLUMNS if c not in ("film_id", "tmdb_id", "imdb_id", "year", "budget_adj",
                                        "revenue_adj")
)

# TMDB's genre vocabulary is canonical; other sources' names are mapped onto it.
GENRES: tuple[str, ...] = (
    "Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family",
    "Fantasy", "History", "Horror", "Music", "Mystery", "Romance", "Science Fiction",
    "TV Movie", "Thriller", "War", "Western",
)
GENRE_ALIASES: dict[str, str | None] = {
    "sci-fi": "Science Fiction", "science fiction": "Science Fiction", "scifi": "Science Fiction",
    "musical": "Music", "biography": "History", "sport": "Drama", "film-noir": "Crime",
    "film noir": "Crime", "news": "Documentary", "reality-tv": None, "game-show": None,
    "talk-show": None, "short": None, "adult": None, "foreign": None,
}

ANIME_COLUMNS: dict[str, str] = {
    "anime_id": "Int64",  # MyAnimeList id
    "title": "string",
    "english_title": "string",
    "synopsis": "string",
    "genres": "object",
    "studios": "object",
    "producers": "object",
    "source": "string",  # Manga, Original, Light novel, …
    "type": "string",  # TV, Movie, OVA, ONA, Special, Music
    "episodes": "float64",
    "start_date": "datetime64[ns]",
    "year": "Int64",
    "season": "string",  # Winter/Spring/Summer/Fall or missing
    "age_rating": "string",
    "score": "float64",  # MAL weighted score, 1–10 (target)
    "members": "float64",  # post-release popularity, never an input
}


def empty_films() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in FILM_COLUMNS.items()})


def empty_anime() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ANIME_COLUMNS.items()})
