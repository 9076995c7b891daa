"""Greedy ensemble selection with replacement (Caruana et al., ICML 2004)."""

from __future__ import annotations

import numpy as np

from ..._errors import InputError
from ..._estimator import check_fitted

__all__ = ["EnsembleSelection"]


class EnsembleSelection:
    """Weights over candidate models, chosen by greedily adding the model that helps most.

    Start from an empty ensemble; at each of ``n_iterations`` steps add (with replacement)
    the candidate whose inclusion gives the lowest RMSE of the averaged prediction. A model's
    weight is how often it was picked divided by the number of picks, so the weights are
    non-negative and sum to 1. Picking a model again is how it gains weight; ties go to the
    earlier candidate (deterministic). Because every step must add a model, the error can rise;
    the weights are those of the step with the lowest error (``n_selected_``).

    Parameters
    ----------
    n_iterations : int
    """

    def __init__(self, n_iterations: int = 50):
        self.n_iterations = n_iterations

    def fit(self, predictions: np.ndarray, y: np.ndarray) -> EnsembleSelection:
        P = np.asarray(predictions, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if P.ndim != 2 or P.shape[0] != len(y) or P.shape[1] == 0:
            raise InputError(
                f"predictions must be (n_rows, n_models) with n_rows={len(y)}, got {P.shape}"
            )
        if not np.isfinite(P).all():
            raise InputError("predictions contain NaN or infinity")
        if int(self.n_iterations) < 1:
            raise InputError(
                f"The 'n_iterations' parameter must be >= 1, got {self.n_iterations!r}."
            )
        counts = np.zeros(P.shape[1], dtype=np.int64)
        total = np.zeros(len(y))
        trajectory, history = [], []
        for step in range(1, int(self.n_iterations) + 1):
            candidates = (total[:, None] + P) / step
            rmse = np.sqrt(np.mean((candidates - y[:, None]) ** 2, axis=0))
            best = int(np.argmin(rmse))
            counts[best] += 1
            total += P[:, best]
            trajectory.append(float(rmse[best]))
            history.append(counts.copy())
        # a forced pick can make the ensemble worse: keep the best prefix (Caruana et al. §2)
        self.n_selected_ = int(np.argmin(trajectory)) + 1
        self.counts_ = history[self.n_selected_ - 1]
        self.weights_ = self.counts_ / self.counts_.sum()
        self.trajectory_ = np.asarray(trajectory)
        return self

    def predict(self, predictions: np.ndarray) -> np.ndarray:
        check_fitted(self, "weights_")
        return np.asarray(predictions, dtype=np.float64) @ self.weights_
