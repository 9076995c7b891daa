"""``reelcast fetch tmdb``: upcoming films (or given TMDB ids) into the new-film CSV, with posters.

Also the TMDB step of ``reelcast forecast --tmdb-id``. The key comes from ``--api-key`` or
``TMDB_API_KEY`` and is never printed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register", "tmdb_client_from_env", "tmdb_forecast_input", "tmdb_settings"]

fetch_app = typer.Typer(name="fetch", no_args_is_help=True,
                        help="Fetch films from outside sources into the new-film CSV.")

_KEY_HELP = "TMDB API key or v4 read access token (default: $TMDB_API_KEY, safer than this flag)."


def tmdb_settings(cache_dir: Path | None = None, no_cache: bool = False, rate: int = 40,
                  language: str = "en-US"):
    """TMDBSettings from the command's options (base URLs from TMDB_API_URL/TMDB_IMAGE_URL)."""
    from ..fetch import TMDBSettings

    return TMDBSettings(cache=not no_cache, cache_dir=cache_dir, rate=rate, language=language)


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator:
    """``update(stage, done, total)`` drawing a bar per stage on stderr; a no-op when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("TMDB {task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _summary(film, poster: str | None) -> str:
    rec = film.record
    budget = f"budget ${rec['budget']:,}" if rec.get("budget") else "budget unknown"
    ids = f"TMDB {film.tmdb_id}" + (f", {film.imdb_id}" if film.imdb_id else "")
    return (f"{rec['title']} ({ids}): {rec['release_date']} ({film.release_source}), "
            f"{rec.get('certification', 'no certification')}, {budget}, "
            f"poster {'saved' if poster else 'none'}")


def tmdb(
    out: Annotated[Path, typer.Option(help="CSV to write (posters go to <name>_posters/ beside it).")],
    ids: Annotated[list[int] | None, typer.Option(
        "--id", help="TMDB film id (repeat for several), e.g. --id 299536.")] = None,
    upcoming: Annotated[bool, typer.Option(
        "--upcoming", help="Fetch TMDB's upcoming-release list instead of given ids.")] = False,
    region: Annotated[str, typer.Option(help="Country of the upcoming list (ISO 3166-1).")] = "US",
    pages: Annotated[int, typer.Option(help="Pages of the upcoming list (20 films each).")] = 1,
    api_key: Annotated[str | None, typer.Option("--api-key", help=_KEY_HELP)] = None,
    posters: Annotated[bool, typer.Option(
        "--posters/--no-posters", help="Download each film's poster beside the CSV.")] = True,
    cache_dir: Annotated[Path | None, typer.Option(
        help="Cache folder for TMDB answers (default ~/.cache/reelcast/tmdb).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    rate: Annotated[int, typer.Option(min=1, help="At most this many requests per 10 seconds.")] = 40,
    language: Annotated[str, typer.Option(help="Language of titles and overviews.")] = "en-US",
) -> None:
    """Write TMDB's upcoming films, or the films given by --id, as a new-film CSV.

    Example: reelcast fetch tmdb --upcoming --region US --pages 2 --out upcoming.csv
    """
    from .._errors import InputError
    from ..fetch import (
        TMDBClient,
        fetch_films,
        fetch_upcoming,
        resolve_api_key,
        write_films_csv,
    )

    if bool(ids) == upcoming:
        raise InputError("give either --id N (one or more) or --upcoming, not "
                         + ("both" if ids else "neither"))
    key = resolve_api_key(api_key)
    with TMDBClient(key, tmdb_settings(cache_dir, no_cache, rate, language)) as client, \
            _progress(sys.stderr.isatty()) as progress:
        if upcoming:
            got = fetch_upcoming(client, region=region, pages=pages, progress=progress)
        else:
            got = fetch_films(client, ids, progress=progress)
        written = write_films_csv(got.films, out, client, posters=posters, progress=progress)
    for film in got.films:
        typer.echo(_summary(film, written["posters"].get(film.tmdb_id)))
        for note in film.notes:
            typer.echo(f"  note: {note}")
    for line in got.skipped:
        typer.echo(f"skipped: {line}")
    for note in written["notes"]:
        typer.echo(f"note: {note}")
    if upcoming and got.total_pages is not None and got.pages < pages:
        typer.echo(f"TMDB's upcoming list has only {_count(got.total_pages, 'page')}")
    where = (f"; {_count(len(written['posters']), 'poster')} in {written['posters_dir']}"
             if written["posters_dir"] else "")
    typer.echo(f"wrote {_count(written['n_films'], 'film')} to {out}{where} "
               f"({_count(client.requests_sent, 'request')} to TMDB, "
               f"{client.cache.hits} answered from the cache)")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def tmdb_forecast_input(film_id: int, api_key: str | None, given: dict) -> tuple[dict, object]:
    """``(record, poster image or None)`` for ``reelcast forecast --tmdb-id``: TMDB's fields,
    replaced by the ones ``given`` on the command line; prints which fields came from where."""
    from .._errors import ImageError
    from ..fetch import TMDBClient, fetch_films, resolve_api_key
    from ..vision import load_image_bytes

    with TMDBClient(resolve_api_key(api_key), tmdb_settings()) as client:
        film = fetch_films(client, [film_id]).films[0]
        got = client.poster(film.poster_path)
    from_tmdb = [f for f in film.fields if f not in given]
    typer.echo(f"from TMDB film {film.tmdb_id}" + (f" ({film.imdb_id})" if film.imdb_id else "")
               + f": {', '.join(from_tmdb) or 'nothing'}; release_date is the "
               f"{film.release_source}" + (", poster (for genres)" if got else ", no poster"))
    replaced = [f for f in film.fields if f in given]
    if replaced:
        typer.echo(f"given on the command line instead of TMDB's: {', '.join(replaced)}")
    for note in film.notes:
        typer.echo(f"note: {note}")
    image = None
    if got:
        try:
            image = load_image_bytes(got[0], name=f"TMDB poster of film {film.tmdb_id}")
        except ImageError as exc:  # the poster only adds genre evidence: go on without it
            typer.echo(f"note: {exc}; poster skipped")
    return film.record | given, image


def tmdb_client_from_env():
    """A TMDBClient when ``TMDB_API_KEY`` is set (``reelcast serve``), else ``None``."""
    from ..fetch import KEY_ENV, TMDBClient, resolve_api_key

    if not os.environ.get(KEY_ENV, "").strip():
        return None
    return TMDBClient(resolve_api_key(), tmdb_settings())


def register(app: typer.Typer) -> None:
    fetch_app.command("tmdb")(tmdb)
    app.add_typer(fetch_app)
