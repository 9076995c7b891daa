"""A post-hoc recalibration of log-revenue forecasts, learned on the calibration years.

The forecaster's trees cannot say anything about a year they have not seen: forecasts for later
years repeat the training years' level, and the miss differs by budget tier (larger films were
under-forecast on 2014–2017). The calibration window already holds what is needed to measure that
miss honestly: forecasts of 2012–2013 by a model trained before 2012. :class:`ForecastRecalibration`
learns from those out-of-time residuals a shift per budget tier (the tier's mean residual;
``shrinkage`` pseudo-films at zero pull small tiers toward no shift:
``shift = Σ residual / (n + shrinkage)``), and adds it to later forecasts.

It is a separate step on top of any forecaster (``fit(y, forecast, features)`` then
``predict(forecast, features)``), stored as JSON beside the model; the intervals are then
calibrated on the recalibrated forecasts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._artifact import check_format, format_tag
from .._errors import InputError
from .._estimator import check_fitted
from ._adaptive import budget_tier, calibration_films

__all__ = ["RECALIBRATION_FORMAT", "ForecastRecalibration"]

RECALIBRATION_FORMAT = format_tag("recalibration", 1)


class ForecastRecalibration(BaseEstimator):
    """Shift each budget tier's log forecasts by its shrunk out-of-time mean residual.

    Parameters
    ----------
    shrinkage : float
        Pseudo-films at zero residual added to every tier (a tier of ``n`` films keeps
        ``n / (n + shrinkage)`` of its mean residual).

    Examples
    --------
    >>> X = pd.DataFrame({"log_budget": np.log([1e6] * 5 + [2e8] * 5)})
    >>> rc = ForecastRecalibration().fit([1.0] * 5 + [3.0] * 5, [1.0] * 5 + [2.0] * 5, X)
    >>> rc.predict(np.array([5.0, 5.0]), X.iloc[[0, 9]]).tolist()
    [5.0, 6.0]
    """

    def __init__(self, shrinkage: float = 0.0):
        self.shrinkage = shrinkage

    def fit(self, y_true, y_pred, features: pd.DataFrame):
        if not float(self.shrinkage) >= 0:
            raise InputError(f"The 'shrinkage' parameter of ForecastRecalibration must be >= 0, "
                             f"got {self.shrinkage!r} instead.")
        y_true, y_pred, ok = calibration_films(y_true, y_pred, features)
        residual = (y_true - y_pred)[ok]
        tier = budget_tier(features.reset_index(drop=True).loc[ok])
        self.shifts_, self.counts_ = {}, {}
        for name in sorted(set(tier)):
            r = residual[tier == name]
            self.shifts_[str(name)] = float(r.sum() / (len(r) + float(self.shrinkage)))
            self.counts_[str(name)] = len(r)
        return self

    def predict(self, y_pred, features: pd.DataFrame) -> np.ndarray:
        """The recalibrated log forecasts (a tier unseen in calibration is left as it is)."""
        check_fitted(self, "shifts_", "fit(y, y_pred, features)")
        y_pred = np.asarray(y_pred, float)
        if len(features) != len(y_pred):
            raise InputError(f"{len(y_pred)} forecasts but {len(features)} feature rows")
        shift = np.array([self.shifts_.get(str(t), 0.0) for t in budget_tier(features)])
        return y_pred + shift

    def to_dict(self) -> dict:
        return {"format": RECALIBRATION_FORMAT, "shrinkage": float(self.shrinkage),
                "shifts_log": self.shifts_, "counts": self.counts_}

    @classmethod
    def from_dict(cls, data: dict) -> ForecastRecalibration:
        check_format(data, RECALIBRATION_FORMAT, "recalibration")
        obj = cls(float(data["shrinkage"]))
        obj.shifts_ = {str(k): float(v) for k, v in data["shifts_log"].items()}
        obj.counts_ = {str(k): int(v) for k, v in data["counts"].items()}
        return obj
