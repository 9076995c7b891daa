"""The shipped US CPI-U series and the conversion to 2017 dollars."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import InputError
from reelcast.data import load_cpi, to_2017_dollars


@pytest.mark.parametrize(("year", "cpi"), [(1913, 9.9), (1980, 82.4), (2000, 172.2),
                                           (2007, 207.342), (2017, 245.120)])
def test_anchor_values(year, cpi):
    assert load_cpi().loc[year] == pytest.approx(cpi)


def test_series_is_complete_and_year_on_year_changes_are_historical():
    cpi = load_cpi()
    assert cpi.index.tolist() == list(range(1913, 2018))
    change = cpi.pct_change().dropna()
    # US annual inflation 1914-2017 stayed within -10.9% (1921) and +18.0% (1918): a
    # transcription typo in the shipped table would break this
    assert change.min() > -0.11 and change.max() < 0.185
    assert change.idxmin() == 1921 and change.idxmax() == 1918


def test_resource_names_its_source():
    text = resources.files("reelcast").joinpath("resources", "us_cpi_annual.csv").read_text()
    assert "CUUR0000SA0" in text and "Bureau of Labor Statistics" in text


@pytest.mark.parametrize(("amount", "year", "expected"), [
    (1_000_000, 2017, 1_000_000.0),
    (1_000_000, 1980, 1_000_000 * 245.120 / 82.4),
    (100.0, 2000, 100 * 245.120 / 172.2),
])
def test_to_2017_dollars_scalar(amount, year, expected):
    assert to_2017_dollars(amount, year) == pytest.approx(expected)


@pytest.mark.parametrize(("amount", "year"), [(1.0, 2018), (1.0, 1900), (None, 2000),
                                              (1.0, None), (1.0, float("nan"))])
def test_outside_the_series_or_missing_is_nan(amount, year):
    assert math.isnan(to_2017_dollars(amount, year))


def test_vectorised_keeps_the_index_and_handles_missing_years():
    amounts = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    years = pd.Series([2017, 1980, pd.NA, 2030], dtype="Int64", index=list("abcd"))
    out = to_2017_dollars(amounts, years)
    assert out.index.tolist() == list("abcd")
    assert out["a"] == pytest.approx(1.0) and out["b"] == pytest.approx(2 * 245.12 / 82.4)
    assert np.isnan(out["c"]) and np.isnan(out["d"])


@pytest.mark.parametrize(("amount", "year"), [(1.0, "1980"), (1.0, 1980.5), ("$5", 1980),
                                              (True, 1980)])
def test_bad_scalar_input_raises_input_error(amount, year):
    with pytest.raises(InputError):
        to_2017_dollars(amount, year)
