"""The matrix LightGBM predicts from, built from a feature frame without LightGBM's pandas path.

Given a DataFrame, ``Booster.predict`` copies it, maps every categorical column to its training
categories, replaces codes by NaN where unknown and converts the result (``_data_from_pandas``):
~1.5 ms of fixed cost per call, paid three times by a one-film forecast (forecast, TreeSHAP,
rating). :func:`booster_input` builds the same float64 matrix for the frames reelcast's features
make (float64 columns and categoricals); any other frame is returned unchanged, for LightGBM's
own conversion. Predictions from either input are the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["booster_input", "booster_predict"]

# up to this many rows a prediction runs on one thread: for a film or a few, an OpenMP parallel
# region costs more than it saves, and its threads spin on cores other requests need
_ONE_THREAD_ROWS = 64


def booster_input(X: pd.DataFrame, booster) -> np.ndarray | pd.DataFrame:
    """``X`` as LightGBM's float64 input for ``booster`` (a ``lightgbm.Booster``).

    Categorical columns become their codes in the booster's training categories (NaN for a
    missing or unseen level), as LightGBM's pandas conversion does.
    """
    if not isinstance(X, pd.DataFrame) or not len(X):
        return X
    levels = booster.pandas_categorical or []
    dtypes = list(X.dtypes)
    categorical = [i for i, d in enumerate(dtypes) if isinstance(d, pd.CategoricalDtype)]
    numeric = [i for i, d in enumerate(dtypes) if d == np.float64]
    if len(categorical) != len(levels) or len(categorical) + len(numeric) != len(dtypes):
        return X  # not a frame of floats and categoricals: LightGBM converts it itself
    out = np.empty(X.shape, dtype=np.float64)
    out[:, numeric] = X.select_dtypes(include=[np.float64]).to_numpy(np.float64)
    for position, categories in zip(categorical, levels, strict=True):
        column = X.iloc[:, position]
        if list(column.cat.categories) != list(categories):
            column = column.cat.set_categories(categories)
        codes = column.cat.codes.to_numpy()
        out[:, position] = np.where(codes == -1, np.nan, codes)
    return out


def booster_predict(booster, X, **params) -> np.ndarray:
    """``booster.predict(X, **params)`` from :func:`booster_input`, on one thread for a few rows
    (``num_threads`` otherwise as given: the thread count never changes a prediction)."""
    if len(X) <= _ONE_THREAD_ROWS:
        params["num_threads"] = 1
    return booster.predict(booster_input(X, booster), **params)
