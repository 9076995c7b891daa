"""Temporal attribute differences (P-EL): ``D_t = X_t − X_{t−1}`` over films in release order.

P-EL sorts the films by release date and adds, for chosen attributes, the difference between a
film and the film released just before it. Defined that way on a random split, a test film's
predecessor may itself be a test film, and at forecast time "the film before" is ambiguous.
reelcast fixes one definition that is the same in training and at prediction time:

    the predecessor of a film released on date ``t`` is the **last film seen in ``fit``
    released strictly before ``t``** (films sharing a date are ordered as they came in ``fit``,
    and a film never uses another film of its own date).

So ``fit`` stores, for each distinct release date of the training films, the attribute values
of the last film on that date; ``transform`` looks up the latest stored date before each row's
date. A new film therefore differs from the latest *training* film before it, never from other
new films or from anything released on or after its own date. Rows with no earlier film, or
without a date, get NaN differences; a missing attribute on either side gives NaN.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype
from sklearn.base import BaseEstimator, TransformerMixin

from .._errors import InputError, SchemaError
from .._estimator import check_fitted, store_params

__all__ = ["TemporalDifferences"]


class TemporalDifferences(TransformerMixin, BaseEstimator):
    """Add ``diff_<col>`` = value − value of the latest earlier training film, per column.

    Parameters
    ----------
    columns : list of str or None
        Numeric columns to difference; ``None`` takes every numeric column but the date.
    date_column : str
        Column holding the release date (datetime-like).
    prefix : str
        Prefix of the new columns.
    keep_date : bool
        Keep ``date_column`` in the output (default: drop it, models read numbers).

    Examples
    --------
    >>> import pandas as pd
    >>> films = pd.DataFrame({"release_date": pd.to_datetime(["2001-01-01", "2001-02-01"]),
    ...                       "log_budget": [16.0, 17.5]})
    >>> TemporalDifferences().fit_transform(films)["diff_log_budget"].tolist()
    [nan, 1.5]
    """

    def __init__(self, columns=None, date_column: str = "release_date", prefix: str = "diff_",
                 keep_date: bool = False):
        store_params(self, locals())

    def _dates(self, X: pd.DataFrame) -> np.ndarray:
        if self.date_column not in X.columns:
            raise SchemaError(
                f"TemporalDifferences needs the date column '{self.date_column}'; "
                f"got columns {list(X.columns)[:10]}"
            )
        try:
            with warnings.catch_warnings():  # text dates: the error below is the message
                warnings.simplefilter("ignore", UserWarning)
                dates = pd.to_datetime(X[self.date_column])
        except (TypeError, ValueError) as exc:
            raise InputError(f"column '{self.date_column}' is not a date: {exc}") from exc
        values = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
        values[dates.isna().to_numpy()] = np.nan
        return values

    def fit(self, X: pd.DataFrame, y=None):
        if not isinstance(X, pd.DataFrame):
            raise InputError(f"TemporalDifferences needs a DataFrame, got {type(X).__name__}")
        dates = self._dates(X)
        if self.columns is None:
            cols = [c for c in X.columns if c != self.date_column and is_numeric_dtype(X[c])
                    and not isinstance(X[c].dtype, pd.CategoricalDtype)]
        else:
            cols = list(self.columns)
            missing = [c for c in cols if c not in X.columns]
            if missing:
                raise SchemaError(f"TemporalDifferences: columns {missing} are not in X")
            text = [c for c in cols if not is_numeric_dtype(X[c])]
            if text:
                raise SchemaError(f"TemporalDifferences: columns {text} are not numeric")
        values = X[cols].to_numpy(dtype=np.float64, na_value=np.nan)
        known = ~np.isnan(dates)
        order = np.argsort(dates[known], kind="stable")  # stable: same-day films keep fit order
        d_sorted = dates[known][order]
        v_sorted = values[known][order]
        # the last film on each distinct date is the predecessor of every later date
        last = np.r_[d_sorted[1:] != d_sorted[:-1], True] if len(d_sorted) else np.zeros(0, bool)
        self.columns_ = cols
        self.dates_ = d_sorted[last]
        self.values_ = v_sorted[last]
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def predecessor_dates(self, X: pd.DataFrame) -> pd.Series:
        """The release date of each row's predecessor (NaT where there is none)."""
        pos = self._positions(self._dates(X))
        out = np.full(len(pos), np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = pos >= 0
        out[ok] = self.dates_[pos[ok]].astype(np.int64).astype("datetime64[ns]")
        return pd.Series(out, index=X.index, name="predecessor_date")

    def _positions(self, dates: np.ndarray) -> np.ndarray:
        self._check_fitted()
        # strictly earlier: side="left" finds the first stored date >= t; the one before it is < t
        pos = np.searchsorted(self.dates_, np.nan_to_num(dates, nan=-np.inf), side="left") - 1
        pos[np.isnan(dates)] = -1
        return pos

    def _check_fitted(self) -> None:
        check_fitted(self, "columns_", "fit(X)")

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check_fitted()
        if not isinstance(X, pd.DataFrame):
            raise InputError(f"TemporalDifferences needs a DataFrame, got {type(X).__name__}")
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise SchemaError(f"TemporalDifferences: X lacks columns {missing} seen in fit")
        pos = self._positions(self._dates(X))
        current = X[self.columns_].to_numpy(dtype=np.float64, na_value=np.nan)
        previous = np.full_like(current, np.nan)
        ok = pos >= 0
        previous[ok] = self.values_[pos[ok]]
        diffs = pd.DataFrame(current - previous, index=X.index,
                             columns=[f"{self.prefix}{c}" for c in self.columns_])
        base = X if self.keep_date else X.drop(columns=[self.date_column])
        return pd.concat([base, diffs], axis=1)

    def get_feature_names_out(self, input_features=None):
        self._check_fitted()
        base = [c for c in self.feature_names_in_ if self.keep_date or c != self.date_column]
        return np.asarray(base + [f"{self.prefix}{c}" for c in self.columns_], dtype=object)
