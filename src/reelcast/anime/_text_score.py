"""A one-column summary of a text embedding for the tree head: a ridge text score.

Trees split on one coordinate at a time, and 384 weak, correlated embedding coordinates crowd out
the few strong tabular ones. A ridge regression on the whole embedding compresses the text into
one well-calibrated column. On the training titles the column is *out of fold* (each title is
scored by a ridge that never saw it), so the tree does not learn to trust an over-fitted score.
Titles without text get NaN (the trees route them on their own).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TextScore"]

_ALPHAS = (0.1, 1.0, 10.0, 100.0)


class TextScore:
    """Ridge score of a text block; ``fit_oof`` returns the out-of-fold training column."""

    def __init__(self, n_splits: int = 5, random_state: int = 0) -> None:
        self.n_splits = n_splits
        self.random_state = random_state

    def fit_oof(self, Z: np.ndarray, y: np.ndarray) -> np.ndarray:
        from sklearn.linear_model import Ridge, RidgeCV
        from sklearn.model_selection import KFold

        Z = np.asarray(Z, np.float64)
        present = ~np.isnan(Z).any(axis=1)
        oof = np.full(len(Z), np.nan)
        rows = np.flatnonzero(present)
        self.alpha_ = float(RidgeCV(alphas=_ALPHAS).fit(Z[rows], y[rows]).alpha_)
        folds = KFold(min(self.n_splits, len(rows)), shuffle=True, random_state=self.random_state)
        for fit_idx, out_idx in folds.split(rows):
            ridge = Ridge(alpha=self.alpha_).fit(Z[rows[fit_idx]], y[rows[fit_idx]])
            oof[rows[out_idx]] = ridge.predict(Z[rows[out_idx]])
        full = Ridge(alpha=self.alpha_).fit(Z[rows], y[rows])
        self.coef_, self.intercept_ = full.coef_.astype(np.float64), float(full.intercept_)
        return oof

    def predict(self, Z: np.ndarray) -> np.ndarray:
        Z = np.asarray(Z, np.float64)
        out = np.nan_to_num(Z) @ self.coef_ + self.intercept_
        out[np.isnan(Z).any(axis=1)] = np.nan
        return out
