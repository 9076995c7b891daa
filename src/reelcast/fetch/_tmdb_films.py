"""Films from TMDB to a new-film CSV with posters beside it, all or nothing.

Every request is made before anything is written: posters download into a temporary folder and
the CSV is rendered in memory, so a run that fails midway (a 401 on page 3, the network gone)
leaves the previous CSV and posters folder as they were and no temporary files behind.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import FetchError, InputError
from .._io import atomic_dir, atomic_file
from ._tmdb_client import TMDBClient, tmdb_id
from ._tmdb_mapping import TMDBFilm, map_movie

__all__ = ["CSV_COLUMNS", "FetchedFilms", "fetch_films", "fetch_upcoming", "posters_dir_for",
           "render_csv", "write_films_csv"]

# the new-film CSV columns (forecast._input.INPUT_COLUMNS; a test keeps them equal) and the ids
CSV_COLUMNS = ("title", "release_date", "budget", "runtime", "original_language",
               "certification", "genres", "keywords", "cast", "directors", "writers",
               "companies", "collection", "overview", "tagline", "poster", "distributor",
               "story_source", "creative_type", "production_method", "opening_theaters",
               "tmdb_id", "imdb_id")
MAX_PAGES = 500  # TMDB serves at most 500 pages of a list

# progress(stage, done, total): called after each step of a stage ("films", "posters")
Progress = Callable[[str, int, int], None]


@dataclass
class FetchedFilms:
    """Mapped films in list order, and what was skipped and why."""

    films: list[TMDBFilm] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    pages: int = 0
    total_pages: int | None = None


def fetch_films(client: TMDBClient, ids: Iterable, *, progress: Progress | None = None,
                **mapping) -> FetchedFilms:
    """Fetch and map the films ``ids``; any failure (a 404 included) raises :class:`FetchError`."""
    ids = list(dict.fromkeys(tmdb_id(i) for i in ids))
    if not ids:
        raise InputError("no TMDB id given: pass --id N (one or more) or --upcoming")
    out = FetchedFilms()
    for done, film_id in enumerate(ids, start=1):
        out.films.append(map_movie(client.movie(film_id), **mapping))
        if progress:
            progress("films", done, len(ids))
    return out


def fetch_upcoming(client: TMDBClient, *, region: str = "US", pages: int = 1,
                   progress: Progress | None = None, **mapping) -> FetchedFilms:
    """The films of the first ``pages`` pages of TMDB's upcoming list for ``region``.

    A film listed but gone since (404) or without a title or usable release date is skipped with
    a reason; any other failure raises :class:`FetchError`.
    """
    if isinstance(pages, bool) or not isinstance(pages, int) or not 1 <= pages <= MAX_PAGES:
        raise InputError(f"pages {pages!r} must be a whole number from 1 to {MAX_PAGES}")
    out, ids = FetchedFilms(), []
    for page in range(1, pages + 1):
        answer = client.upcoming(region, page)
        results = answer.get("results")
        if not isinstance(results, list):
            raise FetchError(f"TMDB's upcoming page {page} has no list of results")
        ids += [r["id"] for r in results
                if isinstance(r, dict) and isinstance(r.get("id"), int) and r["id"] > 0]
        out.pages = page
        total = answer.get("total_pages")
        out.total_pages = total if isinstance(total, int) else None
        if out.total_pages is not None and page >= out.total_pages:
            break
    ids = list(dict.fromkeys(ids))  # a film can move between pages while they are read
    for done, film_id in enumerate(ids, start=1):
        try:
            details = client.movie(film_id)
        except FetchError as exc:
            if exc.status != 404:
                raise
            out.skipped.append(f"TMDB film {film_id}: listed as upcoming but gone (HTTP 404)")
            continue
        finally:
            if progress:
                progress("films", done, len(ids))
        try:
            out.films.append(map_movie(details, **mapping))
        except FetchError as exc:
            out.skipped.append(str(exc))
    return out


def posters_dir_for(out: str | os.PathLike) -> Path:
    """The posters folder beside a CSV: ``films.csv`` → ``films_posters/``."""
    out = Path(out)
    return out.with_name(f"{out.stem}_posters")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def render_csv(films: list[TMDBFilm], posters: dict[int, str] | None = None) -> str:
    """The CSV text: one row per film, lists joined with ``|``, blanks for unknown values."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for film in films:
        row = {**film.record, "poster": (posters or {}).get(film.tmdb_id),
               "tmdb_id": film.tmdb_id, "imdb_id": film.imdb_id}
        writer.writerow([_cell(row.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue()


def write_films_csv(films: list[TMDBFilm], out: str | os.PathLike,
                    client: TMDBClient | None = None, *, posters: bool = True,
                    progress: Progress | None = None) -> dict:
    """Write ``films`` to the CSV ``out``; with ``posters`` (and a client) download each poster
    into ``<out stem>_posters/`` first and put its path, relative to the CSV's folder, in the
    ``poster`` column.

    Returns ``{"csv", "posters_dir", "posters" (tmdb id → path), "n_films", "notes"}``. Nothing is written when a
    download fails; the posters folder is replaced whole.
    """
    out = Path(out)
    if out.is_dir():
        raise InputError(f"--out {str(out)!r} is a folder; give a CSV file path")
    if not films:
        raise InputError("no films to write: TMDB returned none that could be used")
    notes: list[str] = []
    paths: dict[int, str] = {}
    folder = posters_dir_for(out)
    if posters and client is not None:
        with atomic_dir(folder) as tmp:
            for done, film in enumerate(films, start=1):
                got = client.poster(film.poster_path)
                if got is None:
                    notes.append(f"{film.record['title']} (TMDB {film.tmdb_id}): "
                                 + ("no poster on TMDB" if film.poster_path is None
                                    else "poster could not be downloaded as an image"))
                else:
                    data, suffix = got
                    (tmp / f"{film.tmdb_id}{suffix}").write_bytes(data)
                    paths[film.tmdb_id] = f"{folder.name}/{film.tmdb_id}{suffix}"
                if progress:
                    progress("posters", done, len(films))
            text = render_csv(films, paths)
    else:
        text = render_csv(films)
    # the folder is in place before the CSV that names its files
    with atomic_file(out) as fh:
        fh.write(text.encode("utf-8"))
    return {"csv": out, "posters_dir": folder if paths else None, "posters": paths,
            "n_films": len(films), "notes": notes}
