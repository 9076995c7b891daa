"""Stacking the network into the tree forecaster: time-ordered out-of-fold predictions.

``oof_network_predictions`` fits one network per :class:`~reelcast.evaluation.TimeOrderedFolds`
fold on every film strictly earlier than the fold's block and predicts the block, so no prediction
comes from a model that saw its own film or any later one. The earliest ``min_train_fraction`` of
the films never get an out-of-fold value (NaN; LightGBM routes missing values on its own).

:class:`NetworkStackedForecaster` adds that column (``mm_pred``) to the forecaster's feature table;
at prediction time the column comes from one network fit on all training films.

The learned film embedding can be stacked too (``embedding_components > 0``), but not fold by
fold: each fold's network has its own hidden basis, so out-of-fold embeddings are not comparable
across folds. One network gives every film its embedding instead: the first fold's, which trained
only on the earliest films. Those films get NaN (their embedding has seen their revenue); every
later training film, and every film at prediction time, is embedded by that same network and
projected on the same principal components (fit on the embeddings, never on the target).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone

from ..._errors import InputError
from ..._estimator import check_fitted, store_params
from ...data import log_revenue
from ...evaluation import TimeOrderedFolds
from ..forecaster import BoxOfficeForecaster
from ._estimator import MultimodalRevenueRegressor

__all__ = ["NetworkStackedForecaster", "oof_network_predictions"]


def _fit(net, films, y, history):
    return net.fit(films, y, history=history)


def oof_network_predictions(network, films: pd.DataFrame, y=None, history=None, n_folds: int = 5,
                            min_train_fraction: float = 0.3, return_networks: bool = False):
    """Out-of-fold log-revenue predictions of ``network`` (NaN for the earliest films).

    With ``return_networks``, also ``[(fitted network, its training positions), …]`` per fold.
    """
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
    fitted = []
    for tr, va in TimeOrderedFolds(n_folds, min_train_fraction).split(dates):
        net = _fit(clone(network), films.iloc[tr], y[tr], history)
        out[va] = net.predict(films.iloc[va])
        fitted.append((net, tr))
    return (out, fitted) if return_networks else out


class NetworkStackedForecaster(RegressorMixin, BaseEstimator):
    """The box-office forecaster with the multimodal network's prediction as one more feature.

    Parameters
    ----------
    forecaster : BoxOfficeForecaster, optional
        Its features and LightGBM settings are used (default ``BoxOfficeForecaster()``).
    network : MultimodalRevenueRegressor, optional
    n_folds, min_train_fraction : the time-ordered folds of the out-of-fold column.
    embedding_components : int
        Also stack this many principal components of the film embedding (``mm_pc*`` columns)
        from the first fold's network; 0 (default) stacks the prediction only.

    Attributes
    ----------
    forecaster_ : BoxOfficeForecaster
        Fitted on the training films (its LightGBM is refitted with the extra column).
    network_ : MultimodalRevenueRegressor
        Fitted on all training films; gives ``mm_pred`` at prediction time.
    oof_ : ndarray
        The out-of-fold column of the training films.
    embed_network_, embed_mean_, embed_components_ :
        With ``embedding_components``: the network that embeds every film and its PCA.
    embed_seen_, train_pcs_ :
        Positions (in the scored training films) the embedding network trained on, and the
        ``mm_pc*`` columns the trees saw (NaN at those positions).
    """

    uses_history = True

    def __init__(self, forecaster=None, network=None, n_folds=5, min_train_fraction=0.3,
                 embedding_components=0):
        store_params(self, locals())

    def fit(self, films: pd.DataFrame, y=None, history: pd.DataFrame | None = None):
        films = films.reset_index(drop=True)
        if y is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = log_revenue(films)
        y = np.asarray(y, float)
        keep = np.isfinite(y)
        films, y = films.loc[keep].reset_index(drop=True), y[keep]
        network = self.network if self.network is not None else MultimodalRevenueRegressor()
        k = self.embedding_components
        if not (isinstance(k, int | np.integer) and k >= 0):
            raise InputError(f"embedding_components must be an int >= 0, got {k!r}")
        self.oof_, fitted = oof_network_predictions(network, films, y, history, self.n_folds,
                                                    self.min_train_fraction, return_networks=True)
        self.network_ = _fit(clone(network), films, y, history)
        base = clone(self.forecaster) if self.forecaster is not None else BoxOfficeForecaster()
        self.forecaster_ = base.fit(films, y, history=history)
        X = self.forecaster_.transform(films).assign(mm_pred=self.oof_)
        if k:
            self.embed_network_, seen = fitted[0]
            emb = self.embed_network_.transform(films).to_numpy(float)
            self.embed_mean_ = emb.mean(axis=0)
            # principal axes of the embedding (unsupervised): a fixed, low-dimensional basis
            _, _, vt = np.linalg.svd(emb - self.embed_mean_, full_matrices=False)
            self.embed_components_ = vt[:min(k, vt.shape[0])]
            pcs = self._project(emb)
            pcs[seen] = np.nan  # the embedding network trained on these films
            self.embed_seen_, self.train_pcs_ = np.asarray(seen), pcs
            X = X.assign(**{f"mm_pc{i}": pcs[:, i] for i in range(pcs.shape[1])})
        self.model_ = self.forecaster_.make_regressor().fit(X, y)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        check_fitted(self, "model_", "fit(films)")
        X = self.forecaster_.transform(films).assign(mm_pred=self.network_.predict(films))
        if self.embedding_components:
            pcs = self._project(self.embed_network_.transform(films).to_numpy(float))
            X = X.assign(**{f"mm_pc{i}": pcs[:, i] for i in range(pcs.shape[1])})
        return X

    def _project(self, emb: np.ndarray) -> np.ndarray:
        return (emb - self.embed_mean_) @ self.embed_components_.T

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        """Natural-log worldwide revenue forecasts."""
        return np.asarray(self.model_.predict(self.transform(films)), float)
