"""One field beyond a named set: does giving the forecaster more ever make it worse? (issue #15)

A user who knows the original language besides the web form's fields gives ``form+original_language``:
no named set, so a forecaster that routes it to the regressor of every field reads the fields still
blank (companies, writers, certification) as "a small film". Measured before the fix: giving the
language on top of the form moved forecasts down by 0.38 log and cut R² below the form's own.
This section scores each forecaster design on the temporal test films under every named set but
``full`` with one more field (:data:`reelcast.evaluation.NEAR_SCENARIOS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reelcast.data import FIELD_SETS, blank_fields
from reelcast.evaluation import NEAR_SCENARIOS, field_set_scores, log_revenue

__all__ = ["near_set_scores", "near_set_markdown"]

BOUND = 0.10  # the bound on |mean shift| of the log forecast against full


def near_set_scores(models: dict, test: pd.DataFrame, train_median: float) -> dict:
    """Per model: R² and mean shift against ``full`` under every named and near field set."""
    y = log_revenue(test)
    scenarios = (*(s for s in FIELD_SETS if s != "full"), *NEAR_SCENARIOS)
    blanked = {s: blank_fields(test, s) for s in scenarios}  # the same rows for every model
    out = {}
    for name, model in models.items():
        preds = {s: np.asarray(model.predict(rows), float) for s, rows in blanked.items()}
        scores = field_set_scores(y, np.asarray(model.predict(test), float), preds,
                                  train_median=train_median)
        out[name] = {s: {k: m[k] for k in ("r2", "rmse", "mean_shift")}
                     for s, m in scores.items()}
    return out


def _summary(per_set: dict) -> dict:
    near = {s: v for s, v in per_set.items() if "+" in s}
    # giving one more field should not score below the named set without it
    below = [s for s, v in near.items() if v["r2"] < per_set[s.split("+")[0]]["r2"] - 0.005]
    shifts = np.array([v["mean_shift"] for v in near.values()])
    return {"mean_r2": float(np.mean([v["r2"] for v in near.values()])),
            "worst_r2": min(v["r2"] for v in near.values()),
            "worst_shift": float(shifts[np.argmax(np.abs(shifts))]),
            "within_bound": float(np.mean(np.abs(shifts) <= BOUND)),
            "below_own_set": len(below), "n": len(near)}


def near_set_markdown(scores: dict, compare: tuple[str, str]) -> list[str]:
    lines = [
        "### One field beyond a named set (issue #15)", "",
        "Test films given a named set (`form`, `core`, `minimal`) plus one more field, e.g. "
        "`form+original_language` — what a user who knows a little more types. Shift: mean log "
        f"forecast minus the film's `full` forecast; bound ±{BOUND:.2f}. *Below its set*: near "
        "sets whose R² is more than 0.005 under the named set without the extra field (giving "
        "more made it worse).", "",
        "| model | near sets | mean R² | worst R² | worst mean shift | within ±0.10 | "
        "below its set |",
        "|---|---:|---:|---:|---:|---:|---:|"]
    for model, per_set in scores.items():
        s = _summary(per_set)
        lines.append(f"| {model} | {s['n']} | {s['mean_r2']:.3f} | {s['worst_r2']:.3f} | "
                     f"{s['worst_shift']:+.3f} | {100 * s['within_bound']:.0f}% | "
                     f"{s['below_own_set']} |")
    before, after = compare
    lines += ["", f"Each set, R² (mean shift): {before} → {after}", "",
              "| field set | before | after |", "|---|---:|---:|"]
    for scenario, b in scores[before].items():
        a = scores[after][scenario]
        lines.append(f"| {scenario} | {b['r2']:.3f} ({b['mean_shift']:+.2f}) | "
                     f"{a['r2']:.3f} ({a['mean_shift']:+.2f}) |")
    return lines
