"""One or two fields beyond a named set: does giving the forecaster more ever make it worse? (issue #15)

A user who knows the original language besides the web form's fields gives ``form+original_language``:
no named set. Routed to the regressor of every field, such a film had the fields still blank
(companies, writers, certification) read as "a small film": giving the language on top of the form
moved forecasts down by 0.38 log and cut R² below the form's own. This section scores each
forecaster design on the temporal test films under every named set but ``full`` with one more field
(:data:`reelcast.evaluation.NEAR_SCENARIOS`) and under a fixed sample of sets with two more
(:data:`TWO_MORE_SCENARIOS`).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from reelcast.data import FIELD_SETS, OPTIONAL_FIELDS, blank_fields
from reelcast.evaluation import NEAR_SCENARIOS, field_set_scores, log_revenue

__all__ = ["TWO_MORE_SCENARIOS", "near_set_scores", "near_set_markdown"]

BOUND = 0.10  # the bound on |mean shift| of the log forecast against full
# the fields the forecaster's regressor reads beyond title and date (the overview, tagline and
# poster feed other models: adding them changes no forecast)
_READ = tuple(f for f in OPTIONAL_FIELDS if f not in ("overview", "tagline", "poster"))
_PER_SET = 10  # two-field sets sampled per named set (every pair: 45 + 91 + 120 sets)


def _two_more(per_set: int = _PER_SET, seed: int = 0) -> tuple[str, ...]:
    rng = np.random.default_rng(seed)
    out = []
    for name in ("form", "core", "minimal"):
        pairs = list(combinations([f for f in _READ if f not in FIELD_SETS[name]], 2))
        out += [f"{name}+{pairs[i][0]}+{pairs[i][1]}"
                for i in sorted(rng.choice(len(pairs), per_set, replace=False))]
    return tuple(out)


TWO_MORE_SCENARIOS = _two_more()


def near_set_scores(models: dict, test: pd.DataFrame, train_median: float,
                    two_more: tuple[str, ...] = TWO_MORE_SCENARIOS) -> dict:
    """Per model: R² and mean shift against ``full`` under every named, near and two-more set."""
    y = log_revenue(test)
    scenarios = (*(s for s in FIELD_SETS if s != "full"), *NEAR_SCENARIOS, *two_more)
    blanked = {s: blank_fields(test, s) for s in scenarios}  # the same rows for every model
    out = {}
    for name, model in models.items():
        preds = {s: np.asarray(model.predict(rows), float) for s, rows in blanked.items()}
        scores = field_set_scores(y, np.asarray(model.predict(test), float), preds,
                                  train_median=train_median)
        out[name] = {s: {k: m[k] for k in ("r2", "rmse", "mean_shift")}
                     for s, m in scores.items()}
    return out


def _summary(per_set: dict, n_more: int) -> dict | None:
    """Over the sets with ``n_more`` fields beyond a named set: R², shifts, and how far giving
    them moves the forecast below the named set's own (the drop: mean shift of the larger set
    minus the named set's; below 0, giving more fields lowered the forecast)."""
    near = {s: v for s, v in per_set.items() if s.count("+") == n_more}
    if not near:
        return None
    base = {s: per_set[s.split("+")[0]] for s in near}
    # giving more fields should not score below the named set without them
    below = [s for s, v in near.items() if v["r2"] < base[s]["r2"] - 0.005]
    shifts = np.array([v["mean_shift"] for v in near.values()])
    drops = [v["mean_shift"] - base[s]["mean_shift"] for s, v in near.items()]
    return {"mean_r2": float(np.mean([v["r2"] for v in near.values()])),
            "worst_r2": min(v["r2"] for v in near.values()),
            "worst_shift": float(shifts[np.argmax(np.abs(shifts))]),
            "within_bound": float(np.mean(np.abs(shifts) <= BOUND)),
            "worst_drop": float(min(drops)),
            "below_own_set": len(below), "n": len(near)}


def near_set_markdown(scores: dict, compare: tuple[str, str]) -> list[str]:
    lines = [
        "### One or two fields beyond a named set (issue #15)", "",
        "Test films given a named set (`form`, `core`, `minimal`) plus one more field, e.g. "
        "`form+original_language`, and a fixed sample of 10 sets per named set with two more "
        "— what a user who knows a little more types. Shift: mean log forecast minus the film's "
        f"`full` forecast; bound ±{BOUND:.2f}. *Worst drop*: the largest fall of a set's mean "
        "shift below that of the named set it extends (giving more fields lowered forecasts). "
        "*Below its set*: sets whose R² is more than 0.005 under the named set without the extra "
        "fields.", "",
        "| model | fields beyond | sets | mean R² | worst R² | worst mean shift | within ±0.10 "
        "| worst drop | below its set |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for model, per_set in scores.items():
        for n_more in (1, 2):
            s = _summary(per_set, n_more)
            if s is None:
                continue
            lines.append(f"| {model} | {n_more} | {s['n']} | {s['mean_r2']:.3f} | "
                         f"{s['worst_r2']:.3f} | {s['worst_shift']:+.3f} | "
                         f"{100 * s['within_bound']:.0f}% | {s['worst_drop']:+.3f} | "
                         f"{s['below_own_set']} |")
    before, after = compare
    lines += ["", f"Each set, R² (mean shift): {before} → {after}", "",
              "| field set | before | after |", "|---|---:|---:|"]
    for scenario, b in scores[before].items():
        a = scores[after][scenario]
        lines.append(f"| {scenario} | {b['r2']:.3f} ({b['mean_shift']:+.2f}) | "
                     f"{a['r2']:.3f} ({a['mean_shift']:+.2f}) |")
    return lines
