"""Benchmark of the box-office forecaster on the real corpus (issue #3).

Run: ``python -m benchmarks.forecaster [--data DIR] [--corpus DIR]``. Writes
``benchmarks/results/forecaster.json`` and ``benchmarks/results/forecaster.md``.

Rows: the mean and budget-only baselines, a plain LightGBM on budget, dates and genres (the
issue's reference point), and reelcast's forecaster (adds as-of talent, company, keyword and
collection history) under three designs for fields a user leaves out (issue #15): trained on the
films as the sources give them (``none``), on one extra copy with each field left out at random
(``random``), and on every film once under each distinct set of fields a user may give
(``field_sets``, also under every named set with one more field, the films themselves weighted
up; first with one regressor, then as the default: a regressor per named set besides that also
serves the films giving up to two fields beyond it, learnt from copies of every film under the
set plus those fields, the regressor of every field also trained on random subsets of each
film's fields (``subset_copies``), and regressors for the ``producer`` set (every field but the
distributor and The Numbers' taxonomy, which only the release tables give) and the ``metadata``
set (core plus certification, cast, directors, companies, collection: none of the crowd lists
and texts); ``benchmarks.beyond`` scores the films a producer types). Every design constrains
the forecast not to fall when the budget grows (``monotone_budget``); the default is also shown
without that constraint (the previous default). Every score is given
under the field sets users supply (``full``, ``form``, ``core``, ``minimal``) with the shift of
the forecast against ``full``. Temporal split train < 2014, test 2014–2017; rolling-origin by
year; a random split shown beside for comparison only. Fit times are medians of ``--repeats`` runs. A last section
scores the same models on the population the issue quotes its reference from, the ilias1111
table alone (see ``_forecaster_reference``); another scores every design, and four more fitted
for it alone, with one or two fields more than a named set (see ``_forecaster_near``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from benchmarks import load_or_build_corpus
from benchmarks._forecaster_near import near_set_markdown, near_set_scores
from benchmarks._forecaster_reference import markdown as reference_markdown
from benchmarks._forecaster_reference import reference_scores
from benchmarks._forecaster_sections import (
    audited_markdown,
    audited_scores,
    coverage_audit_markdown,
    release_week_markdown,
    release_week_scores,
)
from reelcast.data import log_revenue
from reelcast.evaluation import (
    evaluate,
    markdown_table,
    revenue_films,
    scenario_table,
    temporal_split,
)
from reelcast.features import MetadataFeatures
from reelcast.forecast import BoxOfficeForecaster

RESULTS = Path(__file__).parent / "results"


DEFAULT = ("reelcast forecaster (field_sets + near sets + set regressors 2 fields beyond "
           "+ random subsets + producer set + metadata set, default)")
PREVIOUS = ("reelcast forecaster (field_sets + near sets + set regressors 2 fields beyond "
            "+ random subsets + producer set)")
FULL_SERVES_NEAR = "reelcast forecaster (field_sets + near sets + set regressors)"
NAMED_SETS = ("form", "core", "minimal")  # the set regressors before the producer set's
# how the forecaster learns that a field left out means "unknown" (issue #15), side by side
DESIGNS = {
    "reelcast forecaster (none)": {"field_dropout": "none", "set_models": ()},
    "reelcast forecaster (random)": {"field_dropout": "random", "set_models": ()},
    "reelcast forecaster (field_sets, one regressor)": {"field_dropout": "field_sets",
                                                        "set_models": (), "subset_copies": 0},
    PREVIOUS: {"monotone_budget": False},
    DEFAULT: {},
}
# scored only in the section on fields beyond a named set (one fit each, no rolling origin): the
# design before the near-set copies, set regressors that serve no field beyond their set, set
# regressors that learn one or two fields beyond their set, all without the random-subset
# copies and the producer set
NEAR_DESIGNS = {
    "reelcast forecaster (field_sets + set regressors, named sets only)": {
        "one_more_field": False, "own_weight": 1.0, "set_models_near": 0, "subset_copies": 0,
        "set_models": NAMED_SETS},
    FULL_SERVES_NEAR: {"set_models_near": 0, "subset_copies": 0, "set_models": NAMED_SETS},
    "reelcast forecaster (field_sets + near sets + set regressors 1 field beyond)": {
        "set_models_near": 1, "subset_copies": 0, "set_models": NAMED_SETS},
    "reelcast forecaster (field_sets + near sets + set regressors 2 fields beyond)": {
        "subset_copies": 0, "set_models": NAMED_SETS},
}


class PlainLightGBM:
    """LightGBM on budget, calendar, runtime, language, certification and genres: no history."""

    def __init__(self, n_jobs: int = 1):
        self.n_jobs = n_jobs

    def fit(self, films, y=None):
        import lightgbm as lgb

        self.features_ = MetadataFeatures().fit(films)
        self.model_ = lgb.LGBMRegressor(n_estimators=600, learning_rate=0.03, verbose=-1,
                                        n_jobs=self.n_jobs, random_state=0, deterministic=True,
                                        force_row_wise=True)
        self.model_.fit(self.features_.transform(films), log_revenue(films))
        return self

    def predict(self, films):
        return self.model_.predict(self.features_.transform(films))


def _markdown(result, timings, reference) -> str:
    lines = [
        "## Box-office forecaster (issue #3)",
        "",
        f"Temporal split: train < {result.train_end} ({result.n_train:,} films), test "
        f"[{result.train_end}, {result.test_end}) ({result.n_test:,} films with budget and "
        "revenue ≥ $1,000; smaller amounts are entry slips, e.g. Star Kid (1997): budget $12M, "
        "revenue $7). Metrics on natural-log worldwide revenue; ±25%/±50% are in dollars; "
        "median accuracy/F1 use the training median.",
        "",
        markdown_table(result.temporal),
        "",
        "Median fit seconds (2 cores): " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()),
        "",
        "Rolling origin (train on all earlier years, test one year): R² / log-RMSE",
        "",
        "| test year | " + " | ".join(next(iter(result.rolling.values())).keys()) + " |",
        "|---|" + "---|" * len(next(iter(result.rolling.values()))),
    ]
    for year, scores in result.rolling.items():
        lines.append(f"| {year} | " + " | ".join(f"{m['r2']:.3f} / {m['rmse']:.2f}"
                                                 for m in scores.values()) + " |")
    if result.random:
        lines += ["", "Random 80/20 split, for comparison only (future films leak into training):",
                  "", markdown_table(result.random)]
    test_variance = float(result.predictions["actual_log_revenue"].var(ddof=0))
    lines += [""] + reference_markdown(reference, test_variance)
    return "\n".join(lines) + "\n"


def _scenario_markdown(result) -> list[str]:
    """Issue #15: every model under the field sets users supply, temporal and rolling origin."""
    lines = [
        "### Forecasts when fields are left out (issue #15)", "",
        "Each test film keeps only the fields of a set (`full`: every pre-release field it has; "
        "`form`: budget, genres, runtime, cast, directors, keywords, overview, poster; `core`: "
        "budget, genres, runtime, original language; `minimal`: budget, genres; title and date "
        "always). Shift: the log forecast under the set minus the same film's `full` forecast "
        "(mean and median over the test films).", "",
        scenario_table(result.scenarios), "",
        "Rolling origin under each field set: R² (mean shift against `full`)", "",
    ]
    models = [m for m in next(iter(result.rolling.values())) if "baseline" not in m]
    scenarios = list(result.scenarios)
    lines += ["| model | test year | " + " | ".join(scenarios) + " |",
              "|---|---|" + "---|" * len(scenarios)]
    for model in models:
        for year, per_set in result.rolling_scenarios.items():
            cells = [f"{per_set[s][model]['r2']:.3f} ({per_set[s][model]['mean_shift']:+.2f})"
                     for s in scenarios]
            lines.append(f"| {model} | {year} | " + " | ".join(cells) + " |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="LightGBM threads (1 is fastest when other jobs share the cores)")
    args = parser.parse_args(argv)
    films = load_or_build_corpus(args.corpus, args.data)
    models = {"plain LightGBM (metadata, no history)": lambda: PlainLightGBM(args.n_jobs)}
    for name, design in DESIGNS.items():
        models[name] = (lambda d: lambda: BoxOfficeForecaster(**d, n_jobs=args.n_jobs))(design)
    result = evaluate(films, models, random=True)
    timings, fitted = {}, {}
    train, test = temporal_split(revenue_films(films), result.train_end, result.test_end)
    for name, factory in models.items():
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            model = factory()
            model.fit(train, history=films) if getattr(model, "uses_history", False) else \
                model.fit(train)
            runs.append(time.perf_counter() - start)
        timings[name] = statistics.median(runs)
        fitted[name] = model
    forecaster = fitted[DEFAULT]
    reference = reference_scores(args.data, films, lambda: PlainLightGBM(args.n_jobs),
                                 forecaster, n_jobs=args.n_jobs)
    median = float(np.median(log_revenue(train)))
    audit = audited_scores(result, films, median)
    near_models = {**{k: v for k, v in fitted.items() if k in DESIGNS},
                   **{k: BoxOfficeForecaster(**d, n_jobs=args.n_jobs).fit(train, history=films)
                      for k, d in NEAR_DESIGNS.items()}}
    near = near_set_scores(near_models, test, median)
    week = release_week_scores(films, result.train_end, result.test_end, forecaster, args.n_jobs)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "forecaster.json").write_text(json.dumps(
        {**result.to_dict(), "fit_seconds_median": timings, "ilias1111_reference": reference,
         "audited_labels": audit, "release_week": week, "near_sets": near}, indent=2,
        default=float))
    text = _markdown(result, timings, reference)
    sections = [_scenario_markdown(result), near_set_markdown(near, (FULL_SERVES_NEAR, DEFAULT)),
                coverage_audit_markdown(films), audited_markdown(audit), release_week_markdown(week)]
    text += "".join("\n" + "\n".join(lines) + "\n" for lines in sections)
    (RESULTS / "forecaster.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
