"""How much of a forecaster score is the seed? The default refit under several seeds (issue #15).

Run: ``python -m benchmarks.seeds [--corpus DIR] [--seeds 5] [--n-jobs 2]``.

The default :class:`BoxOfficeForecaster` is refit with ``random_state`` 0 … S−1 on the temporal
split (trained before 2014, live as-of history; the seed moves LightGBM's row and column
subsampling and which field-set, near and random-subset copies each film gets) and scored on the
2014–2017 test films under the named field sets, the producer sets of ``benchmarks.beyond`` and
its random subsets: R², log-RMSE, the mean shift of the log forecast against the same seed's
``full`` forecast, the mean residual, and on full rows the mean residual per budget tier. Each
is given as the mean and standard deviation over the seeds with the lowest and highest, beside
the score of the seeds' averaged log forecast (what bagging the S fits would give, at S times
the fit and forecast cost). A budget sweep raises every test film's budget step by step
(×0.5 … ×4) and counts the films whose forecast falls somewhere, for each seed's fit and for the
same default fit once without the budget's monotone constraints (``monotone_budget=False``),
whose scores are given beside.

Why: the other benchmarks fit each design once, with seed 0. A difference between two designs
smaller than the seed's own spread is not a finding. Writes ``benchmarks/results/seeds.json``
and ``seeds.md``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import load_or_build_corpus
from benchmarks.beyond import KEEP, PRODUCER_SETS, random_subsets
from reelcast.data import FIELD_SETS, blank_fields, has_label_flags, log_revenue
from reelcast.evaluation import regression_metrics, revenue_films, temporal_split
from reelcast.forecast import BoxOfficeForecaster
from reelcast.forecast._adaptive import BUDGET_TIERS, budget_tier

RESULTS = Path(__file__).parent / "results"
# the issue's goals, where it names one for a scenario
GOALS = {"full": 0.74, "form": 0.71, "core": 0.68, "minimal": 0.65}
SHIFT_GOAL = 0.10
# each test film's budget times these, in turn: does the forecast ever fall as the budget grows?
SWEEP = (0.5, 0.71, 1.0, 1.41, 2.0, 4.0)
SWEEP_SETS = ("full", "form", "core", "minimal")


def scenarios(test: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The test films as users give them: the named sets, the producer sets, random subsets."""
    rows = {"full": test}
    rows.update({name: blank_fields(test, FIELD_SETS[name]) for name in ("form", "core",
                                                                          "minimal")})
    rows.update({name: blank_fields(test, fields) for name, fields in PRODUCER_SETS.items()})
    rows[f"random subsets (keep {KEEP})"] = random_subsets(test)
    return rows


def budget_tiers(test: pd.DataFrame) -> np.ndarray:
    """Each test film's budget tier (the evaluation report's, nominal dollars) from its budget;
    every test film has one."""
    budget = pd.to_numeric(test["budget"], errors="coerce").to_numpy(float)
    return budget_tier(pd.DataFrame({"log_budget": np.log(budget)}))


def scenario_scores(y: np.ndarray, preds: dict[str, np.ndarray], tier: np.ndarray,
                    flagged: np.ndarray | None = None) -> dict:
    """Per scenario R², log-RMSE, mean shift against ``full`` and mean residual; the full
    rows' mean residual per budget tier (``"tier residual"``), and with ``flagged`` (the corpus
    audit's label flags) the same on the films whose labels no check flagged."""
    full = preds["full"]
    out = {}
    for name, pred in preds.items():
        metrics = regression_metrics(y, pred)
        out[name] = {"r2": metrics["r2"], "rmse": metrics["rmse"],
                     "mean_shift": float(np.mean(pred - full)),
                     "mean_residual": float(np.mean(y - pred))}
    out["tier residual"] = _tier_residuals(y - full, tier)
    if flagged is not None:
        out["tier residual, unflagged labels"] = _tier_residuals((y - full)[~flagged],
                                                                 tier[~flagged])
    return out


def budget_sweep(model, rows: dict[str, pd.DataFrame]) -> dict:
    """Per named set: the share of films whose log forecast falls somewhere as their budget is
    raised step by step through ``SWEEP``, the share of steps that fall, the worst step (log)
    and the mean rise of the log forecast per doubling of the budget."""
    out = {}
    for name in SWEEP_SETS:
        films = rows[name]
        budget = pd.to_numeric(films["budget"], errors="coerce")
        forecasts = np.array([model.predict(films.assign(budget=budget * f)) for f in SWEEP])
        steps = np.diff(forecasts, axis=0)
        falls = steps < -1e-9
        out[name] = {"films_falling": float(falls.any(axis=0).mean()),
                     "steps_falling": float(falls.mean()), "worst_step": float(steps.min()),
                     "per_doubling": float(np.mean(forecasts[-1] - forecasts[0])
                                           / np.log2(SWEEP[-1] / SWEEP[0]))}
    return out


def _tier_residuals(residual: np.ndarray, tier: np.ndarray) -> dict:
    return {name: float(np.mean(residual[tier == name])) for name, _ in BUDGET_TIERS
            if (tier == name).any()}


def spread(per_seed: list[dict]) -> dict:
    """Mean, sd (n−1), min and max over the seeds of every number in the per-seed scores."""
    out = {}
    for key, first in per_seed[0].items():
        if isinstance(first, dict):
            out[key] = spread([s[key] for s in per_seed])
        else:
            values = np.array([s[key] for s in per_seed], float)
            out[key] = {"mean": float(values.mean()),
                        "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                        "min": float(values.min()), "max": float(values.max())}
    return out


def run(train: pd.DataFrame, test: pd.DataFrame, history: pd.DataFrame, seeds: int,
        n_jobs: int = 2, **params) -> dict:
    """Fit the forecaster (``params`` on top of the default) once per seed; scores per seed,
    their spread, and the scores of the seeds' averaged forecast."""
    y = np.asarray(log_revenue(test), float)
    tier = budget_tiers(test)
    flagged = np.asarray(has_label_flags(test), bool)
    rows = scenarios(test)
    per_seed, sweeps, summed = [], [], None
    for seed in range(seeds):
        model = BoxOfficeForecaster(**params, random_state=seed, n_jobs=n_jobs)
        model.fit(train, history=history)
        preds = {name: np.asarray(model.predict(frame), float) for name, frame in rows.items()}
        per_seed.append(scenario_scores(y, preds, tier, flagged))
        sweeps.append(budget_sweep(model, rows))
        summed = preds if summed is None else {k: summed[k] + preds[k] for k in preds}
        print(f"seed {seed}: full R² {per_seed[-1]['full']['r2']:.4f}", flush=True)
    averaged = scenario_scores(y, {k: v / seeds for k, v in summed.items()}, tier, flagged)
    result = {"seeds": seeds, "n_test": len(test), "n_flagged": int(flagged.sum()),
              "per_seed": per_seed, "spread": spread(per_seed), "averaged": averaged,
              "budget_sweep": spread(sweeps)}
    if params.get("monotone_budget", True):
        # the same default, seed 0, without the budget's monotone constraints: what they change
        free = BoxOfficeForecaster(**params | {"monotone_budget": False}, random_state=0,
                                   n_jobs=n_jobs).fit(train, history=history)
        preds = {name: np.asarray(free.predict(frame), float) for name, frame in rows.items()}
        result["unconstrained"] = {"scores": scenario_scores(y, preds, tier, flagged),
                                   "budget_sweep": budget_sweep(free, rows)}
    return result


def _cell(stat: dict, fmt: str) -> str:
    return (f"{stat['mean']:{fmt}} ± {stat['sd']:.3f} "
            f"({stat['min']:{fmt}} – {stat['max']:{fmt}})")


def markdown(result: dict, command: str) -> str:
    s, avg, n = result["spread"], result["averaged"], result["seeds"]
    lines = ["### How much of a score is the seed? The default forecaster under "
             f"{n} seeds (issue #15)", "",
             f"`{command}` — the default forecaster refit with `random_state` 0 … {n - 1} "
             "(LightGBM's row and column subsampling, the copies each film gets), trained before "
             f"2014 with live as-of history, scored on the {result['n_test']:,} films of "
             "2014–2017. Each cell: mean ± sd over the seeds (lowest – highest). *Averaged*: "
             f"the score of the mean of the {n} seeds' log forecasts (bagging, at {n}× the fit "
             "and forecast cost). Mean shift: the log forecast under the set minus the same "
             "fit's `full` forecast.", "",
             "| test fields | R² | log-RMSE | mean shift | mean residual | averaged: R² / "
             "shift | issue goal |",
             "|---|---|---|---|---|---|---|"]
    for name, stats in s.items():
        if name.startswith("tier residual"):
            continue
        goal = [f"R² ≥ {GOALS[name]}"] if name in GOALS else []
        if name in ("form", "core", "minimal"):
            goal.append(f"|shift| ≤ {SHIFT_GOAL}")
        lines.append(f"| {name} | {_cell(stats['r2'], '.3f')} | {_cell(stats['rmse'], '.3f')} | "
                     f"{_cell(stats['mean_shift'], '+.2f')} | "
                     f"{_cell(stats['mean_residual'], '+.2f')} | "
                     f"{avg[name]['r2']:.3f} / {avg[name]['mean_shift']:+.2f} | "
                     f"{', '.join(goal) or '–'} |")
    clean = "tier residual, unflagged labels"
    lines += ["", "Mean residual (actual − forecast, log) of the full rows per budget tier, on all "
              "test labels and on the "
              f"{result['n_test'] - result['n_flagged']:,} whose labels no check of the corpus "
              f"audit flagged ({result['n_flagged']:,} flagged: revenue that disagrees across "
              "sources, equals a domestic-only figure or is under $22k; budgets typed in "
              "millions); issue #17's goal is every tier within ±0.15:", "",
              "| budget tier | all labels, over the seeds | averaged | unflagged labels, over the "
              "seeds | averaged |", "|---|---|---|---|---|"]
    for name, stat in s["tier residual"].items():
        unflagged = (f"{_cell(s[clean][name], '+.2f')} | {avg[clean][name]:+.2f}"
                     if name in s[clean] else "– | –")
        lines.append(f"| {name} | {_cell(stat, '+.2f')} | {avg['tier residual'][name]:+.2f} | "
                     f"{unflagged} |")
    lines += _sweep_markdown(result)
    full = s["full"]["r2"]
    lines += ["", f"Reading: a design that moves full-row R² by less than about "
              f"{2 * full['sd']:.3f} (two sds here) or a mean shift by less than about "
              f"{2 * max(v['mean_shift']['sd'] for k, v in s.items() if 'r2' in v):.2f} "
              "(two of the largest shift sds) is within what the seed alone moves, when each "
              "design is fit once.", ""]
    return "\n".join(lines)


def _sweep_markdown(result: dict) -> list[str]:
    """The budget sweep of the default over the seeds beside the unconstrained fit's."""
    sweep, free = result["budget_sweep"], result.get("unconstrained")
    steps = " → ".join(f"×{f:g}" for f in SWEEP)
    lines = ["", f"Budget monotonicity: each test film's budget raised step by step ({steps}), "
             "everything else as given. *Falls*: the share of films whose forecast is lower "
             "at some step than at the step before; *worst step*: the largest such fall (log); "
             "*per doubling*: the mean rise of the log forecast per doubling of the budget. "
             "The default constrains every regressor to forecast no less for a larger budget "
             "(`monotone_budget`)" + (", shown beside the same default fit without the "
                                      "constraints (seed 0)" if free else "") + ":", ""]
    head = "| test fields | default: falls | worst step | per doubling |"
    rule = "|---|---|---|---|"
    if free:
        head += (" unconstrained: falls | worst step | per doubling | R² | mean shift |")
        rule += "---|---|---|---|---|"
    lines += [head, rule]
    for name in SWEEP_SETS:
        stats = sweep[name]
        row = (f"| {name} | {stats['films_falling']['mean']:.1%} | "
               f"{stats['worst_step']['min']:+.2f} | {stats['per_doubling']['mean']:+.2f} |")
        if free:
            other, score = free["budget_sweep"][name], free["scores"][name]
            row += (f" {other['films_falling']:.1%} | {other['worst_step']:+.2f} | "
                    f"{other['per_doubling']:+.2f} | {score['r2']:.3f} | "
                    f"{score['mean_shift']:+.2f} |")
        lines.append(row)
    if free:
        tiers = free["scores"]["tier residual"]
        lines += ["", "Unconstrained, full rows' mean residual per budget tier: "
                  + ", ".join(f"{k} {v:+.2f}" for k, v in tiers.items()) + "."]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error(f"--seeds must be at least 2, got {args.seeds}")
    films = load_or_build_corpus(args.corpus, args.data)
    train, test = temporal_split(revenue_films(films), "2014-01-01", "2018-01-01")
    result = run(train, test, films, args.seeds, n_jobs=args.n_jobs)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "seeds.json").write_text(json.dumps(result, indent=2))
    text = markdown(result, f"python -m benchmarks.seeds --seeds {args.seeds}")
    (RESULTS / "seeds.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
