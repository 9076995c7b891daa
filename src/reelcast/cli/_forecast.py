"""``reelcast forecast / calibrate``: one film with its interval, comparables and explanation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .._errors import InputError
from ._calibration import CalibEnd, CalibStart
from ._render import render_forecast

__all__ = ["register", "render_forecast"]

FORECAST_EXAMPLE = """\b
Examples:
  reelcast forecast --model artifacts/model --title "A Quiet Place" --release-date 2018-04-06 \\
      --budget 17000000 --genres "Horror|Drama" --cast "Emily Blunt|John Krasinski"
  reelcast forecast --model artifacts/model --film film.json --poster poster.jpg --json out.json
"""


def forecast(
    model: Annotated[Path, typer.Option(help="Model directory (reelcast train).")],
    title: Annotated[str | None, typer.Option(
        help="Film title. Required (here or in --film).")] = None,
    release_date: Annotated[str | None, typer.Option(
        help="Planned release date YYYY-MM-DD. Required (here or in --film).")] = None,
    budget: Annotated[str | None, typer.Option(
        help="Budget in US dollars: 17000000 or '$17,000,000'.")] = None,
    genres: Annotated[str | None, typer.Option(help='Genres, e.g. "Action|Drama".')] = None,
    cast: Annotated[str | None, typer.Option(help="Billed cast, |-separated.")] = None,
    directors: Annotated[str | None, typer.Option(help="Directors, |-separated.")] = None,
    writers: Annotated[str | None, typer.Option(help="Writers, |-separated.")] = None,
    companies: Annotated[str | None, typer.Option(help="Companies, |-separated.")] = None,
    keywords: Annotated[str | None, typer.Option(help="Keywords, |-separated.")] = None,
    collection: Annotated[str | None, typer.Option(help="Franchise/collection name.")] = None,
    runtime: Annotated[str | None, typer.Option(help="Runtime in minutes.")] = None,
    language: Annotated[str | None, typer.Option(
        "--language", "--original-language", help="Original language (ISO 639-1), e.g. en.")] = None,
    certification: Annotated[str | None, typer.Option(
        help="Age rating: MPAA (G, PG, PG-13, R, NC-17, NR), FSK (FSK 12 or 12) or BBFC "
             "(BBFC 15, 12A).")] = None,
    overview: Annotated[str | None, typer.Option(help="Plot overview.")] = None,
    tagline: Annotated[str | None, typer.Option(help="Tagline.")] = None,
    distributor: Annotated[str | None, typer.Option(
        help="US theatrical distributor, e.g. 'Walt Disney'.")] = None,
    story_source: Annotated[str | None, typer.Option(
        help="Story source, e.g. 'Original Screenplay', 'Based on Comic/Graphic Novel'.")] = None,
    creative_type: Annotated[str | None, typer.Option(
        help="Creative type, e.g. 'Super Hero', 'Contemporary Fiction'.")] = None,
    production_method: Annotated[str | None, typer.Option(
        help="Production method, e.g. 'Live Action', 'Digital Animation'.")] = None,
    opening_theaters: Annotated[str | None, typer.Option(
        help="US theaters on the opening weekend (read only by a release_week model).")] = None,
    film_json: Annotated[Path | None, typer.Option(
        "--film", help="Read the film from a JSON object file with the CSV's field names "
        "(flags override its fields).")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write the forecast as JSON to this file.")] = None,
    poster: Annotated[Path | None, typer.Option(
        help="Poster image (JPEG/PNG/GIF/WebP): counts as a given poster and feeds the genre "
        "probabilities, as on the web page.")] = None,
    tmdb_id: Annotated[int | None, typer.Option("--tmdb-id", help=(
        "Fill the film in from TMDB (key: $TMDB_API_KEY or --api-key); flags win."))] = None,
    api_key: Annotated[str | None, typer.Option("--api-key", help="TMDB API key.")] = None,
) -> None:
    """Forecast one film: worldwide gross, 80%/95% intervals, comparables and explanation."""
    from .._io import write_json
    from ..forecast import forecast_film

    record = _read_film_json(film_json) if film_json is not None else {}
    flags = {"title": title, "release_date": release_date, "budget": budget, "genres": genres,
             "cast": cast, "directors": directors, "writers": writers, "companies": companies,
             "keywords": keywords, "collection": collection, "runtime": runtime,
             "original_language": language, "certification": certification,
             "overview": overview, "tagline": tagline, "distributor": distributor,
             "story_source": story_source, "creative_type": creative_type,
             "production_method": production_method, "opening_theaters": opening_theaters}
    record |= {k: v for k, v in flags.items() if v is not None}
    tmdb_image = None
    if tmdb_id is not None:  # TMDB's fields under the ones given here (issue 22)
        from ._fetch import tmdb_forecast_input

        record, tmdb_image = tmdb_forecast_input(tmdb_id, api_key, record)
    if poster is None and record.get("poster"):  # a poster path in --film: the same as --poster
        poster = Path(str(record["poster"]))
    record.pop("poster", None)
    image = None
    if poster is not None:
        from ..vision import load_image_bytes, read_image_file

        image = load_image_bytes(read_image_file(str(poster)), name="--poster")
    image = tmdb_image if image is None else image
    if json_out is not None:
        refuse_overwriting_input(json_out, [film_json, poster], "--json")
    fc = forecast_film(model, record, poster_image=image)
    render_forecast(fc)
    if json_out is not None:
        write_json(json_out, fc.to_dict())
        typer.echo(f"wrote {json_out}")


def _read_film_json(path: Path) -> dict:
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"--film {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"--film {str(path)!r} is a folder, not a JSON file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"--film {str(path)!r} is not valid JSON: {exc}") from None
    if not isinstance(record, dict):
        raise InputError(f"--film {str(path)!r} must hold one JSON object, "
                         f"got {type(record).__name__}")
    return record


def refuse_overwriting_input(output: Path, inputs, option: str) -> None:
    """An output path must not be one of the command's input files."""
    import os

    out = Path(output)
    for given in inputs:
        if given is None:
            continue
        same = out.resolve() == Path(given).resolve()
        if not same and out.exists() and Path(given).exists():
            same = os.path.samefile(out, given)
        if same:
            raise InputError(f"{option} {str(output)!r} is an input file of this command; "
                             "choose another output path")


def calibrate(
    model: Annotated[Path, typer.Option(help="Model directory to add intervals/comparables to.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory the model was trained on.")] = None,
    market: Annotated[int | None, typer.Option(help="Synthetic market of N films.")] = None,
    seed: Annotated[int, typer.Option(help="Synthetic market seed.")] = 0,
    calib_start: CalibStart = None,
    calib_end: CalibEnd = None,
) -> None:
    """Add conformal intervals and the comparables table to a trained model directory."""
    from ..forecast import attach_product_files
    from ._model import _load_films

    films = _load_films(corpus, market, seed)
    info = attach_product_files(model, films, calib_start=calib_start, calib_end=calib_end)
    typer.echo(f"calibrated on {info['n_films']:,} films released in "
               f"[{info['calib_start']}, {info['calib_end']}), each under "
               f"{len(info['field_sets'])} field sets (model trained on {info['n_train']:,} "
               "earlier films); half-widths (log): "
               + ", ".join(f"{k}: {v:.3f}" for k, v in info["quantiles_log"].items()))


CALIBRATE_EXAMPLE = """\b
Example:
  reelcast calibrate --model artifacts/model --corpus artifacts/corpus
"""


def register(app: typer.Typer) -> None:
    app.command(epilog=FORECAST_EXAMPLE)(forecast)
    app.command(epilog=CALIBRATE_EXAMPLE)(calibrate)
