"""Does a recalibration learned on the calibration years carry to the test years? (issue #17)

Each design learns a correction of the log forecast from the calibration window's out-of-time
residuals (actual − frozen-history forecast, every field of the films) and adds it to the test
window's forecasts. It is scored on two window pairs: the benchmark's own (calibrate on 2012–2013
with a model trained before 2012, test 2014–2017 with one trained before 2014) and the same
pair four years earlier (2008–2009 / 2010–2013). A design that meets the bias goal on one pair
only has learned that pair's noise, not the drift.

Designs (``z`` = log budget − log $15M, ``h`` = years since the model's training cut-off):

* ``none``: the forecasts as they are;
* ``tier shifts``: today's ``ForecastRecalibration`` (one mean residual per budget tier);
* ``budget line``: ``a + b·z``;
* ``budget line × horizon``: ``a + b·z + h·(c + d·z)``, a miss that grows with the distance
  from the cut-off, faster for larger budgets (the by-year rows of the bias table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._interval_frames import features_of
from reelcast.evaluation import regression_metrics
from reelcast.forecast._adaptive import budget_tier
from reelcast.forecast._recalibration import ForecastRecalibration

DESIGNS = ("none", "tier shifts", "budget line", "budget line × horizon")
_CENTRE = np.log(15e6)


def _columns(design: str, frame: pd.DataFrame, cut_off: str) -> np.ndarray:
    z = np.log(frame["budget"].to_numpy(float)) - _CENTRE
    h = (pd.to_datetime(frame["release_date"]) - pd.Timestamp(cut_off)).dt.days.to_numpy() / 365.25
    one = np.ones(len(frame))
    if design == "budget line":
        return np.column_stack([one, z])
    return np.column_stack([one, z, h, z * h])


def corrected(design: str, calib: pd.DataFrame, test: pd.DataFrame, calib_start: str,
              test_start: str) -> np.ndarray:
    """``test``'s forecasts corrected by ``design`` learned on ``calib`` (full-field rows)."""
    pred = test["pred"].to_numpy(float)
    if design == "none":
        return pred
    if design == "tier shifts":
        rc = ForecastRecalibration().fit(calib["y"].to_numpy(), calib["pred"].to_numpy(),
                                         features_of(calib))
        return rc.predict(pred, features_of(test))
    residual = calib["y"].to_numpy(float) - calib["pred"].to_numpy(float)
    coef, *_ = np.linalg.lstsq(_columns(design, calib, calib_start), residual, rcond=None)
    return pred + _columns(design, test, test_start) @ coef


def _scores(test: pd.DataFrame, pred: np.ndarray, test_start: str) -> dict:
    y = test["y"].to_numpy(float)
    residual = pd.Series(y - pred, index=test.index)
    tier = pd.Series(budget_tier(features_of(test)), index=test.index)
    offset = (pd.to_datetime(test["release_date"]).dt.year - pd.Timestamp(test_start).year + 1)
    big = test["budget"] >= 20e6
    metrics = regression_metrics(y, pred)
    return {"r2": metrics["r2"], "rmse": metrics["rmse"], "mean_residual": float(residual.mean()),
            "by_tier": {str(t): float(v) for t, v in residual.groupby(tier).mean().items()},
            "budget_20m_plus_by_year": {int(k): float(v) for k, v in
                                        residual[big].groupby(offset[big]).mean().items()}}


def transfer_table(pairs: dict[str, tuple[pd.DataFrame, str, str]]) -> dict:
    """``{pair: {design: scores}}`` for frames of ``{pair: (frames, calib_start, test_start)}``."""
    out = {}
    for name, (frames, calib_start, test_start) in pairs.items():
        full = frames[frames["scenario"] == "full"]
        calib = full[full["window"] == "calib"].reset_index(drop=True)
        test = full[full["window"] == "test"].reset_index(drop=True)
        out[name] = {"n_calib": len(calib), "n_test": len(test), "designs": {
            d: _scores(test, corrected(d, calib, test, calib_start, test_start), test_start)
            for d in DESIGNS}}
    return out


def transfer_markdown(table: dict, tiers: tuple[str, ...]) -> list[str]:
    lines = ["### Does a recalibration carry to later years? Two window pairs", "",
             "Each design is learned on the calibration window's full-field residuals and "
             "applied to the test window (actual − forecast, log; frozen history). "
             "`budget line × horizon` is a + b·z + h·(c + d·z) with z = log budget − log $15M "
             "and h = years since the training cut-off. Last column: films ≥ $20M by year of "
             "the test window (1st … 4th).", "",
             "| window pair | design | " + " | ".join(tiers) + " | all | R² | ≥ $20M by year |",
             "|---|---|" + "---:|" * (len(tiers) + 2) + "---|"]
    for pair, entry in table.items():
        label = f"{pair} ({entry['n_calib']:,} / {entry['n_test']:,})"
        for design, s in entry["designs"].items():
            cells = [f"{s['by_tier'][t]:+.2f}" if t in s["by_tier"] else "–" for t in tiers]
            years = ", ".join(f"{v:+.2f}" for _, v in sorted(s["budget_20m_plus_by_year"].items()))
            lines.append(f"| {label} | {design} | " + " | ".join(cells)
                         + f" | {s['mean_residual']:+.2f} | {s['r2']:.3f} | {years} |")
    return lines
