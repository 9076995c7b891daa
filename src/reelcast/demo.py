"""``make demo``: build the corpus, evaluate honestly, train, and forecast three upcoming films.

Runs on the real public tables in ``$REELCAST_DATA`` when that folder exists, otherwise on a
synthetic film market the project generates.
"""

from __future__ import annotations

import os
import sys
import time
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ._errors import ReelcastError

# a pipe or CI log has no terminal width: rich would squeeze the tables to 80 columns
console = Console(width=None if sys.stdout.isatty() else 120)


def _films(work: Path):
    from .data import make_market

    data = os.environ.get("REELCAST_DATA")
    if data and Path(data, "README.md").exists():
        from .data import build_corpus, load_corpus

        corpus = work / "corpus"
        console.rule(f"[bold]1. corpus from the public tables in {data}")
        if not (corpus / "films.parquet").exists():
            build_corpus(data, corpus)
        else:
            console.print(f"reusing {corpus} (delete it to rebuild)")
        return load_corpus(corpus), "real"
    console.rule("[bold]1. synthetic film market (set REELCAST_DATA for the real tables)")
    films = make_market(6000, seed=0)
    console.print(f"{len(films):,} synthetic films, {films['revenue'].notna().sum():,} with revenue")
    return films, "synthetic"


def _score_table(scores: dict) -> Table:
    table = Table("model", "R²", "RMSE", "MAE", "Spearman", "within ×2", "±25%", "±50%",
                  "median acc", "F1")
    for name, m in scores.items():
        table.add_row(name, *(f"{m[k]:.3f}" for k in (
            "r2", "rmse", "mae", "spearman", "within_2x", "within_25pct", "within_50pct",
            "median_accuracy", "median_f1")))
    return table


def _copycat(hits: dict | None) -> str:
    if hits is None or hits["copycat"] is None:
        return "–"
    return f"{'yes' if hits['copycat'] else 'no'} ({hits['max_similarity']:.2f})"


def main() -> int:
    from .data import revenue_films
    from .evaluation import evaluate
    from .forecast import (
        BoxOfficeForecaster,
        attach_product_files,
        forecast_film,
        load_product_model,
        read_new_films,
        save_forecaster,
    )

    work = Path(os.environ.get("REELCAST_WORK", "artifacts"))
    start = time.perf_counter()
    films, kind = _films(work)

    console.rule("[bold]2. temporal evaluation: train < 2014, test 2014–2017 (log revenue)")
    result = evaluate(films, {"reelcast lgbm": BoxOfficeForecaster}, rolling_years=())
    console.print(f"{result.n_train:,} training films, {result.n_test:,} test films "
                  "with budget and revenue")
    console.print(_score_table(result.temporal))

    console.rule("[bold]3. train on every film with budget and revenue; calibrate intervals")
    scored = revenue_films(films)
    model = BoxOfficeForecaster().fit(scored, history=films)
    save_forecaster(model, work / "model", metrics=result.temporal["reelcast lgbm"],
                    extra={"n_train": len(scored), "data": kind})
    data = os.environ.get("REELCAST_DATA")
    real = kind == "real" and data is not None
    info = attach_product_files(work / "model", films, poster_root=data if real else None,
                                poster_cache=work / "poster_cache" if real else None)
    product = load_product_model(work / "model")
    console.print(f"saved and reloaded {work / 'model'} ({len(scored):,} films); conformal "
                  f"intervals calibrated on {info['n_films']:,} films released in "
                  f"[{info['calib_start']}, {info['calib_end']}) (the data's last two years)")

    console.rule("[bold]4. forecasts for three upcoming films (2018: the future of this data)")
    examples = resources.files("reelcast.resources") / "example_films.csv"
    new, _ = read_new_films(examples.read_bytes())
    table = Table("film", "release", "budget", "forecast", "80% interval", "95% interval",
                  "rating", "top genre", "copycat")
    forecasts = []
    for _, film in new.iterrows():
        fc = forecast_film(product, film.to_frame().T)
        forecasts.append(fc)
        iv = fc.intervals
        fmt = lambda x: f"${x / 1e6:,.0f}M" if x is not None else "?"  # noqa: E731
        table.add_row(fc.title, fc.release_date, fmt(fc.budget), fmt(fc.revenue_usd),
                      f"{fmt(iv['80']['low'])}–{fmt(iv['80']['high'])}" if "80" in iv else "–",
                      f"{fmt(iv['95']['low'])}–{fmt(iv['95']['high'])}" if "95" in iv else "–",
                      "–" if fc.rating is None else f"{fc.rating:.1f}",
                      next(iter(fc.genres), "–"), _copycat(fc.hits))
    console.print(table)
    first = forecasts[0]
    console.print(f"\n[bold]{first.title}[/bold]: comparable earlier films")
    for comp in first.comparables[:5]:
        console.print(f"  {comp['title']} ({comp['release_date'][:4]}): "
                      f"${comp['revenue'] / 1e6:,.0f}M")
    console.print("  what moved the forecast (each input's factor, TreeSHAP per input field):")
    for line in first.explanation.get("fields", [])[:6]:
        console.print(f"    {line['value']}: ×{line['factor']:.2f}")
    if first.genres:
        console.print("  genre probabilities (" + " + ".join(first.genre_sources) + "): "
                      + ", ".join(f"{g} {p:.0%}" for g, p in list(first.genres.items())[:4]))
    for hit in (first.hits or {}).get("hits", [])[:3]:
        console.print(f"  recent hit {hit['title']} ({hit['release_date'][:4]}): similarity "
                      f"{hit['similarity']:.2f}, ${hit['revenue'] / 1e6:,.0f}M (2017 $)")
    console.print(f"done in {time.perf_counter() - start:.0f} s; model in {work / 'model'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ReelcastError as exc:
        console.print(f"[red]error:[/red] {exc}")
        sys.exit(1)
