"""``reelcast train / evaluate / predict``: the forecaster's command-line face."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from .._errors import InputError, ReelcastError

__all__ = ["register"]


def _load_films(corpus: Path | None, market: int | None, seed: int):
    from ..data import make_market

    if corpus is not None:
        from ..data import load_corpus

        return load_corpus(corpus)
    if market is not None:
        return make_market(market, seed=seed)
    raise InputError("give --corpus DIR (a built corpus) or --market N (a synthetic market)")


def train(
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory (reelcast corpus build).")] = None,
    market: Annotated[int | None, typer.Option(help="Train on a synthetic market of N films.")] = None,
    until: Annotated[str | None, typer.Option(help="Train only on films released before DATE.")] = None,
    n_estimators: Annotated[int, typer.Option(help="Boosting rounds.")] = 1500,
    intervals: Annotated[bool, typer.Option(
        help="Calibrate 80%/95% intervals on 2012–2013 and store comparables.")] = True,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Train the box-office forecaster and save it as a model directory."""
    import pandas as pd

    from .._io import frame_sha256
    from ..evaluation import revenue_films
    from ..forecast import BoxOfficeForecaster, save_forecaster

    films = _load_films(corpus, market, seed)
    scored = revenue_films(films)
    if until is not None:
        try:
            cutoff = pd.Timestamp(until)
        except ValueError:
            raise InputError(f"--until {until!r} is not a date (YYYY-MM-DD)") from None
        scored = scored[pd.to_datetime(scored["release_date"]) < cutoff]
        films = films[pd.to_datetime(films["release_date"]) < cutoff]
    model = BoxOfficeForecaster(n_estimators=n_estimators, random_state=seed)
    model.fit(scored, history=films)
    save_forecaster(model, out, training_data_hash=frame_sha256(
        scored[["film_id", "release_date", "budget", "revenue"]]),
        extra={"n_train": len(scored)})
    typer.echo(f"trained on {len(scored):,} films with budget and revenue; saved to {out}")
    if intervals:
        from ..forecast import attach_product_files

        try:
            info = attach_product_files(out, films)
        except ReelcastError as exc:  # too few calibration films (e.g. a tiny market)
            typer.echo(f"warning: no intervals: {exc}", err=True)
        else:
            typer.echo(f"intervals calibrated on {info.get('n_calibration', '?')} films; "
                       "comparables stored")


def evaluate(
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory.")] = None,
    market: Annotated[int | None, typer.Option(help="Evaluate on a synthetic market of N films.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write every number as JSON here.")] = None,
    train_end: Annotated[str, typer.Option(help="First day of the test period.")] = "2014-01-01",
    test_end: Annotated[str, typer.Option(help="Day after the test period.")] = "2018-01-01",
    random: Annotated[bool, typer.Option(help="Also score a random split (shown beside).")] = False,
    rolling: Annotated[bool, typer.Option(help="Rolling-origin CV by year (2012–2017).")] = True,
    n_estimators: Annotated[int, typer.Option(help="Boosting rounds.")] = 1500,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Temporal evaluation of the forecaster beside the mean and budget-only baselines."""
    from .._io import write_json
    from ..evaluation import evaluate as run
    from ..evaluation import format_table
    from ..forecast import BoxOfficeForecaster

    films = _load_films(corpus, market, seed)
    result = run(
        films, {"reelcast lgbm": lambda: BoxOfficeForecaster(n_estimators=n_estimators,
                                                              random_state=seed)},
        train_end=train_end, test_end=test_end, random=random,
        rolling_years=(2012, 2013, 2014, 2015, 2016, 2017) if rolling else (),
    )
    typer.echo(f"temporal test: train < {train_end} ({result.n_train:,} films), "
               f"test [{train_end}, {test_end}) ({result.n_test:,} films); log revenue")
    typer.echo(format_table(result.temporal).to_string())
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
    output: Annotated[Path, typer.Option(help="CSV of forecasts to write.")],
) -> None:
    """Forecast worldwide revenue for the films in a CSV."""
    from .._io import atomic_file
    from ..forecast import load_forecaster
    from ..forecast._input import read_new_films

    forecaster = load_forecaster(model)
    films, warnings = read_new_films(input)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    log_rev = forecaster.predict(films)
    table = films[["title", "release_date"]].copy()
    table["release_date"] = table["release_date"].dt.strftime("%Y-%m-%d")
    table["forecast_revenue_usd"] = np.round(np.exp(log_rev), -3)
    table["forecast_log_revenue"] = np.round(log_rev, 4)
    with atomic_file(output, "w") as fh:
        table.to_csv(fh, index=False)
    typer.echo(table.to_string(index=False))
    typer.echo(f"wrote {len(table)} forecasts to {output}")


def register(app: typer.Typer) -> None:
    app.command()(train)
    app.command()(evaluate)
    app.command()(predict)
