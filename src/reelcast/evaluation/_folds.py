"""Validation folds: time-ordered expanding windows (a model is validated only on rows after its
data) and a seeded random hold-out for networks' early stopping."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import InputError

__all__ = ["TimeOrderedFolds", "as_time_array", "validation_split"]


def as_time_array(time, n: int) -> np.ndarray:
    """Dates or numbers → float64 ordering keys; NaN/NaT is refused (it has no place in time)."""
    values = pd.Series(np.asarray(time) if not isinstance(time, pd.Series) else time.to_numpy())
    if len(values) != n:
        raise InputError(f"The 'time' parameter has {len(values)} values but X has {n} rows.")
    if pd.api.types.is_datetime64_any_dtype(values) or values.dtype == object:
        try:
            values = pd.to_datetime(values)
        except (TypeError, ValueError) as exc:
            raise InputError(f"The 'time' parameter must be dates or numbers: {exc}") from exc
        keys = values.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
        keys[values.isna().to_numpy()] = np.nan
    else:
        keys = pd.to_numeric(values, errors="coerce").to_numpy(np.float64)
    if np.isnan(keys).any():
        bad = int(np.isnan(keys).sum())
        raise InputError(f"The 'time' parameter has {bad} missing values; every row needs one.")
    return keys


class TimeOrderedFolds:
    """Expanding-window splits over rows ordered by ``time``.

    The earliest ``min_train_fraction`` of the rows only ever train; the rest is cut into
    ``n_folds`` consecutive blocks. Fold ``k`` validates on block ``k`` and trains on every row
    **strictly earlier** than the block's first time, so rows sharing a time are never split
    across a boundary and no model sees its own future (or present).

    Parameters
    ----------
    n_folds : int
    min_train_fraction : float in (0, 1)
    """

    def __init__(self, n_folds: int = 5, min_train_fraction: float = 0.3):
        self.n_folds = n_folds
        self.min_train_fraction = min_train_fraction

    def split(self, time) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return ``[(train_positions, validation_positions), …]`` in time order."""
        if not (isinstance(self.n_folds, int | np.integer) and self.n_folds >= 1):
            raise InputError(f"The 'n_folds' parameter must be an int >= 1, got {self.n_folds!r}.")
        if not 0 < self.min_train_fraction < 1:
            raise InputError(
                f"The 'min_train_fraction' parameter must be in (0, 1), "
                f"got {self.min_train_fraction!r}."
            )
        keys = as_time_array(time, len(time))
        n = len(keys)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        start = int(np.ceil(self.min_train_fraction * n))
        bounds = np.linspace(start, n, self.n_folds + 1).round().astype(int)
        # move each boundary forward past ties so that a time value lives in one block only
        for i, b in enumerate(bounds):
            while 0 < b < n and ordered[b] == ordered[b - 1]:
                b += 1
            bounds[i] = b
        folds = []
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            if a >= 1 and b > a:
                folds.append((np.sort(order[:a]), np.sort(order[a:b])))
        if not folds:
            raise InputError(
                f"time has too few distinct values ({len(np.unique(keys))}) for "
                f"{self.n_folds} time-ordered folds"
            )
        return folds


def validation_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded ``(train, validation)`` positions; with under 5 rows both are all rows."""
    if not 0 < fraction < 1:
        raise InputError(f"validation_fraction must be in (0, 1), got {fraction!r}")
    if n < 5:
        everything = np.arange(n)
        return everything, everything
    order = np.random.default_rng(seed).permutation(n)
    n_val = max(1, int(round(n * fraction)))
    return np.sort(order[n_val:]), np.sort(order[:n_val])
