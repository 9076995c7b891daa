"""Metrics: log revenue the way a studio reads a forecast (error size, rank, ×2 hits), the
published poster-regressor figures, and multi-label genre metrics."""

from __future__ import annotations

import numpy as np
from scipy import stats
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from .._errors import InputError

__all__ = ["regression_metrics", "METRIC_NAMES", "multilabel_metrics", "revenue_metrics"]

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


def multilabel_metrics(y_true, proba, labels=None, threshold: float = 0.5) -> dict:
    """Metrics of genre probabilities against 0/1 labels.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n, n_labels)
    proba : array-like of float, shape (n, n_labels)
        Rows with NaN are left out.
    labels : list of str, optional
        Names for the per-label table.
    threshold : float, default 0.5

    Returns
    -------
    dict
        ``n``, ``per_label_accuracy`` (mean of the n × labels cell accuracy, the published figure),
        ``subset_accuracy``, ``roc_auc_macro`` / ``roc_auc_micro``, ``micro_f1``, ``macro_f1``,
        ``map`` (macro average precision), ``base_rate`` and ``per_label`` (support, auc, ap, f1).
        Labels with a single class in ``y_true`` are left out of the macro AUC and mAP.
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(proba, dtype=float)
    if y.shape != p.shape or y.ndim != 2:
        raise InputError(f"y_true and proba must be 2-d of one shape, got {y.shape} and {p.shape}")
    ok = np.isfinite(p).all(axis=1)
    y, p = y[ok].astype(int), p[ok]
    if len(y) == 0:
        raise InputError("multilabel_metrics: no rows with probabilities")
    labels = list(labels) if labels is not None else [str(i) for i in range(y.shape[1])]
    pred = (p >= threshold).astype(int)
    per_label, aucs, aps = {}, [], []
    for j, name in enumerate(labels):
        both = 0 < y[:, j].sum() < len(y)
        auc = float(roc_auc_score(y[:, j], p[:, j])) if both else float("nan")
        ap = float(average_precision_score(y[:, j], p[:, j])) if both else float("nan")
        if both:
            aucs.append(auc)
            aps.append(ap)
        per_label[name] = {"support": int(y[:, j].sum()), "auc": auc, "ap": ap,
                           "f1": float(f1_score(y[:, j], pred[:, j], zero_division=0))}
    return {
        "n": int(len(y)),
        "per_label_accuracy": float((pred == y).mean()),
        "subset_accuracy": float((pred == y).all(axis=1).mean()),
        "roc_auc_macro": float(np.mean(aucs)) if aucs else float("nan"),
        "roc_auc_micro": float(roc_auc_score(y.ravel(), p.ravel())) if 0 < y.sum() < y.size else float("nan"),
        "micro_f1": float(f1_score(y, pred, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(y, pred, average="macro", zero_division=0)),
        "map": float(np.mean(aps)) if aps else float("nan"),
        "base_rate": float(y.mean()),
        "per_label": per_label,
    }
