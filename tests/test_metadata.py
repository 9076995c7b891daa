"""Metadata features: the numpy calendar and cached categoricals equal what pandas computes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reelcast.features._metadata import _calendar, _categorical


def _dates() -> pd.Series:
    rng = np.random.default_rng(0)
    # every day from 1890 to 2110 is in range; times of day push pre-1970 stamps across midnight
    days = rng.integers(-29_000, 51_000, 3_000).astype("timedelta64[D]")
    seconds = rng.integers(0, 86_400, 3_000).astype("timedelta64[s]")
    stamps = np.datetime64("1970-01-01") + days + seconds
    edge = pd.to_datetime(["1969-12-31 23:59:59", "1970-01-01 00:00:00", "1900-03-01 00:00:01",
                           "2000-02-29 12:00:00", "2100-12-31 23:00:00", "1931-02-28 23:59:59"])
    return pd.Series(np.concatenate([stamps.astype("datetime64[ns]"), edge.to_numpy(),
                                     [np.datetime64("NaT", "ns")]]))


def test_calendar_matches_pandas():
    dates = _dates()
    got = _calendar(dates)
    want = {"year": dates.dt.year, "month": dates.dt.month, "day": dates.dt.day,
            "weekday": dates.dt.weekday, "day_of_year": dates.dt.dayofyear}
    for name, values in want.items():
        np.testing.assert_array_equal(got[name], values.to_numpy(float), err_msg=name)
    assert all(np.isnan(got[name][-1]) for name in want)  # NaT: every part unknown


@pytest.mark.parametrize("values, levels", [
    (["b", "a", "other", "missing"], ("a", "b", "other", "missing")),
    (["missing"], ("x", "other", "missing")),
    ([], ("a", "other", "missing")),
])
def test_categorical_from_codes_matches_the_constructor(values, levels):
    got = pd.Series(_categorical(values, levels))
    want = pd.Series(pd.Categorical(values, categories=list(levels)))
    pd.testing.assert_series_equal(got, want, check_exact=True)
