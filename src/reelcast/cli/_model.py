"""``reelcast train / evaluate / predict``: the forecaster's command-line face."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from .._errors import InputError, ReelcastError
from ._backend import RayAddress, executor_for

__all__ = ["register"]


def _load_films(corpus: Path | None, market: int | None, seed: int, *, anime: bool = False):
    """The corpus's films (or anime), or a synthetic market of ``market`` titles."""
    from .. import data

    if corpus is not None:
        return (data.load_anime if anime else data.load_corpus)(corpus)
    if market is not None:
        return (data.make_anime_market if anime else data.make_market)(market, seed=seed)
    raise InputError("give --corpus DIR (a built corpus) or --market N (a synthetic market)")


def train(
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory (reelcast corpus build).")] = None,
    market: Annotated[int | None, typer.Option(help="Train on a synthetic market of N films.")] = None,
    until: Annotated[str | None, typer.Option(help="Train only on films released before DATE.")] = None,
    n_estimators: Annotated[int | None, typer.Option(
        help="Boosting rounds (default 1500 for films, 600 for anime).")] = None,
    intervals: Annotated[bool, typer.Option(
        help="Calibrate 80%/95% intervals on 2012–2013 and store comparables.")] = True,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    domain: Annotated[str, typer.Option(help="film, or anime (the MAL score model).")] = "film",
    kind: Annotated[str, typer.Option(
        "--model", help="film: forecaster (LightGBM, explained by TreeSHAP) or stack (the P-EL "
        "stack on the forecaster's features).")] = "forecaster",
    preset: Annotated[str | None, typer.Option(
        help="stack: fast, default or best (see reelcast.models.stack.PRESETS).")] = None,
    text: Annotated[str, typer.Option(
        help="anime: synopsis encoder auto|minilm|tfidf|none.")] = "auto",
    head: Annotated[str, typer.Option(help="anime: lgbm or mlp.")] = "lgbm",
    text_cache: Annotated[Path | None, typer.Option(
        help="anime: MiniLM embedding cache folder.")] = None,
) -> None:
    """Train the box-office forecaster (or, with --domain anime, the anime score model)."""
    import pandas as pd

    if domain == "anime":
        _train_anime(out, corpus, market, until, n_estimators, seed, text, head, text_cache)
        return
    if domain != "film":
        raise InputError(f"--domain must be film or anime, got {domain!r}")
    n_estimators = 1500 if n_estimators is None else n_estimators
    model = _film_model(kind, preset, n_estimators, seed)

    from .._io import frame_sha256
    from ..evaluation import revenue_films
    from ..forecast._stacked import save_any

    films = _load_films(corpus, market, seed)
    scored = revenue_films(films)
    if until is not None:
        try:
            cutoff = pd.Timestamp(until)
        except ValueError:
            raise InputError(f"--until {until!r} is not a date (YYYY-MM-DD)") from None
        scored = scored[pd.to_datetime(scored["release_date"]) < cutoff]
        films = films[pd.to_datetime(films["release_date"]) < cutoff]
    model.fit(scored, history=films)
    save_any(model, out, training_data_hash=frame_sha256(
        scored[["film_id", "release_date", "budget", "revenue"]]),
        extra={"n_train": len(scored)})
    what = "the forecaster" if kind == "forecaster" else f"the {model.preset} stack"
    typer.echo(f"trained {what} on {len(scored):,} films with budget and revenue; saved to {out}")
    if intervals:
        from ..forecast import attach_product_files

        try:
            info = attach_product_files(out, films)
        except ReelcastError as exc:  # too few calibration films (e.g. a tiny market)
            typer.echo(f"warning: no intervals: {exc}", err=True)
        else:
            typer.echo(f"intervals calibrated on {info.get('n_calibration', '?')} films; "
                       "comparables stored")


def _film_model(kind: str, preset: str | None, n_estimators: int, seed: int):
    """The unfitted film model ``--model`` and ``--preset`` name."""
    from ..forecast import BoxOfficeForecaster
    from ..forecast._stacked import MODEL_KINDS, ForecasterStack
    from ..models.stack import PRESETS

    if kind not in MODEL_KINDS:
        raise InputError(f"--model must be one of {', '.join(MODEL_KINDS)}, got {kind!r}")
    if kind == "forecaster":
        if preset not in (None, "default"):
            raise InputError(f"--preset {preset!r} applies to --model stack; the forecaster has "
                             "one configuration (tune it with --n-estimators)")
        return BoxOfficeForecaster(n_estimators=n_estimators, random_state=seed)
    preset = preset or "fast"
    if preset not in PRESETS:
        raise InputError(f"--preset must be one of {', '.join(sorted(PRESETS))}, got {preset!r}")
    return ForecasterStack(preset=preset, n_estimators=n_estimators, random_state=seed)


def _load_anime(corpus: Path | None, market: int | None, seed: int):
    return _load_films(corpus, market, seed, anime=True)


def _train_anime(out, corpus, market, until, n_estimators, seed, text, head, text_cache) -> None:
    from ..models.anime import train_anime_model

    info = train_anime_model(_load_anime(corpus, market, seed), out, until=until, text=text, head=head,
                             n_estimators=600 if n_estimators is None else n_estimators,
                             cache_dir=text_cache, random_state=seed)
    typer.echo(f"trained the anime score model on {info['n_train']:,} scored titles "
               f"(synopsis: {info['text_encoder']}); saved to {out}")
    m = info["metrics"]
    if m:
        typer.echo(f"holdout ({m['split']}): MSE {m['mse']:.4f} on (score-1)/9, "
                   f"R² {m['r2']:.3f}, Spearman {m['spearman']:.3f}")


def _evaluate_anime(corpus, market, out, cut_year, random, n_estimators, seed, text,
                    text_cache) -> None:
    from .._io import write_json
    from ..models.anime import evaluate_anime_model

    result = evaluate_anime_model(_load_anime(corpus, market, seed), cut_year=cut_year,
                                  random=random, text=text, cache_dir=text_cache,
                                  n_estimators=600 if n_estimators is None else n_estimators,
                                  random_state=seed)
    for name, split in result.items():
        typer.echo(f"{name} split: {split['split']}; MSE on (score-1)/9")
        for label, m in (("training mean", split["mean"]),
                         (f"anime lgbm ({split['text_encoder']})", split["model"])):
            typer.echo(f"  {label:<24} MSE {m['mse']:.4f}  R² {m['r2']:.3f}  "
                       f"Spearman {m['spearman']:.3f}  MAE {m['mae']:.3f}")
    if out is not None:
        write_json(out, result)
        typer.echo(f"wrote {out}")


def _model_domain(model: Path) -> str:
    """``"anime"`` when the manifest says so; anything else goes down the film path unchanged."""
    import json

    try:
        return json.loads((Path(model) / "manifest.json").read_text()).get("domain") or "film"
    except (OSError, ValueError, AttributeError):
        return "film"


def _predict_anime(model: Path, input: Path, output: Path) -> None:
    from .._io import atomic_file
    from ..models.anime import load_anime_model, read_anime_csv

    scorer = load_anime_model(model)
    anime = read_anime_csv(input)
    table = anime[["title", "start_date"]].copy()
    table["start_date"] = table["start_date"].dt.strftime("%Y-%m-%d")
    table["predicted_mal_score"] = np.round(scorer.predict(anime), 3)
    with atomic_file(output, "w") as fh:
        table.to_csv(fh, index=False)
    if len(table) <= 10:
        typer.echo(table.to_string(index=False))
    noun = "score" if len(table) == 1 else "scores"
    typer.echo(f"{len(table):,} predicted MAL {noun}, median "
               f"{table['predicted_mal_score'].median():.2f}; wrote {output}")


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
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    domain: Annotated[str, typer.Option(help="film, or anime (the MAL score model).")] = "film",
    cut_year: Annotated[int, typer.Option(help="anime: first year of the test period.")] = 2015,
    text: Annotated[str, typer.Option(
        help="anime: synopsis encoder auto|minilm|tfidf|none.")] = "auto",
    text_cache: Annotated[Path | None, typer.Option(
        help="anime: MiniLM embedding cache folder.")] = None,
    ray: RayAddress = None,
) -> None:
    """Temporal evaluation of the forecaster beside the mean and budget-only baselines."""
    from .._io import write_json

    if domain == "anime":
        _evaluate_anime(corpus, market, out, cut_year, random, n_estimators, seed, text, text_cache)
        return
    if domain != "film":
        raise InputError(f"--domain must be film or anime, got {domain!r}")
    n_estimators = 1500 if n_estimators is None else n_estimators
    from ..evaluation import evaluate as run
    from ..evaluation import format_table
    from ..forecast import BoxOfficeForecaster

    films = _load_films(corpus, market, seed)
    with executor_for(ray):  # the temporal test and each rolling year: one unit of work each
        result = run(
            films, {"reelcast lgbm": lambda: BoxOfficeForecaster(n_estimators=n_estimators,
                                                                  random_state=seed)},
            train_end=train_end, test_end=test_end, random=random,
            rolling_years=(2012, 2013, 2014, 2015, 2016, 2017) if rolling else (),
        )
    typer.echo(f"temporal test: train < {train_end} ({result.n_train:,} films), "
               f"test [{train_end}, {test_end}) ({result.n_test:,} films); log revenue")
    typer.echo(format_table(result.temporal).to_string())
    typer.echo("\nfields left out (test films keep only a field set; shift: mean change of the "
               "log forecast against full):")
    for scenario, per_model in result.scenarios.items():
        m = per_model["reelcast lgbm"]
        typer.echo(f"  {scenario:8s} R² {m['r2']:.3f}  RMSE {m['rmse']:.3f}  "
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
    if _model_domain(model) == "anime":
        _predict_anime(model, input, output)
        return
    from .._io import atomic_file
    from ..forecast._input import read_new_films
    from ..forecast._intervals import load_intervals
    from ..forecast._stacked import load_any
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
