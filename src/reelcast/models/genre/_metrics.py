"""Multi-label metrics: the published per-label accuracy and AUC, plus F1 and mAP that sparse
labels cannot inflate."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from ..._errors import InputError

__all__ = ["multilabel_metrics"]


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
