"""LightGBM behind the tabular contract: native categoricals, text model files, ``init_model``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...._estimator import store_params
from .._base import TabularModel
from .._registry import register_model
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["LGBMModel"]

_P = DEFAULT_PARAMS


@register_model
class LGBMModel(TabularModel):
    """Gradient-boosted trees (LightGBM) on a frame with NaNs and ``category`` columns.

    Parameters
    ----------
    n_estimators : int
        Most boosting rounds (early stopping usually ends sooner).
    learning_rate, num_leaves, min_child_samples, subsample, colsample_bytree, reg_lambda
        The LightGBM parameters of the same names.
    early_stopping_rounds : int or None
        Stop when the last ``validation_fraction`` of the rows (in the order given) has not
        improved for this many rounds; ``None`` trains all ``n_estimators`` rounds.
    validation_fraction : float
        Share of rows, taken from the end, used for early stopping.
    refit : bool
        After early stopping, train again on all rows with the rounds found.
    random_state, n_jobs : int

    Notes
    -----
    Continued training: ``fit(X, y, init_model=pretrained)`` adds trees to the pretrained
    booster (LightGBM's ``init_model``); the pretrained prediction becomes the starting score.
    Saved as LightGBM's text model format (``model.txt``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(200, 3)); y = X[:, 0]
    >>> LGBMModel(n_estimators=50).fit(X, y).predict(X[:2]).shape
    (2,)
    """

    name = "lgbm"
    family = "lightgbm"
    rounds_param = "n_estimators"
    supports_init_model = True
    default_params = DEFAULT_PARAMS
    search_space = SEARCH_SPACE

    def __init__(
        self,
        n_estimators: int = _P["n_estimators"],
        learning_rate: float = _P["learning_rate"],
        num_leaves: int = _P["num_leaves"],
        min_child_samples: int = _P["min_child_samples"],
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
            "objective": "regression",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
            "num_threads": self.n_jobs,
            "seed": self.random_state,
            "deterministic": True,
            "force_row_wise": True,
            "verbose": -1,
            # small tables: let categorical levels with few rows still split
            "min_data_per_group": 10,
            "cat_smooth": 10,
        }

    def _dataset(self, lgb, X, y):
        cats = [j for j, c in enumerate(self.prep_.categorical) if c]
        return lgb.Dataset(X, y, categorical_feature=cats, free_raw_data=False,
                           params={"verbose": -1})

    def _train(self, X, y, X_val, y_val, init, n_rounds=None):
        import lightgbm as lgb
        start = init.model_ if init is not None else None
        done = start.current_iteration() if start is not None else 0
        rounds = self.n_estimators if n_rounds is None else n_rounds
        train = self._dataset(lgb, X, y)
        if X_val is None:
            booster = lgb.train(self._native_params(), train, max(1, rounds), init_model=start)
            return booster, max(1, rounds)
        valid = self._dataset(lgb, X_val, y_val)
        booster = lgb.train(
            self._native_params(), train, max(1, rounds), valid_sets=[valid], init_model=start,
            callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
        )
        # best_iteration counts the pretrained rounds too
        return booster, max(1, booster.best_iteration - done)

    def _predict_native(self, X: np.ndarray) -> np.ndarray:
        return self.model_.predict(X, num_threads=self.n_jobs)

    def _save_native(self, path: Path) -> dict:
        self.model_.save_model(str(path / "model.txt"))
        return {"file": "model.txt"}

    def _load_native(self, path: Path, state: dict) -> None:
        import lightgbm as lgb
        self.model_ = lgb.Booster(model_file=str(path / state["file"]))
