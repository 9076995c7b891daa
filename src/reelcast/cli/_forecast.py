"""``reelcast forecast / calibrate``: one film with its interval, comparables and explanation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .._errors import InputError

__all__ = ["register", "render_forecast"]


def _money(x: float | None) -> str:
    if x is None:
        return "—"
    return f"${x / 1e6:,.1f}M" if abs(x) >= 1e5 else f"${x:,.0f}"


def render_forecast(fc) -> None:
    """Print a :class:`FilmForecast` as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.rule(f"[bold]{fc.title}[/bold] — release {fc.release_date}, budget {_money(fc.budget)}")
    console.print(f"forecast worldwide gross: [bold]{_money(fc.revenue_usd)}[/bold] "
                  f"(log {fc.log_revenue:.2f})")
    for level, band in fc.intervals.items():
        console.print(f"  {level}% interval: {_money(band['low'])} – {_money(band['high'])}")
    if fc.comparables:
        table = Table("comparable earlier film", "released", "budget", "worldwide gross", "genres",
                      title="5 most similar earlier films")
        for c in fc.comparables:
            table.add_row(c["title"], c["release_date"], _money(c["budget"]),
                          _money(c["revenue"]), c["genres"])
        console.print(table)
    table = Table("feature", "value", "log effect", "× factor", "$ vs baseline",
                  title=f"why (TreeSHAP; baseline {_money(fc.baseline_usd)})")
    for c in fc.contributions:
        value = c["value"]
        shown = "—" if value is None else (f"{value:,.3g}" if isinstance(value, float) else value)
        table.add_row(c["feature"], shown, f"{c['log']:+.3f}", f"×{c['factor']:.2f}",
                      f"{c['usd'] / 1e6:+,.1f}M")
    console.print(table)
    _render_extras(console, fc)
    for w in fc.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}")


def _render_extras(console, fc) -> None:
    """Predicted rating, genre probabilities and the nearest recent hits."""
    from rich.table import Table

    if fc.rating is not None:
        console.print(f"predicted rating: [bold]{fc.rating:.1f}[/bold] / 10")
    if fc.genres:
        top = list(fc.genres.items())[:6]
        console.print(f"genre probabilities (from {' + '.join(fc.genre_sources)}): "
                      + ", ".join(f"{g} {p:.0%}" for g, p in top))
    hits = fc.hits
    if hits is None:
        return
    if hits["copycat"] is None:
        console.print(f"copycat: not assessed (too few keywords); {hits['n_recent_hits']} recent "
                      f"hits in the {hits['window_days']} days before release")
        return
    verdict = "yes" if hits["copycat"] else "no"
    console.print(f"copycat of a recent hit: [bold]{verdict}[/bold] (max similarity "
                  f"{hits['max_similarity']:.2f}, threshold {hits['threshold']:.2f}; "
                  f"{hits['n_similar']} of {hits['n_recent_hits']} recent hits similar)")
    if hits["hits"]:
        table = Table("recent hit", "released", "similarity", "gross (2017 $)", "franchise",
                      title="nearest recent hits (keyword TF-IDF cosine)")
        for h in hits["hits"]:
            table.add_row(h["title"], h["release_date"], f"{h['similarity']:.2f}",
                          _money(h["revenue"]), "yes" if h["franchise"] else "")
        console.print(table)


def forecast(
    model: Annotated[Path, typer.Option(help="Model directory (reelcast train + calibrate).")],
    title: Annotated[str | None, typer.Option(help="Film title.")] = None,
    release_date: Annotated[str | None, typer.Option(help="Planned release date YYYY-MM-DD.")] = None,
    budget: Annotated[str | None, typer.Option(help="Budget in US dollars.")] = None,
    genres: Annotated[str | None, typer.Option(help='Genres, e.g. "Action|Drama".')] = None,
    cast: Annotated[str | None, typer.Option(help="Billed cast, |-separated.")] = None,
    directors: Annotated[str | None, typer.Option(help="Directors, |-separated.")] = None,
    writers: Annotated[str | None, typer.Option(help="Writers, |-separated.")] = None,
    companies: Annotated[str | None, typer.Option(help="Companies, |-separated.")] = None,
    keywords: Annotated[str | None, typer.Option(help="Keywords, |-separated.")] = None,
    collection: Annotated[str | None, typer.Option(help="Franchise/collection name.")] = None,
    runtime: Annotated[str | None, typer.Option(help="Runtime in minutes.")] = None,
    language: Annotated[str | None, typer.Option(help="Original language (ISO 639-1).")] = None,
    certification: Annotated[str | None, typer.Option(
        help="Age rating: MPAA (G, PG, PG-13, R, NC-17, NR), FSK (FSK 12 or 12) or BBFC "
             "(BBFC 15, 12A).")] = None,
    overview: Annotated[str | None, typer.Option(help="Plot overview.")] = None,
    film_json: Annotated[Path | None, typer.Option(
        "--film", help="Read the film from a JSON object file (flags override its fields).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the forecast as JSON.")] = None,
    poster: Annotated[Path | None, typer.Option(
        help="Poster image (JPEG/PNG/GIF/WebP) for the genre probabilities.")] = None,
    tmdb_id: Annotated[int | None, typer.Option("--tmdb-id", help=(
        "Fill the film in from TMDB (key: $TMDB_API_KEY or --api-key); flags win."))] = None,
    api_key: Annotated[str | None, typer.Option("--api-key", help="TMDB API key.")] = None,
) -> None:
    """Forecast one film: worldwide gross, 80%/95% intervals, comparables and explanation."""
    from .._io import write_json
    from ..forecast._one_film import forecast_film

    record: dict = {}
    if film_json is not None:
        try:
            record = json.loads(Path(film_json).read_text())
        except FileNotFoundError:
            raise InputError(f"--film {str(film_json)!r} does not exist") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"--film {str(film_json)!r} is not valid JSON: {exc}") from None
        if not isinstance(record, dict):
            raise InputError(f"--film {str(film_json)!r} must hold one JSON object, "
                             f"got {type(record).__name__}")
    flags = {"title": title, "release_date": release_date, "budget": budget, "genres": genres,
             "cast": cast, "directors": directors, "writers": writers, "companies": companies,
             "keywords": keywords, "collection": collection, "runtime": runtime,
             "original_language": language, "certification": certification, "overview": overview}
    record |= {k: v for k, v in flags.items() if v is not None}
    tmdb_image = None
    if tmdb_id is not None:  # TMDB's fields under the ones given here (issue 22)
        from ._fetch import tmdb_forecast_input

        record, tmdb_image = tmdb_forecast_input(tmdb_id, api_key, record)
    if "poster" in record:
        raise InputError("poster: the CLI forecast does not read posters; use the web service")
    image = None
    if poster is not None:
        from ..vision._image import load_image_bytes, read_image_file

        image = load_image_bytes(read_image_file(str(poster)), name="--poster")
    image = tmdb_image if image is None else image
    fc = forecast_film(model, record, poster_image=image)
    render_forecast(fc)
    if json_out is not None:
        write_json(json_out, fc.to_dict())
        typer.echo(f"wrote {json_out}")


def calibrate(
    model: Annotated[Path, typer.Option(help="Model directory to add intervals/comparables to.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory the model was trained on.")] = None,
    market: Annotated[int | None, typer.Option(help="Synthetic market of N films.")] = None,
    seed: Annotated[int, typer.Option(help="Synthetic market seed.")] = 0,
    calib_start: Annotated[str, typer.Option(help="First day of the calibration window.")] = "2012-01-01",
    calib_end: Annotated[str, typer.Option(help="Day after the calibration window.")] = "2014-01-01",
) -> None:
    """Add conformal intervals and the comparables table to a trained model directory."""
    from ..forecast._one_film import attach_product_files
    from ._model import _load_films

    films = _load_films(corpus, market, seed)
    info = attach_product_files(model, films, calib_start=calib_start, calib_end=calib_end)
    typer.echo(f"calibrated on {info['n_calibration']} films in [{calib_start}, {calib_end}) "
               f"(model trained on {info['n_train']} earlier films); half-widths (log): "
               + ", ".join(f"{k}: {v:.3f}" for k, v in info["quantiles_log"].items()))


def register(app: typer.Typer) -> None:
    app.command()(forecast)
    app.command()(calibrate)
