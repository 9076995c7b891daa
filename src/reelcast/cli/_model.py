"""``reelcast train / evaluate / predict``: the forecaster's command-line face.

``--domain anime`` (and ``predict`` on an anime model directory) runs the anime command group's
commands (``reelcast anime train / evaluate / predict``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._errors import InputError, ReelcastError
from ._anime import (
    CutYear,
    Head,
    Seed,
    TextCache,
    TextEncoder,
    evaluate_anime,
    is_anime_model,
    predict_anime,
    train_anime,
)
from ._backend import RayAddress, executor_for
from ._calibration import CalibEnd, CalibStart

__all__ = ["register"]

FILM_ROUNDS = 1500  # default boosting rounds of the film models

Domain = Annotated[str, typer.Option(
    help="film, or anime (the MAL score model: reelcast anime train|evaluate).")]


def _load_films(corpus: Path | None, market: int | None, seed: int):
    """The corpus's films, or a synthetic market of ``market`` films."""
    from .. import data

    if corpus is not None:
        return data.load_corpus(corpus)
    if market is not None:
        return data.make_market(market, seed=seed)
    raise InputError("give --corpus DIR (a built corpus) or --market N (a synthetic market)")


def train(
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory (reelcast corpus build).")] = None,
    market: Annotated[int | None, typer.Option(help="Train on a synthetic market of N films.")] = None,
    until: Annotated[str | None, typer.Option(help="Train only on films released before DATE.")] = None,
    n_estimators: Annotated[int | None, typer.Option(
        help="Boosting rounds (default 1500 for films, 600 for anime).")] = None,
    intervals: Annotated[bool, typer.Option(
        help="Calibrate 80%/95% intervals (on the training films' last two years unless "
             "--calib-start/--calib-end say otherwise) and store comparables.")] = True,
    calib_start: CalibStart = None,
    calib_end: CalibEnd = None,
    seed: Seed = 0,
    domain: Domain = "film",
    kind: Annotated[str, typer.Option(
        "--model", help="film: forecaster (LightGBM, explained by TreeSHAP) or stack (the P-EL "
        "stack on the forecaster's features).")] = "forecaster",
    preset: Annotated[str | None, typer.Option(
        help="stack: fast, default or best (see reelcast.models.stack.PRESETS).")] = None,
    text: TextEncoder = "auto",
    head: Head = "lgbm",
    text_cache: TextCache = None,
    flagged_labels: Annotated[str, typer.Option(
        "--flagged-labels", help="keep, or drop: the forecaster trains without the films whose "
        "labels the corpus audit flagged (revenue that disagrees across sources, equals a "
        "domestic-only figure or is under $22k; budgets typed in millions). The as-of history "
        "still counts them.")] = "keep",
) -> None:
    """Train the box-office forecaster (or, with --domain anime, the anime score model)."""
    import pandas as pd

    if flagged_labels not in ("keep", "drop"):
        raise InputError(f"--flagged-labels must be keep or drop, got {flagged_labels!r}")
    anime = _is_anime(domain)
    if flagged_labels == "drop" and (anime or kind != "forecaster"):
        raise InputError("--flagged-labels drop applies to the film forecaster (--model "
                         f"forecaster), not to {'--domain anime' if anime else '--model ' + kind}")
    if anime:  # the same as reelcast anime train
        return train_anime(out, corpus, market, until, n_estimators, seed, text, head, text_cache)
    model = _film_model(kind, preset, n_estimators, seed, flagged_labels)

    from .._io import frame_sha256
    from ..data import has_label_flags, revenue_films
    from ..evaluation import cutoff_date
    from ..models.forecaster import save_any

    films = _load_films(corpus, market, seed)
    scored = revenue_films(films)
    cutoff = cutoff_date(until)
    if cutoff is not None:
        scored = scored[pd.to_datetime(scored["release_date"]) < cutoff]
        films = films[pd.to_datetime(films["release_date"]) < cutoff]
    if intervals:  # a bad window fails here, before anything is trained or written
        from ..forecast import calibration_window

        calib_start, calib_end = calibration_window(films, calib_start, calib_end)
    model.fit(scored, history=films)
    # the regressor's own count: the forecaster leaves the flagged labels out itself
    n_left_out = int(has_label_flags(scored).sum()) if flagged_labels == "drop" else 0
    save_any(model, out, training_data_hash=frame_sha256(
        scored[["film_id", "release_date", "budget", "revenue"]]),
        extra={"n_train": len(scored) - n_left_out})
    what = "the forecaster" if kind == "forecaster" else f"the {model.preset} stack"
    left_out = f" ({n_left_out:,} with flagged labels left out)" if flagged_labels == "drop" else ""
    typer.echo(f"trained {what} on {len(scored) - n_left_out:,} films with budget and "
               f"revenue{left_out}; saved to {out}")
    if intervals:
        from ..forecast import attach_product_files

        try:
            info = attach_product_files(out, films, calib_start=calib_start,
                                        calib_end=calib_end)
        except ReelcastError as exc:  # too few calibration films (e.g. a tiny market)
            typer.echo(f"warning: no intervals: {exc}", err=True)
        else:
            typer.echo(f"intervals calibrated on {info['n_films']:,} films released in "
                       f"[{info['calib_start']}, {info['calib_end']}), each under "
                       f"{len(info['field_sets'])} field sets; comparables stored")


def _is_anime(domain: str) -> bool:
    """Whether ``--domain`` names the anime domain (any other value than film or anime fails)."""
    if domain not in ("film", "anime"):
        raise InputError(f"--domain must be film or anime, got {domain!r}")
    return domain == "anime"


def _film_model(kind: str, preset: str | None, n_estimators: int | None, seed: int,
                flagged_labels: str = "keep"):
    """The unfitted film model ``--model``, ``--preset`` and ``--flagged-labels`` name."""
    from ..forecast import BoxOfficeForecaster
    from ..models.forecaster import MODEL_KINDS, ForecasterStack
    from ..models.stack import PRESETS

    n_estimators = FILM_ROUNDS if n_estimators is None else n_estimators
    if kind not in MODEL_KINDS:
        raise InputError(f"--model must be one of {', '.join(MODEL_KINDS)}, got {kind!r}")
    if kind == "forecaster":
        if preset not in (None, "default"):
            raise InputError(f"--preset {preset!r} applies to --model stack; the forecaster has "
                             "one configuration (tune it with --n-estimators)")
        return BoxOfficeForecaster(n_estimators=n_estimators, random_state=seed,
                                   flagged_labels=flagged_labels)
    preset = preset or "fast"
    if preset not in PRESETS:
        raise InputError(f"--preset must be one of {', '.join(sorted(PRESETS))}, got {preset!r}")
    return ForecasterStack(preset=preset, n_estimators=n_estimators, random_state=seed)


def evaluate(
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory.")] = None,
    market: Annotated[int | None, typer.Option(help="Evaluate on a synthetic market of N films.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write every number as JSON here.")] = None,
    train_end: Annotated[str, typer.Option(help="First day of the test period.")] = "2014-01-01",
    test_end: Annotated[str, typer.Option(help="Day after the test period.")] = "2018-01-01",
    random: Annotated[bool, typer.Option(help="Also score a random split (shown beside).")] = False,
    rolling: Annotated[bool, typer.Option(help="Rolling-origin CV by year (2012–2017).")] = True,
    n_estimators: Annotated[int | None, typer.Option(
        help="Boosting rounds (default 1500 for films, 600 for anime).")] = None,
    fields: Annotated[list[str] | None, typer.Option(
        "--fields", help="Also score test films given only these fields: a named set or "
        "'producer' (every field but the distributor and The Numbers' taxonomy), fields added "
        "with +, e.g. core+cast (repeatable); 'near' adds every named set with one more "
        "field.")] = None,
    seed: Seed = 0,
    domain: Domain = "film",
    cut_year: CutYear = 2015,
    text: TextEncoder = "auto",
    text_cache: TextCache = None,
    ray: RayAddress = None,
) -> None:
    """Temporal evaluation of the forecaster beside the mean and budget-only baselines."""
    from .._io import write_json

    if _is_anime(domain):  # the same as reelcast anime evaluate
        return evaluate_anime(corpus, market, out, cut_year, random, n_estimators, seed, text,
                              text_cache)
    n_estimators = FILM_ROUNDS if n_estimators is None else n_estimators
    from ..data import field_set
    from ..evaluation import NEAR_SCENARIOS, SCENARIOS, format_table
    from ..evaluation import evaluate as run
    from ..forecast import BoxOfficeForecaster

    extra = [s for f in fields or () for s in (NEAR_SCENARIOS if f == "near" else (f,))]
    scenarios = tuple(dict.fromkeys((*SCENARIOS, *extra)))
    for scenario in scenarios:
        field_set(scenario)  # a misspelt field is one line before any corpus is read
    films = _load_films(corpus, market, seed)
    with executor_for(ray):  # the temporal test and each rolling year: one unit of work each
        result = run(
            films, {"reelcast lgbm": lambda: BoxOfficeForecaster(n_estimators=n_estimators,
                                                                  random_state=seed)},
            train_end=train_end, test_end=test_end, random=random,
            rolling_years=(2012, 2013, 2014, 2015, 2016, 2017) if rolling else (),
            scenarios=scenarios,
        )
    typer.echo(f"temporal test: train < {train_end} ({result.n_train:,} films), "
               f"test [{train_end}, {test_end}) ({result.n_test:,} films); log revenue")
    typer.echo(format_table(result.temporal).to_string())
    typer.echo("\nfields left out (test films keep only a field set; shift: mean change of the "
               "log forecast against full):")
    width = max(8, *map(len, result.scenarios))
    for scenario, per_model in result.scenarios.items():
        m = per_model["reelcast lgbm"]
        typer.echo(f"  {scenario:{width}s} R² {m['r2']:.3f}  RMSE {m['rmse']:.3f}  "
                   f"within ×2 {m['within_2x']:.3f}  shift {m['mean_shift']:+.3f}")
    if result.rolling:
        typer.echo("\nrolling origin (train on every earlier year), R² / RMSE by test year:")
        for year, scores in result.rolling.items():
            cells = "  ".join(f"{k}: {v['r2']:.3f}/{v['rmse']:.2f}" for k, v in scores.items())
            typer.echo(f"  {year}  {cells}")
    if result.random:
        typer.echo("\nrandom 80/20 split (for comparison only; lets the future leak in):")
        typer.echo(format_table(result.random).to_string())
    if out is not None:
        write_json(out, result.to_dict())
        typer.echo(f"\nwrote {out}")


def predict(
    model: Annotated[Path, typer.Option(help="Model directory (reelcast train).")],
    input: Annotated[Path, typer.Option("--input", help="CSV of new films (see README).")],
    output: Annotated[Path, typer.Option(
        "--output", "--out", help="CSV of forecasts to write (not the input).")],
) -> None:
    """Forecast worldwide revenue for the films in a CSV (or MAL scores, for an anime model)."""
    from ._forecast import refuse_overwriting_input

    refuse_overwriting_input(output, [input], "--output")
    if is_anime_model(model):  # the same as reelcast anime predict
        predict_anime(model, input, output)
        return
    from .._io import atomic_file
    from ..forecast import load_intervals, read_new_films
    from ..models.forecaster import load_any
    from ._predict_table import forecast_table, summary_lines

    forecaster = load_any(model)  # a forecaster or a stack, as its manifest says
    intervals = load_intervals(model)
    films, warnings = read_new_films(input)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    if intervals is None:
        typer.echo("warning: model has no calibrated intervals (run reelcast calibrate); "
                   "the interval columns are empty", err=True)
    table = forecast_table(forecaster, films, intervals)
    with atomic_file(output, "w") as fh:
        table.to_csv(fh, index=False)
    for line in summary_lines(table, output):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command(epilog="""\b
Examples:
  reelcast train --corpus artifacts/corpus --out artifacts/model
  reelcast train --market 3000 --out artifacts/demo-model --n-estimators 300
  reelcast train --corpus artifacts/corpus --out artifacts/stack-model --model stack --preset fast
""")(train)
    app.command(epilog="""\b
Examples:
  reelcast evaluate --corpus artifacts/corpus --out artifacts/eval.json
  reelcast evaluate --corpus artifacts/corpus --ray local     (years as Ray tasks)
""")(evaluate)
    app.command(epilog="""\b
Example:
  reelcast predict --model artifacts/model --input films.csv --output forecasts.csv
""")(predict)
