"""CatBoost behind the tabular contract: ordered target statistics, ``.cbm`` files, ``init_model``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...._errors import require
from ...._estimator import store_params
from .._base import TabularModel
from .._registry import register_model
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["CatBoostModel"]

_P = DEFAULT_PARAMS


@register_model
class CatBoostModel(TabularModel):
    """Gradient-boosted oblivious trees (CatBoost) with native categorical handling.

    Parameters
    ----------
    n_estimators : int
        Most iterations (CatBoost's ``iterations``).
    learning_rate, depth, l2_leaf_reg
        The CatBoost parameters of the same names.
    early_stopping_rounds, validation_fraction, refit
        Early stopping on the last rows, as in ``LGBMModel``.
    random_state, n_jobs : int

    Notes
    -----
    Continued training: ``fit(X, y, init_model=pretrained)`` passes the pretrained model as
    CatBoost's ``init_model``. Saved in CatBoost's binary format (``model.cbm``).
    """

    name = "catboost"
    family = "catboost"
    rounds_param = "n_estimators"
    supports_init_model = True
    default_params = DEFAULT_PARAMS
    search_space = SEARCH_SPACE

    def __init__(
        self,
        n_estimators: int = _P["n_estimators"],
        learning_rate: float = _P["learning_rate"],
        depth: int = _P["depth"],
        l2_leaf_reg: float = _P["l2_leaf_reg"],
        early_stopping_rounds: int | None = _P["early_stopping_rounds"],
        validation_fraction: float = 0.1,
        refit: bool = True,
        random_state: int = 0,
        n_jobs: int = 2,
    ):
        store_params(self, locals())

    def _pool(self, cb, X, y=None):
        cats = [j for j, c in enumerate(self.prep_.categorical) if c]
        # CatBoost wants integer or string levels; -1 stands for a missing or unseen level
        data = {
            f"f{j}": (np.where(np.isnan(X[:, j]), -1, X[:, j]).astype(np.int64)
                      if j in cats else X[:, j])
            for j in range(X.shape[1])
        }
        return cb.Pool(pd.DataFrame(data), label=y, cat_features=cats)

    def _native(self, cb, rounds: int):
        return cb.CatBoostRegressor(
            iterations=rounds,
            learning_rate=self.learning_rate,
            depth=self.depth,
            l2_leaf_reg=self.l2_leaf_reg,
            loss_function="RMSE",
            random_seed=self.random_state,
            thread_count=self.n_jobs,
            allow_writing_files=False,
            verbose=False,
            # the target is standardised; a fixed 0 start keeps continued training exact
            boost_from_average=False,
        )

    def _train(self, X, y, X_val, y_val, init, n_rounds=None):
        cb = require("catboost", "ensemble")
        rounds = max(1, self.n_estimators if n_rounds is None else n_rounds)
        model = self._native(cb, rounds)
        start = init.model_ if init is not None else None
        if X_val is None:
            model.fit(self._pool(cb, X, y), init_model=start)
            return model, rounds
        model.fit(
            self._pool(cb, X, y), eval_set=self._pool(cb, X_val, y_val), init_model=start,
            early_stopping_rounds=self.early_stopping_rounds, use_best_model=True,
        )
        done = start.tree_count_ if start is not None else 0
        return model, max(1, model.tree_count_ - done)

    def _predict_native(self, X: np.ndarray) -> np.ndarray:
        cb = require("catboost", "ensemble")
        return self.model_.predict(self._pool(cb, X), thread_count=self.n_jobs)

    def _save_native(self, path: Path) -> dict:
        self.model_.save_model(str(path / "model.cbm"), format="cbm")
        return {"file": "model.cbm"}

    def _load_native(self, path: Path, state: dict) -> None:
        cb = require("catboost", "ensemble")
        model = cb.CatBoostRegressor()
        model.load_model(str(path / state["file"]), format="cbm")
        self.model_ = model
