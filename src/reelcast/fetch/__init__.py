"""Remote sources → the new-film CSV: a TMDB API v3 client (the only code that uses the network).

This package sits beside the offline readers of ``reelcast.data``: it imports nothing from
features, models, forecast or the CLI. Use it through ``reelcast fetch tmdb`` or directly:

>>> from reelcast.fetch import TMDBClient, fetch_films, resolve_api_key, write_films_csv
>>> with TMDBClient(resolve_api_key()) as tmdb:                       # doctest: +SKIP
...     got = fetch_films(tmdb, [299536])
...     write_films_csv(got.films, "films.csv", tmdb)
"""

from ._cache import ResponseCache, default_cache_dir
from ._http import PoliteHttp, RateLimiter, redact
from ._tmdb_client import KEY_ENV, TMDBClient, TMDBSettings, resolve_api_key, tmdb_id
from ._tmdb_films import (
    CSV_COLUMNS,
    FetchedFilms,
    fetch_films,
    fetch_upcoming,
    posters_dir_for,
    render_csv,
    write_films_csv,
)
from ._tmdb_mapping import US_CERTIFICATIONS, WRITER_JOBS, TMDBFilm, map_movie

__all__ = [
    "CSV_COLUMNS",
    "KEY_ENV",
    "US_CERTIFICATIONS",
    "WRITER_JOBS",
    "FetchedFilms",
    "PoliteHttp",
    "RateLimiter",
    "ResponseCache",
    "TMDBClient",
    "TMDBFilm",
    "TMDBSettings",
    "default_cache_dir",
    "fetch_films",
    "fetch_upcoming",
    "map_movie",
    "posters_dir_for",
    "redact",
    "render_csv",
    "resolve_api_key",
    "tmdb_id",
    "write_films_csv",
]
