"""The canonical film and anime schemas: the contract between sources, corpus, features and models.

Every reader, the corpus builder and the synthetic market return frames with exactly these columns
(``empty_films()`` shows the dtypes). List-valued fields are Python lists of strings; ``cast`` is in
billing order. Money is in nominal US dollars; ``*_adj`` columns are in constant 2017 dollars.

Field groups: ``POST_RELEASE_COLUMNS`` are outcomes (never inputs of a forecast; the features'
``FORBIDDEN_INPUTS`` is this tuple); ``RELEASE_PLAN_COLUMNS`` are known about a week before
release, not at greenlight (a greenlight model never reads them); everything else is known at
greenlight. People in ``cast``/``directors``/``writers`` are names, or ``tmdbp:<id>`` /
``imdbp:<nm…>`` where no name is known (``_people``).
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "FILM_COLUMNS",
    "LIST_COLUMNS",
    "POST_RELEASE_COLUMNS",
    "RELEASE_PLAN_COLUMNS",
    "DERIVED_FIELDS",
    "PROVENANCE_FIELDS",
    "GENRES",
    "GENRE_ALIASES",
    "ANIME_COLUMNS",
    "empty_films",
    "empty_anime",
    "without_attrs",
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
    # normalised age rating (``_certification``): MPAA G, PG, PG-13, R, NC-17, NR as they are;
    # "FSK 0".."FSK 18"; "BBFC U".."BBFC R18"
    "certification": "string",
    "min_age": "float64",  # minimum audience age the certification implies (NaN: none/unknown)
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
    "distributor": "string",  # US theatrical distributor (Box Office Mojo, vega, The Numbers)
    "story_source": "string",  # The Numbers' source: "Original Screenplay", "Based on TV", …
    "creative_type": "string",  # "Contemporary Fiction", "Super Hero", "Kids Fiction", …
    "production_method": "string",  # "Live Action", "Digital Animation", …
    # release plan: known about a week before release, never at greenlight (RELEASE_PLAN_COLUMNS)
    "opening_theaters": "float64",  # US theaters on the opening weekend (The Numbers)
    # post-release: kept for rating pretraining and evaluation only, never a revenue input
    "rating": "float64",  # 0–10
    "vote_count": "float64",
    # audit flags of the revenue/budget labels (``_audit``); derived from the film's own gross
    "label_flags": "object",
}

LIST_COLUMNS = ("genres", "keywords", "cast", "directors", "writers", "companies",
                "label_flags")
# Known only after release: a forecast never reads these columns of the film itself. The second
# line names the post-release columns of the tables added with corpus v2 (maximum theaters, run
# length, Box Office Mojo's widest release, grosses, critics' and users' scores, award counts,
# DVD sales); they are never copied into the corpus, and are listed so that any future reader
# keeping one under its source name is still forbidden.
POST_RELEASE_COLUMNS = ("revenue", "revenue_domestic", "revenue_adj", "rating", "vote_count",
                        "label_flags",
                        "max_theaters", "run_weeks", "release_width", "metascore",
                        "rotten_tomatoes", "domestic_gross", "worldwide_gross", "total_gross",
                        "us_dvd_sales", "award_wins", "award_nominations", "popularity",
                        "version_count")
# the release plan: known about a week before release, not at greenlight; a greenlight model
# never reads these, a "release week" horizon may
RELEASE_PLAN_COLUMNS = ("opening_theaters",)
# fields computed in the corpus from other fields (no source of their own)
DERIVED_FIELDS = ("min_age", "label_flags")
# every field but the keys and derived fields gets a "src_<field>" provenance column
PROVENANCE_FIELDS = tuple(
    c for c in FILM_COLUMNS if c not in ("film_id", "tmdb_id", "imdb_id", "year", "budget_adj",
                                        "revenue_adj", *DERIVED_FIELDS)
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


def without_attrs(films: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy without ``attrs``: pandas deep-copies attrs on every slice, and a synthetic
    market's attrs (its ground truth) make each copy slow."""
    out = films.copy(deep=False)
    out.attrs = {}
    return out


def empty_films() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in FILM_COLUMNS.items()})


def empty_anime() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ANIME_COLUMNS.items()})
