"""The evaluation report on the real corpus: interval coverage, residuals, error by decade (issue #8).

Run: ``python -m benchmarks.report [--data DIR] [--corpus DIR]``. Refits the forecaster's default
parameters exactly as ``reelcast report`` does (train < 2014, intervals calibrated on 2012–2013
with a model trained < 2012, test 2014–2017) and writes ``benchmarks/results/report.{md,json}``
and the self-contained page ``benchmarks/results/report.html``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

from benchmarks import load_or_build_corpus
from reelcast.forecast import BoxOfficeForecaster
from reelcast.forecast._report import evaluation_report, render_report

RESULTS = Path(__file__).parent / "results"


def _fmt_table(frame, columns) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame[columns].itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else f"{v}"
                                       for v in row) + " |")
    return lines


def _markdown(rep, seconds: float) -> str:
    w = rep.windows
    lines = ["## Evaluation report: interval calibration and error by decade (issue #8)", "",
             f"`python -m benchmarks.report` — the numbers of `reelcast report` on the real corpus "
             f"(the HTML page is `benchmarks/results/report.html`). The forecaster's default "
             f"parameters refit on {w['n_train_final']:,} films released before "
             f"{w['train_end']}; tested on {w['n_test']:,} films in [{w['train_end']}, "
             f"{w['test_end']}). Intervals are split-conformal on absolute log residuals, "
             f"calibrated on {w['n_calibration']:,} films in [{w['calib_start']}, "
             f"{w['calib_end']}) with a model trained before {w['calib_start']}: the test years "
             "never touch the calibration. As-of history here is frozen at the training cut-off "
             "(the forecast is made on the first day of the test window for all its years), "
             "stricter than the forecaster table, where each test film's history holds every "
             "film released before it; hence the lower R².", "",
             f"Test accuracy: R² {rep.metrics['r2']:.3f}, log-RMSE {rep.metrics['rmse']:.3f}, "
             f"log-MAE {rep.metrics['mae']:.3f}, within ×2 {rep.metrics['within_2x']:.1%}.", "",
             "| interval | nominal | measured coverage on 2014–2017 | gap (points) | "
             "median width (×revenue) |", "|---|---:|---:|---:|---:|"]
    for level, cov in rep.coverage.items():
        lo, hi = rep.predictions[f"lo{level}"], rep.predictions[f"hi{level}"]
        ratio = float((hi - lo).median())
        gap = 100 * (cov["coverage"] - cov["nominal"])
        lines.append(f"| {level}% | {cov['nominal']:.0%} | {cov['coverage']:.1%} | {gap:+.1f} | "
                     f"×{math.exp(ratio):,.0f} |")
    lines += ["", "Measured coverage by test year:", "",
              "| year | films | 80% | 95% |", "|---|---:|---:|---:|"]
    p = rep.predictions
    for year, g in p.groupby(p["release_date"].dt.year):
        cov = [((g["y"] >= g[f"lo{k}"]) & (g["y"] <= g[f"hi{k}"])).mean() for k in ("80", "95")]
        lines.append(f"| {year} | {len(g):,} | {cov[0]:.1%} | {cov[1]:.1%} |")
    if rep.by_decade is not None and not rep.by_decade.empty:
        lines += ["", "Error by decade (backtest: train on every film released before the "
                  "decade, test on its films; log revenue):", ""]
        lines += _fmt_table(rep.by_decade, ["decade", "n_train", "n_test", "r2", "rmse", "mae",
                                            "within_2x", "budget_only_rmse"])
    if rep.by_field_set is not None:
        lines += ["", "The test films under each field set users give (shift: change of the log "
                  "forecast against full):", ""]
        lines += _fmt_table(rep.by_field_set, ["field set", "r2", "rmse", "within_2x",
                                               "mean_shift", "median_shift"])
    lines += ["", "Residuals by budget tier on the temporal test (actual − predicted, log):", ""]
    lines += _fmt_table(rep.by_budget, ["budget tier", "n", "mean_residual", "mae", "rmse"])
    lines += ["", f"Wall time {seconds / 60:.1f} min (2 cores)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    films = load_or_build_corpus(args.corpus, args.data)
    rep = evaluation_report(films, BoxOfficeForecaster().get_params())
    seconds = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.html").write_text(render_report(rep))
    data = {"metrics": rep.metrics, "coverage": rep.coverage, "windows": rep.windows,
            "by_year": rep.by_year.to_dict("records"),
            "by_budget": rep.by_budget.astype({"budget tier": str}).to_dict("records"),
            "by_decade": [] if rep.by_decade is None else rep.by_decade.to_dict("records"),
            "by_field_set": [] if rep.by_field_set is None else rep.by_field_set.to_dict(
                "records"),
            "seconds": seconds}
    (args.out / "report.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    (args.out / "report.md").write_text(_markdown(rep, seconds))
    print((args.out / "report.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
