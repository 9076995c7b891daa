"""The P-EL stack on the forecaster's features, saved in the forecaster's own directory.

``reelcast train --model stack`` trains a :class:`ForecasterStack`: the LightGBM
:class:`BoxOfficeForecaster` (its pre-release features, its as-of history, and itself as the
model that explains), then a :class:`~reelcast.models.stack.StackedRegressor` on that same
feature table (pretrained on earlier films' ratings as :class:`StackForecaster` does). The point
forecast is the stack's.

A stack model directory *is* a forecaster directory (the same manifest format, so verification,
intervals, comparables, rating, genres and hits work unchanged) with the stack's native files in
``stack/``, listed and hashed in the same manifest, and ``"model": "stack"`` in it. What needs
TreeSHAP or the feature table (the explanation, comparables, rating) comes from the LightGBM
forecaster inside; the explanation then ends with a "stack adjustment" line, the difference
between the stack's forecast and the forecaster's, so it still adds up to the forecast shown.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from ..._artifact import read_manifest
from ..._errors import ArtifactError, InputError
from ..._estimator import check_fitted, store_params
from ...data import log_revenue
from ._artifact import add_forecaster_files, load_forecaster, save_forecaster
from ._estimator import BoxOfficeForecaster

__all__ = ["MODEL_KINDS", "ForecasterStack", "load_any", "model_kind", "save_any"]

MODEL_KINDS = ("forecaster", "stack")
STACK_DIR = "stack"


class ForecasterStack(RegressorMixin, BaseEstimator):
    """The forecaster's features and the P-EL stack on them; ``predict`` in natural-log dollars.

    Parameters
    ----------
    preset : {"fast", "default", "best"}
        The stack preset (``reelcast.models.stack.PRESETS``).
    n_estimators, random_state, n_jobs : the inner :class:`BoxOfficeForecaster`'s.
    pretrain : bool
        Pretrain on the ratings of history films with at least ``min_votes`` votes released no
        later than the last training film (ratings are a pretraining target, never an input).
    stack_params : dict, optional
        Explicit ``StackedRegressor`` arguments over the preset (``models``, ``n_folds``, ...).
    """

    uses_history = True

    def __init__(self, preset: str = "fast", n_estimators: int = 1500, random_state: int = 0,
                 n_jobs: int = 2, pretrain: bool = True, min_votes: int = 10,
                 stack_params: dict | None = None):
        store_params(self, locals())

    def fit(self, films: pd.DataFrame, y=None, history: pd.DataFrame | None = None):
        # the stack's families (XGBoost, CatBoost, torch) take seconds to import: only on use
        from ..stack import PRESETS, StackedRegressor

        if self.preset not in PRESETS:
            raise InputError(f"The 'preset' parameter of ForecasterStack must be one of "
                             f"{sorted(PRESETS)}, got {self.preset!r} instead.")
        history = films if history is None else history
        self.forecaster_ = BoxOfficeForecaster(
            n_estimators=self.n_estimators, random_state=self.random_state,
            n_jobs=self.n_jobs).fit(films, y, history=history)
        if y is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = log_revenue(films)
        y = np.asarray(y, float)
        keep = np.isfinite(y)
        train = films.loc[keep]
        X = self.forecaster_.transform(train)
        X.index = pd.Index(train["film_id"].astype(str) if "film_id" in train else train.index)
        self.stack_ = StackedRegressor(**{"preset": self.preset,
                                          "random_state": self.random_state,
                                          **(self.stack_params or {})})
        self.stack_.fit(X, y[keep], time=pd.to_datetime(train["release_date"]).to_numpy(),
                        pretrain=self._pretrain_set(history, train))
        self.train_median_ = float(np.median(y[keep]))
        return self

    def _pretrain_set(self, history: pd.DataFrame, train: pd.DataFrame):
        if not self.pretrain or not {"rating", "vote_count"} <= set(history.columns):
            return None
        last = pd.to_datetime(train["release_date"]).max()
        rated = history[history["rating"].notna()
                        & (pd.to_numeric(history["vote_count"], errors="coerce") >= self.min_votes)
                        & (pd.to_datetime(history["release_date"]) <= last)]
        if len(rated) < 50:
            return None
        X = self.forecaster_.transform(rated)
        X.index = pd.Index(rated["film_id"].astype(str) if "film_id" in rated else rated.index)
        return X, rated["rating"].to_numpy(float)

    def _check(self):
        check_fitted(self, "stack_", "fit(films) or load a model directory")

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        """The feature table (the inner forecaster's)."""
        self._check()
        return self.forecaster_.transform(films)

    def routes(self, films: pd.DataFrame) -> np.ndarray:
        """Every film goes to the one stack (it has no per-field-set regressors)."""
        self._check()
        return np.full(len(films), "full", dtype=object)

    def predict_features(self, X: pd.DataFrame, routes=None) -> np.ndarray:
        """The stack's forecasts from the inner forecaster's feature table (``routes`` is
        accepted for the forecaster's signature; the stack has one regressor)."""
        self._check()
        return np.asarray(self.stack_.predict(X), float)

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        """Natural-log worldwide revenue forecasts (the stack's)."""
        return self.predict_features(self.transform(films))

    @property
    def field_effects_(self):
        # measured on the LightGBM forecaster: the stack reads the same features, so the same
        # fields move it; the numbers are the forecaster's
        return getattr(getattr(self, "forecaster_", None), "field_effects_", None)


def model_kind(model_dir: str | Path) -> str:
    """``"stack"`` or ``"forecaster"``, from the model directory's manifest."""
    kind = read_manifest(model_dir).get("model", "forecaster")
    if kind not in MODEL_KINDS:
        raise ArtifactError(f"{model_dir}: unknown model kind {kind!r} in manifest.json; this "
                            f"reelcast reads {', '.join(MODEL_KINDS)}")
    return kind


def save_any(model, out_dir: str | Path, **kwargs) -> Path:
    """Save a :class:`BoxOfficeForecaster` or a :class:`ForecasterStack` as a model directory."""
    if isinstance(model, BoxOfficeForecaster):
        return save_forecaster(model, out_dir, **kwargs)
    if not isinstance(model, ForecasterStack):
        raise InputError(f"cannot save a {type(model).__name__}; expected a BoxOfficeForecaster "
                         "or a ForecasterStack")
    model._check()
    extra = {**kwargs.pop("extra", {}), "model": "stack",
             "stack": {"params": model.get_params(), "weights": model.stack_.weights}}
    out = save_forecaster(model.forecaster_, out_dir, extra=extra, **kwargs)
    # the stack's files go into the verified directory and are hashed in its manifest
    add_forecaster_files(out, {STACK_DIR: model.stack_.save})
    return out


def load_any(model_dir: str | Path):
    """Load either kind, verifying every hash (the stack's files are in the same manifest)."""
    from ..stack import load_stack

    forecaster = load_forecaster(model_dir)  # verifies every file the manifest lists
    if model_kind(model_dir) == "forecaster":
        return forecaster
    manifest = read_manifest(model_dir)
    if not any(f.startswith(f"{STACK_DIR}/") for f in manifest.get("files", {})):
        raise ArtifactError(f"{model_dir}: a stack model without stack files in its manifest")
    model = ForecasterStack(**manifest.get("stack", {}).get("params", {}))
    model.forecaster_ = forecaster
    model.stack_ = load_stack(Path(model_dir) / STACK_DIR)
    model.train_median_ = forecaster.train_median_
    return model
