"""The published poster-regressor metrics, with the median taken from the training labels."""

from __future__ import annotations

import numpy as np

from ..._errors import InputError

__all__ = ["revenue_metrics"]


def revenue_metrics(y_true, y_pred, train_median: float) -> dict[str, float]:
    """MSE on log10, share within ±25% / ±50%, above/below-median accuracy and F1.

    Parameters
    ----------
    y_true, y_pred : array-like
        Revenue in dollars (positive). Rows where either is NaN are left out.
    train_median : float
        Median revenue (dollars) of the **training** films. The published project took it from
        the test labels, which leaks; reelcast never does.

    Returns
    -------
    dict
        ``n``, ``mse_log10``, ``within_25``, ``within_50``, ``median_accuracy``, ``median_f1``
        (positive class: above the median).
    """
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape:
        raise InputError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    ok = np.isfinite(y_true) & np.isfinite(y_pred)
    y_true, y_pred = y_true[ok], y_pred[ok]
    if len(y_true) == 0 or (y_true <= 0).any() or (y_pred <= 0).any():
        raise InputError("revenue_metrics needs at least one row and positive revenues")
    if not np.isfinite(train_median) or train_median <= 0:
        raise InputError(f"train_median must be a positive revenue, got {train_median!r}")
    rel = np.abs(y_pred - y_true) / y_true
    above_true, above_pred = y_true > train_median, y_pred > train_median
    tp = float((above_true & above_pred).sum())
    precision = tp / max(above_pred.sum(), 1)
    recall = tp / max(above_true.sum(), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {
        "n": int(len(y_true)),
        "mse_log10": float(np.mean((np.log10(y_pred) - np.log10(y_true)) ** 2)),
        "within_25": float(np.mean(rel <= 0.25)),
        "within_50": float(np.mean(rel <= 0.50)),
        "median_accuracy": float(np.mean(above_true == above_pred)),
        "median_f1": float(f1),
    }
