"""Temporal splits: train on the past, test on later years — the way a forecast is used."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from .._errors import InputError

__all__ = ["cutoff_date", "temporal_split", "rolling_origin_splits", "random_split"]


def cutoff_date(until: str | None, option: str = "--until") -> pd.Timestamp | None:
    """The date an option names (``--until``: before which films train; ``None``: none given),
    or a one-line ``InputError`` naming ``option`` and the value."""
    if until is None:
        return None
    try:
        day = pd.Timestamp(until)
    except (ValueError, TypeError):
        day = pd.NaT
    if pd.isna(day):  # "" parses to NaT: a cutoff before which no film falls
        raise InputError(f"{option} {until!r} is not a date (YYYY-MM-DD)")
    return day


def _dates(films: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(films["release_date"], errors="coerce")


def temporal_split(films: pd.DataFrame, train_end: str = "2014-01-01",
                   test_end: str = "2018-01-01") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Films released before ``train_end`` train; those in ``[train_end, test_end)`` test."""
    t0, t1 = pd.Timestamp(train_end), pd.Timestamp(test_end)
    if t1 <= t0:
        raise InputError(f"test_end must be after train_end, got {train_end!r} and {test_end!r}")
    dates = _dates(films)
    return films.loc[dates < t0], films.loc[(dates >= t0) & (dates < t1)]


def rolling_origin_splits(films: pd.DataFrame, test_years=(2012, 2013, 2014, 2015, 2016, 2017),
                          min_train: int = 500) -> Iterator[tuple[int, pd.DataFrame, pd.DataFrame]]:
    """For each test year Y: train on every film released before Y, test on year Y."""
    dates = _dates(films)
    for year in test_years:
        start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year + 1}-01-01")
        train, test = films.loc[dates < start], films.loc[(dates >= start) & (dates < end)]
        if len(train) >= min_train and len(test) >= 2:
            yield year, train, test


def random_split(films: pd.DataFrame, test_size: float = 0.2,
                 seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random split, shown only beside the temporal one (it lets the future leak into training)."""
    rng = np.random.default_rng(seed)
    mask = rng.random(len(films)) < test_size
    return films.loc[~mask], films.loc[mask]
