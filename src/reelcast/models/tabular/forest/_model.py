"""RandomForest and ExtraTrees behind the tabular contract, saved as plain tree arrays."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor

from ...._estimator import store_params
from .._base import TabularModel
from .._registry import register_model
from ._params import DEFAULT_PARAMS, SEARCH_SPACE
from ._trees import load_trees, save_trees

__all__ = ["RandomForestModel", "ExtraTreesModel"]

_P = DEFAULT_PARAMS


class _ForestModel(TabularModel):
    """Shared body of the two forests; ``_sklearn_class`` picks the tree randomisation.

    Parameters
    ----------
    n_estimators, max_features, min_samples_leaf, max_depth
        The scikit-learn parameters of the same names.
    random_state, n_jobs : int

    Notes
    -----
    Missing values go down the side learned in ``fit`` (scikit-learn's native NaN support);
    categorical columns are read as their integer codes.

    **Pretraining.** A forest cannot continue growing trees for a new target, so it does not
    accept ``init_model``. For forests, rating pretraining means the *rating-prior feature*:
    the stack adds the out-of-fold prediction of a rating model as an input column
    (``StackedRegressor(pretrain_mode="prior" or "both")``).

    Saved as ``trees.npz`` (node tables and leaf values of every tree) plus ``model.json``.
    """

    family = "forest"
    rounds_param = None
    supports_init_model = False
    default_params = DEFAULT_PARAMS
    search_space = SEARCH_SPACE
    _sklearn_class = RandomForestRegressor

    def __init__(
        self,
        n_estimators: int = _P["n_estimators"],
        max_features: float | str | None = _P["max_features"],
        min_samples_leaf: int = _P["min_samples_leaf"],
        max_depth: int | None = _P["max_depth"],
        random_state: int = 0,
        n_jobs: int = 2,
    ):
        store_params(self, locals())

    def _train(self, X, y, X_val, y_val, init, n_rounds=None):
        forest = self._sklearn_class(
            n_estimators=self.n_estimators,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
            max_depth=self.max_depth,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(X, y)
        # keep only the C tree structures: they are what we save and what we predict with
        return [est.tree_ for est in forest.estimators_], self.n_estimators

    def _predict_native(self, X: np.ndarray) -> np.ndarray:
        X32 = np.ascontiguousarray(X, dtype=np.float32)

        def one(tree) -> np.ndarray:
            return tree.predict(X32).reshape(len(X32), -1)[:, 0]

        if self.n_jobs > 1 and len(self.model_) > 1:  # the C traversal releases the GIL
            with ThreadPoolExecutor(max_workers=self.n_jobs) as pool:
                parts = list(pool.map(one, self.model_))
        else:
            parts = [one(tree) for tree in self.model_]
        total = np.zeros(X.shape[0], dtype=np.float64)
        for part in parts:  # a fixed order: the sum does not depend on the threads
            total += part
        return total / len(self.model_)

    def _save_native(self, path: Path) -> dict:
        return save_trees(self.model_, len(self.prep_.columns), path)

    def _load_native(self, path: Path, state: dict) -> None:
        self.model_ = load_trees(path, state)


def _forest_doc(summary: str) -> str:
    """``summary`` above the shared parameter documentation of :class:`_ForestModel`."""
    return f"{summary}\n\n{_ForestModel.__doc__.split(chr(10), 2)[2]}"


@register_model
class RandomForestModel(_ForestModel):
    __doc__ = _forest_doc("Random forest (bootstrap rows, random feature subsets).")
    name = "rf"
    _sklearn_class = RandomForestRegressor


@register_model
class ExtraTreesModel(_ForestModel):
    __doc__ = _forest_doc("Extremely randomised trees (random thresholds, all rows).")
    name = "extra_trees"
    _sklearn_class = ExtraTreesRegressor
