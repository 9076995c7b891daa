"""Stacking the network into the tree forecaster: time-ordered out-of-fold predictions.

``oof_network_predictions`` fits one network per :class:`~reelcast.models.stack._folds.TimeOrderedFolds`
fold on every film strictly earlier than the fold's block and predicts the block, so no prediction
comes from a model that saw its own film or any later one. The earliest ``min_train_fraction`` of
the films never get an out-of-fold value (NaN; LightGBM routes missing values on its own).

:class:`NetworkStackedForecaster` adds that column (``mm_pred``) to the forecaster's feature table;
at prediction time the column comes from one network fit on all training films.

The learned film embedding is *not* stacked: each fold's network has its own hidden basis, so
out-of-fold embeddings (or a PCA of them) are not comparable across folds and would be noise to
the trees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone

from ..._errors import InputError, NotFittedError
from ...evaluation._baselines import log_revenue
from ..stack._folds import TimeOrderedFolds
from ._estimator import MultimodalRevenueRegressor

__all__ = ["NetworkStackedForecaster", "oof_network_predictions"]


def _fit(net, films, y, history):
    return net.fit(films, y, history=history)


def oof_network_predictions(network, films: pd.DataFrame, y=None, history=None, n_folds: int = 5,
                            min_train_fraction: float = 0.3) -> np.ndarray:
    """Out-of-fold log-revenue predictions of ``network`` (NaN for the earliest films)."""
    if "release_date" not in films.columns:
        raise InputError("films need a 'release_date' column for time-ordered folds")
    films = films.reset_index(drop=True)
    if y is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            y = log_revenue(films)
    y = np.asarray(y, float)
    dates = pd.to_datetime(films["release_date"], errors="coerce")
    if dates.isna().any():
        raise InputError(f"release_date has {int(dates.isna().sum())} missing values; "
                         "time-ordered folds need every date")
    out = np.full(len(films), np.nan)
    for tr, va in TimeOrderedFolds(n_folds, min_train_fraction).split(dates):
        net = _fit(clone(network), films.iloc[tr], y[tr], history)
        out[va] = net.predict(films.iloc[va])
    return out


class NetworkStackedForecaster(RegressorMixin, BaseEstimator):
    """The box-office forecaster with the multimodal network's prediction as one more feature.

    Parameters
    ----------
    forecaster : BoxOfficeForecaster, optional
        Its features and LightGBM settings are used (default ``BoxOfficeForecaster()``).
    network : MultimodalRevenueRegressor, optional
    n_folds, min_train_fraction : the time-ordered folds of the out-of-fold column.

    Attributes
    ----------
    forecaster_ : BoxOfficeForecaster
        Fitted on the training films (its LightGBM is refitted with the extra column).
    network_ : MultimodalRevenueRegressor
        Fitted on all training films; gives ``mm_pred`` at prediction time.
    oof_ : ndarray
        The out-of-fold column of the training films.
    """

    uses_history = True

    def __init__(self, forecaster=None, network=None, n_folds=5, min_train_fraction=0.3):
        self.forecaster = forecaster
        self.network = network
        self.n_folds = n_folds
        self.min_train_fraction = min_train_fraction

    def fit(self, films: pd.DataFrame, y=None, history: pd.DataFrame | None = None):
        from ...forecast import BoxOfficeForecaster

        films = films.reset_index(drop=True)
        if y is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = log_revenue(films)
        y = np.asarray(y, float)
        keep = np.isfinite(y)
        films, y = films.loc[keep].reset_index(drop=True), y[keep]
        network = self.network if self.network is not None else MultimodalRevenueRegressor()
        self.oof_ = oof_network_predictions(network, films, y, history, self.n_folds,
                                            self.min_train_fraction)
        self.network_ = _fit(clone(network), films, y, history)
        base = clone(self.forecaster) if self.forecaster is not None else BoxOfficeForecaster()
        self.forecaster_ = base.fit(films, y, history=history)
        X = self.forecaster_.transform(films).assign(mm_pred=self.oof_)
        self.model_ = self.forecaster_._lgbm().fit(X, y)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        if not hasattr(self, "model_"):
            raise NotFittedError("This NetworkStackedForecaster is not fitted yet; call fit(films).")
        return self.forecaster_.transform(films).assign(mm_pred=self.network_.predict(films))

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        """Natural-log worldwide revenue forecasts."""
        return np.asarray(self.model_.predict(self.transform(films)), float)
