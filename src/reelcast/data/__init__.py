"""Sources → canonical corpus: readers for the public tables, the corpus builder, a synthetic market."""

from ._market import MarketTruth, make_anime_market, make_market
from ._schema import (
    ANIME_COLUMNS,
    FILM_COLUMNS,
    GENRE_ALIASES,
    GENRES,
    LIST_COLUMNS,
    POST_RELEASE_COLUMNS,
    empty_anime,
    empty_films,
)

__all__ = [
    "ANIME_COLUMNS",
    "FILM_COLUMNS",
    "GENRE_ALIASES",
    "GENRES",
    "LIST_COLUMNS",
    "POST_RELEASE_COLUMNS",
    "empty_anime",
    "empty_films",
    "make_anime_market",
    "make_market",
    "MarketTruth",
]
