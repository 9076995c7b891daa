"""XGBoost behind the tabular contract: categorical feature types, UBJSON files, ``xgb_model``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...._errors import require
from ...._estimator import store_params
from .._base import TabularModel
from .._registry import register_model
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["XGBModel"]

_P = DEFAULT_PARAMS


@register_model
class XGBModel(TabularModel):
    """Gradient-boosted trees (XGBoost ``hist``) on a frame with NaNs and ``category`` columns.

    Parameters
    ----------
    n_estimators, learning_rate, max_depth, min_child_weight, subsample, colsample_bytree,
    reg_lambda
        The XGBoost parameters of the same names.
    early_stopping_rounds, validation_fraction, refit
        Early stopping on the last rows, as in ``LGBMModel``.
    random_state, n_jobs : int

    Notes
    -----
    Continued training: ``fit(X, y, init_model=pretrained)`` passes the pretrained booster as
    ``xgb_model`` and adds rounds to it. Saved as XGBoost's UBJSON model (``model.ubj``).
    """

    name = "xgboost"
    family = "xgboost"
    rounds_param = "n_estimators"
    supports_init_model = True
    default_params = DEFAULT_PARAMS
    search_space = SEARCH_SPACE

    def __init__(
        self,
        n_estimators: int = _P["n_estimators"],
        learning_rate: float = _P["learning_rate"],
        max_depth: int = _P["max_depth"],
        min_child_weight: float = _P["min_child_weight"],
        subsample: float = _P["subsample"],
        colsample_bytree: float = _P["colsample_bytree"],
        reg_lambda: float = _P["reg_lambda"],
        early_stopping_rounds: int | None = _P["early_stopping_rounds"],
        validation_fraction: float = 0.1,
        refit: bool = True,
        random_state: int = 0,
        n_jobs: int = 2,
    ):
        store_params(self, locals())

    def _native_params(self) -> dict:
        return {
            "objective": "reg:squarederror",
            "tree_method": "hist",
            "eta": self.learning_rate,
            "max_depth": self.max_depth,
            "min_child_weight": self.min_child_weight,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "lambda": self.reg_lambda,
            "nthread": self.n_jobs,
            "seed": self.random_state,
            "max_cat_to_onehot": 4,
            # the target is standardised, so 0 is the right start (and keeps init_model exact)
            "base_score": 0.0,
        }

    def _dmatrix(self, xgb, X, y=None):
        types = ["c" if c else "q" for c in self.prep_.categorical]
        return xgb.DMatrix(X, label=y, feature_types=types, enable_categorical=True,
                           missing=np.nan, nthread=self.n_jobs)

    def _train(self, X, y, X_val, y_val, init, n_rounds=None):
        xgb = require("xgboost", "ensemble")
        start = init.model_ if init is not None else None
        done = start.num_boosted_rounds() if start is not None else 0
        rounds = max(1, self.n_estimators if n_rounds is None else n_rounds)
        train = self._dmatrix(xgb, X, y)
        if X_val is None:
            booster = xgb.train(self._native_params(), train, rounds, xgb_model=start)
            return booster, rounds
        valid = self._dmatrix(xgb, X_val, y_val)
        booster = xgb.train(
            self._native_params(), train, rounds, evals=[(valid, "valid")],
            early_stopping_rounds=self.early_stopping_rounds, xgb_model=start, verbose_eval=False,
        )
        best = booster.best_iteration + 1  # 0-based and counting the pretrained rounds
        return booster[:best], max(1, best - done)

    def _predict_native(self, X: np.ndarray) -> np.ndarray:
        xgb = require("xgboost", "ensemble")
        return self.model_.predict(self._dmatrix(xgb, X))

    def _save_native(self, path: Path) -> dict:
        self.model_.save_model(str(path / "model.ubj"))
        return {"file": "model.ubj"}

    def _load_native(self, path: Path, state: dict) -> None:
        xgb = require("xgboost", "ensemble")
        booster = xgb.Booster()
        booster.load_model(str(path / state["file"]))
        booster.set_param({"nthread": self.n_jobs})
        self.model_ = booster
