"""The two baselines every model is shown beside: the mean, and log revenue from log budget alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from .._estimator import check_fitted
from ..data import log_revenue

__all__ = ["MeanBaseline", "BudgetOnlyBaseline"]


class MeanBaseline(RegressorMixin, BaseEstimator):
    """Forecasts every film at the training films' mean log revenue."""

    def fit(self, films: pd.DataFrame, y=None):
        y = log_revenue(films) if y is None else np.asarray(y, float)
        self.mean_ = float(np.nanmean(y))
        return self

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        check_fitted(self, "mean_", "fit(films)")
        return np.full(len(films), self.mean_)


class BudgetOnlyBaseline(RegressorMixin, BaseEstimator):
    """Least squares of log revenue on log budget; films without a budget get the mean."""

    def fit(self, films: pd.DataFrame, y=None):
        y = log_revenue(films) if y is None else np.asarray(y, float)
        x = np.log(pd.to_numeric(films["budget"], errors="coerce").to_numpy(float))
        ok = np.isfinite(x) & np.isfinite(y)
        self.slope_, self.intercept_ = np.polyfit(x[ok], y[ok], 1)
        self.mean_ = float(np.nanmean(y))
        return self

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        check_fitted(self, "slope_", "fit(films)")
        x = np.log(pd.to_numeric(films["budget"], errors="coerce").to_numpy(float))
        with np.errstate(invalid="ignore"):
            pred = self.intercept_ + self.slope_ * x
        return np.where(np.isfinite(pred), pred, self.mean_)
