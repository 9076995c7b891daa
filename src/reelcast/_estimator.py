"""What every reelcast estimator shares: one not-fitted check and message, ``__init__``
arguments kept as given, and the base of the single-column encoders.

The column encoders (TF-IDF and MiniLM text blocks, poster features and CNN embeddings, the
precomputed lookup) each read one column of a film table and return a numeric frame with one
row per film, in the spirit of skrub's single-column transformers: :class:`ColumnEncoder` holds
what they would otherwise each repeat (the column check, ``get_feature_names_out``, the output
frame, the tags).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

from ._errors import NotFittedError, SchemaError

__all__ = ["ColumnEncoder", "ModelNotFittedError", "check_fitted", "store_params"]


class ModelNotFittedError(NotFittedError, _SklearnNotFittedError):
    """reelcast's ``NotFittedError`` that sklearn's estimator checks also accept."""


def check_fitted(estimator, attribute: str, how: str = "fit") -> None:
    """Raise the one not-fitted error unless ``estimator`` has ``attribute`` (set by ``fit``).

    The message names the class and what to call: ``"This GenreClassifier is not fitted yet;
    call fit first."`` (``how`` is ``"fit(films)"``, ``"fit(films) or load a model directory"``,
    ...).
    """
    if not hasattr(estimator, attribute):
        raise ModelNotFittedError(f"This {type(estimator).__name__} is not fitted yet; call {how} "
                                  "first.")


def store_params(estimator, params: dict) -> None:
    """Keep each ``__init__`` argument as is, under its own name (sklearn's contract).

    Called as ``store_params(self, locals())`` first thing in ``__init__``.
    """
    for key, value in params.items():
        if key not in ("self", "__class__"):
            setattr(estimator, key, value)


class ColumnEncoder(TransformerMixin, BaseEstimator):
    """Base of the transformers that encode one column of a film table as numeric columns.

    A subclass's ``fit`` sets ``feature_names_out_``; its ``transform`` reads the column through
    :meth:`_column` and returns :meth:`_frame` of its values (same index as the input). The column
    is the parameter named by ``column_param`` (``"column"``; the lookup reads ``"key"``).
    """

    column_param = "column"

    def _column(self, X) -> pd.Series:
        column = getattr(self, self.column_param)
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(f"{type(self).__name__}: column {column!r} is missing; got a "
                              f"{type(X).__name__}, not a DataFrame")
        if column not in X.columns:
            raise SchemaError(f"{type(self).__name__}: column {column!r} is missing; got "
                              f"columns {list(X.columns)[:8]}")
        return X[column]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object).copy()

    def _frame(self, values: np.ndarray, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(values, index=X.index, columns=list(self.get_feature_names_out()))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
