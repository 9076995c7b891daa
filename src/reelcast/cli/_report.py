"""``reelcast report``: a self-contained HTML evaluation report for a model's parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def report(
    model: Annotated[Path, typer.Option(help="Model directory whose parameters are evaluated.")],
    out: Annotated[Path, typer.Option(help="HTML file to write.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory.")] = None,
    market: Annotated[int | None, typer.Option(help="Synthetic market of N films.")] = None,
    seed: Annotated[int, typer.Option(help="Synthetic market seed.")] = 0,
    train_end: Annotated[str, typer.Option(help="First day of the test period.")] = "2014-01-01",
    test_end: Annotated[str, typer.Option(help="Day after the test period.")] = "2018-01-01",
    calib_start: Annotated[str, typer.Option(help="First day of the calibration window.")] = "2012-01-01",
) -> None:
    """Refit the model's parameters on the past and write an HTML report on the test years."""
    from .._io import atomic_file
    from ..forecast import evaluation_report, load_forecaster, render_report
    from ..models.forecaster import model_kind
    from ._model import _load_films

    params = load_forecaster(model).get_params()
    if model_kind(model) == "stack":  # the report refits a BoxOfficeForecaster's parameters
        typer.echo("note: this is a stack model; the report grades the LightGBM forecaster "
                   "inside it (benchmarks.stack grades the stack)", err=True)
    films = _load_films(corpus, market, seed)
    rep = evaluation_report(films, params, calib_start=calib_start, train_end=train_end,
                            test_end=test_end)
    html = render_report(rep)
    with atomic_file(out, "w") as fh:
        fh.write(html)
    cov = ", ".join(f"{k}%: {v['coverage']:.1%}" for k, v in rep.coverage.items())
    typer.echo(f"R² {rep.metrics['r2']:.3f}, RMSE {rep.metrics['rmse']:.3f} on "
               f"{rep.windows['n_test']:,} test films; interval coverage {cov}; wrote {out}")


def register(app: typer.Typer) -> None:
    app.command(epilog="""\b
Example:
  reelcast report --model artifacts/model --corpus artifacts/corpus --out artifacts/report.html
""")(report)
