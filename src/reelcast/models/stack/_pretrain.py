"""Rating pretraining for the stack: a cross-fitted rating-prior feature and pretrained models.

Ratings are a pretraining *target* only, never an input. Two ways to carry what a model learns
from the (much larger) set of rated films over to box office:

* **prior** — a rating model's prediction becomes an input column ``rating_prior``. A film whose
  rating was in the rating model's training data would see (a memory of) its own post-release
  rating, so the column is *cross-fitted*: rated films are split into folds and each film gets
  the prediction of the fold model that never saw its rating. Films of ``X`` are matched to
  rated films by **index label** (use ``film_id`` as the index of both frames). New films at
  predict time get the model fitted on every rated film.
* **continue** — each boosting model / net is first fitted to the rating, then fine-tuned on
  box office from there (``init_model``). Forests cannot continue; they get the prior only.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold

from ..._errors import InputError

__all__ = ["RATING_PRIOR", "fit_rating_prior", "check_pretrain"]

RATING_PRIOR = "rating_prior"


def check_pretrain(pretrain, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate ``pretrain=(X_rating, y_rating)`` against the box-office columns."""
    if not (isinstance(pretrain, tuple | list) and len(pretrain) == 2):
        raise InputError(
            "The 'pretrain' parameter must be a pair (X_rating, y_rating), "
            f"got {type(pretrain).__name__} instead."
        )
    X_r, y_r = pretrain
    if not isinstance(X_r, pd.DataFrame):
        raise InputError(f"pretrain X_rating must be a DataFrame, got {type(X_r).__name__}")
    missing = [c for c in columns if c not in X_r.columns]
    if missing:
        raise InputError(f"pretrain X_rating lacks the feature columns {missing[:10]}")
    y_r = np.asarray(y_r, dtype=np.float64).ravel()
    if len(y_r) != len(X_r):
        raise InputError(f"pretrain has {len(X_r)} rows in X_rating but {len(y_r)} ratings")
    if len(y_r) < 10 or not np.isfinite(y_r).all():
        raise InputError("pretrain y_rating needs at least 10 finite ratings")
    if not X_r.index.is_unique:
        raise InputError("pretrain X_rating's index must be unique (it identifies films)")
    return X_r[columns], y_r


def fit_rating_prior(spec, X_r: pd.DataFrame, y_r: np.ndarray, X: pd.DataFrame,
                     n_folds: int, random_state: int):
    """Return ``(full_model, prior for X, out-of-fold prior for X_r)``."""
    if isinstance(X_r.index, pd.RangeIndex) and isinstance(X.index, pd.RangeIndex):
        warnings.warn(
            "pretrain: both frames have a RangeIndex, so films are matched by row number; "
            "index both by film id so that no film sees its own rating", UserWarning,
            stacklevel=3,
        )
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=random_state)
    oof = np.empty(len(y_r))
    fold_of = np.empty(len(y_r), dtype=np.int64)
    fold_models = []
    for k, (tr, va) in enumerate(folds.split(X_r)):
        model = clone(spec).fit(X_r.iloc[tr], y_r[tr])
        oof[va] = model.predict(X_r.iloc[va])
        fold_of[va] = k
        fold_models.append(model)
    full = clone(spec).fit(X_r, y_r)
    prior = full.predict(X)
    pos = X_r.index.get_indexer(X.index)
    for k, model in enumerate(fold_models):
        rows = np.where((pos >= 0) & (fold_of[np.maximum(pos, 0)] == k))[0]
        if len(rows):
            prior[rows] = model.predict(X.iloc[rows])
    return full, prior, oof
