"""Metrics on log revenue, the way a studio reads a forecast: error size, rank, and ×2 hits."""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._errors import InputError

__all__ = ["regression_metrics", "METRIC_NAMES"]

METRIC_NAMES = ("r2", "rmse", "mae", "spearman", "within_2x", "within_25pct", "within_50pct",
                "median_accuracy", "median_f1", "n")


def regression_metrics(y_true, y_pred, *, train_median: float | None = None) -> dict[str, float]:
    """Metrics of natural-log revenue forecasts.

    Parameters
    ----------
    y_true, y_pred : array-like
        Natural log of revenue (actual and forecast).
    train_median : float, optional
        Median log revenue of the *training* films; above/below-median accuracy and F1 use it
        (using the test median would leak). Defaults to the median of ``y_true`` only when not
        given, which the evaluation protocol never does.

    Returns
    -------
    dict
        ``r2``, ``rmse``, ``mae`` (log units), ``spearman``, ``within_2x`` (share with
        |log ratio| ≤ log 2), ``within_25pct``/``within_50pct`` (share with |pred/actual − 1| ≤ 0.25
        / 0.5 in dollars), ``median_accuracy``/``median_f1`` (above-median as the positive class).
    """
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise InputError(f"y_true and y_pred must be 1-d of equal length, got {y_true.shape} and "
                         f"{y_pred.shape}")
    if len(y_true) < 2:
        raise InputError(f"need at least 2 films to score, got {len(y_true)}")
    if not (np.isfinite(y_true).all() and np.isfinite(y_pred).all()):
        raise InputError("y_true and y_pred must be finite (log revenue of films with revenue > 0)")
    err = y_pred - y_true
    ss_res = float(np.sum(err**2))
    ss_tot = float(np.sum((y_true - y_true.mean()) ** 2))
    ratio = np.exp(err)
    median = float(np.median(y_true)) if train_median is None else float(train_median)
    actual_hi = y_true > median
    pred_hi = y_pred > median
    tp = float(np.sum(actual_hi & pred_hi))
    precision = tp / max(float(pred_hi.sum()), 1.0)
    recall = tp / max(float(actual_hi.sum()), 1.0)
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    rho = stats.spearmanr(y_true, y_pred).statistic if np.ptp(y_pred) > 0 else 0.0
    return {
        "r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan"),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "mae": float(np.mean(np.abs(err))),
        "spearman": float(rho),
        "within_2x": float(np.mean(np.abs(err) <= np.log(2.0))),
        "within_25pct": float(np.mean(np.abs(ratio - 1.0) <= 0.25)),
        "within_50pct": float(np.mean(np.abs(ratio - 1.0) <= 0.50)),
        "median_accuracy": float(np.mean(actual_hi == pred_hi)),
        "median_f1": float(f1),
        "n": float(len(y_true)),
    }
