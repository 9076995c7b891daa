"""Films in, log revenue out: pre-release features → (differences) → the stack, with pretraining.

``StackForecaster`` has the same calling convention as ``reelcast.forecast.BoxOfficeForecaster``
(``fit(films, history=all_films)``, ``predict(films)`` in natural-log dollars) so that the
``train`` command and the evaluation protocol can swap one for the other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from ..._errors import InputError, SchemaError
from ..._estimator import check_fitted, store_params
from ._stacker import StackedRegressor

__all__ = ["StackForecaster", "DIFFERENCE_COLUMNS"]

# P-EL differences "director, cast, budget, genre, release date"; reelcast's nearest features
DIFFERENCE_COLUMNS = ("log_budget_adj", "runtime", "n_genres", "day_of_year",
                      "cast_logrev_best_mean", "director_logrev_best_mean",
                      "company_logrev_best_mean", "cast_rating_mean", "director_rating_mean")


def _ids(films: pd.DataFrame) -> pd.Index:
    return pd.Index(films["film_id"] if "film_id" in films.columns else films.index)


class StackForecaster(RegressorMixin, BaseEstimator):
    """The P-EL stack as a film forecaster.

    Parameters
    ----------
    preset : {"fast", "default", "best"}
        ``StackedRegressor`` preset.
    pretrain : bool
        Pretrain on the ratings of the history films (``vote_count >= min_votes``) released no
        later than the last training film; the preset's ``pretrain_mode`` says how.
    differences : bool
        Add ``TemporalDifferences`` of ``DIFFERENCE_COLUMNS``.
    min_votes : int
        Ratings from fewer votes are too noisy to pretrain on.
    random_state : int
    verbose : bool
        Progress bar over the stack's fits.

    Notes
    -----
    Ratings are used only as a pretraining target. Films released after the last training
    film never contribute a rating, so a model trained for a temporal test cannot learn from
    the test period's ratings even when ``history`` holds every film.
    """

    uses_history = True

    def __init__(self, preset: str = "default", pretrain: bool = True,
                 differences: bool = False, min_votes: int = 10, random_state: int = 0,
                 verbose: bool = False):
        store_params(self, locals())

    def _features(self, films: pd.DataFrame) -> pd.DataFrame:
        X = self.features_.transform(films)
        X.index = _ids(films)
        if self.differences_ is not None:
            dates = pd.to_datetime(films["release_date"]).to_numpy()
            X = self.differences_.transform(X.assign(release_date=dates))
        return X

    def fit(self, films: pd.DataFrame, y=None, history: pd.DataFrame | None = None):
        from ...features import PreReleaseFeatures, TemporalDifferences

        for col in ("release_date", "revenue") if y is None else ("release_date",):
            if col not in films.columns:
                raise SchemaError(f"StackForecaster.fit needs a '{col}' column")
        history = films if history is None else history
        if y is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log(pd.to_numeric(films["revenue"], errors="coerce").to_numpy(float))
        y = np.asarray(y, dtype=float)
        keep = np.isfinite(y) & pd.to_datetime(films["release_date"]).notna().to_numpy()
        if keep.sum() < 20:
            raise InputError(f"need at least 20 dated films with revenue > 0, got {keep.sum()}")
        train = films.loc[keep]
        self.features_ = PreReleaseFeatures().fit(history)
        self.differences_ = None
        X = self._features(train)
        if self.differences:
            self.differences_ = TemporalDifferences(columns=list(DIFFERENCE_COLUMNS)).fit(
                X.assign(release_date=pd.to_datetime(train["release_date"]).to_numpy()))
            X = self._features(train)
        pretrain = None
        if self.pretrain and {"rating", "vote_count"} <= set(history.columns):
            last = pd.to_datetime(train["release_date"]).max()
            rated = history[history["rating"].notna()
                            & (pd.to_numeric(history["vote_count"], errors="coerce")
                               >= self.min_votes)
                            & (pd.to_datetime(history["release_date"]) <= last)]
            if len(rated) >= 50:
                pretrain = (self._features(rated), rated["rating"].to_numpy(float))
        self.stack_ = StackedRegressor(preset=self.preset, random_state=self.random_state,
                                       verbose=self.verbose)
        self.stack_.fit(X, y[keep], time=pd.to_datetime(train["release_date"]).to_numpy(),
                        pretrain=pretrain)
        self.n_pretrain_ = 0 if pretrain is None else len(pretrain[1])
        self.train_median_ = float(np.median(y[keep]))
        return self

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        """Natural-log worldwide revenue forecasts."""
        check_fitted(self, "stack_", "fit(films)")
        return self.stack_.predict(self._features(films))

    def predict_revenue(self, films: pd.DataFrame) -> np.ndarray:
        """Worldwide revenue forecasts in US dollars."""
        return np.exp(self.predict(films))
