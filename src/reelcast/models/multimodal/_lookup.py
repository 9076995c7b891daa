"""A transformer that looks precomputed per-film vectors up by film id (benchmarks, caches)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..._errors import InputError
from ..._estimator import ColumnEncoder

__all__ = ["PrecomputedEncoder"]


class PrecomputedEncoder(ColumnEncoder):
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

    column_param = "key"

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

    def transform(self, X) -> pd.DataFrame:
        self.get_feature_names_out()  # the not-fitted check
        found = self.table.reindex(self._column(X).to_numpy())
        return self._frame(found.to_numpy(dtype=np.float64), X)
