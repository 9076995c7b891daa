"""A transformer that looks precomputed per-film vectors up by film id (benchmarks, caches)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from ..._errors import InputError, SchemaError
from ..._estimator import check_fitted

__all__ = ["PrecomputedEncoder"]


class PrecomputedEncoder(TransformerMixin, BaseEstimator):
    """Rows of ``table`` looked up by ``films[key]``; films not in the table get NaN.

    Useful when a block (poster features, MiniLM overview embeddings, the as-of feature table) is
    expensive and the same for every model of a benchmark: compute it once, then hand this
    transformer to :class:`MultimodalRevenueRegressor` in place of the real encoder.

    Parameters
    ----------
    table : DataFrame
        Numeric columns, indexed by the key (unique).
    key : str, default "film_id"
    """

    def __init__(self, table=None, key="film_id"):
        self.table = table
        self.key = key

    def fit(self, X=None, y=None, **fit_params):
        if not isinstance(self.table, pd.DataFrame):
            raise InputError(f"The 'table' parameter of PrecomputedEncoder must be a DataFrame, "
                             f"got {type(self.table).__name__}")
        if not self.table.index.is_unique:
            raise InputError("The 'table' parameter of PrecomputedEncoder must have a unique index")
        self.feature_names_out_ = np.asarray([str(c) for c in self.table.columns], dtype=object)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def transform(self, X) -> pd.DataFrame:
        names = self.get_feature_names_out()
        if not isinstance(X, pd.DataFrame) or self.key not in X.columns:
            raise SchemaError(f"PrecomputedEncoder expects a DataFrame with a {self.key!r} column")
        out = self.table.reindex(X[self.key].to_numpy())
        out = pd.DataFrame(out.to_numpy(dtype=np.float64), index=X.index, columns=list(names))
        return out
